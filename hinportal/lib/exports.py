"""Changelist exports in the admin (django-import-export), every cell spreadsheet-safe. An export of
more than EXPORT_INLINE_ROWS rows is written by the task worker: the person gets a page that says
how it is going and, when the file is ready, a link to download it (theirs alone)."""

import logging
import uuid
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django_tasks import task
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from hinportal.models import ExportJob

from .text import spreadsheet_row

logger = logging.getLogger(__name__)
FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
# Rows fetched from the database at a time while the worker writes a file.
CHUNK = 2000


class SafeExportResource(resources.ModelResource):
    def export_resource(self, instance: Any, selected_fields: Any = None, **kwargs: Any) -> list:
        return spreadsheet_row(super().export_resource(instance, selected_fields, **kwargs))


class SpreadsheetExportMixin(ExportMixin):
    """Export the changelist, as filtered, to CSV or XLSX; the list also offers our Import page
    when the admin has one (hinportal.lib.imports_admin)."""

    formats = [base_formats.CSV, base_formats.XLSX]
    import_export_change_list_template = "admin/imports/change_list.html"

    def get_urls(self) -> list[Any]:
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = cast(admin.ModelAdmin, self).admin_site.admin_view
        return [
            path("export/<uuid:job_id>/", wrap(self.export_job_view), name=f"{prefix}_export_job"),
            path("export/<uuid:job_id>/file/", wrap(self.export_file_view), name=f"{prefix}_export_file"),
            *super().get_urls(),
        ]

    def _export_url(self, name: str, job: ExportJob) -> str:
        return reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{name}", args=[job.pk])

    def _do_file_export(self, file_format: Any, request: HttpRequest, queryset: Any, export_form: Any = None) -> Any:
        pks = list(queryset.values_list("pk", flat=True)[: settings.EXPORT_MAX_ROWS + 1])
        if len(pks) <= settings.EXPORT_INLINE_ROWS:
            return super()._do_file_export(file_format, request, queryset, export_form=export_form)
        if len(pks) > settings.EXPORT_MAX_ROWS:
            raise ValueError(
                f"That is more than {settings.EXPORT_MAX_ROWS:,} rows: filter the list to fewer and export again."
            )
        resources_offered = self.get_export_resource_classes(request)
        chosen = self.choose_export_resource_class(export_form, request)
        job = ExportJob.objects.create(
            model=self.model._meta.label,
            created_by_id=cast(int, request.user.pk),
            file_name=self.get_export_filename(request, queryset, file_format),
            file_format=file_format.get_extension(),
            resource=resources_offered.index(chosen) if chosen in resources_offered else 0,
            fields=self.get_export_resource_fields_from_form(export_form) or [],
            pks=pks,
            rows_total=len(pks),
        )
        transaction.on_commit(lambda: write_export.enqueue(str(job.pk)))
        return redirect(self._export_url("export_job", job))

    def _own_job(self, request: HttpRequest, job_id: uuid.UUID) -> ExportJob:
        """An export of this list that this person asked for; anyone else's is not found."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ExportJob.objects.defer("content", "pks"), pk=job_id, model=self.model._meta.label)
        if job.created_by_id != request.user.pk:
            raise Http404("No such export.")
        return job

    def export_job_view(self, request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
        job = self._own_job(request, job_id)
        site = cast(admin.ModelAdmin, self).admin_site
        context = {
            **site.each_context(request),
            "opts": self.model._meta,
            "title": f"Export of {job.rows_total:,} {self.model._meta.verbose_name_plural}",
            "job": job,
            "in_progress": job.state in (ExportJob.State.WAITING, ExportJob.State.WRITING),
            "job_url": self._export_url("export_job", job),
            "file_url": self._export_url("export_file", job),
            "changelist_url": reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"),
        }
        return TemplateResponse(request, "admin/exports/job.html", context)

    def export_file_view(self, request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
        job = self._own_job(request, job_id)
        if job.state != ExportJob.State.DONE:
            raise Http404("This export is not ready.")
        content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
        response = HttpResponse(bytes(content), content_type=FORMATS[job.file_format]().get_content_type())
        response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
        return response


def write(job: ExportJob) -> None:
    """Write the file: the chosen resource and columns over the chosen rows (chosen and scoped to
    the person on their request), in the order the list showed them."""
    model = apps.get_model(job.model)
    model_admin = cast(SpreadsheetExportMixin, admin.site._registry[model])
    resource_class = model_admin.get_export_resource_classes(None)[job.resource]
    resource = resource_class(**model_admin.get_export_resource_kwargs(None))
    file_format = FORMATS[job.file_format]()
    by_pk = model._default_manager.filter(pk__in=job.pks)
    if hasattr(resource, "get_queryset"):
        by_pk = resource.get_queryset().filter(pk__in=job.pks)
    order = {pk: position for position, pk in enumerate(job.pks)}
    rows = sorted(by_pk.iterator(chunk_size=CHUNK), key=lambda row: order[row.pk])
    dataset = resource.export(queryset=rows, export_fields=job.fields or None)
    data = file_format.export_data(dataset)
    job.content = data if isinstance(data, bytes) else data.encode(model_admin.to_encoding or "utf-8")
    job.state, job.finished_at = ExportJob.State.DONE, timezone.now()
    job.save(update_fields=["content", "state", "finished_at"])


@task()
def write_export(job_id: str) -> None:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("Export job %s no longer exists", job_id)
        return
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.WRITING)
    try:
        write(job)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, message=f"The file could not be written: {error}", finished_at=timezone.now()
        )
        raise

"""Import pages in the admin: upload, a page per job (progress, the plan, problems), confirm.

A file of up to IMPORT_INLINE_ROWS rows is checked and imported while the person waits; a larger
one goes to the task worker, and its page shows how far the check has gone.
"""

import uuid
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from hinportal.models import ImportJob

from . import tasks
from .imports import Importer
from .spreadsheets import UnreadableFile, check_size, read_table

State = ImportJob.State
SHOWN_PROBLEMS = 200


class UploadForm(forms.Form):
    import_file = forms.FileField(
        label="File to import",
        help_text="CSV (UTF-8) or Excel workbook (XLSX); the first row names the columns.",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )


if TYPE_CHECKING:  # the mixin only ever sits on a ModelAdmin
    _Base = admin.ModelAdmin
else:
    _Base = object


class ImportAdminMixin(_Base):
    """Adds import pages to a ModelAdmin whose `importer` names an Importer subclass."""

    importer: str = ""

    def importer_class(self) -> type[Importer]:
        importer: type[Importer] = import_string(self.importer)
        return importer

    def get_urls(self) -> list[Any]:
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path("import/<uuid:job_id>/", wrap(self.import_job_view), name=f"{prefix}_import_job"),
            path(
                "import/<uuid:job_id>/confirm/",
                wrap(require_POST(self.import_confirm_view)),
                name=f"{prefix}_import_confirm",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) or self.has_change_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {"has_import_permission": self.has_import_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def _url(self, name: str, *args: Any) -> str:
        return reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{name}", args=args)

    def _get_job_for_importer(self, request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
        """A job of this kind that this person uploaded; anyone else's is not found."""
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id, importer=self.importer)
        if job.created_by_id != request.user.pk:
            raise Http404("No such import.")
        return job

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        importer = self.importer_class()
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "columns": importer.columns,
            "key": importer.key,
            "noun": importer.noun,
            "changelist_url": self._url("changelist"),
            "import_url": self._url("import"),
            "limits": {"rows": settings.IMPORT_MAX_ROWS, "bytes": settings.IMPORT_MAX_BYTES},
            **extra,
        }

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                check_size(upload.size)
                content = upload.read()
                table = read_table(content, upload.name)
                self.importer_class()(user=request.user).header_positions(table)
            except UnreadableFile as problem:
                form.add_error("import_file", str(problem))
            else:
                job = ImportJob.objects.create(
                    importer=self.importer,
                    created_by_id=cast(int, request.user.pk),
                    file_name=upload.name[:255],
                    content=content,
                )
                if len(table.rows) <= settings.IMPORT_INLINE_ROWS:
                    tasks.run_check(job)
                    return self._job_page(request, job, status=400 if job.state == State.REFUSED else 200)
                tasks.check_import.enqueue(str(job.pk))
                return redirect(self._url("import_job", job.pk))
        context = self._context(request, form=form, title=f"Import {self.model._meta.verbose_name_plural}")
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/imports/upload.html", context, status=status)

    def import_job_view(self, request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
        job = self._get_job_for_importer(request, job_id)
        if tasks.is_abandoned(job):
            job.state = State.STOPPED
            job.message = "The task worker stopped before it finished. Nothing was written: try again."
            job.save(update_fields=["state", "message"])
        return self._job_page(request, job)

    def import_confirm_view(self, request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
        job = self._get_job_for_importer(request, job_id)
        if not self.has_import_permission(request):
            raise PermissionDenied
        ready = job.state == State.READY or (job.state == State.STOPPED and job.counts)
        if not ready:
            return self._job_page(request, job, status=409)
        if job.rows_total <= settings.IMPORT_INLINE_ROWS:
            tasks.run_import(job)
        else:
            job.state = State.IMPORTING
            job.started_at = None
            job.save(update_fields=["state", "started_at"])
            tasks.import_rows.enqueue(str(job.pk))
        return redirect(self._url("import_job", job.pk))

    def _job_page(self, request: HttpRequest, job: ImportJob, status: int = 200) -> HttpResponse:
        context = self._context(
            request,
            job=job,
            problems=job.problems[:SHOWN_PROBLEMS],
            more_problems=max(len(job.problems) - SHOWN_PROBLEMS, 0),
            confirm_url=self._url("import_confirm", job.pk),
            job_url=self._url("import_job", job.pk),
            in_progress=job.state in ImportJob.IN_PROGRESS,
            title=f"Import {self.model._meta.verbose_name_plural}: {job.file_name}",
        )
        return TemplateResponse(request, "admin/imports/job.html", context, status=status)

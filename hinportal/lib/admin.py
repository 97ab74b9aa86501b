"""The scoping every model admin shares: each person sees and changes only what hinportal.lib.access
allows, with history, workflow actions and optimistic locking."""

import re
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Field, IntegerField, Model, QuerySet, URLField
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from .access import SHARED, can_change, choosable, is_national_admin, owns, scope, staff_network_id
from .versioning import VersionCheckedForm, Versioned

EXACT_COUNT_UP_TO = 10_000
# A row id in a URL: digits that fit in a bigint, so that a forged id is a 404 and not a database error.
ROW_ID = re.compile(r"[0-9]{1,18}")
# A link typed without its scheme is taken as https, as Django 6 will take it (Django 5.2 takes http,
# and warns of the change for every admin form with a link). Every admin and inline here sets it.
LINKS_ASSUME_HTTPS: Mapping[type[Field], Mapping[str, Any]] = {URLField: {"assume_scheme": "https"}}


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ten thousand rows; beyond that, takes PostgreSQL's planner estimate,
    so that a changelist over 100,000 rows never counts the whole table."""

    @cached_property
    def count(self) -> int:
        queryset: Any = self.object_list
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:  # a queryset that can hold no rows (.none()) has no SQL to explain
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            estimate = int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])
        return estimate if estimate > EXACT_COUNT_UP_TO else queryset.count()


class NamedEmptyAutocomplete(AutocompleteSelect):
    """The admin's autocomplete, whose empty choice says what it is: "None", or for a required field
    with nothing chosen yet "Choose one" (an empty <option>, or a required <select> with none, is
    invalid HTML)."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        groups = super().optgroups(name, value, attr)
        if self.is_required and not any(options for _, options, _ in groups):
            groups.insert(0, (None, [self.create_option(name, "", "Choose one", False, 0)], 0))
        for _, options, _ in groups:
            for option in options:
                if option["value"] == "" and not option["label"]:
                    option["label"] = "None"
        return groups


def label_parts(field: Any) -> Any:
    """A date and time split into two inputs under one label: name each input (axe: label)."""
    if field is not None and isinstance(field.widget, forms.MultiWidget) and field.label:
        for part, widget in zip(("date", "time"), field.widget.widgets, strict=False):
            widget.attrs.setdefault("aria-label", f"{capfirst(str(field.label))}: {part}")
    return field


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs each carry their column's name (the column heading is not a label)."""

    formfield_overrides = LINKS_ASSUME_HTTPS

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):  # type: ignore[valid-type, misc]
            def add_fields(self, form: forms.Form, index: int | None) -> None:
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"

        return Labelled

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = label_parts(super().formfield_for_dbfield(db_field, request, **kwargs))
        if field is not None and not isinstance(field.widget, forms.MultiWidget):
            field.widget.attrs.setdefault("aria-label", capfirst(str(field.label or db_field.verbose_name)))
        return field


class ScopedModelAdmin(admin.ModelAdmin):
    """A model admin that shows network staff only what their network owns (hinportal.lib.access),
    answers 404 for anything else, and limits related choices to the network."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    formfield_overrides = LINKS_ASSUME_HTTPS
    national_only_fields: tuple[str, ...] = ("is_demo",)
    # Relations that say what a record adopts, spreads or concerns, rather than who owns it:
    # they offer anything public plus the network's own drafts (access.choosable).
    public_choice_fields: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self._autocompleting_a_public_choice(request):
            return choosable(queryset, request.user)
        return scope(queryset, request.user)

    def _autocompleting_a_public_choice(self, request: HttpRequest) -> bool:
        if request.path != reverse("admin:autocomplete"):
            return False
        try:
            source = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
        except (LookupError, ValueError):
            return False
        source_admin = self.admin_site._registry.get(source)
        return request.GET.get("field_name") in getattr(source_admin, "public_choice_fields", ())

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Model:
        numeric = isinstance(self.model._meta.pk, IntegerField)
        if from_field is None and numeric and not ROW_ID.fullmatch(str(object_id)):
            raise Http404("No such record.")  # not a number PostgreSQL could hold as an id
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record, or not one of your network's.")
        return obj

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and not (is_national_admin(request.user) or owns(request.user, obj)):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or can_change(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or can_change(request.user, obj))

    def has_publish_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not is_national_admin(request.user):
            model_fields = {f.name for f in self.model._meta.fields}
            # A workflow's publishing status changes only through its transitions (the actions);
            # other models' status fields (an adoption's, a request for help's) are plain data.
            workflow_status = ("status",) if hasattr(self.model, "transition") else ()
            fields += [name for name in (*self.national_only_fields, *workflow_status) if name in model_fields]
        return list(dict.fromkeys(fields))

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any) -> Any:
        if issubclass(self.model, Versioned) and not issubclass(self.form, VersionCheckedForm):
            kwargs.setdefault("form", type("VersionChecked", (VersionCheckedForm, self.form), {}))
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fieldsets: Any = super().get_fieldsets(request, obj)
        if obj is None or not issubclass(self.model, Versioned) or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        if "version_seen" in options["fields"]:
            return fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version_seen"]}), *rest]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A list of coded values (clinical areas, care settings, Core20PLUS5) is chosen from
        # labelled checkboxes, not typed as comma-separated codes.
        if isinstance(db_field, ArrayField) and db_field.base_field.choices:
            return forms.TypedMultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=db_field.base_field.choices,
                coerce=str,
                required=not db_field.blank,
                widget=forms.CheckboxSelectMultiple,
                help_text=db_field.help_text,
            )
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        return label_parts(field)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is AutocompleteSelect:
            field.widget.__class__ = NamedEmptyAutocomplete
        return self._limit(field, db_field, request)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._limit(field, db_field, request)

    def _limit(self, field: Any, db_field: Any, request: HttpRequest) -> Any:
        if field is None or not hasattr(db_field.related_model, "owner_path"):
            return field
        if db_field.name in self.public_choice_fields:
            field.queryset = choosable(field.queryset, request.user)
        else:
            field.queryset = scope(field.queryset, request.user)
        return field

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        """Every form save passes can_change twice: as the record stands in the database, and as it
        would stand after the save (so no save can move a record out of the person's reach)."""
        owner_field = getattr(obj, "owner_path", "")
        network_id = staff_network_id(request.user)
        own_field = owner_field and "__" not in owner_field and owner_field not in ("pk", SHARED)
        if network_id and own_field and not getattr(obj, f"{owner_field}_id"):
            setattr(obj, f"{owner_field}_id", network_id)  # a new record belongs to its author's network
        if change:
            current = type(obj)._default_manager.get(pk=obj.pk)
            if not can_change(request.user, current):
                raise PermissionDenied
            keep_fields_outside_the_form(obj, current, form)
        if not can_change(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # An action posted for records outside the person's scope is refused as if they did not exist.
        if request.method == "POST" and "action" in request.POST:
            selected = set(request.POST.getlist(ACTION_CHECKBOX_NAME))
            try:
                records = list(self.get_queryset(request).filter(pk__in=selected))
            except (ValueError, ValidationError):
                raise Http404("No such records.") from None
            if len(records) != len(selected):
                raise Http404("No such records, or not all of them your network's.")
            # Django's bulk delete asks only whether the person may delete this kind of record.
            if request.POST["action"] == "delete_selected" and not all(
                self.has_delete_permission(request, record) for record in records
            ):
                raise PermissionDenied("Some of these records are published or archived: ask a publisher.")
        return super().changelist_view(request, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)


def keep_fields_outside_the_form(obj: Model, current: Model, form: Any) -> None:
    """Give a record being saved the stored value of every field its form does not edit.

    For a normal change this changes nothing. Reverting to an earlier version starts from the
    historical row, so without this a revert would also restore what the form never offered:
    the publishing status (publishing without review), counts kept by triggers, who changed it.
    """
    editable = set(form.fields) if form is not None else set()
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in editable:
            continue
        setattr(obj, field.attname, getattr(current, field.attname))


class ScopedAdmin(ScopedModelAdmin, SimpleHistoryAdmin):
    """A scoped model admin whose records keep a full history (django-simple-history) that staff
    can read and restore from."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not ROW_ID.fullmatch(version_id):
            raise Http404("No such version.")
        obj = self.get_object(request, object_id)
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic():  # as Django's own change form: the version check locks the row until saved
            return super().history_form_view(request, object_id, version_id, extra_context)


def _transition_action(action: str, label: str, permission: str) -> Callable[..., None]:
    @admin.action(description=label, permissions=[permission])
    def run(modeladmin: ScopedAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        done, refused = 0, []
        for obj in queryset:
            try:
                obj.transition(action, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(" ".join(getattr(error, "messages", [str(error)])))
        if done:
            modeladmin.message_user(request, f"{label}: {done} done.", messages.SUCCESS)
        for reason in refused:
            modeladmin.message_user(request, reason, messages.WARNING)

    run.__name__ = action
    return run


WORKFLOW_ACTIONS = [
    _transition_action("submit", "Submit for review", "change"),
    _transition_action("return_to_draft", "Return to draft", "change"),
    _transition_action("publish", "Publish", "publish"),
    _transition_action("unpublish", "Unpublish (back to draft)", "publish"),
    _transition_action("archive", "Archive", "publish"),
]

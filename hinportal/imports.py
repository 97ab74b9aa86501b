"""What every spreadsheet import shares: network scoping, formula and duplicate checks, file limits."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from .access import is_national_admin, owns
from .text import spreadsheet_row

# Text that a spreadsheet would run as a formula (CSV injection) is refused, not imported.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key written as a code (an ODS code, a slug), with a plain message when unknown."""

    def __init__(self, model, field: str, label: str) -> None:
        super().__init__(model, field=field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.label} has the code ‘{value}’.") from None


class ScopedResource(resources.ModelResource):
    """Refuses formulas and repeated rows, and any row that touches another network's records."""

    def before_import(self, dataset, **kwargs) -> None:
        if not dataset.headers:
            raise ValueError("The file is empty.")
        expected = {field.column_name for field in self.get_import_fields()}
        missing = [name for name in self._meta.import_id_fields if name not in dataset.headers]
        unknown = [name for name in dataset.headers if name and name not in expected]
        if missing or unknown:
            raise ValueError(
                "The columns do not match: "
                + "; ".join(
                    filter(
                        None,
                        [
                            f"missing {', '.join(missing)}" if missing else "",
                            f"not recognised {', '.join(unknown)}" if unknown else "",
                        ],
                    )
                )
                + f". Expected columns: {', '.join(sorted(expected))}."
            )
        seen: dict[tuple, int] = {}
        for number, row in enumerate(dataset.dict, start=2):
            key = tuple(str(row.get(name, "")).strip().lower() for name in self._meta.import_id_fields)
            if key in seen:
                raise ValueError(f"Line {number} repeats line {seen[key]} ({', '.join(key)}).")
            seen[key] = number

    def before_import_row(self, row, **kwargs) -> None:
        for column, value in row.items():
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                raise ValueError(f"Column ‘{column}’ starts like a spreadsheet formula ({value[:20]!r}); remove it.")

    def import_instance(self, instance, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        user = kwargs.get("user")
        self.set_owner(instance, user)
        if user is not None and not is_national_admin(user) and not owns(user, instance):
            raise ValidationError("This row touches a record that is not your network's.")

    def set_owner(self, instance, user) -> None:
        """Give a new record its importer's network, where the model keeps its owner directly."""

    def export_resource(self, instance, selected_fields=None, **kwargs) -> list:
        return spreadsheet_row(super().export_resource(instance, selected_fields, **kwargs))


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest we accept is "
                f"{filesizeformat(settings.IMPORT_MAX_BYTES)}. Split it into smaller files."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class ScopedImportExportMixin(ImportExportMixin):
    """Import and export in the admin: preview, all or nothing, and a 400 when anything is refused."""

    import_form_class = LimitedImportForm
    formats = [base_formats.CSV, base_formats.XLSX]

    def add_data_read_fail_error_to_form(self, form, error: Exception) -> None:
        if isinstance(error, UnicodeError):
            form.add_error(
                "import_file",
                "The file could not be read as UTF-8 text. In Excel, use Save As and choose "
                "‘CSV UTF-8 (Comma delimited)’, or upload the workbook as XLSX.",
            )
        else:
            super().add_data_read_fail_error_to_form(form, error)

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        form = context.get("form")
        if (form is not None and form.errors) or (
            result is not None and (result.has_errors() or result.has_validation_errors())
        ):
            response.status_code = 400
        return response

"""Changelist exports in the admin (django-import-export), every cell spreadsheet-safe."""

from typing import Any

from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from .text import spreadsheet_row


class SafeExportResource(resources.ModelResource):
    def export_resource(self, instance: Any, selected_fields: Any = None, **kwargs: Any) -> list:
        return spreadsheet_row(super().export_resource(instance, selected_fields, **kwargs))


class SpreadsheetExportMixin(ExportMixin):
    """Export the changelist, as filtered, to CSV or XLSX; the list also offers our Import page
    when the admin has one (hinportal.lib.imports_admin)."""

    formats = [base_formats.CSV, base_formats.XLSX]
    import_export_change_list_template = "admin/imports/change_list.html"

"""Text fields that never store a control character, whichever way a value arrives.

Cleaning happens in `to_python` (forms, the admin and imports, through full_clean) and again in
`get_prep_value` (every save, bulk_create and update), so no write path can store a character
that would later break a feed, a workbook or a page. Single-line fields also lose tabs and line
breaks.
"""

from typing import Any

from django.db import models

from .text import without_control_characters


def _clean(value: Any, *, single_line: bool) -> Any:
    return without_control_characters(value, single_line=single_line) if isinstance(value, str) else value


class CharField(models.CharField):
    def to_python(self, value: Any) -> Any:
        return _clean(super().to_python(value), single_line=True)

    def get_prep_value(self, value: Any) -> Any:
        return _clean(super().get_prep_value(value), single_line=True)


class TextField(models.TextField):
    def to_python(self, value: Any) -> Any:
        return _clean(super().to_python(value), single_line=False)

    def get_prep_value(self, value: Any) -> Any:
        return _clean(super().get_prep_value(value), single_line=False)

"""Text fields that never store a control character, whichever way a value arrives.

Cleaning happens in `to_python` (forms, the admin and imports, through full_clean) and again in
`get_prep_value` (every save, bulk_create and update), so no write path can store a character
that would later break a feed, a workbook or a page. Single-line fields also lose tabs and line
breaks.
"""

from django.db import models

from .text import without_control_characters


class _CleanText:
    single_line = False

    def _clean(self, value):
        return without_control_characters(value, single_line=self.single_line) if isinstance(value, str) else value

    def to_python(self, value):
        return self._clean(super().to_python(value))

    def get_prep_value(self, value):
        return self._clean(super().get_prep_value(value))


class CharField(_CleanText, models.CharField):
    single_line = True


class TextField(_CleanText, models.TextField):
    pass

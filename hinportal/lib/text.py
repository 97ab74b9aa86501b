"""Text that is safe to keep and to hand on: no control characters, no spreadsheet formulas."""

import re
from typing import Any

# Characters no page, feed (XML 1.0) or workbook (OOXML) may carry: the C0 controls other than tab,
# line feed and carriage return, DEL, the C1 controls, and the two Unicode non-characters U+FFFE/F.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
LINE_BREAKS = re.compile("[\t\r\n]+")
# What a spreadsheet takes as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def without_control_characters(text: str, *, single_line: bool = False) -> str:
    """The text without the characters above; a single-line value also loses tabs and line breaks."""
    text = CONTROL_CHARACTERS.sub("", text)
    return LINE_BREAKS.sub(" ", text) if single_line else text


def spreadsheet_cell(value: Any) -> Any:
    """A value ready for a CSV or XLSX cell: text that a spreadsheet would evaluate as a formula is
    kept as text by a leading apostrophe, and control characters (which break workbooks) are dropped.
    Numbers, dates, booleans and empty values pass unchanged."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(part) for part in value)
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def spreadsheet_row(values: list | tuple) -> list:
    return [spreadsheet_cell(value) for value in values]

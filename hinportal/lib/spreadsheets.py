"""Reading an uploaded CSV or XLSX file into a table, within limits checked before the work.

A spreadsheet is a zip of XML: a few kilobytes can declare a sheet a million rows long and sixteen
thousand columns wide, or unpack to gigabytes. So an XLSX file is measured first (its unpacked
size and compression ratio, then a streaming count of its rows, columns, cells and shared strings,
without building anything) and only then read; a CSV file is counted as it is read. Whatever
passes the limits costs a bounded amount of memory and time to read.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.template.defaultfilters import filesizeformat

CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")
XLSX_SIGNATURE = b"PK\x03\x04"


class UnreadableFile(Exception):
    """A file we will not read, with a message for the person who sent it."""


@dataclass
class Table:
    """The first sheet of a file: its header row and the rows under it, each with its line number."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_unpacked_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            max_ratio=100,
        )

    def too_many_rows(self) -> UnreadableFile:
        return UnreadableFile(
            f"The file has more than {self.max_rows:,} rows. Split it into files of {self.max_rows:,} rows or fewer."
        )

    def too_many_columns(self) -> UnreadableFile:
        return UnreadableFile(
            f"The file has more than {self.max_columns} columns. Keep only the columns this import uses."
        )


def read_table(content: bytes, file_name: str, limits: Limits | None = None) -> Table:
    """The file's header row and data rows, or UnreadableFile saying what is wrong with it."""
    limits = limits or Limits.from_settings()
    check_size(len(content), limits)
    is_xlsx = file_name.lower().endswith(".xlsx") or content.startswith(XLSX_SIGNATURE)
    rows = _read_xlsx(content, limits) if is_xlsx else _read_csv(content, limits)
    rows = [(line, row) for line, row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise UnreadableFile("The file is empty.")
    (_, headers), *data = rows
    return Table(headers=["" if cell is None else str(cell).strip() for cell in headers], rows=data)


def check_size(size: int, limits: Limits | None = None) -> None:
    limits = limits or Limits.from_settings()
    if not size:
        raise UnreadableFile("The file is empty.")
    if size > limits.max_bytes:
        raise UnreadableFile(
            f"The file is {filesizeformat(size)}; the largest we accept is "
            f"{filesizeformat(limits.max_bytes)}. Split it into smaller files."
        )


def _read_csv(content: bytes, limits: Limits) -> list[tuple[int, list]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "The file could not be read as UTF-8 text. In Excel, use Save As and choose "
            "‘CSV UTF-8 (Comma delimited)’, or upload the workbook as XLSX."
        ) from None
    if "\x00" in text:
        raise UnreadableFile("The file is not a CSV file: it holds binary data. Upload a CSV or XLSX file.")
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if len(row) > limits.max_columns:
                raise limits.too_many_columns()
            rows.append((reader.line_num, row))
            if len(rows) > limits.max_rows + 1:
                raise limits.too_many_rows()
    except csv.Error as error:
        raise UnreadableFile(f"Line {reader.line_num} could not be read as CSV ({error}).") from None
    return rows


def _read_xlsx(content: bytes, limits: Limits) -> list[tuple[int, list]]:
    import openpyxl  # only when a workbook arrives

    book_file = io.BytesIO(content)
    _measure_xlsx(book_file, limits)
    try:
        book = openpyxl.load_workbook(book_file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile("The file could not be read as an Excel workbook (XLSX).") from None
    try:
        sheet = book.worksheets[0]
        # Ignore the size the sheet declares: only the cells it holds count (measured above).
        sheet.reset_dimensions()
        rows = []
        for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(row[: limits.max_columns])
            while cells and cells[-1] in (None, ""):
                cells.pop()
            rows.append((line, [_cell_text(cell) for cell in cells]))
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> object:
    """Dates stay dates (a date column reads them); whole numbers lose Excel's ".0"."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, date | int | float):
        return value
    return str(value)


def _measure_xlsx(book_file: io.BytesIO, limits: Limits) -> None:
    """Refuse a workbook whose unpacked size, rows, columns or strings pass the limits, reading
    its XML as a stream (defusedxml refuses entity tricks) and keeping nothing."""
    try:
        archive = zipfile.ZipFile(book_file)
    except zipfile.BadZipFile:
        raise UnreadableFile("The file could not be read as an Excel workbook (XLSX).") from None
    with archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if len(members) > 1000 or unpacked > limits.max_unpacked_bytes:
            raise UnreadableFile(
                f"The workbook unpacks to {filesizeformat(unpacked)}; the most we read is "
                f"{filesizeformat(limits.max_unpacked_bytes)}. Save only the sheet to import, as CSV or XLSX."
            )
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > limits.max_ratio:
                raise UnreadableFile("The workbook is packed in a way we do not read. Save it again as CSV or XLSX.")
        names = {member.filename for member in members}
        sheets = sorted(name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml"))
        if not sheets:
            raise UnreadableFile("The file could not be read as an Excel workbook (XLSX).")
        max_cells = (limits.max_rows + 1) * limits.max_columns
        for name in sheets:
            _count_cells(archive, name, limits, max_cells)
        if "xl/sharedStrings.xml" in names:
            _count_elements(archive, "xl/sharedStrings.xml", "si", max_cells, limits)


def _count_cells(archive: zipfile.ZipFile, name: str, limits: Limits, max_cells: int) -> None:
    cells = 0
    try:
        with archive.open(name) as stream:
            for _, element in iterparse(stream, events=("end",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "row":
                    if int(element.get("r") or 0) > limits.max_rows + 1:
                        raise limits.too_many_rows()
                    element.clear()
                elif tag == "c":
                    cells += 1
                    reference = CELL_REFERENCE.match(element.get("r") or "")
                    if reference and _column_number(reference.group(1)) > limits.max_columns:
                        raise limits.too_many_columns()
                    if cells > max_cells:
                        raise limits.too_many_rows()
    except (DefusedXmlException, SyntaxError, ValueError, zipfile.BadZipFile, EOFError):
        raise UnreadableFile("The file could not be read as an Excel workbook (XLSX).") from None


def _count_elements(archive: zipfile.ZipFile, name: str, tag: str, most: int, limits: Limits) -> None:
    found = 0
    try:
        with archive.open(name) as stream:
            for _, element in iterparse(stream, events=("end",)):
                if element.tag.rsplit("}", 1)[-1] == tag:
                    found += 1
                    element.clear()
                    if found > most:
                        raise limits.too_many_rows()
    except (DefusedXmlException, SyntaxError, ValueError, zipfile.BadZipFile, EOFError):
        raise UnreadableFile("The file could not be read as an Excel workbook (XLSX).") from None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number

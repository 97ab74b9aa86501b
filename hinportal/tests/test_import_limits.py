"""Files built to exhaust the server are refused before they are read, cheaply."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hinportal.models import ImportJob
from innovations.models import Adoption

IMPORT = "/admin/innovations/adoption/import/"
MEGABYTE = 1024 * 1024


def workbook(fill) -> bytes:
    book = openpyxl.Workbook()
    fill(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hand_made_xlsx(sheet_xml: str, shared_strings: str | None = None) -> bytes:
    """A workbook written part by part, as an attacker would, without a spreadsheet program."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()


SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData></worksheet>'
)


def upload(client, content: bytes, name: str = "adoptions.xlsx"):
    """Upload, measuring the most memory the server side took while refusing it."""
    tracemalloc.start()
    try:
        response = client.post(IMPORT, {"import_file": SimpleUploadedFile(name, content)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # One cell at the last row Excel allows: the old reader padded a million rows.
        pytest.param(
            lambda: workbook(lambda sheet: sheet.cell(row=1_048_576, column=1, value="x")),
            "more than 20,000 rows",
            id="cell-at-the-last-row",
        ),
        # One cell at the last column: every row was padded to 16,384 cells.
        pytest.param(
            lambda: workbook(lambda sheet: sheet.cell(row=2, column=16_384, value="x")),
            "more than 40 columns",
            id="cell-at-the-last-column",
        ),
        pytest.param(
            lambda: workbook(lambda sheet: [sheet.cell(row=1, column=c, value=c) for c in range(1, 60)]),
            "more than 40 columns",
            id="59-columns",
        ),
        # A zip bomb: 60 MB of one letter packs into about 60 KB.
        pytest.param(
            lambda: hand_made_xlsx(SHEET.format(""), "<sst>" + "a" * (60 * MEGABYTE) + "</sst>"),
            "unpacks to",
            id="zip-bomb",
        ),
        # A smaller one, still packed a thousand to one.
        pytest.param(
            lambda: hand_made_xlsx(SHEET.format(""), "<sst>" + "a" * (5 * MEGABYTE) + "</sst>"),
            "packed in a way we do not read",
            id="thousand-to-one",
        ),
        # Entity expansion ("billion laughs"): refused by defusedxml before anything expands.
        pytest.param(
            lambda: hand_made_xlsx(
                '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                + SHEET.format('<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>')
            ),
            "could not be read as an Excel workbook",
            id="entity-expansion",
        ),
        pytest.param(lambda: b"PK\x03\x04 not really a zip", "could not be read as an Excel workbook", id="not-a-zip"),
        pytest.param(lambda: b"\x00\x01\x02 binary", "could not be read as an Excel workbook", id="binary"),
    ],
)
def test_a_crafted_workbook_is_refused_without_being_read(client_as, personas, content, message):
    response, peak = upload(client_as("editor"), content())
    assert response.status_code == 400
    assert message in response.content.decode().replace("\xa0", " ")
    assert peak < 40 * MEGABYTE  # the 4.7 KB workbook of the penetration test took 2.1 GB
    assert not ImportJob.objects.exists()


def test_cells_without_references_are_counted_too(client_as, personas, settings):
    settings.IMPORT_MAX_ROWS = 100
    cells = "".join(f"<c><v>{n * 7919 % 10007}</v></c>" for n in range(101 * 40 + 1))
    response, _ = upload(client_as("editor"), hand_made_xlsx(SHEET.format(f"<row>{cells}</row>")))
    assert response.status_code == 400
    assert "more than 100 rows" in response.content.decode()


def test_a_csv_with_too_many_rows_or_columns_is_refused(client_as, personas, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = "innovation,icb,status,started_on\n" + "x,T01,adopted,2024-01-01\n" * 4
    response, _ = upload(client_as("editor"), rows.encode(), "adoptions.csv")
    assert response.status_code == 400
    assert "The file has more than 3 rows" in response.content.decode()
    response, _ = upload(client_as("editor"), ("," * 100 + "\n").encode(), "adoptions.csv")
    assert response.status_code == 400
    assert "more than 40 columns" in response.content.decode()
    response, _ = upload(client_as("editor"), b"innovation\x00icb\x00", "adoptions.csv")
    assert response.status_code == 400
    assert "it holds binary data" in response.content.decode()
    assert not Adoption.objects.exists()

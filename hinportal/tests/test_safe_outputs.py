"""Every CSV and XLSX the portal writes keeps formulas as text, and no stored control character
breaks a feed or a workbook."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import openpyxl
import pytest
from django.db import connection

from hinportal.lib.text import spreadsheet_cell
from hinportal.tests.admin_forms import change_form_data
from innovations.models import Innovation, Shortlist
from innovations.tests.factories import make_adoption, make_innovation
from networks.models import Network
from networks.tests.factories import make_icb
from reviews.tests.factories import make_publication

PAYLOADS = ['=HYPERLINK("https://evil.example","x")', "==HYPERLINK(1)", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
VERTICAL_TAB = "Helps\x0bpeople\x1f breathe"


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


def assert_escaped(cells: list) -> None:
    texts = [cell for cell in cells if isinstance(cell, str)]
    for payload in PAYLOADS:
        assert f"'{payload}" in texts, payload
    assert not [cell for cell in texts if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.fixture
def hostile_innovations(db) -> list:
    return [make_innovation(name=payload, summary=payload) for payload in PAYLOADS]


def test_the_public_catalogue_csv(client, hostile_innovations):
    response = client.get("/innovations/export.csv")
    assert_escaped(csv_cells(b"".join(response.streaming_content)))


def test_the_open_data_csv(client, db):
    network = Network.objects.create(name="Formula network", slug="formula", code="F1")
    for payload in PAYLOADS:
        make_icb(short_name=payload, network=network)
    response = client.get("/open-data/icbs.csv")
    assert_escaped(csv_cells(response.content))


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_shortlist_exports(client_as, hostile_innovations, extension):
    lead = client_as("ICS lead")
    lead.post("/ics/harbourside/workspace/shortlists/", {"name": "Board"})
    shortlist = Shortlist.objects.get()
    for innovation in hostile_innovations:
        lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk, "note": innovation.name})
    response = lead.get(f"/shortlists/{shortlist.pk}/export.{extension}")
    assert_escaped(csv_cells(response.content) if extension == "csv" else xlsx_cells(response.content))


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_admin_exports(client_as, hostile_innovations, extension, world):
    client = client_as("national admin")
    for innovation in hostile_innovations:
        make_adoption(innovation=innovation, icb=world.icb)
    url = "/admin/innovations/innovation/export/"
    form = client.get(url).context["form"]
    columns = {name: "on" for name in form.fields if name.startswith("innovationresource_")}
    response = client.post(url, {"resource": "0", "format": "0" if extension == "csv" else "1", **columns})
    assert response.status_code == 200
    assert_escaped(csv_cells(response.content) if extension == "csv" else xlsx_cells(response.content))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (-5, -5),
        (1200, 1200),
        (None, None),
        (True, True),
        (date(2025, 4, 1), date(2025, 4, 1)),
        ("-5", "'-5"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (["=a", "b"], "'=a; b"),
        ("plain\x0btext", "plaintext"),
        ("Line one\nline two", "Line one\nline two"),
    ],
)
def test_a_spreadsheet_cell_escapes_text_only(value, cell):
    assert spreadsheet_cell(value) == cell


def store_raw(model, pk: int, **values: str) -> None:
    """Write values as they were stored before input was cleaned, bypassing the model's fields."""
    table = model._meta.db_table
    assignments = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), pk])  # noqa: S608


def test_a_control_character_in_a_summary_does_not_break_the_feeds(client, db):
    innovation = make_innovation(summary="placeholder")
    store_raw(type(innovation), innovation.pk, summary=VERTICAL_TAB)
    publication = make_publication(summary="placeholder")
    store_raw(type(publication), publication.pk, summary=VERTICAL_TAB, title="Title\x0b")
    for url in ("/innovations/feed/", "/publications/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        summaries = root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
        assert summaries[0].text.startswith("Helpspeople breathe")
        assert {summary.get("type") for summary in summaries} == {"text"}


def test_a_control_character_does_not_break_a_locked_shortlists_workbook(client_as, db, personas):
    innovation = make_innovation(summary="placeholder")
    store_raw(type(innovation), innovation.pk, summary=VERTICAL_TAB)
    lead = client_as("ICS lead")
    lead.post("/ics/harbourside/workspace/shortlists/", {"name": "Board"})
    shortlist = Shortlist.objects.get()
    lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk, "note": "Ask\x0bfinance"})
    lead.post(f"/shortlists/{shortlist.pk}/lock/")
    response = lead.get(f"/shortlists/{shortlist.pk}/export.xlsx")
    assert response.status_code == 200
    assert "Helpspeople breathe" in xlsx_cells(response.content)
    assert shortlist.items.get().note == "Askfinance"  # the note was cleaned on the way in


def test_control_characters_are_dropped_on_every_way_in(client_as, personas):
    innovation = make_innovation(name="Clean\x0bme", summary="One\x0btwo")  # a plain save
    innovation.refresh_from_db()
    assert (innovation.name, innovation.summary) == ("Cleanme", "Onetwo")
    Innovation.objects.filter(pk=innovation.pk).update(description="Para\x00graph\n\nnext\x1b")  # a bulk update
    innovation.refresh_from_db()
    assert innovation.description == "Paragraph\n\nnext"
    client = client_as("national admin")
    data = change_form_data(client.get(f"/admin/innovations/innovation/{innovation.pk}/change/"))
    data.update(summary="Typed\x0b in\tthe\r\nadmin", description="Kept\nlines\x07")
    assert client.post(f"/admin/innovations/innovation/{innovation.pk}/change/", data).status_code == 302
    innovation.refresh_from_db()
    assert innovation.summary == "Typed in the admin"  # one line: tabs and breaks become spaces
    assert innovation.description == "Kept\nlines"

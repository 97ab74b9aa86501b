import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from innovations.choices import Status
from innovations.models import Adoption, Innovation
from innovations.tests.factories import make_adoption, make_innovation
from networks.models import IntegratedCareBoard, Network

IMPORT = "/admin/innovations/adoption/import/"
CONFIRM = "/admin/innovations/adoption/process_import/"
CSV, XLSX = "0", "1"


def upload(content: bytes, name: str = "adoptions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def innovation(personas) -> Innovation:
    return make_innovation(name="Importable")


def preview(client, content: bytes, fmt: str = CSV, name: str = "adoptions.csv"):
    return client.post(IMPORT, {"import_file": upload(content, name), "format": fmt})


def test_a_csv_previews_row_by_row_then_applies_in_one_go(client_as, innovation):
    make_adoption(innovation=innovation, icb=IntegratedCareBoard.objects.get(ods_code="QVV"), status="piloting")
    client = client_as("editor")
    content = (
        "innovation,icb,status,started_on,patients_reached\n"
        f"{innovation.slug},QVV,adopted,2024-01-01,120\n"
        f"{innovation.slug},QRL,exploring,2024-03-01,\n"
    ).encode()
    response = preview(client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "New" in html and "Update" in html
    assert Adoption.objects.count() == 1  # a preview changes nothing
    client.post(CONFIRM, response.context["confirm_form"].initial)
    assert Adoption.objects.get(icb__ods_code="QVV").status == "adopted"
    assert Adoption.objects.get(icb__ods_code="QRL").status == "exploring"
    innovation.refresh_from_db()
    assert innovation.adopted_icb_count == 1


def test_an_xlsx_imports_too(client_as, innovation):
    content = xlsx([["innovation", "icb", "status", "started_on"], [innovation.slug, "QVV", "embedded", "2023-05-01"]])
    response = preview(client_as("editor"), content, XLSX, "adoptions.xlsx")
    assert response.status_code == 200
    client_as("editor").post(CONFIRM, response.context["confirm_form"].initial)
    assert Adoption.objects.get().status == "embedded"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"innovation,region,status\nx,y,z\n", "The columns do not match"),
        (
            "innovation,icb,status,started_on\nÉté,QVV,adopted,2024-01-01\n".encode("utf-16"),
            "could not be read as UTF-8",
        ),
        (b"", "The submitted file is empty."),
        (b"innovation,icb,status,started_on\n{slug},XXX,adopted,2024-01-01\n", "No integrated care board has the code"),
        (b"innovation,icb,status,started_on\n{slug},QOP,adopted,2024-01-01\n", "not your network"),
        (b"innovation,icb,status,started_on,source_note\n{slug},QVV,adopted,2024-01-01,=HYPERLINK(1)\n", "formula"),
        (
            b"innovation,icb,status,started_on\n{slug},QVV,adopted,2024-01-01\n{slug},QVV,embedded,2024-01-01\n",
            "Line 3 repeats line 2",
        ),
        (b"innovation,icb,status,started_on\n{slug},QVV,teleported,2024-01-01\n", "is not a valid choice"),
        (b"innovation,icb,status,started_on\n{slug},QVV,adopted,yesterday\n", "date"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(client_as, innovation, content, message):
    content = content.replace(b"{slug}", innovation.slug.encode())
    response = preview(client_as("editor"), content)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Adoption.objects.exists()


def test_one_bad_row_stops_the_whole_file(client_as, innovation):
    content = (
        "innovation,icb,status,started_on\n"
        f"{innovation.slug},QVV,adopted,2024-01-01\n"
        f"{innovation.slug},QRL,adopted,not-a-date\n"
    ).encode()
    response = preview(client_as("editor"), content)
    assert response.status_code == 400
    assert response.context.get("confirm_form") is None
    # Even a confirmation forged from a good preview of another file cannot sneak the rows in.
    assert not Adoption.objects.exists()


def test_a_file_too_large_is_refused_before_reading(client_as, innovation, settings):
    settings.IMPORT_MAX_BYTES = 1024
    content = b"innovation,icb,status,started_on\n" + b"x,QVV,adopted,2024-01-01\n" * 100
    response = preview(client_as("editor"), content)
    assert response.status_code == 400
    assert "The file is 2.5 KB; the largest we accept is 1.0 KB." in response.content.decode()
    assert not Adoption.objects.exists()


def test_a_national_administrator_imports_for_any_network(client_as, innovation):
    response = preview(
        client_as("national admin"),
        f"innovation,icb,status,started_on\n{innovation.slug},QOP,adopted,2024-01-01\n".encode(),
    )
    assert response.status_code == 200
    client_as("national admin").post(CONFIRM, response.context["confirm_form"].initial)
    assert Adoption.objects.get().icb.ods_code == "QOP"


def test_innovations_import_into_the_importers_network_as_drafts(client_as):
    content = (
        b"slug,name,summary,category,clinical_areas,care_settings,core20plus5,stage\n"
        b"wessex-app,Wessex app,Helps people.,digital,respiratory;cardiovascular,primary-care,,evidence\n"
    )
    client = client_as("editor")
    response = client.post("/admin/innovations/innovation/import/", {"import_file": upload(content), "format": CSV})
    assert response.status_code == 200, response.content.decode()[:3000]
    client.post("/admin/innovations/innovation/process_import/", response.context["confirm_form"].initial)
    innovation = Innovation.objects.get(slug="wessex-app")
    assert innovation.lead_network == Network.objects.get(code="HI-WESSEX")
    assert innovation.status == Status.DRAFT
    assert innovation.clinical_areas == ["respiratory", "cardiovascular"]


def test_an_innovation_of_another_network_cannot_be_overwritten(client_as):
    theirs = make_innovation(name="Theirs", lead_network=Network.objects.get(code="UCLP"))
    content = f"slug,name,summary,category,stage\n{theirs.slug},Mine now,Hijacked.,digital,evidence\n".encode()
    response = client_as("editor").post(
        "/admin/innovations/innovation/import/", {"import_file": upload(content), "format": CSV}
    )
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_export_follows_the_changelist_filter_in_csv_and_xlsx(client_as, innovation):
    make_adoption(innovation=innovation, icb=IntegratedCareBoard.objects.get(ods_code="QVV"), status="adopted")
    make_adoption(innovation=innovation, icb=IntegratedCareBoard.objects.get(ods_code="QRL"), status="piloting")
    make_adoption(innovation=innovation, icb=IntegratedCareBoard.objects.get(ods_code="QOP"), status="adopted")
    client = client_as("editor")
    url = "/admin/innovations/adoption/export/?status__exact=adopted"
    form = client.get(url).context["form"]
    columns = {name: "on" for name in form.fields if name.startswith("adoptionresource_")}
    response = client.post(url, {"resource": "0", "format": CSV, **columns})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["icb"], row["status"]) for row in rows] == [("QVV", "adopted")]  # Wessex only, adopted only

    response = client.post(url, {"resource": "0", "format": XLSX, **columns})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][1:3] == ["QVV", "adopted"]

"""A staff screen's export larger than EXPORT_INLINE_ROWS is written by the task worker: a page says
how it is going and offers the file to the person who asked, and to no one else."""

import csv
import io

import openpyxl
import pytest

from hinportal.models import ExportJob
from hinportal.tests.test_imports import CSV, XLSX
from innovations.tests.factories import make_adoption, make_innovation

URL = "/admin/innovations/adoption/export/"


@pytest.fixture
def adoptions(world):
    innovation = make_innovation()
    ours = [make_adoption(innovation=innovation, icb=icb, status="adopted") for icb in (world.icb, world.icb2)]
    make_adoption(innovation=innovation, icb=world.other_icb, status="adopted")  # another network's
    return ours


def ask(client, fmt: str, url: str = URL):
    form = client.get(url).context["form"]
    columns = {name: "on" for name in form.fields if name.startswith("adoptionresource_")}
    return client.post(url, {"resource": "0", "format": fmt, **columns})


def test_a_large_export_is_written_off_the_request_and_offered_to_its_owner(
    client_as, adoptions, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_ROWS = 1
    client = client_as("editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, CSV)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{job.pk}/"
    assert job.rows_total == 2  # the other network's adoption was never in the list

    page = client.get(response["Location"])
    assert page.status_code == 200 and "Your file is ready" in page.content.decode()
    download = client.get(f"{URL}{job.pk}/file/")
    assert download["Content-Type"].startswith("text/csv")
    assert 'filename="Adoption-' in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert sorted(row["icb"] for row in rows) == ["T01", "T02"]

    # Not for anyone else: another member of the same network is told there is no such export.
    other = client_as("publisher")
    assert other.get(f"{URL}{job.pk}/").status_code == 404
    assert other.get(f"{URL}{job.pk}/file/").status_code == 404


def test_a_large_xlsx_export(client_as, adoptions, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_ROWS = 1
    client = client_as("editor")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, XLSX)
    job = ExportJob.objects.get()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"{URL}{job.pk}/file/").content)).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["T01", "T02"]


def test_while_the_worker_has_not_written_it_the_page_says_so_and_there_is_no_file(client_as, adoptions, settings):
    settings.EXPORT_INLINE_ROWS = 1
    client = client_as("editor")
    response = ask(client, CSV)  # the task is queued when the request's transaction commits: not here
    job = ExportJob.objects.get()
    page = client.get(response["Location"])
    assert "Waiting for the task worker" in page.content.decode()
    assert "import-progress.js" in page.content.decode()  # it looks again by itself
    assert client.get(f"{URL}{job.pk}/file/").status_code == 404


def test_an_export_past_the_limit_is_refused_with_a_message(client_as, adoptions, settings):
    settings.EXPORT_INLINE_ROWS, settings.EXPORT_MAX_ROWS = 0, 1
    response = ask(client_as("editor"), CSV)
    assert response.status_code == 200
    assert "more than 1 rows: filter the list to fewer" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_forged_job_address_is_not_found(client_as, adoptions):
    client = client_as("editor")
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"{URL}not-a-job/", follow=True).status_code == 404

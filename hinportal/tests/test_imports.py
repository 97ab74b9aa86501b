import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hinportal.lib.workflow import Status
from hinportal.models import ImportJob
from innovations.models import Adoption, Innovation
from innovations.tests.factories import make_adoption, make_innovation, make_programme

IMPORT = "/admin/innovations/adoption/import/"
INNOVATION_IMPORT = "/admin/innovations/innovation/import/"
CSV, XLSX = "0", "1"
HEADER = "innovation,icb,status,started_on"


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


def upload(client, content: bytes, name: str = "adoptions.csv", url: str = IMPORT):
    return client.post(url, {"import_file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    """Press the page's Import button."""
    job = ImportJob.objects.get(pk=response.context["job"].pk)
    assert job.state == ImportJob.State.READY, (job.message, job.problems)
    return client.post(f"{response.context['job_url']}confirm/")


def test_a_csv_shows_what_it_would_do_then_imports_in_one_go(client_as, innovation, world):
    make_adoption(innovation=innovation, icb=world.icb, status="piloting")
    client = client_as("editor")
    content = (
        "innovation,icb,status,started_on,patients_reached\n"
        f"{innovation.slug},T01,adopted,2024-01-01,120\n"
        f"{innovation.slug},T02,exploring,2024-03-01,\n"
    ).encode()
    response = upload(client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "would add 1, change 1 and leave 0" in html
    assert "status: piloting → adopted" in html
    assert Adoption.objects.count() == 1  # a check changes nothing
    response = confirm(client, response)
    assert response.status_code == 302
    assert "Imported: 1 new, 1 changed, 0 unchanged" in client.get(response["Location"]).content.decode()
    assert Adoption.objects.get(icb__ods_code="T01").status == "adopted"
    assert Adoption.objects.get(icb__ods_code="T02").status == "exploring"
    innovation.refresh_from_db()
    assert innovation.adopted_icb_count == 1


def test_an_import_leaves_history_naming_the_file_and_the_person(client_as, personas, innovation):
    client = client_as("editor")
    confirm(client, upload(client, f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n".encode()))
    record = Adoption.history.get()
    assert record.history_user == personas["editor"]
    assert record.history_change_reason == "Imported from adoptions.csv"


def test_an_xlsx_imports_too_with_its_dates_and_numbers(client_as, innovation):
    content = xlsx(
        [
            ["Innovation", "ICB", "Status", "Started on", "Patients reached"],
            [innovation.slug, "t01", "Embedded", date(2023, 5, 1), 1200.0],
        ]
    )
    client = client_as("editor")
    confirm(client, upload(client, content, "adoptions.xlsx"))
    adoption = Adoption.objects.get()
    assert (adoption.status, adoption.started_on, adoption.patients_reached) == ("embedded", date(2023, 5, 1), 1200)


def test_it_reads_what_people_write(client_as, innovation):
    """Headers in any case, the status words the screens show, UK dates day first, 1,200."""
    content = (
        "  INNOVATION ,Icb,Status,Started On,patients-reached\n"
        f'{innovation.slug},T01,Adopted,01/04/2025,"1,200"\n'
        f"{innovation.slug},T02,PILOTING,13/04/2025,40\n"
    ).encode()
    client = client_as("editor")
    confirm(client, upload(client, content))
    first = Adoption.objects.get(icb__ods_code="T01")
    assert (first.status, first.started_on, first.patients_reached) == ("adopted", date(2025, 4, 1), 1200)
    assert Adoption.objects.get(icb__ods_code="T02").started_on == date(2025, 4, 13)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"innovation,region,status\nx,y,z\n", "The columns do not match: missing icb; not recognised region"),
        (b"Adoptions for 2025\n\n" + HEADER.encode() + b"\n", "The columns do not match"),
        (f"{HEADER}\nÉté,T01,adopted,2024-01-01\n".encode("utf-16"), "could not be read as UTF-8"),
        (b"", "The file is empty."),
        (b"\n\n,,,\n", "The file is empty."),
    ],
)
def test_a_file_it_cannot_read_is_refused_at_once(client_as, innovation, content, message):
    response = upload(client_as("editor"), content)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Traceback" not in html and "site-packages" not in html
    assert not ImportJob.objects.exists()
    assert not Adoption.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("{slug},XXX,adopted,2024-01-01", "icb", "No integrated care board has the code ‘XXX’"),
        ("{slug},T03,adopted,2024-01-01", "icb", "(T03) is not covered by your network"),
        ("{slug},T01,adopted,2024-01-01,=HYPERLINK(1)", "source_note", "spreadsheet formula"),
        ("{slug},T01,teleported,2024-01-01", "status", "is not one of: Exploring, Piloting"),
        ("{slug},T01,adopted,yesterday", "started_on", "‘yesterday’ is not a date"),
        ("{slug},T01,adopted,31/02/2025", "started_on", "is not a date"),
        ("{slug},T01,adopted,2024-01-01,,-3", "patients_reached", "is not a whole number of 0 or more"),
        ("no-such-thing,T01,adopted,2024-01-01", "innovation", "No innovation has the slug ‘no-such-thing’"),
        ("{slug},T01,,", "status", "A new record needs status, started_on"),
    ],
)
def test_a_bad_row_is_refused_by_line_and_column_and_nothing_changes(client_as, innovation, row, column, message):
    content = f"{HEADER},source_note,patients_reached\n{row.replace('{slug}', innovation.slug)}\n".encode()
    response = upload(client_as("editor"), content)
    assert response.status_code == 400
    problems = response.context["job"].problems
    assert [problem[:2] for problem in problems] == [[2, column]]
    assert message in problems[0][2]
    assert not Adoption.objects.exists()


def test_repeated_rows_are_refused(client_as, innovation):
    content = f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n{innovation.slug},t01,embedded,2024-01-01\n"
    response = upload(client_as("editor"), content.encode())
    assert response.status_code == 400
    assert "Line 3 repeats line 2" in response.content.decode()


def test_one_bad_row_stops_the_whole_file(client_as, innovation):
    content = f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n{innovation.slug},T02,adopted,not-a-date\n"
    response = upload(client_as("editor"), content.encode())
    assert response.status_code == 400
    # A refused file cannot be confirmed, even by a forged request.
    forged = client_as("editor").post(f"{response.context['job_url']}confirm/")
    assert forged.status_code == 409
    assert not Adoption.objects.exists()


def test_a_file_too_large_is_refused_before_reading(client_as, innovation, settings):
    settings.IMPORT_MAX_BYTES = 1024
    content = HEADER.encode() + b"\n" + b"x,T01,adopted,2024-01-01\n" * 100
    response = upload(client_as("editor"), content)
    assert response.status_code == 400
    assert "The file is 2.5 KB; the largest we accept is 1.0 KB." in response.content.decode().replace("\xa0", " ")
    assert not Adoption.objects.exists()


def test_a_national_administrator_imports_for_any_network(client_as, innovation):
    client = client_as("national admin")
    confirm(client, upload(client, f"{HEADER}\n{innovation.slug},T03,adopted,2024-01-01\n".encode()))
    assert Adoption.objects.get().icb.ods_code == "T03"


def test_another_networks_draft_reads_as_unknown(client_as, innovation, world):
    theirs = make_innovation(name="Secret draft", status=Status.DRAFT, lead_network=world.other_network)
    response = upload(client_as("editor"), f"{HEADER}\n{theirs.slug},T01,adopted,2024-01-01\n".encode())
    assert response.status_code == 400
    message = response.context["job"].problems[0][2]
    assert message == (
        f"No innovation has the slug ‘{theirs.slug}’ among those you may record adoptions of "
        "(published ones and your network's drafts)."
    )
    assert "Secret draft" not in response.content.decode()


def test_an_own_draft_and_a_programme_may_be_named(client_as, innovation, world):
    ours = make_innovation(status=Status.DRAFT, lead_network=world.network)
    programme = make_programme()
    client = client_as("editor")
    content = f"{HEADER},programme\n{ours.slug},T01,piloting,2024-01-01,{programme.slug}\n".encode()
    confirm(client, upload(client, content))
    assert Adoption.objects.get().programme == programme


def test_innovations_import_into_the_importers_network_as_drafts(client_as, world):
    content = (
        b"slug,name,summary,category,clinical_areas,care_settings,core20plus5,stage\n"
        b"wessex-app,Wessex app,Helps people.,Digital,Respiratory; cardiovascular,primary-care,,evidence\n"
    )
    client = client_as("editor")
    response = upload(client, content, url=INNOVATION_IMPORT)
    assert response.status_code == 200, response.context["job"].problems
    confirm(client, response)
    innovation = Innovation.objects.get(slug="wessex-app")
    assert innovation.lead_network == world.network
    assert innovation.status == Status.DRAFT
    assert innovation.clinical_areas == ["respiratory", "cardiovascular"]


def test_an_innovation_of_another_network_cannot_be_overwritten(client_as, world):
    theirs = make_innovation(name="Theirs", lead_network=world.other_network)
    content = f"slug,name,summary,category,stage\n{theirs.slug},Mine now,Hijacked.,digital,evidence\n".encode()
    response = upload(client_as("editor"), content, url=INNOVATION_IMPORT)
    assert response.status_code == 400
    assert response.context["job"].problems == [[2, "slug", "‘Theirs’ is not your network's to change."]]
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.ARCHIVED])
@pytest.mark.parametrize(("persona", "allowed"), [("editor", False), ("publisher", True), ("national admin", True)])
def test_an_import_passes_the_same_rule_as_the_form(client_as, status, persona, allowed, world):
    """The pentest's first finding: an editor changed a published innovation by CSV, skipping review."""
    ours = make_innovation(name="Ours", status=status, lead_network=world.network)
    client = client_as(persona)
    content = f"slug,summary\n{ours.slug},Changed without review.\n".encode()
    response = upload(client, content, url=INNOVATION_IMPORT)
    form_change = client.get(f"/admin/innovations/innovation/{ours.pk}/change/")
    if allowed:
        assert response.status_code == 200
        confirm(client, response)
        ours.refresh_from_db()
        assert ours.summary == "Changed without review."
    else:
        assert response.status_code == 400
        assert f"‘Ours’ is {status}: only a publisher of its network may change it." in response.content.decode()
        ours.refresh_from_db()
        assert ours.summary != "Changed without review."
        # The form refuses the same change: the page is read-only for this person.
        assert 'name="summary"' not in form_change.content.decode()


@pytest.mark.parametrize("persona", ["other editor"])
def test_another_networks_editor_cannot_touch_an_innovation_by_import(client_as, persona, world):
    ours = make_innovation(name="Ours", status=Status.DRAFT, lead_network=world.network)
    response = upload(client_as(persona), f"slug,summary\n{ours.slug},Mine.\n".encode(), url=INNOVATION_IMPORT)
    assert response.status_code == 400
    ours.refresh_from_db()
    assert ours.summary != "Mine."


@pytest.mark.parametrize("persona", ["ICS lead", "anonymous"])
def test_people_without_staff_access_cannot_import(client_as, innovation, persona):
    response = upload(client_as(persona), f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n".encode())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not ImportJob.objects.exists()


def test_an_import_page_is_only_its_uploaders(client_as, innovation):
    response = upload(client_as("editor"), f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n".encode())
    job_url = response.context["job_url"]
    assert client_as("publisher").get(job_url).status_code == 404
    assert client_as("publisher").post(f"{job_url}confirm/").status_code == 404
    assert client_as("editor").get("/admin/innovations/adoption/import/not-a-job/", follow=True).status_code == 404
    assert not Adoption.objects.exists()


def test_export_follows_the_changelist_filter_in_csv_and_xlsx(client_as, innovation, world):
    make_adoption(innovation=innovation, icb=world.icb, status="adopted")
    make_adoption(innovation=innovation, icb=world.icb2, status="piloting")
    make_adoption(innovation=innovation, icb=world.other_icb, status="adopted")
    client = client_as("editor")
    url = "/admin/innovations/adoption/export/?status__exact=adopted"
    form = client.get(url).context["form"]
    columns = {name: "on" for name in form.fields if name.startswith("adoptionresource_")}
    response = client.post(url, {"resource": "0", "format": CSV, **columns})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["icb"], row["status"]) for row in rows] == [("T01", "adopted")]  # Wessex only, adopted only

    response = client.post(url, {"resource": "0", "format": XLSX, **columns})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][1:3] == ["T01", "adopted"]


def test_the_changelist_offers_import_and_export(client_as):
    html = client_as("editor").get("/admin/innovations/adoption/").content.decode()
    assert 'href="/admin/innovations/adoption/import/"' in html
    assert 'href="/admin/innovations/adoption/export/' in html


def test_a_large_file_goes_through_the_task_queue(client_as, innovation, settings):
    settings.IMPORT_INLINE_ROWS = 1
    client = client_as("editor")
    content = f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n{innovation.slug},T02,piloting,2024-01-01\n"
    response = upload(client, content.encode())
    assert response.status_code == 302  # to the job's page, where the check's progress shows
    job = ImportJob.objects.get()
    assert response["Location"] == f"/admin/innovations/adoption/import/{job.pk}/"
    page = client.get(response["Location"])
    assert "Checked: ready to import" in page.content.decode()
    assert client.post(f"{response['Location']}confirm/").status_code == 302
    job.refresh_from_db()
    assert (job.state, job.counts) == (ImportJob.State.DONE, {"new": 2, "changed": 0, "unchanged": 0})
    assert job.content == b""  # the file is not kept once imported
    assert Adoption.objects.count() == 2


def test_a_queued_file_waits_for_the_worker_and_says_so(client_as, innovation, settings):
    from django_tasks_db.models import DBTaskResult

    settings.IMPORT_INLINE_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_as("editor")
    content = f"{HEADER}\n{innovation.slug},T01,adopted,2024-01-01\n{innovation.slug},T02,piloting,2024-01-01\n"
    page = client.get(upload(client, content.encode())["Location"])
    html = page.content.decode()
    assert "Waiting for the task worker" in html
    assert 'href="/admin/innovations/adoption/import/' in html  # "Check again", for pages without JavaScript
    assert "js/import-progress.js" in html
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "hinportal.lib.tasks.check_import"
    assert queued.args_kwargs["args"] == [str(ImportJob.objects.get().pk)]


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", "..%2F..%2Fsettings.py"])
def test_a_forged_file_name_reaches_nothing(client_as, innovation, name):
    """The old confirm step read the file named in the form; ours names a job, and only its uploader's."""
    client = client_as("editor")
    old_confirm = client.post(
        "/admin/innovations/adoption/process_import/", {"import_file_name": name, "format": "0"}, follow=True
    )
    assert old_confirm.status_code == 404
    forged_job = client.post(f"/admin/innovations/adoption/import/{name}/confirm/", follow=True)
    assert forged_job.status_code == 404
    assert not Adoption.objects.exists()

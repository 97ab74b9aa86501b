from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from hinportal.lib.workflow import Status
from hinportal.tests.admin_forms import change_form_data
from innovations.models import Adoption, Innovation
from innovations.tests.factories import make_innovation


def our_draft(network) -> Innovation:
    return make_innovation(
        name="History test",
        summary="First words.",
        status=Status.DRAFT,
        lead_network=network,
    )


def test_a_single_edit_leaves_history_with_who_and_what(client_as, world):
    innovation = our_draft(world.network)
    url = f"/admin/innovations/innovation/{innovation.pk}/change/"
    data = change_form_data(client_as("editor").get(url))
    data["summary"] = "Second words."
    assert client_as("editor").post(url, data).status_code == 302
    latest = innovation.history.first()
    assert latest.history_user.username == "editor"
    assert latest.history_type == "~"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("summary", "First words.", "Second words.")]
    html = client_as("editor").get(f"/admin/innovations/innovation/{innovation.pk}/history/").content.decode()
    assert "First words." in html
    assert "Second words." in html
    assert "editor" in html


def test_an_admin_bulk_action_leaves_history(client_as, world):
    innovation = our_draft(world.network)
    client_as("publisher").post(
        "/admin/innovations/innovation/", {"action": "publish", "index": "0", ACTION_CHECKBOX_NAME: [innovation.pk]}
    )
    latest = innovation.history.first()
    assert latest.status == Status.PUBLISHED
    assert latest.history_user.username == "publisher"


def test_an_import_leaves_history(client_as):
    innovation = make_innovation(name="Imported into")
    csv = f"innovation,icb,status,started_on\n{innovation.slug},T01,adopted,2024-02-01\n"
    client = client_as("editor")
    preview = client.post("/admin/innovations/adoption/import/", {"import_file": _named(csv)})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    client.post(f"{preview.context['job_url']}confirm/")
    adoption = Adoption.objects.get(innovation=innovation, icb__ods_code="T01")
    record = adoption.history.get()
    assert record.history_type == "+"
    assert record.history_user.username == "editor"


def test_deleting_leaves_history(client_as, world):
    innovation = our_draft(world.network)
    client_as("editor").post(f"/admin/innovations/innovation/{innovation.pk}/delete/", {"post": "yes"})
    assert Innovation.history.filter(id=innovation.pk, history_type="-").exists()


def test_staff_restore_an_earlier_version(client_as, world):
    innovation = our_draft(world.network)
    innovation.summary = "A mistake."
    innovation.save()
    first = innovation.history.earliest()
    url = f"/admin/innovations/innovation/{innovation.pk}/history/{first.history_id}/"
    client = client_as("editor")
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    response = client.post(url, data)
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.summary == "First words."


def test_another_network_cannot_read_or_restore_history(client_as, world):
    innovation = our_draft(world.network)
    first = innovation.history.earliest()
    client = client_as("other editor")
    assert client.get(f"/admin/innovations/innovation/{innovation.pk}/history/").status_code == 404
    assert client.get(f"/admin/innovations/innovation/{innovation.pk}/history/{first.history_id}/").status_code == 404


def _named(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("adoptions.csv", text.encode(), content_type="text/csv")

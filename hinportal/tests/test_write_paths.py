"""Every way of writing a record passes the same rule as the admin form (hinportal.lib.access.can_change):
an editor never changes what is published or archived, whichever door they try."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from hinportal.lib.workflow import Status
from hinportal.tests.admin_forms import change_form_data
from innovations.models import EvidenceItem, Innovation
from innovations.tests.factories import make_innovation
from networks.models import Network


@pytest.fixture
def wessex(personas, world) -> Network:
    return world.network


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.ARCHIVED])
def test_an_editor_cannot_bulk_delete_a_published_or_archived_innovation(client_as, wessex, status):
    innovation = make_innovation(lead_network=wessex, status=status)
    response = client_as("editor").post(
        "/admin/innovations/innovation/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [innovation.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Innovation.objects.filter(pk=innovation.pk).exists()


def test_an_editor_bulk_deletes_their_own_drafts(client_as, wessex):
    drafts = [make_innovation(lead_network=wessex, status=Status.DRAFT) for _ in range(2)]
    response = client_as("editor").post(
        "/admin/innovations/innovation/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [d.pk for d in drafts], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Innovation.objects.filter(pk__in=[d.pk for d in drafts]).exists()


def test_a_publisher_bulk_deletes_a_published_innovation(client_as, wessex):
    innovation = make_innovation(lead_network=wessex, status=Status.PUBLISHED)
    response = client_as("publisher").post(
        "/admin/innovations/innovation/",
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [innovation.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Innovation.objects.filter(pk=innovation.pk).exists()


def test_reverting_to_a_published_version_does_not_publish(client_as, personas, wessex):
    innovation = make_innovation(lead_network=wessex, status=Status.DRAFT, summary="First words.")
    innovation.publish(by=personas["publisher"])
    published_version = innovation.history.latest().history_id
    innovation.unpublish(by=personas["publisher"])
    editor = client_as("editor")
    url = f"/admin/innovations/innovation/{innovation.pk}/history/{published_version}/"
    data = change_form_data(editor.get(url))
    data["_change_history"] = "1"
    response = editor.post(url, data)
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.status == Status.DRAFT
    assert innovation.summary == "First words."


def test_an_editor_cannot_add_evidence_to_a_published_innovation(client_as, wessex):
    innovation = make_innovation(lead_network=wessex, status=Status.PUBLISHED)
    response = client_as("editor").post(
        "/admin/innovations/evidenceitem/add/",
        {
            "innovation": innovation.pk,
            "kind": "rct",
            "title": "A trial",
            "year": 2024,
            "summary": "",
            "confidence": "verified",
            "confidence_note": "",
        },
    )
    assert response.status_code == 403
    assert not EvidenceItem.objects.exists()


def test_an_editor_adds_evidence_to_a_draft(client_as, wessex):
    innovation = make_innovation(lead_network=wessex, status=Status.DRAFT)
    response = client_as("editor").post(
        "/admin/innovations/evidenceitem/add/",
        {
            "innovation": innovation.pk,
            "kind": "rct",
            "title": "A trial",
            "year": 2024,
            "summary": "",
            "confidence": "verified",
            "confidence_note": "",
        },
    )
    assert response.status_code == 302
    assert EvidenceItem.objects.get().innovation == innovation

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hinportal.lib.workflow import Status
from innovations.tests.factories import make_innovation
from reviews.tests.factories import make_publication


@pytest.fixture
def draft(personas, world):
    return make_innovation(status=Status.DRAFT, lead_network=world.network)


def test_an_editor_submits_a_draft_and_a_publisher_publishes_it(personas, draft):
    draft.submit_for_review(by=personas["editor"])
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.status_changed_by == personas["editor"]
    assert draft.status_changed_at is not None

    draft.publish(by=personas["publisher"])
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.status_changed_by == personas["publisher"]
    assert draft.published_at is not None


def test_an_editor_may_not_publish_unpublish_or_archive(personas, draft):
    for action in ("publish", "archive"):
        with pytest.raises(PermissionDenied):
            draft.transition(action, by=personas["editor"])
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_another_networks_staff_may_not_touch_it(personas, draft):
    with pytest.raises(PermissionDenied):
        draft.submit_for_review(by=personas["other editor"])
    with pytest.raises(PermissionDenied):
        draft.publish(by=personas["ICS lead"])


def test_transitions_only_start_from_the_right_status(personas, draft):
    with pytest.raises(ValidationError, match="cannot be unpublished"):
        draft.unpublish(by=personas["publisher"])
    draft.archive(by=personas["publisher"])
    with pytest.raises(ValidationError, match="cannot be submitted for review"):
        draft.submit_for_review(by=personas["editor"])
    draft.publish(by=personas["national admin"])
    draft.unpublish(by=personas["publisher"])
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_publications_follow_the_same_workflow(personas, world):
    publication = make_publication(status=Status.DRAFT)
    publication.network = world.network
    publication.save()
    publication.submit_for_review(by=personas["editor"])
    publication.publish(by=personas["publisher"])
    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED


def test_bulk_admin_actions_report_what_they_could_not_do(client_as, draft):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    published = make_innovation(lead_network=draft.lead_network)
    response = client_as("publisher").post(
        "/admin/innovations/innovation/",
        {"action": "submit", "index": "0", ACTION_CHECKBOX_NAME: [draft.pk, published.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Submit for review: 1 done." in html
    assert "is published, so it cannot be submitted for review" in html

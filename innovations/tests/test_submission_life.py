"""A submission's whole life: an ICS lead submits; the network's reviewers see which system sent it
and return it with a note the lead reads; the lead changes it and sends it again; on publication the
system is recorded as its originator and first adopter. The right people are emailed at each step."""

import pytest
from django.core import mail

from conftest import elements, make_person, text_of
from innovations.models import Adoption, Innovation
from innovations.tests.factories import make_innovation

SUBMISSION = {
    "name": "Falls app",
    "summary": "Fewer falls in care homes.",
    "description": "What it does.",
    "category": "digital",
    "clinical_areas": ["frailty"],
    "care_settings": ["care-homes"],
    "stage": "adoption",
}


@pytest.fixture
def people(personas):
    for persona, email in (
        ("ICS lead", "lead@icb.example.org"),
        ("editor", "editor@hin.example.org"),
        ("publisher", "publisher@hin.example.org"),
        ("other editor", "other@hin.example.org"),
    ):
        personas[persona].email = email
        personas[persona].save()
    return personas


def submit(client_as, world) -> Innovation:
    lead = client_as("ICS lead")
    assert lead.post(f"/ics/{world.icb.slug}/workspace/submit/", SUBMISSION).status_code == 302
    return Innovation.objects.get(name="Falls app")


def return_with_note(client_as, innovation, note: str):
    editor = client_as("editor")
    return editor.post(
        "/admin/innovations/innovation/",
        {"action": "return_with_note", "_selected_action": [innovation.pk], "confirm": "yes", "note": note},
    )


def test_submitting_tells_the_networks_staff(client_as, world, people):
    innovation = submit(client_as, world)
    assert innovation.status == "in-review"
    [sent] = mail.outbox
    assert sent.to == ["editor@hin.example.org", "publisher@hin.example.org"]
    assert "Harbourside submitted Falls app for review" in sent.subject
    assert f"/admin/innovations/innovation/{innovation.pk}/change/" in sent.body


def test_the_lead_follows_it_in_every_state_and_others_cannot(client_as, world, people):
    innovation = submit(client_as, world)
    lead = client_as("ICS lead")
    workspace = lead.get(f"/ics/{world.icb.slug}/workspace/")
    assert elements(workspace, "a", href=f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/")
    page = lead.get(f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/")
    assert page.status_code == 200 and "In review" in text_of(elements(page, "dl")[0])
    assert not elements(elements(page, "main")[0].__str__(), "form")  # in review: nothing to change
    assert lead.get(innovation.get_absolute_url()).status_code == 200  # its page, before it is public

    other = make_person("fellside-lead", "ICS lead", icb=world.other_icb)
    client = client_as("anonymous")
    client.force_login(other)
    assert client.get(innovation.get_absolute_url()).status_code == 404
    assert client.get(f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/").status_code == 404
    assert client.get(f"/ics/{world.other_icb.slug}/workspace/submissions/{innovation.pk}/").status_code == 404
    assert client_as("anonymous").get(innovation.get_absolute_url()).status_code == 404


def test_reviewers_see_which_system_sent_it(client_as, world, people):
    innovation = submit(client_as, world)
    listing = client_as("editor").get("/admin/innovations/innovation/")
    row = next(text_of(r) for r in elements(listing, "tr") if "Falls app" in text_of(r))
    assert "Harbourside" in row
    change = client_as("editor").get(f"/admin/innovations/innovation/{innovation.pk}/change/")
    assert "Submitted by an integrated care system" in change.content.decode()


def test_returned_with_a_note_changed_and_sent_again(client_as, world, people):
    innovation = submit(client_as, world)
    mail.outbox.clear()
    editor = client_as("editor")
    ask = editor.post(
        "/admin/innovations/innovation/", {"action": "return_with_note", "_selected_action": [innovation.pk]}
    )
    assert ask.status_code == 200 and "Falls app, from Harbourside" in text_of(elements(ask, "ul")[-1])

    done = return_with_note(client_as, innovation, "Say which care homes used it and what changed.")
    assert done.status_code == 302
    innovation.refresh_from_db()
    assert innovation.status == "draft" and innovation.review_note.startswith("Say which care homes")
    [sent] = mail.outbox
    assert sent.to == ["lead@icb.example.org"] and "Say which care homes" in sent.body
    assert f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/" in sent.body

    lead = client_as("ICS lead")
    assert "Returned to you" in text_of(elements(lead.get(f"/ics/{world.icb.slug}/workspace/"), "table")[-1])
    url = f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/"
    page = lead.get(url)
    assert "Say which care homes used it" in text_of(elements(page, "div", class_="nhsuk-warning-callout")[0])
    mail.outbox.clear()
    response = lead.post(url, {**SUBMISSION, "summary": "Fewer falls in 12 care homes in Harbourside."})
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert (innovation.status, innovation.summary, innovation.review_note) == (
        "in-review",
        "Fewer falls in 12 care homes in Harbourside.",
        "",
    )
    [again] = mail.outbox
    assert again.to == ["editor@hin.example.org", "publisher@hin.example.org"]


def test_a_return_needs_a_note(client_as, world, people):
    innovation = submit(client_as, world)
    response = client_as("editor").post(
        "/admin/innovations/innovation/",
        {"action": "return_with_note", "_selected_action": [innovation.pk], "confirm": "yes", "note": "  "},
        follow=True,
    )
    assert "Write a note saying what the system should change" in response.content.decode()
    innovation.refresh_from_db()
    assert innovation.status == "in-review"


def test_a_bad_edit_is_refused_and_kept(client_as, world, people):
    innovation = submit(client_as, world)
    return_with_note(client_as, innovation, "Add the evidence.")
    lead = client_as("ICS lead")
    url = f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/"
    response = lead.post(url, {**SUBMISSION, "summary": "", "description": "Kept words."})
    assert response.status_code == 400 and "Kept words." in response.content.decode()
    innovation.refresh_from_db()
    assert innovation.status == "draft"


def test_publication_records_the_system_as_originator_and_adopter(client_as, world, people):
    innovation = submit(client_as, world)
    mail.outbox.clear()
    publisher = client_as("publisher")
    response = publisher.post(
        "/admin/innovations/innovation/", {"action": "publish", "_selected_action": [innovation.pk]}
    )
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.status == "published" and innovation.adopted_icb_count == 1
    own = Adoption.objects.get(innovation=innovation)
    assert (own.icb, own.status, own.is_demo) == (world.icb, "adopted", False)
    [sent] = mail.outbox
    assert sent.to == ["lead@icb.example.org"] and "is published" in sent.subject
    page = client_as("anonymous").get(innovation.get_absolute_url())
    rows = [text_of(row) for row in elements(page, "div", class_="nhsuk-summary-list__row")]
    assert any(row.startswith("Developed in") and world.icb.name in row for row in rows)


def test_another_networks_staff_cannot_return_it(client_as, world, people):
    innovation = submit(client_as, world)
    other = client_as("other editor")
    other.post(
        "/admin/innovations/innovation/",
        {"action": "return_with_note", "_selected_action": [innovation.pk], "confirm": "yes", "note": "No."},
    )
    innovation.refresh_from_db()
    assert innovation.status == "in-review" and innovation.review_note == ""


def test_records_no_system_submitted_email_no_one(client_as, world, people):
    innovation = make_innovation(name="Network's own", status="draft", lead_network=world.network)
    innovation.transition("submit", by=people["editor"])
    innovation.transition("publish", by=people["publisher"])
    assert not mail.outbox and not Adoption.objects.filter(innovation=innovation).exists()


def test_the_submission_page_asks_a_fixed_number_of_queries(client_as, world, people, django_assert_max_num_queries):
    innovation = submit(client_as, world)
    lead = client_as("ICS lead")
    with django_assert_max_num_queries(15):
        lead.get(f"/ics/{world.icb.slug}/workspace/submissions/{innovation.pk}/")

"""A network editor's day in the staff screens: answer a request for help, and return a system's
submission with a note. axe-core runs on every page they visit."""

import pytest
from django.core import mail

from conftest import assert_accessible, make_person, second_factor_device, sign_in_to_the_staff_screens
from innovations.models import HelpRequest, Innovation
from innovations.tests.factories import make_innovation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(transactional_db, world):
    person = make_person("editor", "Network editor", network=world.network)
    second_factor_device(person)
    lead = make_person("ics-lead", "ICS lead", icb=world.icb)
    lead.email = "lead@icb.example.org"
    lead.save()
    HelpRequest.objects.create(
        innovation=make_innovation(name="Falls app"), icb=world.icb, network=world.network, name="Sam Carter",
        email="sam@icb.example.org", message="How did others make the case?",
    )  # fmt: skip
    Innovation(
        name="Our virtual ward", summary="Care at home.", category="digital", clinical_areas=["frailty"],
        care_settings=["care-homes"], stage="adoption",
    ).submit_from_icb(icb=world.icb, by=lead)  # fmt: skip
    mail.outbox.clear()
    return person


def test_an_editor_answers_a_request_and_returns_a_submission(editor, page):
    sign_in_to_the_staff_screens(page, editor)

    page.goto("/admin/innovations/helprequest/")
    assert_accessible(page)
    page.get_by_role("link", name="Falls app for Harbourside").click()
    page.wait_for_url("**/change/")
    assert page.get_by_text("How did others make the case?").count() == 1
    assert_accessible(page)
    page.locator("#id_replies-0-body").fill("Three systems near you use it: we will introduce you.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert [m.to for m in mail.outbox] == [["sam@icb.example.org"]]
    assert HelpRequest.objects.get().status == "in-progress"
    assert_accessible(page)

    page.goto("/admin/innovations/innovation/?status__exact=in-review")
    page.get_by_label("Select this object for an action - Our virtual ward").check()
    page.locator("select[name=action]").select_option("return_with_note")
    with page.expect_navigation():
        page.get_by_role("button", name="Go", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Note to the submitting system (what should change)").fill("Add who runs it at night.")
    with page.expect_navigation():
        page.get_by_role("button", name="Return with this note").click()
    assert page.get_by_text("Returned 1 to the submitting system with your note.").count() == 1
    assert_accessible(page)
    assert Innovation.objects.get(name="Our virtual ward").status == "draft"
    assert mail.outbox[-1].to == ["lead@icb.example.org"] and "Add who runs it at night." in mail.outbox[-1].body

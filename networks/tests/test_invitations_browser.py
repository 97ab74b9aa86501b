"""A network lead (publisher) invites an ICS lead in the staff screens; the lead follows the emailed
link, makes their account and lands in their workspace. axe-core runs on every page they visit."""

import re

import pytest
from django.core import mail

from conftest import AXE_SCRIPT, assert_accessible, make_person, second_factor_device, sign_in_to_the_staff_screens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def publisher(transactional_db, world):
    person = make_person("publisher", "Network publisher", network=world.network)
    second_factor_device(person)
    return person


def test_a_network_lead_invites_an_ics_lead_who_joins(publisher, world, page, live_server):
    sign_in_to_the_staff_screens(page, publisher)
    page.goto("/admin/networks/invitation/add/")
    assert_accessible(page)
    page.get_by_label("Email").fill("sam@icb.example.org")
    page.get_by_label("Role").select_option("ICS lead")
    page.get_by_label("Integrated care board").select_option(str(world.icb2.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_text("Invitation emailed to sam@icb.example.org").count() == 1
    assert_accessible(page)

    [sent] = mail.outbox
    link = re.search(r"https?://[^/]+(/account/invitation/[^/]+/)", sent.body).group(1)
    context = page.context.browser.new_context(base_url=live_server.url)  # someone else's browser
    context.add_init_script(path=str(AXE_SCRIPT))
    newcomer = context.new_page()
    newcomer.goto(link)
    assert newcomer.get_by_role("heading", level=1).inner_text() == "Join HIN Portal"
    assert_accessible(newcomer)
    newcomer.get_by_label("Choose a username").fill("sam")
    newcomer.get_by_label("First name").fill("Sam")
    newcomer.get_by_label("Last name").fill("Carter")
    newcomer.get_by_label("Choose a password").fill("Heron kettle 47 marmalade")
    newcomer.get_by_label("The password again").fill("Heron kettle 47 marmalade")
    newcomer.get_by_role("button", name="Create my account").click()
    newcomer.wait_for_url(f"**/ics/{world.icb2.slug}/workspace/")
    assert_accessible(newcomer)
    newcomer.goto(link)  # the link works once
    assert newcomer.get_by_role("heading", level=1).inner_text() == "This invitation has been used"
    assert_accessible(newcomer)

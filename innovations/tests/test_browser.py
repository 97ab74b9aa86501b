import pytest
from django.core.management import call_command

from conftest import assert_accessible
from innovations.services import load_catalogue
from networks.services import load_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(transactional_db) -> None:
    load_reference_data()
    load_catalogue()
    call_command("seed_demo", innovations=60, seed=1, verbosity=0)


def test_an_ics_lead_searches_filters_and_opens_an_innovation(catalogue, page):
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Innovations").click()
    page.wait_for_url("**/innovations/")
    assert_accessible(page)

    page.get_by_label("Search innovations").fill("prostat")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/innovations/?q=prostat*")
    heading = page.get_by_role("heading", level=2, name="matching ‘prostat’").inner_text()
    assert heading.endswith("innovations and programmes matching ‘prostat’")  # programmes are searched too
    assert "Why it is here: matched prostat" in page.get_by_role("main").inner_text()
    assert page.locator("mark").count() > 0
    assert_accessible(page)

    page.locator("summary", has_text="Category").click()  # open the details
    page.get_by_label("Medical device (", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**category=medical-device*")
    assert_accessible(page)

    page.get_by_role("link", name="UroLift").click()
    page.wait_for_url("**/innovations/urolift/")
    assert page.get_by_role("link", name="MTG58 on the NICE website").count() == 1
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})  # reflows, tables included (WCAG 1.4.10)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_visitor_browses_programmes(catalogue, page):
    page.goto("/programmes/")
    assert_accessible(page)
    page.get_by_role("link", name="Asthma Biologics and FeNO testing").click()
    page.wait_for_url("**/programmes/asthma-biologics-and-feno/")
    assert_accessible(page)


def test_a_search_with_no_results_offers_a_suggestion(catalogue, page):
    page.goto("/innovations/?q=prostrate")
    assert_accessible(page)
    page.get_by_role("link", name="prostate").click()
    page.wait_for_url("**q=prostate*")

import pytest

from conftest import assert_accessible
from innovations.services import load_catalogue
from networks.services import load_reference_data
from reviews.services import load_publications

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publications(transactional_db) -> None:
    load_reference_data()
    load_catalogue()
    load_publications()


def test_a_visitor_searches_from_the_header_and_opens_a_publication(publications, page):
    page.goto("/")
    page.get_by_role("searchbox", name="Search HIN Portal").fill("Hewitt")
    page.get_by_role("banner").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=Hewitt")
    assert_accessible(page)

    page.get_by_role("link", name="The Hewitt Review: an independent review of integrated care systems").click()
    page.wait_for_url("**/publications/hewitt-review/")
    assert page.get_by_role("heading", name="Spread proven innovation between systems").count() == 1
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Publications").click()
    page.wait_for_url("**/publications/")
    assert_accessible(page)
    page.locator("summary", has_text="Kind").click()
    page.get_by_label("Review (", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**kind=review*")
    assert_accessible(page)

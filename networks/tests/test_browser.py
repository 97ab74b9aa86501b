import pytest
from django.core.management import call_command

from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(transactional_db) -> None:
    call_command("load_reference_data", verbosity=0)


def test_a_visitor_follows_the_navigation_to_a_network_and_an_ics(loaded, page):
    page.goto("/")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Networks").click()
    page.wait_for_url("**/networks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Health Innovation Networks"
    assert_accessible(page)

    page.get_by_role("link", name="Health Innovation Manchester").click()
    page.wait_for_url("**/networks/health-innovation-manchester/")
    assert_accessible(page)

    page.get_by_role("link", name="Greater Manchester").click()
    page.wait_for_url("**/ics/greater-manchester/")
    assert page.get_by_role("heading", level=1).inner_text() == "Greater Manchester"
    assert "QOP" in page.content()
    assert_accessible(page)


def test_a_visitor_searches_from_the_header(loaded, page):
    page.goto("/ics/")
    assert_accessible(page)
    page.get_by_role("searchbox", name="Search HIN Portal").fill("Dorset")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url("**/search/?q=Dorset")
    page.get_by_role("link", name="Dorset").click()
    page.wait_for_url("**/ics/dorset/")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    ["/accessibility/", "/privacy/", "/open-data/", "/search/", "/search/?q=" + "x" * 201, "/no-such-page/"],
)
def test_every_other_page_passes_axe(loaded, page, path):
    page.goto(path)
    assert_accessible(page)


def test_the_accessibility_check_catches_a_violation(page):
    page.set_content('<html lang="en"><body><main><img src="chart.png"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)

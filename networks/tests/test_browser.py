import pytest

from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(transactional_db, world):
    return world


def test_a_visitor_follows_the_navigation_to_a_network_and_an_ics(loaded, page):
    page.goto("/")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Networks").click()
    page.wait_for_url("**/networks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Health Innovation Networks"
    assert_accessible(page)

    page.get_by_role("link", name=loaded.other_network.name).click()
    page.wait_for_url(f"**/networks/{loaded.other_network.slug}/")
    assert_accessible(page)

    page.get_by_role("link", name="Fellside").click()
    page.wait_for_url("**/ics/fellside/")
    assert page.get_by_role("heading", level=1).inner_text() == "Fellside"
    assert "T03" in page.content()
    assert_accessible(page)


def test_a_visitor_searches_from_the_header(loaded, page):
    page.goto("/ics/")
    assert_accessible(page)
    page.get_by_role("searchbox", name="Search HIN Portal").fill("Harbourside")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url("**/search/?q=Harbourside")
    page.get_by_role("link", name="Harbourside").click()
    page.wait_for_url("**/ics/harbourside/")
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


def test_the_impact_figures_pass_axe_and_reflow_at_320_pixels(transactional_db, page):
    from networks.models import Network
    from networks.services import load_reference_data

    load_reference_data()
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/networks/", Network.objects.get(code="HIN-SL").get_absolute_url()):
        page.goto(path)
        assert page.get_by_role("columnheader", name="As published").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert_accessible(page)

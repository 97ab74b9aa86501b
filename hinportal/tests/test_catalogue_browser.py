import pytest

from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/open-data/",
    "/programmes/",
    "/programmes/medtech-funding-mandate/",
    "/programmes/rapid-uptake-products/",
    "/innovations/urolift/",
    "/innovations/sequent-please/",
    "/innovations/escape-pain/",
    "/innovations/orcha-health-app-reviews/",
]


@pytest.fixture
def catalogue(transactional_db):
    from innovations.services import load_catalogue
    from networks.services import load_reference_data

    load_reference_data()
    load_catalogue()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_real_catalogue_and_open_data_pass_axe_and_reflow(catalogue, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in PAGES:
        page.goto(path)
        if path == "/open-data/":
            # Every data dictionary opened, as a reader would.
            for summary in page.locator("summary").all():
                summary.click()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert_accessible(page)

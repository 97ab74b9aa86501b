import pytest

from conftest import assert_accessible, make_person
from innovations.models import Shortlist
from innovations.tests.factories import adopt_in, make_guidance, make_innovation
from networks.tests.factories import make_icb

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(transactional_db, world):
    elsewhere = [world.other_icb, make_icb(region=world.other_region), make_icb(region=world.other_region)]
    for name in ("Falls prevention app", "Virtual ward for COPD", "Sepsis alert"):
        innovation = make_innovation(name=name)
        make_guidance(innovation=innovation)
        adopt_in(innovation, elsewhere)
    return make_person("ics-lead", "ICS lead", icb=world.icb)


def test_an_ics_lead_shortlists_two_proven_innovations_for_the_board(lead, page):
    page.goto("/")
    page.get_by_role("link", name="Sign in", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Username").fill("ics-lead")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ics/harbourside/workspace/")
    assert_accessible(page)

    page.get_by_label("Name of the shortlist").fill("Board, March")
    page.get_by_role("button", name="Create shortlist").click()
    page.wait_for_url("**/shortlists/*/")
    assert_accessible(page)

    page.goto("/ics/harbourside/proven-elsewhere/")
    assert_accessible(page)
    page.get_by_label("Search this list").fill("falls")  # the lead searches the gap list in their words
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url("**q=falls*")
    assert page.get_by_text("Why it is here: matched falls").count() == 1
    assert page.get_by_role("button", name="Sepsis alert").count() == 0
    assert_accessible(page)
    # From the gap list, choosing the list; back on the gap list afterwards.
    page.goto("/ics/harbourside/proven-elsewhere/")
    page.get_by_role("link", name="Add to a shortlist (Falls prevention app)").click()
    page.wait_for_url("**/shortlists/add/**")
    assert_accessible(page)
    page.get_by_label("Board, March").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the shortlist").click()
    assert "/proven-elsewhere/" in page.url
    assert page.get_by_text("‘Falls prevention app’ added to ‘Board, March’.").count() == 1
    assert_accessible(page)  # with the confirmation banner
    # From the catalogue.
    page.goto("/innovations/?q=sepsis")
    page.get_by_role("link", name="Add to a shortlist (Sepsis alert)").click()
    page.get_by_label("Board, March").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the shortlist").click()
    assert page.get_by_text("‘Sepsis alert’ added to ‘Board, March’.").count() == 1
    page.goto(Shortlist.objects.get().get_absolute_url())
    assert page.get_by_role("heading", level=2, name="Falls prevention app").count() == 1
    page.get_by_label("Note for the board").first.fill("Costed at £20k a year")
    with page.expect_navigation():
        page.get_by_role("button", name="Save note for Falls prevention app").click()
    assert_accessible(page)

    # Locking asks first.
    page.get_by_role("link", name="Lock the shortlist").click()
    page.wait_for_url("**/lock/")
    assert page.get_by_text("This cannot be undone").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, lock it").click()
    assert page.get_by_text("can no longer change").count() == 1
    assert_accessible(page)

    # What the board decided.
    page.get_by_text("Record the board's decision on Falls prevention app").click()
    page.locator(
        "#item-" + str(Shortlist.objects.get().items.get(innovation__name="Falls prevention app").pk)
    ).get_by_label("Approved").check()
    page.get_by_label("Date of the decision").first.fill("12/3/2027")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the decision on Falls prevention app").click()
    assert page.locator("strong.nhsuk-tag", has_text="Approved").count() == 1
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == "harbourside-board-march.csv"
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        assert "Approved,12/03/2027" in exported.read()
    page.get_by_role("link", name="Print view for a board paper").click()
    assert page.get_by_text("Approved", exact=True).count() == 1
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Sign in", exact=True).count() == 1
    assert Shortlist.objects.get().items.count() == 2


def test_the_print_view_stays_on_a4_when_a_note_holds_a_long_address(lead, page, world):
    from innovations.models import Innovation, ShortlistItem

    shortlist = Shortlist.objects.create(icb=world.icb, name="Board", created_by=lead)
    long_url = "https://example.org/reports/" + "evaluationreport" * 20 + ".pdf"  # no hyphen to break at
    ShortlistItem.objects.create(shortlist=shortlist, innovation=Innovation.objects.first(), note=f"See {long_url}")
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill("ics-lead")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    # A4 at 96 dpi is 794 px wide; with 2 cm margins about 643 px of it takes text.
    page.set_viewport_size({"width": 643, "height": 900})
    page.emulate_media(media="print")
    page.goto(f"/shortlists/{shortlist.pk}/print/")
    assert long_url in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 643

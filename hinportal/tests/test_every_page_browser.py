"""Every page type, as each person sees it, at a desktop width and at 320 px (400% zoom): no axe
WCAG 2.2 A/AA violation, nothing outside a landmark, and no sideways scrolling."""

import pytest
from django.contrib.auth.models import User

from conftest import assert_accessible, make_person, sign_in_to_the_staff_screens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def portal(transactional_db):
    """The data `make run` loads, with fewer demonstration innovations."""
    from django.core.management import call_command

    from innovations.models import Innovation, Shortlist, ShortlistItem
    from networks.models import IntegratedCareBoard, Network

    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", innovations=40, seed=1, verbosity=0)
    icb = IntegratedCareBoard.objects.get(ods_code="QOX")
    lead = make_person("lead", "ICS lead", icb=icb)
    make_person("editor", "Network editor", network=Network.objects.get(code="HI-WEST"))
    make_person("national", "National administrator")
    shortlist = Shortlist.objects.create(icb=icb, name="Board, March", created_by=lead)
    Innovation(
        name="Our falls service", summary="Fewer falls.", category="digital", clinical_areas=["frailty"],
        care_settings=["care-homes"], stage="adoption",
    ).submit_from_icb(icb=icb, by=lead)  # fmt: skip
    for innovation in Innovation.objects.published().filter(is_demo=False)[:2]:
        ShortlistItem.objects.create(shortlist=shortlist, innovation=innovation, note="For the board.")
    return icb, shortlist


def public_pages(icb) -> list[str]:
    from innovations.models import Innovation, Programme
    from networks.models import Network
    from reviews.models import Publication

    demo = Innovation.objects.published().filter(is_demo=True).first()
    return [
        "/",
        "/innovations/",
        "/innovations/?category=digital&clinical_area=cancer&clinical_area=respiratory",
        "/innovations/urolift/",
        "/innovations/escape-pain/",
        demo.get_absolute_url(),
        "/programmes/",
        Programme.objects.get(short_name="FREED").get_absolute_url(),
        "/programmes/medtech-funding-mandate/",
        # A heading with a word longer than a 320 px line ("Hypercholesterolaemia").
        "/programmes/lipid-management/",
        "/networks/",
        Network.objects.get(code="HI-WEST").get_absolute_url(),
        "/ics/",
        icb.get_absolute_url(),
        "/ics/northamptonshire/",  # the same, in an ICS page's heading
        f"/ics/{icb.slug}/proven-elsewhere/",
        "/publications/",
        Publication.objects.get(slug="hewitt-review").get_absolute_url(),
        "/search/?q=asthma",
        "/open-data/",
        "/accessibility/",
        "/contact/",
        "/privacy/",
        "/account/sign-in/",
        "/account/password-reset/",
        "/innovations/urolift/help/",
    ]


def check(page, path: str, width: int, sources: dict[str, str] | None = None) -> list[str]:
    page.goto(path)
    if sources is not None:
        sources[path] = page.request.get(path).text()  # the HTML as served, for the Nu checker
    problems = []
    # Every collapsed part opened (map and chart tables, filters, data dictionaries), as a reader would.
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{path}: scrolls sideways ({scroll} px at {width})")
    try:
        assert_accessible(page)
    except AssertionError as error:
        problems.append(str(error))
    return problems


def watch_policy(page) -> list[str]:
    """What the browser refuses under the Content-Security-Policy, as it logs it."""
    refused: list[str] = []

    def note(message) -> None:
        where = message.location.get("url", "")
        # axe-core's own probes (it tries styles while it checks) are the test's, not the portal's.
        if "Content Security Policy" in message.text and "axe-core" not in where:
            refused.append(f"{page.url}: {message.text.split('.')[0]} (from {where or 'the page'})")

    page.on("console", note)
    return refused


def sign_in(page, username: str) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [1280, 320])
def test_every_public_and_lead_page(portal, page, width, html_validator):
    from innovations.models import Innovation

    icb, shortlist = portal
    refused = watch_policy(page)
    page.set_viewport_size({"width": width, "height": 900})
    sources: dict[str, str] = {}
    problems = [problem for path in public_pages(icb) for problem in check(page, path, width, sources)]
    sign_in(page, "lead")
    for path in (
        f"/ics/{icb.slug}/workspace/",
        f"/ics/{icb.slug}/proven-elsewhere/",
        shortlist.get_absolute_url(),
        f"/shortlists/{shortlist.pk}/print/",
        f"/shortlists/{shortlist.pk}/lock/",
        "/shortlists/add/urolift/",
        "/saved-searches/?query=q%3Dfalls",
        f"/ics/{icb.slug}/workspace/submit/",
        f"/ics/{icb.slug}/workspace/adoptions/urolift/",
        f"/ics/{icb.slug}/workspace/submissions/{Innovation.objects.get(name='Our falls service').pk}/",
        f"/ics/{icb.slug}/proven-elsewhere/?here=under-way",
    ):
        problems += check(page, path, width, sources)
    if width == 1280:  # the same HTML at any width: validate it once
        problems += html_validator(sources)
    assert not problems + refused, "\n".join(problems + refused)


# Not pages: files, feeds, forms that write, the staff screens, and the account's own pages.
NOT_CRAWLED = ("/admin/", "/account/", "/export", ".csv", ".json", ".xml", ".xlsx", "/feed/", "/help/", "unsubscribe")


def test_no_page_the_public_can_reach_scrolls_sideways_at_320_pixels(portal, page):
    """The page types above are one record each, but the records' own words differ: headings with a
    word longer than the line made five pages of the development data scroll sideways, and no test
    of a page type saw it. So every page linked from the lists, and from what they link to, once
    each (one address per path, whatever its query string)."""
    page.set_viewport_size({"width": 320, "height": 900})
    queue = ["/", "/innovations/", "/programmes/", "/ics/", "/networks/", "/publications/"]
    seen: set[str] = set()
    wide = []
    while queue:
        path = queue.pop(0)
        if path.split("?")[0] in seen or any(part in path for part in NOT_CRAWLED):
            continue
        seen.add(path.split("?")[0])
        response = page.goto(path)
        if response is None or response.status != 200 or "text/html" not in response.headers["content-type"]:
            continue
        page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
        if (scroll := page.evaluate("document.documentElement.scrollWidth")) > 320:
            wide.append(f"{path}: {scroll} px")
        links = page.eval_on_selector_all("a[href^='/']", "links => links.map(link => link.getAttribute('href'))")
        queue += [link.split("#")[0] for link in links]
    assert len(seen) > 250  # every record's page, not only the lists
    assert not wide, "Scroll sideways at 320 px:\n" + "\n".join(wide)


@pytest.mark.parametrize("width", [1280, 320])
def test_charts_are_one_size_with_16_pixel_labels_and_maps_link_every_tile(portal, page, width):
    from innovations.models import Programme

    page.set_viewport_size({"width": width, "height": 900})
    heights = set()
    for path in ("/innovations/urolift/", Programme.objects.get(short_name="FREED").get_absolute_url()):
        page.goto(path)
        sizes = page.eval_on_selector_all(
            ".app-chart__xaxis span, .app-chart__yaxis span",
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
        )
        assert sizes and min(sizes) >= 16, path
        heights.add(page.eval_on_selector(".app-chart__svg", "e => Math.round(e.getBoundingClientRect().height)"))
        tiles = page.eval_on_selector_all(".app-hexmap__link", "els => els.map(e => e.getAttribute('href'))")
        assert len(tiles) == 42 and all(href.startswith("/ics/") for href in tiles), path
    assert heights == {200}


def test_on_a_phone_the_filters_wait_behind_their_control_and_the_results_come_first(portal, page):
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/innovations/")
    panel = page.locator("details[data-app-filters]")
    assert panel.get_attribute("open") is None
    assert page.get_by_label("Proven only").is_hidden()
    results = page.locator("#results").bounding_box()
    assert results["y"] - panel.bounding_box()["y"] < 200  # one line of control, then the results
    page.get_by_text("Filter", exact=True).click()
    assert page.get_by_label("Proven only").is_visible()
    # A chosen filter keeps the panel open and says how many are chosen.
    page.goto("/innovations/?category=digital")
    assert page.locator("details[data-app-filters]").get_attribute("open") is not None
    assert page.get_by_text("Filter (1 chosen)").is_visible()
    # The lead's gap list too.
    icb, _ = portal
    page.goto(f"/ics/{icb.slug}/proven-elsewhere/")
    assert page.locator("details[data-app-filters]").get_attribute("open") is None
    assert page.get_by_label("Search this list").is_visible()
    # On a desktop, and without JavaScript anywhere, the filters are open.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/innovations/")
    assert page.get_by_label("Proven only").is_visible()


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("username", ["editor", "national"])
def test_the_staff_screens_network_staff_use(portal, page, width, username, html_validator):
    from innovations.models import Innovation

    innovation = Innovation.objects.get(slug="urolift")
    refused = watch_policy(page)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_to_the_staff_screens(page, User.objects.get(username=username))
    problems = []
    sources: dict[str, str] = {}
    for path in (
        "/admin/",
        "/admin/innovations/innovation/",
        "/admin/innovations/innovation/?q=urolift",
        f"/admin/innovations/innovation/{innovation.pk}/change/",
        f"/admin/innovations/innovation/{innovation.pk}/history/",
        "/admin/innovations/innovation/add/",
        "/admin/innovations/adoption/",
        "/admin/innovations/adoption/import/",
        "/admin/innovations/helprequest/",
        "/admin/auth/user/" if username == "national" else "/account/two-factor/recovery-codes/",
        "/admin/networks/invitation/add/" if username == "national" else "/admin/innovations/helprequest/",
    ):
        page.goto(path)
        sources[path] = page.request.get(path).text()
        try:
            assert_accessible(page)
        except AssertionError as error:
            problems.append(str(error))
    if width == 1280:
        problems += html_validator(sources)
    assert not problems + refused, "\n".join(problems + refused)

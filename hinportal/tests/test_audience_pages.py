"""Public pages kept whole for everyone of one audience (page_cache.audience_page):
people who share their roles, membership and the like are served one kept page, each with their own
CSRF token; anyone else, a waiting message or a write gets the page rendered afresh."""

import re
import zlib

import pytest
from django.contrib.auth.models import User
from django.test import Client

from conftest import elements, make_person, sign_in_fully
from innovations import gap_lists
from innovations.choices import AdoptionStatus
from innovations.tests.factories import adopt_in, make_adoption, make_guidance, make_innovation, make_programme
from reviews.tests.factories import make_publication

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
CACHE = "X-Audience-Cache"


@pytest.fixture
def pages(world) -> dict[str, str]:
    """An innovation proven in two systems, piloted in world.icb and in a programme; its three pages."""
    innovation = make_innovation(name="Falls prevention app", clinical_areas=["urology"])
    make_guidance(innovation=innovation)
    adopt_in(innovation, [world.other_icb, world.icb2], AdoptionStatus.EMBEDDED)
    make_adoption(innovation=innovation, icb=world.icb, status=AdoptionStatus.PILOTING)
    programme = make_programme(name="Falls programme", innovations=[innovation])
    publication = make_publication(title="Falls in care homes", innovations=[innovation], icbs=[world.icb])
    return {
        "innovation": innovation.get_absolute_url(),
        "programme": programme.get_absolute_url(),
        "ICS": world.icb.get_absolute_url(),
        "gap list": f"/ics/{world.icb.slug}/proven-elsewhere/",
        "home": "/",
        "listing": "/innovations/",
        "search of the listing": "/innovations/?q=falls&clinical_area=urology",
        "site search": "/search/?q=falls",
        "programmes": "/programmes/",
        "networks": "/networks/",
        "network": world.network.get_absolute_url(),
        "ICS list": "/ics/",
        "publications": "/publications/",
        "publication": publication.get_absolute_url(),
    }


KEPT_PAGES = [
    *("innovation", "programme", "ICS", "gap list", "home", "listing", "search of the listing", "site search"),
    *("programmes", "networks", "network", "ICS list", "publications", "publication"),
]


def person(username: str, role: str | None, **membership) -> User:
    """Someone with a name and address of their own, which no kept page may show another."""
    user = make_person(username, role, **membership)
    user.first_name, user.last_name, user.email = username.title(), "Tester", f"{username}@example.nhs.uk"
    user.save()
    return user


def client_of(user: User | None) -> Client:
    if user is None:  # an anonymous visitor with a cookie, so not the public page cache's
        client = Client()
        client.cookies["seen"] = "1"
        return client
    return sign_in_fully(Client(), user)


def audiences(world) -> dict[str, tuple[User | None, User | None]]:
    return {
        "ICS leads of one system": (
            person("lead-one", "ICS lead", icb=world.icb),
            person("lead-two", "ICS lead", icb=world.icb),
        ),
        "editors of one network": (
            person("editor-one", "Network editor", network=world.network),
            person("editor-two", "Network editor", network=world.network),
        ),
        "publishers of one network": (
            person("publisher-one", "Network publisher", network=world.network),
            person("publisher-two", "Network publisher", network=world.network),
        ),
        "national administrators": (
            person("national-one", "National administrator"),
            person("national-two", "National administrator"),
        ),
        "visitors with a cookie": (None, None),
    }


@pytest.mark.parametrize("page", KEPT_PAGES)
def test_people_of_one_audience_are_shown_the_same_page_bar_their_csrf_token(world, pages, settings, page):
    # Rendered afresh for each (nothing kept): what keeping the page for the first and serving it to
    # the second relies on, for every audience these pages have.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for name, (first, second) in audiences(world).items():
        one, two = (client_of(user).get(pages[page]) for user in (first, second))
        assert one.status_code == two.status_code == 200, name
        assert TOKEN.sub("", one.content.decode()) == TOKEN.sub("", two.content.decode()), name
        if first is not None:
            html = one.content.decode()
            assert "Lead-One" not in html and "lead-one@example.nhs.uk" not in html, name


def test_the_second_of_an_audience_is_served_the_kept_page_with_their_own_token(world, pages, settings):
    first, second = audiences(world)["ICS leads of one system"]
    one = client_of(first).get(pages["innovation"])
    assert one[CACHE] == "miss" and "In Harbourside: <strong>Piloting</strong>" in one.content.decode()

    client = sign_in_fully(Client(enforce_csrf_checks=True), second)
    two = client.get(pages["innovation"])
    assert two[CACHE] == "hit" and two.status_code == 200
    assert TOKEN.sub("", two.content.decode()) == TOKEN.sub("", one.content.decode())
    token = TOKEN.search(two.content.decode()).group(1)
    assert token != TOKEN.search(one.content.decode()).group(1)
    # The token served is theirs: the sign-out form on the kept page works for them.
    signed_out = client.post("/account/sign-out/", {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302
    assert client.get("/").wsgi_request.user.is_anonymous


@pytest.mark.parametrize("page", KEPT_PAGES)
def test_another_audience_is_never_served_the_kept_page(world, pages, page):
    lead = client_of(person("lead-here", "ICS lead", icb=world.icb))
    assert lead.get(pages[page])[CACHE] == "miss"
    assert lead.get(pages[page])[CACHE] == "hit"
    for other in (
        person("lead-there", "ICS lead", icb=world.other_icb),
        person("lead-next-door", "ICS lead", icb=world.icb2),
        person("editor", "Network editor", network=world.network),
        person("no-role", None),
        None,
    ):
        assert client_of(other).get(pages[page])[CACHE] == "miss"


def test_a_lead_sees_their_write_at_once_and_its_message_once(world, pages):
    lead = client_of(person("lead-here", "ICS lead", icb=world.icb))
    colleague = client_of(person("lead-colleague", "ICS lead", icb=world.icb))
    assert "In Harbourside: <strong>Piloting</strong>" in lead.get(pages["innovation"]).content.decode()
    innovation_slug = pages["innovation"].rstrip("/").rsplit("/", 1)[-1]
    form = f"/ics/{world.icb.slug}/workspace/adoptions/{innovation_slug}/?next={pages['innovation']}"
    version = dict(elements(lead.get(form), "input", name="version_seen")[0].attributes)["value"]
    saved = lead.post(form, {"status": "embedded", "started_on": "1/6/2024", "version_seen": version})
    assert saved.status_code == 302 and saved["Location"] == pages["innovation"]
    # The message waiting for them: the page is rendered for them with it, and not kept.
    with_message = lead.get(pages["innovation"])
    html = with_message.content.decode()
    assert CACHE not in with_message
    assert "Saved: Falls prevention app is ‘Embedded’ in Harbourside." in html
    assert "In Harbourside: <strong>Embedded</strong>" in html
    # The write moved the version on: the colleague's page is rendered anew, without the message.
    fresh = colleague.get(pages["innovation"])
    assert fresh[CACHE] == "miss"
    assert "In Harbourside: <strong>Embedded</strong>" in fresh.content.decode()
    assert "Saved:" not in fresh.content.decode()
    again = lead.get(pages["innovation"])
    assert again[CACHE] == "hit" and "Saved:" not in again.content.decode()


def test_only_plain_gets_of_pages_that_can_be_shown_are_kept(world, pages):
    lead = client_of(person("lead-here", "ICS lead", icb=world.icb))
    assert CACHE not in lead.head(pages["innovation"])
    assert lead.get(pages["innovation"])[CACHE] == "miss"
    draft = make_innovation(name="Not yet published", status="draft")
    for _ in range(2):
        missing = lead.get(draft.get_absolute_url())
        assert missing.status_code == 404 and CACHE not in missing


@pytest.mark.parametrize("setting,value", [("PUBLIC_PAGE_CACHE_SECONDS", 0), ("AUDIENCE_PAGE_CACHE", False)])
def test_nothing_is_kept_for_an_audience_when_switched_off(world, pages, settings, setting, value):
    setattr(settings, setting, value)
    lead = client_of(person("lead-here", "ICS lead", icb=world.icb))
    for _ in range(2):
        assert CACHE not in lead.get(pages["ICS"])


def test_a_kept_page_is_sent_gzipped_as_one_stream_with_the_token_left_uncompressed(world, pages):
    first, second = audiences(world)["ICS leads of one system"]
    plain = client_of(first).get(pages["ICS"])
    client = sign_in_fully(Client(enforce_csrf_checks=True), second)
    sent = client.get(pages["ICS"], HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert sent[CACHE] == "hit" and sent["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in sent["Vary"] and "Cookie" in sent["Vary"]
    # One gzip member whose checksum and length hold (zlib checks both), with nothing after it.
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    html = reader.decompress(sent.content).decode()
    assert reader.eof and reader.unused_data == b""
    assert TOKEN.sub("", html) == TOKEN.sub("", plain.content.decode())
    token = TOKEN.search(html).group(1)
    assert token.encode() in sent.content  # as it is, in its own uncompressed block
    assert client.post("/account/sign-out/", {"csrfmiddlewaretoken": token}).status_code == 302
    # A client that does not take gzip gets the page plain.
    assert "Content-Encoding" not in client_of(second).get(pages["ICS"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_shows_the_kept_page_and_its_forms_work(transactional_db, world, pages, page):
    from conftest import PERSONA_PASSWORD

    person("lead-one", "ICS lead", icb=world.icb)
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill("lead-one")
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    assert page.goto(pages["innovation"]).headers[CACHE.lower()] == "miss"
    served = page.goto(pages["innovation"])  # kept for the audience since the first view
    assert served.headers[CACHE.lower()] == "hit" and served.headers["content-encoding"] == "gzip"
    assert page.get_by_role("heading", level=1).inner_text() == "Falls prevention app"
    assert page.get_by_text("In Harbourside: Piloting").count() == 1
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in", exact=True).count() == 1


def test_a_systems_workspace_is_kept_for_its_leads_and_shown_to_nobody_else(world, pages):
    workspace = f"/ics/{world.icb.slug}/workspace/"
    make_adoption(innovation=make_innovation(name="Virtual ward"), icb=world.icb, status=AdoptionStatus.EMBEDDED)
    gap_lists.refresh()  # as the worker would after these writes, and not while a page below renders
    one = client_of(person("lead-one", "ICS lead", icb=world.icb))
    two = client_of(person("lead-two", "ICS lead", icb=world.icb))
    first = one.get(workspace)
    assert first.status_code == 200 and first[CACHE] == "miss"
    assert "Virtual ward" in first.content.decode()  # embedded here
    second = two.get(workspace)
    assert second.status_code == 200 and second[CACHE] == "hit"
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    assert "Lead-One" not in second.content.decode() and "lead-one@example.nhs.uk" not in second.content.decode()
    # Everyone else is refused, as before the page was kept, and is never served it.
    for other in (
        person("lead-there", "ICS lead", icb=world.other_icb),
        person("editor", "Network editor", network=world.network),
        person("national", "National administrator"),
        person("no-role", None),
        None,
    ):
        for _ in range(2):
            refused = client_of(other).get(workspace)
            assert refused.status_code in (302, 403, 404) and CACHE not in refused
            assert "Virtual ward" not in refused.content.decode()

    # A shortlist one lead makes is in the other's workspace at once (the write retired the kept page).
    made = one.post(f"/ics/{world.icb.slug}/workspace/shortlists/", {"name": "Board paper, March 2027"})
    assert made.status_code == 302
    fresh = two.get(workspace)
    assert fresh[CACHE] == "miss" and "Board paper, March 2027" in fresh.content.decode()
    assert two.get(workspace)[CACHE] == "hit"


def test_a_kept_page_costs_the_signed_in_two_round_trips_to_the_shared_cache(world, pages, settings, redis_cache):
    # As in production with a shared cache: the session is kept there too.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.core.cache import cache

    first, second = audiences(world)["ICS leads of one system"]
    assert client_of(first).get(pages["innovation"])[CACHE] == "miss"
    lead = client_of(second)
    client = cache._cache.get_client()  # the one client every operation of this thread uses
    sent: list[str] = []
    execute = client.execute_command

    def recorded(*args, **options):
        sent.append(args[0])
        return execute(*args, **options)

    client.execute_command = recorded
    try:
        served = lead.get(pages["innovation"])
    finally:
        del client.execute_command
    assert served[CACHE] == "hit" and "Falls prevention app" in served.content.decode()
    assert sent == ["GET", "MGET"]  # the session; then the public version and the page together

    # A write moves the version on: the page kept before it is no longer served, though its key is
    # the same, and the page rendered afresh is kept in its place.
    make_innovation(name="Another falls app")
    assert lead.get(pages["innovation"])[CACHE] == "miss"
    assert lead.get(pages["innovation"])[CACHE] == "hit"

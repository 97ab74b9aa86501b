"""No input earns a 5xx: Hypothesis feeds arbitrary query strings, headers and form bodies to every
public page and every page an ICS lead uses, and any answer of 500 or more fails the test (the test
client raises the view's exception, so a crash fails it too). A Host header the portal does not
serve is a 400 on the NHS.UK error page, never a 500.

Examples are derived from the test's name (derandomize), so a failure repeats on every run and
on every machine; Hypothesis's example database is off so nothing is written beside the code."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_person, sign_in_fully
from innovations.models import Shortlist
from innovations.tests.factories import make_innovation, make_programme
from reviews.tests.factories import make_publication

FUZZ = settings(
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text, including control characters, surrogates' replacements, NUL and very long runs.
text = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", "\x00", "%", "%zz", "../../etc/passwd", "' OR 1=1 --", "<script>", "9" * 40, "-1", "1e309", "NaN", "٣"]
)
params = st.lists(st.tuples(text, text), max_size=6)
# The names the portal's own forms and filters use, so that values reach the code behind them.
known_names = st.sampled_from(
    [
        "q", "page", "sort", "category", "clinical_area", "care_setting", "core20plus5", "stage", "evidence_tier",
        "lead_network", "proven", "status", "kind", "region", "next", "username", "password", "email", "note",
        "name", "innovation", "shortlist", "summary", "description", "csrfmiddlewaretoken", "include", "year",
    ]
)  # fmt: skip
known_params = st.lists(st.tuples(known_names, text), max_size=8)
# A WSGI server hands headers over as Latin-1 text without line breaks, so that is what can arrive.
header_text = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=60) | st.sampled_from(
    ["", "*", 'W/"x"', "bytes=0-0,-1", "Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 99 Foo 99999 99:99:99 GMT", "a=b; c"]
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_ACCEPT": header_text,
        "HTTP_ACCEPT_LANGUAGE": header_text,
        "HTTP_ACCEPT_ENCODING": header_text,
        "HTTP_IF_NONE_MATCH": header_text,
        "HTTP_IF_MODIFIED_SINCE": header_text,
        "HTTP_COOKIE": header_text,
        "HTTP_REFERER": header_text,
        "HTTP_USER_AGENT": header_text,
        "HTTP_X_FORWARDED_FOR": header_text,
        "HTTP_X_FORWARDED_PROTO": header_text,
        "HTTP_RANGE": header_text,
    },
)
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=nope",
        "application/x-www-form-urlencoded; charset=utf-16",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "application/json",
        "text/plain",
        "",
    ]
)


def query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


@pytest.fixture
def site(world):
    """A small portal: a published innovation, programme and publication; a lead with a shortlist."""
    lead = make_person("lead", "ICS lead", icb=world.icb)
    innovation = make_innovation(name="Fuzzed innovation", lead_network=world.network)
    programme = make_programme(innovations=[innovation])
    publication = make_publication(innovations=[innovation])
    shortlist = Shortlist.objects.create(icb=world.icb, name="Board", created_by=lead)
    icb = world.icb.slug
    public = [
        "/",
        "/innovations/",
        innovation.get_absolute_url(),
        "/innovations/export.csv",
        "/innovations/export.json",
        "/innovations/feed/",
        "/programmes/",
        programme.get_absolute_url(),
        "/networks/",
        world.network.get_absolute_url(),
        "/ics/",
        world.icb.get_absolute_url(),
        f"/ics/{icb}/proven-elsewhere/",
        "/publications/",
        publication.get_absolute_url(),
        "/publications/feed/",
        "/search/",
        "/open-data/",
        "/open-data/catalogue.csv",
        "/sitemap.xml",
        "/contact/",
        "/account/sign-in/",
        "/account/password-reset/",
        "/robots.txt",
    ]
    lead_pages = [
        "/workspace/",
        f"/ics/{icb}/workspace/",
        f"/ics/{icb}/workspace/submit/",
        f"/ics/{icb}/workspace/shortlists/",
        f"/shortlists/{shortlist.pk}/",
        f"/shortlists/{shortlist.pk}/add/",
        f"/shortlists/{shortlist.pk}/print/",
        f"/shortlists/{shortlist.pk}/export.csv",
        f"/shortlists/{shortlist.pk}/lock/",
    ]
    return {"public": public, "lead": lead_pages, "lead_user": lead}


def fuzz_client(site, signed_in: bool) -> Client:
    # Checks CSRF as production does, so forged bodies meet the same refusal a browser's would.
    client = Client(enforce_csrf_checks=True)
    return sign_in_fully(client, site["lead_user"]) if signed_in else client


def assert_no_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "lead"])
def test_arbitrary_query_strings_and_headers(site, signed_in):
    client = fuzz_client(site, signed_in)
    paths = site["public"] + (site["lead"] if signed_in else [])

    @FUZZ
    @given(path=st.sampled_from(paths), pairs=known_params | params, extra=headers)
    def check(path, pairs, extra):
        response = client.get(f"{path}?{query(pairs)}", **extra)
        assert_no_5xx(response, f"GET {path}?{query(pairs)} with {extra}")

    check()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "lead"])
def test_arbitrary_form_bodies(site, signed_in):
    client = fuzz_client(site, signed_in)
    paths = site["public"] + (site["lead"] if signed_in else [])

    @FUZZ
    @given(path=st.sampled_from(paths), pairs=known_params | params, content_type=content_types, extra=headers)
    def check(path, pairs, content_type, extra):
        body = query(pairs)
        response = client.generic("POST", path, body.encode(), content_type=content_type, **extra)
        assert_no_5xx(response, f"POST {path} [{content_type}] {body!r} with {extra}")

    check()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "lead"])
def test_arbitrary_bodies_with_a_valid_csrf_token_reach_the_forms(site, signed_in):
    """With the token, the bodies get past the CSRF check into the views' own forms."""
    client = Client()
    if signed_in:
        sign_in_fully(client, site["lead_user"])
    paths = site["public"] + (site["lead"] if signed_in else [])

    @FUZZ
    @given(path=st.sampled_from(paths), pairs=known_params | params)
    def check(path, pairs):
        response = client.post(path, dict(pairs))
        assert_no_5xx(response, f"POST {path} {pairs!r}")

    check()


@pytest.mark.parametrize("host", ["evil.example", "[::1]:8200", "a,b", "user@evil.example", "évil.example", "x" * 300])
def test_a_host_the_portal_does_not_serve_is_a_bad_request(client, db, settings, host):
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    settings.DEBUG = False
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "nhsuk-header" in response.content.decode()  # the NHS.UK error page, not a bare one
    assert host not in response.content.decode()

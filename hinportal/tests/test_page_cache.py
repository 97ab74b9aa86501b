"""Whole public pages from the shared cache for visitors without cookies, retired at once by any
write that changes what the public sees (issue 15 item 4, issue 17 item 2)."""

import time

from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from conftest import sign_in_fully
from innovations.models import Innovation
from innovations.tests.factories import make_innovation

URL = "/innovations/"


def test_a_visitor_without_cookies_gets_the_kept_page_with_no_query(client, db, django_assert_num_queries):
    make_innovation(name="Falls app")
    first = client.get(URL)
    assert first["X-Page-Cache"] == "miss" and "Falls app" in first.content.decode()
    with django_assert_num_queries(0):
        again = client.get(URL)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    # It says when what the public sees last changed, so that a browser or CDN may ask If-Modified-Since.
    assert again["Last-Modified"] == first["Last-Modified"]
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    # Each address and query string is a page of its own.
    assert client.get(URL, {"q": "falls"})["X-Page-Cache"] == "miss"


def test_a_write_retires_every_kept_page_at_once(client, world, django_capture_on_commit_callbacks):
    innovation = make_innovation(name="Falls app")
    assert client.get(URL)["X-Page-Cache"] == "miss"
    assert client.get(innovation.get_absolute_url())["X-Page-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        innovation.summary = "Now with a new summary."
        innovation.save()
    detail = client.get(innovation.get_absolute_url())
    assert detail["X-Page-Cache"] == "miss" and "Now with a new summary." in detail.content.decode()
    assert client.get(URL)["X-Page-Cache"] == "miss"  # the listing too, and its cached counts
    # A bulk write that sends no signals says so itself: here the demonstration data's command.
    assert client.get(URL)["X-Page-Cache"] == "hit"
    call_command("seed_demo", innovations=3, seed=1, stdout=open("/dev/null", "w"))  # noqa: SIM115
    listing = client.get(URL)
    assert listing["X-Page-Cache"] == "miss"
    assert Innovation.objects.filter(is_demo=True).count() == 3
    assert "4 innovations" in listing.content.decode()


def test_nothing_personal_or_refused_is_kept(client, world, personas):
    # A visitor with any cookie (a session, a flash message) is answered afresh.
    with_cookie = Client()
    with_cookie.cookies["sessionid"] = "x"
    with_cookie.get(URL)
    assert "X-Page-Cache" not in with_cookie.get(URL)
    # A signed-in person's pages are never kept nor served from the cache.
    lead = Client()
    sign_in_fully(lead, personas["ICS lead"])
    assert "X-Page-Cache" not in lead.get(URL) and "X-Page-Cache" not in lead.get(URL)
    # A page with a form sets a CSRF cookie: not kept.
    assert "X-Page-Cache" not in client.get("/account/sign-in/")
    assert "X-Page-Cache" not in client.get("/account/sign-in/")
    # A search that could not be read (400) is not kept.
    refused = client.get(URL, {"category": "no-such-category"})
    assert refused.status_code == 400 and "X-Page-Cache" not in refused
    # A HEAD is answered afresh, never stored.
    assert "X-Page-Cache" not in client.head(URL)


def test_pages_are_kept_as_sent_compressed_or_not(client, db):
    import gzip

    make_innovation(name="Falls app")
    plain = client.get(URL)
    squeezed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert squeezed["X-Page-Cache"] == "miss"  # a representation of its own
    again = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert again["X-Page-Cache"] == "hit" and again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == plain.content
    assert client.get(URL)["X-Page-Cache"] == "hit" and "Content-Encoding" not in client.get(URL)
    # The ETag names the body sent, so each representation revalidates on its own.
    assert client.get(URL, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_a_rendered_page_reads_the_public_version_once(client, world, monkeypatch):
    """Every cached count is keyed by the version; one request asks the shared cache for it once."""
    from hinportal.lib import page_cache

    reads = []
    real_get = page_cache.cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    make_innovation(name="Falls app")
    monkeypatch.setattr(page_cache.cache, "get", counting_get)
    client.cookies["seen"] = "1"  # rendered, not from the page cache: a dozen cached counts
    client.get(URL)
    assert reads.count(page_cache.VERSION_KEY) == 1


def test_pages_kept_together_lapse_apart(client, world, settings):
    """Kept pages lapse at random in the last quarter of their time, so pages kept in the same
    second (a crawler's pass) are not all rendered cold again in the same second."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    innovations = [make_innovation(name=f"Spread {n}") for n in range(30)]
    started = time.time()
    for innovation in innovations:
        assert client.get(innovation.get_absolute_url())["X-Page-Cache"] == "miss"
    took = time.time() - started  # each page was kept somewhere in this time (seconds on a busy machine)
    # locmem keeps each key's expiry time; Django's cache API has no way to read it.
    expiries = [at - started for key, at in caches["default"]._expire_info.items() if "public-page:" in key]
    assert len(expiries) == 30
    assert all(225 <= lasts <= took + 300 for lasts in expiries), (took, expiries)
    assert max(expiries) - min(expiries) > 20  # thirty draws from 75 seconds: apart, not together

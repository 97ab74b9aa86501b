"""Pages anyone sees alike are compressed, carry a validator and may be kept briefly by browsers and
shared caches; nothing personal ever is."""

import gzip

from django.test import Client

from conftest import sign_in_fully
from innovations.tests.factories import make_innovation


def test_a_public_page_is_compressed_revalidated_and_cacheable(client, db):
    make_innovation(name="Falls app")
    response = client.get("/innovations/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Falls app" in gzip.decompress(response.content).decode()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60", "stale-while-revalidate=600"} <= cache_control
    etag = response["ETag"]
    again = client.get("/innovations/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_a_changed_page_is_sent_again(client, db):
    innovation = make_innovation(name="Falls app")
    first = client.get(innovation.get_absolute_url())
    innovation.summary = "Now with a new summary."
    innovation.save()
    again = client.get(innovation.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and "Now with a new summary." in again.content.decode()


def test_nothing_personal_is_kept_by_a_shared_cache(client, personas, world):
    # A form carries its visitor's CSRF token and sets a cookie: not public.
    sign_in = Client().get("/account/sign-in/")
    assert "public" not in sign_in.get("Cache-Control", "")
    # A visitor with a cookie (a session, a flash message) is answered for them alone.
    with_cookie = Client()
    with_cookie.cookies["messages"] = "x"
    assert "public" not in with_cookie.get("/innovations/").get("Cache-Control", "")
    # Signed in: never stored anywhere.
    lead = sign_in_fully(Client(), personas["ICS lead"])
    signed_in = lead.get("/innovations/")
    assert "no-store" in signed_in["Cache-Control"] and "public" not in signed_in["Cache-Control"]


def test_exports_and_health_keep_their_own_rules(client, db):
    assert "public" not in client.get("/health/").get("Cache-Control", "")
    assert client.get("/innovations/export.csv").streaming

"""Passwords fit for staff accounts, sessions that end, and limits on guessing and reset mail."""

import copy
import time

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import sign_in_fully
from hinportal.lib import middleware
from networks.tests.factories import make_icb


def set_password_page(client, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(f"/account/password-reset/{uid}/{default_token_generator.make_token(user)}/")
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Summer2026", "at least 12 characters"),
        ("nhs12345", "at least 12 characters"),
        ("Summer2026!!", "too guessable"),
        ("password1234", "too common"),
        ("hinportal2026", "too guessable"),
        ("123456789012", "entirely numeric"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(client, personas, password, reason):
    editor = personas["editor"]
    url = set_password_page(client, editor)
    response = client.post(url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert reason in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password("correct horse battery staple")


def test_a_long_unguessable_password_is_accepted(client, personas):
    editor = personas["editor"]
    url = set_password_page(client, editor)
    response = client.post(
        url, {"new_password1": "Heron kettle 47 marmalade", "new_password2": "Heron kettle 47 marmalade"}
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("Heron kettle 47 marmalade")


def test_the_admin_refuses_a_weak_password_for_a_colleague_too(client_as, personas):
    editor = personas["editor"]
    response = client_as("national admin").post(
        f"/admin/auth/user/{editor.pk}/password/", {"password1": "Summer2026", "password2": "Summer2026"}
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_a_signed_in_session_ends_after_a_while_without_use(client, personas, monkeypatch):
    sign_in_fully(client, personas["editor"])
    assert client.get("/admin/").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_session_in_use_lasts_but_not_beyond_its_maximum(client, personas, monkeypatch):
    sign_in_fully(client, personas["editor"])
    start = time.time()
    for minutes in range(20, 600, 20):  # a request every 20 minutes keeps it going...
        monkeypatch.setattr(middleware.time, "time", lambda m=minutes: start + m * 60)
        assert client.get("/admin/").status_code == 200, minutes
    monkeypatch.setattr(middleware.time, "time", lambda: start + 10 * 3600 + 60)
    assert client.get("/admin/").status_code == 302  # ...until ten hours after signing in


def test_a_session_in_use_is_written_back_at_most_once_a_minute(client, personas, django_assert_num_queries):
    sign_in_fully(client, personas["editor"])
    client.get("/search/")
    with django_assert_num_queries(3):  # the session, the user and their second factor: no session write
        client.get("/search/")


def test_with_a_shared_cache_a_signed_in_request_reads_its_session_from_it(client, personas, settings, redis_cache):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as settings choose with CACHE_URL
    sign_in_fully(client, personas["editor"])
    client.get("/search/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/").status_code == 200
    # the person (with their roles and membership) and their second factor; no session
    assert len(queries) == 2
    assert not [query for query in queries if "django_session" in query["sql"]]

    # Another web host, holding the same cookie, sees the sign-out made on this one.
    other_host = Client()
    other_host.cookies = copy.deepcopy(client.cookies)
    assert other_host.get("/admin/").status_code == 200
    client.post("/account/sign-out/")
    assert other_host.get("/admin/").status_code == 302


def test_a_role_or_membership_taken_away_counts_from_the_persons_next_request(client_as, personas, world):
    lead = personas["ICS lead"]
    client = client_as("ICS lead")
    workspace = f"/ics/{world.icb.slug}/workspace/"
    assert client.get(workspace).status_code == 200
    lead.membership.icb = make_icb(short_name="Elsewhere")
    lead.membership.save()
    assert client.get(workspace).status_code == 404  # as anyone else's workspace
    lead.membership.icb = world.icb
    lead.membership.save()
    assert client.get(workspace).status_code == 200
    lead.groups.clear()
    assert client.get(workspace).status_code == 404  # as anyone else's workspace


def test_the_idle_limit_reaches_the_browser_cookie(client, personas):
    sign_in_fully(client, personas["editor"])
    assert client.session.get_expiry_age() == 30 * 60


def test_an_anonymous_session_keeps_djangos_lifetime(client, db):
    session = client.session
    session["seen"] = True
    session.save()
    client.get("/")
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_changing_a_password_ends_the_persons_other_sessions(client, personas):
    editor = personas["editor"]
    sign_in_fully(client, editor)
    assert client.get("/admin/").status_code == 200
    editor.set_password("Heron kettle 47 marmalade")
    editor.save()
    assert client.get("/admin/").status_code == 302


def test_one_address_trying_many_usernames_is_stopped(client, personas, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 6
    for n in range(6):  # each username fails once, so django-axes never locks any of them
        response = client.post(
            "/account/sign-in/", {"username": f"user{n}", "password": "guess"}, REMOTE_ADDR="10.0.0.9"
        )
        assert response.status_code == 200
    for path in ("/account/sign-in/", "/admin/login/"):
        response = client.post(
            path, {"username": "editor", "password": "correct horse battery staple"}, REMOTE_ADDR="10.0.0.9"
        )
        assert response.status_code == 429
        assert "Too many failed sign-ins have come from your network address" in response.content.decode()
        assert "_auth_user_id" not in client.session
    # Another address is not held back.
    response = client.post(
        "/account/sign-in/", {"username": "editor", "password": "correct horse battery staple"}, REMOTE_ADDR="10.0.0.10"
    )
    assert response.status_code == 302


def test_password_reset_mail_is_limited_per_email_address_without_saying_so(client, personas):
    personas["editor"].email = "editor@nhs.example"
    personas["editor"].save()
    for n in range(5):
        response = client.post("/account/password-reset/", {"email": "editor@nhs.example"}, REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 302
        assert response["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 3
    assert mail.outbox[0].to == ["editor@nhs.example"]


def test_password_reset_requests_are_limited_per_address(client, personas, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    for n in range(2):
        assert client.post("/account/password-reset/", {"email": f"nobody{n}@nhs.example"}).status_code == 302
    response = client.post("/account/password-reset/", {"email": "nobody9@nhs.example"})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("editor", "/admin/"),
        ("editor", "/admin/innovations/innovation/"),
        ("ICS lead", "/ics/harbourside/workspace/"),
        ("ICS lead", "/innovations/"),
        ("anonymous", "/account/sign-in/"),
        ("anonymous", "/admin/login/"),
    ],
)
def test_private_pages_are_never_stored(client_as, persona, path):
    response = client_as(persona).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_seen_anonymously_may_be_stored(client, db):
    response = client.get("/innovations/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_failed_sign_ins_are_counted_where_every_web_host_sees_them(client, personas, settings, redis_cache):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        client.post("/account/sign-in/", {"username": f"user{n}", "password": "guess"}, REMOTE_ADDR="10.0.0.7")
    keys = [key.decode() for key in redis_cache.scan_iter("*sign-in-failures:10.0.0.7*")]
    assert len(keys) == 1
    assert int(redis_cache.get(keys[0])) == 3
    response = client.post(
        "/account/sign-in/", {"username": "editor", "password": "correct horse battery staple"}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 429

"""Saved searches and alerts: save any catalogue search; a daily or weekly email of what is new in it,
with an unsubscribe link that works without signing in; the same search as an Atom feed."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import elements, make_person, sign_in_fully, text_of
from innovations import alerts
from innovations.models import Innovation, SavedSearch
from innovations.tests.factories import make_innovation


@pytest.fixture
def lead(client_as, personas):
    personas["ICS lead"].email = "lead@icb.example.org"
    personas["ICS lead"].save()
    return client_as("ICS lead")


QUERY = "category=digital&q=falls"


def save(client, query=QUERY, **data):
    return client.post("/saved-searches/", {"query": query, "name": "Falls, digital", "frequency": "daily", **data})


def test_the_catalogue_offers_to_save_its_search(client, db):
    page = client.get("/innovations/?q=falls&category=digital&page=1&sort=newest")
    link = next(a for a in elements(page, "a") if text_of(a) == "Save this search")
    assert dict(link.attributes)["href"] == "/saved-searches/?query=category%3Ddigital%26q%3Dfalls"
    assert client.get(dict(link.attributes)["href"])["Location"].startswith("/account/sign-in/")


def test_a_signed_in_person_saves_a_search(lead, personas):
    page = lead.get("/saved-searches/?query=" + QUERY.replace("&", "%26").replace("=", "%3D"))
    assert page.status_code == 200 and elements(page, "input", name="query", value=QUERY)
    [name] = elements(page, "input", name="name")
    assert dict(name.attributes)["value"].startswith("Innovations") and "falls" in dict(name.attributes)["value"]
    assert save(lead).status_code == 302
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.query, saved.frequency, saved.name) == (
        personas["ICS lead"],
        QUERY,
        "daily",
        "Falls, digital",
    )
    listing = lead.get("/saved-searches/")
    card = text_of(elements(listing, "div", class_="nhsuk-card")[0])
    assert "Falls, digital" in card and "Emails daily" in card
    assert elements(listing, "a", href="/innovations/feed/?" + QUERY)


def test_the_same_search_in_another_order_is_saved_once(lead):
    save(lead)
    response = save(lead, query="q=falls&category=digital&page=3", name="Again")
    assert response.status_code == 302
    assert SavedSearch.objects.count() == 1
    assert "You saved this search already, as ‘Falls, digital’" in lead.get("/saved-searches/").content.decode()


def test_a_nameless_search_is_refused_and_kept(lead):
    response = save(lead, name="  ")
    assert response.status_code == 400 and "Name the search" in response.content.decode()
    assert elements(response, "input", name="query", value=QUERY)
    assert not SavedSearch.objects.exists()


def test_change_how_often_and_delete(lead):
    save(lead)
    saved = SavedSearch.objects.get()
    lead.post(f"/saved-searches/{saved.pk}/", {"frequency": "weekly"})
    saved.refresh_from_db()
    assert saved.frequency == "weekly"
    lead.post(f"/saved-searches/{saved.pk}/", {"delete": "1"})
    assert not SavedSearch.objects.exists()


def test_no_one_else_may_change_a_saved_search(lead, world):
    save(lead)
    saved = SavedSearch.objects.get()
    other = sign_in_fully(Client(), make_person("fellside-lead", "ICS lead", icb=world.other_icb))
    assert other.post(f"/saved-searches/{saved.pk}/", {"delete": "1"}).status_code == 404
    assert "Falls, digital" not in other.get("/saved-searches/").content.decode()
    assert SavedSearch.objects.exists()


def published(name: str, days_ago: int, **kwargs) -> Innovation:
    innovation = make_innovation(name=name, **kwargs)
    Innovation.objects.filter(pk=innovation.pk).update(published_at=timezone.now() - timedelta(days=days_ago))
    return innovation


def test_the_alert_names_what_is_new_and_unsubscribes_without_signing_in(lead, settings):
    settings.SITE_URL = "https://portal.example.org"
    save(lead)
    SavedSearch.objects.update(checked_at=timezone.now() - timedelta(days=2))
    published("Falls prevention app", 1, summary="Fewer falls at home.")
    published("Old falls app", 5, summary="Fewer falls.")  # before the last check
    published("Sepsis alert", 1, summary="Spot sepsis early.")  # does not match
    assert alerts.send_due_alerts() == 1
    [sent] = mail.outbox
    assert sent.to == ["lead@icb.example.org"] and "1 new in ‘Falls, digital’" in sent.subject
    assert "Falls prevention app" in sent.body and "Old falls app" not in sent.body and "Sepsis" not in sent.body
    assert "https://portal.example.org/innovations/feed/?category=digital&q=falls" in sent.body
    unsubscribe = re.search(r"https://portal.example.org(/saved-searches/unsubscribe/[^/]+/)", sent.body).group(1)
    assert sent.extra_headers["List-Unsubscribe"] == f"<https://portal.example.org{unsubscribe}>"

    # Checked now: a day later, nothing new, nothing sent.
    mail.outbox.clear()
    assert alerts.send_due_alerts(now=timezone.now() + timedelta(days=1)) == 0 and not mail.outbox

    anyone = Client()
    page = anyone.get(unsubscribe)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and SavedSearch.objects.exists()
    done = anyone.post(unsubscribe)
    assert done.status_code == 200 and "You will get no more emails about ‘Falls, digital’" in done.content.decode()
    assert not SavedSearch.objects.exists()
    assert anyone.get(unsubscribe).status_code == 404


def test_weekly_searches_wait_a_week(lead):
    save(lead, frequency="weekly")
    SavedSearch.objects.update(checked_at=timezone.now() - timedelta(days=2))
    published("Falls prevention app", 1)
    assert alerts.send_due_alerts() == 0
    SavedSearch.objects.update(checked_at=timezone.now() - timedelta(days=7, minutes=1))
    assert alerts.send_due_alerts() == 1


def test_a_forged_unsubscribe_link_is_refused(client, db):
    response = client.get("/saved-searches/unsubscribe/not-a-token/")
    assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert client.post("/saved-searches/unsubscribe/1:forged:sig/").status_code == 404


def test_a_person_without_an_email_address_is_told(client_as, personas):
    client = client_as("editor")
    assert "No email address on your account" in client.get("/saved-searches/").content.decode()


def test_the_saved_searches_page_asks_a_fixed_number_of_queries(lead, django_assert_max_num_queries):
    save(lead)
    with django_assert_max_num_queries(12) as few:
        lead.get("/saved-searches/")
    queries = len(few)
    for n in range(5):
        save(lead, query=f"q=topic{n}", name=f"Topic {n}")
    with django_assert_max_num_queries(queries):
        lead.get("/saved-searches/")


def test_the_unsubscribe_page_asks_a_fixed_number_of_queries(lead, django_assert_max_num_queries):
    save(lead)
    token = alerts.unsubscribe_token(SavedSearch.objects.get())
    with django_assert_max_num_queries(2):  # the saved search with its person
        assert Client().get(f"/saved-searches/unsubscribe/{token}/").status_code == 200

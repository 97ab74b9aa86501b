"""Shortlists that serve a board paper: add from anywhere, choosing which list; confirm before
locking; record the board's decision on each innovation of a locked list, shown in its exports and
print view."""

import csv
import io

import pytest

from conftest import elements, make_person, text_of
from innovations.models import Shortlist, ShortlistItem
from innovations.tests.factories import make_innovation


@pytest.fixture
def lead(client_as):
    return client_as("ICS lead")


@pytest.fixture
def innovation(db):
    return make_innovation(name="Falls app")


def test_the_choice_offers_open_lists_only_and_a_new_one(lead, world, innovation, personas):
    Shortlist.objects.create(icb=world.icb, name="March board", created_by=personas["ICS lead"])
    Shortlist.objects.create(icb=world.icb, name="Old board").lock(by=personas["ICS lead"])
    Shortlist.objects.create(icb=world.other_icb, name="Their board")
    page = lead.get(f"/shortlists/add/{innovation.slug}/")
    labels = [text_of(label) for label in elements(page, "label", class_="nhsuk-radios__label")]
    assert labels == ["March board", "A new shortlist"]


def test_adding_to_a_chosen_list_with_a_note_and_going_back(lead, world, innovation):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    Shortlist.objects.create(icb=world.icb, name="April board")  # newer: not where it goes
    response = lead.post(
        f"/shortlists/add/{innovation.slug}/",
        {"shortlist": board.pk, "note": "Ask finance", "next": "/innovations/?q=falls"},
    )
    assert response["Location"] == "/innovations/?q=falls"
    assert board.items.get().note == "Ask finance"
    assert not Shortlist.objects.get(name="April board").items.exists()


def test_adding_to_a_new_list(lead, world, innovation):
    response = lead.post(f"/shortlists/add/{innovation.slug}/", {"shortlist": "new", "new_name": "  May   board "})
    shortlist = Shortlist.objects.get(name="May board")
    assert response["Location"] == shortlist.get_absolute_url()
    assert shortlist.icb == world.icb and shortlist.items.get().innovation == innovation


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "Choose a shortlist, or a new one"),
        ({"shortlist": "new", "new_name": ""}, "Name the new shortlist"),
        ({"shortlist": "99999"}, "Choose one of these shortlists"),
        ({"shortlist": "new", "new_name": "March board"}, "already has a shortlist with this name"),
    ],
)
def test_a_bad_choice_is_refused_with_a_message(lead, world, innovation, data, message):
    Shortlist.objects.create(icb=world.icb, name="March board")
    response = lead.post(f"/shortlists/add/{innovation.slug}/", {"note": "Kept note", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Kept note" in html
    assert not ShortlistItem.objects.exists()


def test_going_back_never_leaves_the_site(lead, world, innovation):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    response = lead.post(f"/shortlists/add/{innovation.slug}/", {"shortlist": board.pk, "next": "//evil.example/"})
    assert response["Location"] == board.get_absolute_url()


@pytest.mark.parametrize("persona", ["anonymous", "editor", "national admin"])
def test_only_leads_keep_shortlists(client_as, innovation, persona):
    response = client_as(persona).get(f"/shortlists/add/{innovation.slug}/")
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
    else:
        assert response.status_code == 404


def test_every_way_in_offers_the_choice(lead, world, innovation):
    from django.test import Client

    link = f"/shortlists/add/{innovation.slug}/"
    assert any(a for a in elements(lead.get("/innovations/"), "a") if dict(a.attributes)["href"].startswith(link))
    assert any(
        a for a in elements(lead.get(innovation.get_absolute_url()), "a") if dict(a.attributes)["href"].startswith(link)
    )
    assert link not in Client().get("/innovations/").content.decode()  # not for anyone else


def test_locking_asks_first(lead, world, innovation, personas):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    board.add(innovation)
    page = lead.get(f"/shortlists/{board.pk}/lock/")
    assert page.status_code == 200 and "This cannot be undone" in page.content.decode()
    assert lead.post(f"/shortlists/{board.pk}/lock/").status_code == 200  # no confirmation: asks again
    board.refresh_from_db()
    assert not board.is_locked
    assert lead.post(f"/shortlists/{board.pk}/lock/", {"confirm": "yes"})["Location"] == board.get_absolute_url()
    board.refresh_from_db()
    assert board.is_locked and board.locked_by == personas["ICS lead"]


def decide(lead, board, item, **data):
    fields = {"decision": "approved", "decided_on": "12/3/2027", "decision_note": "Fund for a year"} | data
    return lead.post(
        f"/shortlists/{board.pk}/items/{item.pk}/decision/", {f"decision-{item.pk}-{k}": v for k, v in fields.items()}
    )


def test_the_boards_decision_is_recorded_and_shown_everywhere(lead, world, innovation, personas):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    item, _ = board.add(innovation, note="Costed")
    board.lock(by=personas["ICS lead"])
    assert decide(lead, board, item).status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.decided_on.isoformat(), item.decision_note) == (
        "approved",
        "2027-03-12",
        "Fund for a year",
    )

    page = lead.get(board.get_absolute_url())
    assert "Approved by the board on 12 March 2027: Fund for a year" in text_of(
        elements(page, "div", id=f"item-{item.pk}")[0]
    )
    rows = list(csv.DictReader(io.StringIO(lead.get(f"/shortlists/{board.pk}/export.csv").content.decode("utf-8-sig"))))
    assert (rows[0]["board's decision"], rows[0]["decided on"], rows[0]["decision note"]) == (
        "Approved",
        "12/03/2027",
        "Fund for a year",
    )
    printed = text_of(elements(lead.get(f"/shortlists/{board.pk}/print/"), "table")[0])
    assert "Approved" in printed and "12/03/2027: Fund for a year" in printed


def test_a_decision_needs_a_locked_list(lead, world, innovation):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    item, _ = board.add(innovation)
    response = decide(lead, board, item)
    assert response.status_code == 409
    assert "Lock the shortlist before recording the board" in response.content.decode()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"decision": ""}, "Choose what the board decided"),
        ({"decided_on": "31/02/2027"}, "Enter a real date"),
        ({"decided_on": ""}, "Enter the date the board decided"),
    ],
)
def test_a_bad_decision_is_refused_and_kept(lead, world, innovation, personas, data, message):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    item, _ = board.add(innovation)
    board.lock(by=personas["ICS lead"])
    response = decide(lead, board, item, **data)
    assert response.status_code == 400
    assert message in response.content.decode() and "Fund for a year" in response.content.decode()
    item.refresh_from_db()
    assert item.decision == ""


def test_another_systems_lead_cannot_record_a_decision(client, world, innovation, personas):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    item, _ = board.add(innovation)
    board.lock(by=personas["ICS lead"])
    client.force_login(make_person("fellside-lead", "ICS lead", icb=world.other_icb))
    assert decide(client, board, item).status_code == 404
    assert client.get(f"/shortlists/{board.pk}/lock/").status_code == 404


def test_the_choice_page_asks_a_fixed_number_of_queries(lead, world, innovation, django_assert_max_num_queries):
    for n in range(6):
        Shortlist.objects.create(icb=world.icb, name=f"Board {n}")
    with django_assert_max_num_queries(12):
        lead.get(f"/shortlists/add/{innovation.slug}/")


def test_the_lock_page_asks_the_same_number_of_queries_for_a_longer_list(
    lead, world, personas, django_assert_max_num_queries
):
    board = Shortlist.objects.create(icb=world.icb, name="March board")
    board.add(make_innovation(name="First"))
    with django_assert_max_num_queries(12) as few:
        lead.get(f"/shortlists/{board.pk}/lock/")
    queries = len(few)
    for n in range(6):
        board.add(make_innovation(name=f"More {n}"))
    with django_assert_max_num_queries(queries):
        lead.get(f"/shortlists/{board.pk}/lock/")

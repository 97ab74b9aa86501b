import csv
import io

import openpyxl
import pytest

from conftest import make_person
from innovations.models import Innovation, Shortlist, ShortlistItem
from innovations.tests.factories import adopt_in, make_guidance, make_innovation
from networks.tests.factories import make_icb


@pytest.fixture
def lead(client_as):
    return client_as("ICS lead")


@pytest.fixture
def proven(world) -> list[Innovation]:
    innovations = []
    for name in ("Falls app", "=HYPERLINK(evil)"):
        innovation = make_innovation(name=name)
        make_guidance(innovation=innovation)
        adopt_in(innovation, [world.other_icb, make_icb(), make_icb()])
        innovations.append(innovation)
    return innovations


def create(client, name: str = "Board, March") -> Shortlist:
    client.post("/ics/harbourside/workspace/shortlists/", {"name": name})
    return Shortlist.objects.get(name=name)


def test_a_lead_creates_a_shortlist_adds_notes_and_removes(lead, proven):
    shortlist = create(lead)
    for innovation in proven:
        response = lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk, "note": "Ask finance"})
        assert response.status_code == 302
    item = shortlist.items.get(innovation=proven[0])
    assert item.note == "Ask finance"
    lead.post(f"/shortlists/{shortlist.pk}/items/{item.pk}/", {f"item-{item.pk}-note": "Costed at £20k", "save": ""})
    item.refresh_from_db()
    assert item.note == "Costed at £20k"
    other = shortlist.items.get(innovation=proven[1])
    lead.post(f"/shortlists/{shortlist.pk}/items/{other.pk}/", {"remove": ""})
    assert list(shortlist.items.values_list("innovation__name", flat=True)) == ["Falls app"]


def test_names_are_unique_per_icb_with_a_clear_message(lead):
    create(lead, "Board")
    response = lead.post("/ics/harbourside/workspace/shortlists/", {"name": "  Board "})
    assert response.status_code == 400
    assert "You already have a shortlist with this name." in response.content.decode()
    assert Shortlist.objects.count() == 1


def test_locking_keeps_a_dated_snapshot_and_refuses_changes(lead, proven):
    shortlist = create(lead)
    lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": proven[0].pk, "note": "Yes"})
    lead.post(f"/shortlists/{shortlist.pk}/lock/", {"confirm": "yes"})
    shortlist.refresh_from_db()
    assert shortlist.is_locked
    item = shortlist.items.get()
    assert item.snapshot["name"] == "Falls app"
    assert item.snapshot["adopted_icb_count"] == 3
    assert item.snapshot["proven"] is True
    assert item.snapshot["nice_guidance"] == ["MTG58"]

    Innovation.objects.filter(pk=proven[0].pk).update(name="Renamed later")
    html = lead.get(f"/shortlists/{shortlist.pk}/").content.decode()
    assert "Falls app" in html and "Renamed later" not in html

    for url, data in [
        (f"/shortlists/{shortlist.pk}/add/", {"innovation": proven[1].pk}),
        (f"/shortlists/{shortlist.pk}/items/{item.pk}/", {f"item-{item.pk}-note": "Changed", "save": ""}),
        (f"/shortlists/{shortlist.pk}/items/{item.pk}/", {"remove": ""}),
        (f"/shortlists/{shortlist.pk}/lock/", {}),
    ]:
        response = lead.post(url, data)
        assert response.status_code == 409
        assert "can no longer change" in response.content.decode()
    item.refresh_from_db()
    assert item.note == "Yes"
    assert shortlist.items.count() == 1


def test_exports_as_csv_and_xlsx_without_formulas(lead, proven):
    shortlist = create(lead)
    for innovation in proven:
        lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk, "note": "+1 from me"})
    response = lead.get(f"/shortlists/{shortlist.pk}/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="harbourside-board-march.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["innovation"] for row in rows] == ["Falls app", "'=HYPERLINK(evil)"]
    assert rows[0]["note"] == "'+1 from me"
    assert rows[0]["NICE guidance"] == "MTG58"
    sheet = openpyxl.load_workbook(io.BytesIO(lead.get(f"/shortlists/{shortlist.pk}/export.xlsx").content)).active
    assert sheet["A3"].value == "'=HYPERLINK(evil)"
    assert lead.get(f"/shortlists/{shortlist.pk}/export.pdf").status_code == 404


def test_the_print_view_is_laid_out_for_a_board_paper(lead, proven):
    shortlist = create(lead)
    lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": proven[0].pk, "note": "Recommend"})
    html = lead.get(f"/shortlists/{shortlist.pk}/print/").content.decode()
    assert '<div class="app-print-page">' in html
    assert "Innovations proposed for NHS Harbourside Integrated Care Board." in html
    assert "adopted in 3 ICSs; proven; NICE MTG58" in html


def test_other_people_never_see_a_shortlist(client, client_as, personas, proven, world):
    shortlist = create(client_as("ICS lead"))
    manchester = make_person("manchester-lead", "ICS lead", icb=world.other_icb)
    for persona in ("other editor", "editor", "national admin", "anonymous"):
        other = client_as(persona)
        for path in ("", "print/", "export.csv"):
            expected = 302 if persona == "anonymous" else 404  # anonymous visitors are asked to sign in
            assert other.get(f"/shortlists/{shortlist.pk}/{path}").status_code == expected, (persona, path)
    client.force_login(manchester)
    assert client.get(f"/shortlists/{shortlist.pk}/").status_code == 404
    assert client.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": proven[0].pk}).status_code == 404
    assert client.post(f"/shortlists/{shortlist.pk}/lock/").status_code == 404
    assert not ShortlistItem.objects.exists()
    shortlist.refresh_from_db()
    assert not shortlist.is_locked


def test_the_shortlist_page_runs_fixed_queries(lead, proven, django_assert_num_queries):
    shortlist = create(lead)
    for innovation in proven:
        lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk})
    lead.get(f"/shortlists/{shortlist.pk}/")
    # session, the person with their roles and membership, the shortlist, its items with their innovations
    with django_assert_num_queries(4):
        assert lead.get(f"/shortlists/{shortlist.pk}/").status_code == 200


def test_the_choose_page_carries_a_csrf_token_that_works(personas, proven, world):
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["ICS lead"])
    shortlist = Shortlist.objects.create(icb=world.icb, name="Board")
    html = client.get(f"/shortlists/add/{proven[0].slug}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        f"/shortlists/add/{proven[0].slug}/", {"csrfmiddlewaretoken": token, "shortlist": shortlist.pk}
    )
    assert response.status_code == 302
    assert shortlist.items.count() == 1


def test_the_print_view_runs_fixed_queries(lead, proven, django_assert_num_queries):
    shortlist = create(lead)
    for innovation in proven:
        lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk})
    # session, the person with their roles and membership, the shortlist, its items, their NICE codes,
    # which are proven
    with django_assert_num_queries(6):
        assert lead.get(f"/shortlists/{shortlist.pk}/print/").status_code == 200

"""Local status everywhere: the gap list marks what the ICB is exploring, piloting or has stopped and
can include or leave them out; its lead records their own system's adoption, with history, and the
covering network sees the change on its staff page."""

import pytest
from django.test import Client

from conftest import elements, make_person, sign_in_fully, text_of
from innovations import gap_lists
from innovations.models import Adoption
from innovations.tests.factories import adopt_in, make_adoption, make_guidance, make_innovation
from networks.tests.factories import make_icb


@pytest.fixture
def proven(world):
    """Three proven innovations, adopted in three other systems each; the lead's system pilots one
    and stopped another."""
    made = {}
    for name in ("Falls app", "Virtual ward", "Asthma inhaler check"):
        innovation = make_innovation(name=name)
        make_guidance(innovation=innovation)
        adopt_in(innovation, [world.other_icb, make_icb(), make_icb()])
        made[name] = innovation
    make_adoption(innovation=made["Falls app"], icb=world.icb, status="piloting")
    make_adoption(innovation=made["Virtual ward"], icb=world.icb, status="discontinued")
    return made


def gap_titles(page) -> list[str]:
    return [text_of(h) for h in elements(page, "h3")]


def test_the_gap_list_marks_what_is_under_way_here(client, world, proven):
    page = client.get(f"/ics/{world.icb.slug}/proven-elsewhere/")
    html = page.content.decode()
    assert sorted(gap_titles(page)) == ["Asthma inhaler check", "Falls app", "Virtual ward"]
    rows = {text_of(elements(str(row), "h3")[0]): text_of(row) for row in elements(page, "li", class_="app-result")}
    assert "Piloting here since" in rows["Falls app"]
    assert "Discontinued here since" in rows["Virtual ward"]
    assert "here since" not in rows["Asthma inhaler check"]
    assert "Status here" in html


@pytest.mark.parametrize(
    "here,expected",
    [
        ("not-started", ["Asthma inhaler check"]),
        ("under-way", ["Falls app"]),
        ("discontinued", ["Virtual ward"]),
        ("", ["Asthma inhaler check", "Falls app", "Virtual ward"]),
    ],
)
def test_the_gap_list_includes_or_leaves_out_by_status_here(client, world, proven, here, expected):
    page = client.get(f"/ics/{world.icb.slug}/proven-elsewhere/?here={here}")
    assert sorted(gap_titles(page)) == expected


def test_a_status_here_no_one_offers_is_refused_with_a_message(client, world, proven):
    page = client.get(f"/ics/{world.icb.slug}/proven-elsewhere/?here=sideways")
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()


def test_a_lead_records_their_systems_adoption_and_sees_it_at_once(client_as, world, proven):
    lead = client_as("ICS lead")
    innovation = proven["Asthma inhaler check"]
    url = f"/ics/{world.icb.slug}/workspace/adoptions/{innovation.slug}/"
    gaps = f"/ics/{world.icb.slug}/proven-elsewhere/"
    assert "Asthma inhaler check" in gap_titles(lead.get(gaps))  # cached now
    form = lead.get(url)
    assert form.status_code == 200 and "Nothing is recorded yet" in form.content.decode()
    response = lead.post(
        url,
        {"status": "adopted", "started_on": "01/04/2025", "patients_reached": "1200", "source_note": "Two PCNs"},
    )
    assert response.status_code == 302 and response["Location"] == f"/ics/{world.icb.slug}/workspace/"
    adoption = Adoption.objects.get(icb=world.icb, innovation=innovation)
    assert (adoption.status, adoption.started_on.isoformat(), adoption.patients_reached) == (
        "adopted",
        "2025-04-01",
        1200,
    )
    assert not adoption.is_demo
    # Adopted now: off the gap list at once, though the list was cached a moment ago.
    assert "Asthma inhaler check" not in gap_titles(lead.get(gaps))
    assert "1200" in lead.get(f"/ics/{world.icb.slug}/workspace/").content.decode()


def test_an_update_keeps_its_history_and_the_network_sees_it(client_as, world, proven, personas):
    lead = client_as("ICS lead")
    innovation = proven["Falls app"]
    url = f"/ics/{world.icb.slug}/workspace/adoptions/{innovation.slug}/"
    page = lead.get(url)
    version = dict(elements(page, "input", name="version_seen")[0].attributes)["value"]
    lead.post(url, {"status": "adopted", "started_on": "1/6/2024", "version_seen": version})
    page = lead.get(url)
    rows = [text_of(row) for row in elements(page, "tr")[1:]]
    assert len(rows) == 2  # the row as it was made, and the lead's save
    assert "Adopted" in rows[0] and "ics-lead" in rows[0]
    assert "Piloting" in rows[1] and "Loaded or generated" in rows[1]
    assert Adoption.history.filter(icb=world.icb, innovation=innovation).latest().history_user == personas["ICS lead"]

    staff = client_as("editor")
    changes = text_of(elements(staff.get("/admin/"), "div", id="recent-changes")[0])
    assert "Falls app" in changes and "ics-lead" in changes


def test_two_leads_editing_at_once_the_second_is_told(world, proven):
    innovation = proven["Falls app"]
    first, second = Client(), Client()
    sign_in_fully(first, make_person("lead-one", "ICS lead", icb=world.icb))
    sign_in_fully(second, make_person("lead-two", "ICS lead", icb=world.icb))
    url = f"/ics/{world.icb.slug}/workspace/adoptions/{innovation.slug}/"
    seen = [dict(elements(c.get(url), "input", name="version_seen")[0].attributes)["value"] for c in (first, second)]
    assert first.post(url, {"status": "adopted", "started_on": "1/6/2024", "version_seen": seen[0]}).status_code == 302
    refused = second.post(url, {"status": "exploring", "started_on": "1/1/2024", "version_seen": seen[1]})
    assert refused.status_code == 400
    assert "Someone else saved this" in refused.content.decode()
    assert 'value="1/1/2024"' in refused.content.decode()  # what they typed is kept
    assert Adoption.objects.get(icb=world.icb, innovation=innovation).status == "adopted"


@pytest.mark.parametrize(
    "data,message",
    [
        ({"status": "", "started_on": "1/4/2025"}, "Choose how far your system has gone with it"),
        ({"status": "adopted", "started_on": "31/02/2025"}, "Enter a real date"),
        ({"status": "adopted", "started_on": "1/4/2025", "ended_on": "1/3/2025"}, "must be on or after the start"),
        ({"status": "adopted", "started_on": "1/4/2025", "patients_reached": "-4"}, "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client_as, world, proven, data, message):
    lead = client_as("ICS lead")
    url = f"/ics/{world.icb.slug}/workspace/adoptions/{proven['Asthma inhaler check'].slug}/"
    response = lead.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Adoption.objects.filter(icb=world.icb, innovation=proven["Asthma inhaler check"]).exists()


@pytest.mark.parametrize("persona", ["anonymous", "editor", "other editor", "national admin", "other lead"])
def test_only_the_systems_own_leads_may_record_its_adoption(client_as, world, proven, personas, persona):
    if persona == "other lead":
        personas[persona] = make_person("fellside-lead", "ICS lead", icb=world.other_icb)
    client = client_as(persona)
    url = f"/ics/{world.icb.slug}/workspace/adoptions/{proven['Asthma inhaler check'].slug}/"
    response = client.post(url, {"status": "adopted", "started_on": "1/4/2025"})
    assert response.status_code in (302, 404) if persona == "anonymous" else response.status_code == 404
    if persona == "anonymous":
        assert response["Location"].startswith("/account/sign-in/")
    assert not Adoption.objects.filter(icb=world.icb, innovation=proven["Asthma inhaler check"]).exists()


def test_the_innovation_page_offers_the_lead_their_systems_status(client_as, world, proven):
    lead = client_as("ICS lead")
    page = lead.get(proven["Falls app"].get_absolute_url())
    panel = text_of(elements(page, "div", id="in-your-system")[0])
    assert "In Harbourside: Piloting since" in panel and "Update your system's status" in panel
    assert not elements(client_as("anonymous").get(proven["Falls app"].get_absolute_url()), "div", id="in-your-system")


def test_the_gap_list_and_record_page_ask_a_fixed_number_of_queries(
    client_as, world, proven, django_assert_max_num_queries
):
    lead = client_as("ICS lead")
    url = f"/ics/{world.icb.slug}/proven-elsewhere/"
    lead.get(url)
    with django_assert_max_num_queries(30) as few:
        lead.get(url)
    queries = len(few)  # now: the next request clears the connection's query log
    for n in range(6):
        more = make_innovation(name=f"More {n}")
        make_guidance(innovation=more)
        adopt_in(more, [world.other_icb, make_icb(), make_icb()])
        make_adoption(innovation=more, icb=world.icb, status="exploring")
    gap_lists.refresh()  # the task worker's pass after the writes
    lead.get(url)
    with django_assert_max_num_queries(queries):
        lead.get(url)
    record = f"/ics/{world.icb.slug}/workspace/adoptions/{proven['Falls app'].slug}/"
    with django_assert_max_num_queries(20):
        lead.get(record)


def test_a_generated_row_is_not_offered_as_the_systems_own(client_as, world, proven):
    adoption = Adoption.objects.get(icb=world.icb, innovation=proven["Falls app"])
    Adoption.objects.filter(pk=adoption.pk).update(is_demo=True, source_note="Demonstration data", patients_reached=77)
    page = client_as("ICS lead").get(f"/ics/{world.icb.slug}/workspace/adoptions/{proven['Falls app'].slug}/")
    assert "the form starts empty" in page.content.decode()
    assert not [i for i in elements(page, "input", type="radio") if "checked" in dict(i.attributes)]
    assert "Demonstration data</textarea>" not in page.content.decode()
    assert not [i for i in elements(page, "input", name="patients_reached") if dict(i.attributes).get("value")]

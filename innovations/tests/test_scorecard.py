"""A scorecard per ICS: uptake by clinical area and by quarter beside its peers (the systems most like
it in what they have adopted), its region and England."""

from datetime import date

import pytest
from django.core.cache import cache

from conftest import elements, text_of
from hinportal.lib.workflow import Status
from innovations import gap_lists
from innovations.models import Adoption, Innovation
from innovations.scorecard import scorecard
from innovations.tests.factories import make_adoption, make_innovation
from networks.models import IntegratedCareBoard
from networks.tests.factories import make_icb


@pytest.fixture
def adopted(world):
    """Harbourside adopts three respiratory innovations and one cancer one; Downland (same region)
    two of the same respiratory ones; Fellside (the other region) one cancer one; Meadow nothing."""
    resp = [make_innovation(name=f"Breathing {n}", clinical_areas=["respiratory"]) for n in range(3)]
    cancer = make_innovation(name="Early cancer check", clinical_areas=["cancer"])
    for innovation in [*resp, cancer]:
        make_adoption(innovation=innovation, icb=world.icb, status="adopted", started_on=date(2026, 5, 1))
    for innovation in resp[:2]:
        make_adoption(innovation=innovation, icb=world.icb2, status="embedded", started_on=date(2025, 11, 1))
    make_adoption(innovation=cancer, icb=world.other_icb, status="adopted", started_on=date(2026, 2, 1))
    make_icb(region=world.other_region, short_name="Meadow", ods_code="T04")
    return world


def test_peers_are_the_systems_most_alike_in_what_they_adopted(adopted):
    world = adopted
    icbs = list(IntegratedCareBoard.objects.current())
    card = scorecard(world.icb, icbs, today=date(2026, 11, 24))
    assert [(other.short_name, round(score, 2)) for other, score in card["peers"]] == [
        ("Downland", 0.5),  # 2 shared of 4 together
        ("Fellside", 0.25),  # 1 shared of 4
    ]  # Meadow has adopted nothing in common: not a peer


def test_peers_share_only_adopted_or_embedded_published_innovations(adopted):
    world = adopted
    meadow = IntegratedCareBoard.objects.get(short_name="Meadow")
    breathing = Innovation.objects.get(name="Breathing 0")
    make_adoption(innovation=breathing, icb=meadow, status="piloting")  # not adopted: shares nothing
    draft = make_innovation(name="Draft service", status=Status.DRAFT)
    for icb in (world.icb, meadow):
        make_adoption(innovation=draft, icb=icb, status="adopted")  # not published: shares nothing
    icbs = list(IntegratedCareBoard.objects.current())
    card = scorecard(world.icb, icbs, today=date(2026, 11, 24))
    assert [other.short_name for other, _ in card["peers"]] == ["Downland", "Fellside"]


def test_rows_by_clinical_area(adopted):
    world = adopted
    icbs = list(IntegratedCareBoard.objects.current())
    areas = {row.label: row for row in scorecard(world.icb, icbs, today=date(2026, 11, 24))["areas"]}
    respiratory = areas["Respiratory"]
    assert (respiratory.here, respiratory.peers, respiratory.region, respiratory.england) == (3, 1.0, 2.5, 5 / 4)
    cancer = areas["Cancer"]
    assert (cancer.here, cancer.peers, cancer.region, cancer.england) == (1, 0.5, 0.5, 2 / 4)


def test_rows_by_quarter_cover_the_last_eight(adopted):
    world = adopted
    icbs = list(IntegratedCareBoard.objects.current())
    quarters = scorecard(world.icb, icbs, today=date(2026, 11, 24))["quarters"]
    assert [row.label for row in quarters] == [
        "2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4",
    ]  # fmt: skip
    by_label = {row.label: row for row in quarters}
    assert by_label["2026 Q2"].here == 4 and by_label["2025 Q4"].here == 0 and by_label["2025 Q4"].region == 1.0


def test_the_ics_page_shows_the_scorecard_beside_the_gap_list(client, adopted):
    world = adopted
    page = client.get(world.icb.get_absolute_url())
    assert elements(page, "h2", id="scorecard") and elements(page, "h2", id="gaps")
    tables = [text_of(t) for t in elements(page, "table", class_="app-scorecard")]
    assert "By clinical area" in tables[0] and "Respiratory" in tables[0]
    assert "the last eight" in tables[1]
    peers = next(text_of(p) for p in elements(page, "p", class_="nhsuk-body-s") if "Most like" in text_of(p))
    assert peers.startswith("Most like Harbourside: Downland (50% alike)")


def test_a_recorded_adoption_shows_at_once(client_as, adopted):
    world = adopted
    lead = client_as("ICS lead")
    lead.get(world.icb.get_absolute_url())  # cached now
    innovation = make_innovation(name="Asthma check", clinical_areas=["respiratory"])
    lead.post(
        f"/ics/{world.icb.slug}/workspace/adoptions/{innovation.slug}/", {"status": "adopted", "started_on": "1/6/2026"}
    )
    assert Adoption.objects.filter(innovation=innovation).exists()
    areas = {row.label: row for row in scorecard(world.icb, list(IntegratedCareBoard.objects.current()))["areas"]}
    assert areas["Respiratory"].here == 4


def test_the_ics_page_asks_the_same_number_of_queries_for_more_adoptions(
    client, adopted, django_assert_max_num_queries
):
    world = adopted
    gap_lists.refresh()  # the task worker's pass after each batch of writes
    cache.clear()
    with django_assert_max_num_queries(40) as few:
        client.get(world.icb.get_absolute_url())
    queries = len(few)
    for n in range(8):
        make_adoption(innovation=make_innovation(name=f"More {n}", clinical_areas=["frailty"]), icb=world.icb2)
    gap_lists.refresh()
    cache.clear()
    with django_assert_max_num_queries(queries):
        client.get(world.icb.get_absolute_url())

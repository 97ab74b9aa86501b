from datetime import date

from innovations.tests.factories import adopt_in, make_guidance, make_innovation
from networks.models import IntegratedCareBoard
from networks.tests.factories import make_icb


def test_it_shows_an_ics_with_its_network_region_and_codes(client, reference_data, django_assert_num_queries):
    elsewhere = make_innovation(name="Proven in Wessex")
    make_guidance(innovation=elsewhere, kind="MTG", number=58)
    wessex = IntegratedCareBoard.objects.filter(network__code="HI-WESSEX")
    adopt_in(elsewhere, [*wessex, IntegratedCareBoard.objects.get(ods_code="QYG")])
    here = make_innovation(name="Adopted in Manchester")
    adopt_in(here, [IntegratedCareBoard.objects.get(ods_code="QOP")])
    # the ICB with its region and network, every ICB (map, neighbours), adoption totals per ICB (cached),
    # recent adoptions, adoptions per quarter, the gap list's ids (cached), its page with NICE codes, publications
    with django_assert_num_queries(9):
        response = client.get("/ics/greater-manchester/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Greater Manchester</h1>" in html
    assert "NHS Greater Manchester Integrated Care Board" in html
    assert 'href="/networks/health-innovation-manchester/"' in html
    assert "North West" in html
    assert "QOP" in html
    assert "E54000057" in html
    assert "1 July 2022" in html
    assert "Cheshire and Merseyside" in html  # a neighbour in the same region
    assert "Adopted here: 1 innovation" in html and "Adopted in Manchester" in html
    assert "Proven elsewhere, not yet here: 1" in html
    assert "adopted or embedded in 3 ICSs, 1 in your region; NICE MTG58" in html
    assert "<title>Greater Manchester (QOP): 1 adopted or embedded</title>" in html


def test_it_marks_an_icb_that_is_no_longer_current(client, db):
    icb = make_icb(valid_from=date(2022, 7, 1), valid_to=date(2024, 3, 31))
    html = client.get(icb.get_absolute_url()).content.decode()
    assert "No longer current" in html
    assert "31 March 2024" in html


def test_it_gives_404_for_an_unknown_ics(client, reference_data):
    assert client.get("/ics/atlantis/").status_code == 404

from datetime import date

from innovations import gap_lists
from innovations.models import Innovation
from innovations.tests.factories import adopt_in, make_guidance, make_innovation
from networks.tests.factories import make_icb


def test_it_shows_an_ics_with_its_network_region_and_codes(client, world, django_assert_num_queries):
    neighbour = make_icb(short_name="Moorside", region=world.other_region, network=world.other_network)
    elsewhere = make_innovation(name="Proven in the south")
    make_guidance(innovation=elsewhere, kind="MTG", number=58)
    adopt_in(elsewhere, [world.icb, world.icb2, neighbour])
    here = make_innovation(name="Adopted in Fellside")
    adopt_in(here, [world.other_icb])
    fellside = world.other_icb
    fellside.ods_code = "QOP"  # a code the hex map's layout has a tile for
    fellside.save()
    gap_lists.refresh()  # the task worker's pass after these writes
    # the ICB with its region and network, every ICB (map, neighbours), adoption totals per ICB (cached),
    # recent adoptions, the kept gap list's length and peers (cached) and its first page's ids, that
    # page with NICE codes, publications, and the scorecard's kept figures by area and by quarter
    # (cached; the chart's too)
    with django_assert_num_queries(11):
        response = client.get("/ics/fellside/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Fellside</h1>" in html
    assert "NHS Fellside Integrated Care Board" in html
    assert f'href="/networks/{world.other_network.slug}/"' in html
    assert world.other_region.name in html
    assert "QOP" in html
    assert fellside.ons_code in html
    assert "1 July 2022" in html
    assert "Moorside" in html  # a neighbour in the same region
    assert "Adopted here: 1 innovation" in html and "Adopted in Fellside" in html
    assert "Proven elsewhere, not yet here: 1" in html
    assert "adopted or embedded in 3 ICSs, 1 in your region; NICE MTG58" in html
    assert "<title>Fellside (QOP): 1 adopted or embedded (this system)</title>" in html  # its tile on the map


def test_it_marks_an_icb_that_is_no_longer_current(client, db):
    icb = make_icb(valid_from=date(2022, 7, 1), valid_to=date(2024, 3, 31))
    html = client.get(icb.get_absolute_url()).content.decode()
    assert "No longer current" in html
    assert "31 March 2024" in html


def test_it_gives_404_for_an_unknown_ics(client, world):
    assert client.get("/ics/atlantis/").status_code == 404


def test_the_gap_list_puts_real_records_before_demonstration_ones_at_equal_standing(client, db):
    here, *elsewhere = [make_icb(ods_code=f"Q{n:02d}") for n in range(4)]
    demo = make_innovation(name="Aardvark demonstration service", is_demo=True)
    real = make_innovation(name="Zebra real product")
    for innovation in (demo, real):
        make_guidance(innovation=innovation)
        adopt_in(innovation, elsewhere)
    gap = list(Innovation.objects.proven_elsewhere(here))
    assert gap == [real, demo]
    html = client.get(here.get_absolute_url()).content.decode()
    assert html.index("Zebra real product") < html.index("Aardvark demonstration service")

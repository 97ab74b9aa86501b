from datetime import date

from networks.tests.factories import make_icb


def test_it_shows_an_ics_with_its_network_region_and_codes(client, reference_data, django_assert_num_queries):
    # 1: the ICB with its region and network, 2: the other ICBs in its region, 3: its publications
    with django_assert_num_queries(3):
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


def test_it_marks_an_icb_that_is_no_longer_current(client, db):
    icb = make_icb(valid_from=date(2022, 7, 1), valid_to=date(2024, 3, 31))
    html = client.get(icb.get_absolute_url()).content.decode()
    assert "No longer current" in html
    assert "31 March 2024" in html


def test_it_gives_404_for_an_unknown_ics(client, reference_data):
    assert client.get("/ics/atlantis/").status_code == 404

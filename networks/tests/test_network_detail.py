def test_it_shows_a_network_with_its_icbs_region_and_licence(client, reference_data, django_assert_num_queries):
    # 1: the network, 2: its ICBs with their regions, 3: its publications
    with django_assert_num_queries(3):
        response = client.get("/networks/health-innovation-west-midlands/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Health Innovation West Midlands</h1>" in html
    assert "West Midlands AHSN" in html
    assert "1 October 2023 to 2028" in html
    assert "23 May 2013" in html
    assert "https://healthinnovationwestmidlands.org" in html
    assert "Midlands" in html
    for icb in (
        "Birmingham and Solihull",
        "Black Country",
        "Coventry and Warwickshire",
        "Staffordshire and Stoke-on-Trent",
    ):
        assert icb in html


def test_it_says_when_a_network_kept_its_name(client, reference_data):
    html = client.get("/networks/uclpartners/").content.decode()
    assert "UCLPartners (unchanged in 2023)" in html
    assert "Kept its name when the networks were relicensed in 2023." in html


def test_it_gives_404_for_an_unknown_network(client, reference_data):
    response = client.get("/networks/no-such-network/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()

from networks.tests.factories import make_icb, make_network


def test_it_lists_every_network_with_its_former_name_and_regions(client, reference_data):
    response = client.get("/networks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr class="nhsuk-table__row">') == 16  # a header row and 15 networks
    assert "Health Innovation East Midlands" in html
    assert "East Midlands AHSN" in html
    assert "Innovation Agency (North West Coast AHSN)" in html
    assert "South East, South West" in html  # Wessex covers ICBs in two regions


def test_its_queries_do_not_grow_with_the_rows(client, reference_data, django_assert_num_queries):
    for _ in range(3):
        make_icb(network=make_network())
    # 1: networks, 2: their ICBs with regions
    with django_assert_num_queries(2):
        response = client.get("/networks/")
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 19

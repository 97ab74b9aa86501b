from networks.tests.factories import make_icb, make_network


def test_it_lists_every_network_with_its_former_name_and_regions(client, world):
    renamed = make_network(name="Health Innovation Fenland", former_name="Fenland AHSN")
    make_icb(network=world.network, region=world.other_region)
    response = client.get("/networks/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr class="nhsuk-table__row">') == 4  # a header row and 3 networks
    assert renamed.name in html
    assert "Fenland AHSN" in html
    assert "Name unchanged" in html  # for the networks that kept their names
    # Our network now covers ICBs in two regions, listed in order.
    assert ", ".join(sorted([world.other_region.name, world.region.name])) in html


def test_its_queries_do_not_grow_with_the_rows(client, world, django_assert_num_queries):
    for _ in range(3):
        make_icb(network=make_network())
    # 1: networks, 2: their ICBs with regions, 3: the national headline figures
    with django_assert_num_queries(3):
        response = client.get("/networks/")
    assert response.content.decode().count('<tr class="nhsuk-table__row">') == 1 + 2 + 3

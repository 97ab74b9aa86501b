from networks.models import Network
from networks.tests.factories import make_icb, make_network


def test_it_shows_a_network_with_its_icbs_region_and_licence(client, world, django_assert_num_queries):
    network = make_network(name="Health Innovation Fenland", former_name="Fenland AHSN")
    Network.objects.filter(pk=network.pk).update(website="https://fenland.example.org")
    for name in ("Marshland", "Levels", "Washes"):
        make_icb(short_name=name, network=network, region=world.region)
    # 1: the network, 2: its ICBs with their regions, 3: its headline figures, 4: its publications
    with django_assert_num_queries(4):
        response = client.get(f"/networks/{network.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Health Innovation Fenland</h1>" in html
    assert "Fenland AHSN" in html
    assert "1 October 2023 to 2028" in html
    assert "23 May 2013" in html
    assert "https://fenland.example.org" in html
    assert world.region.name in html
    for icb in ("Marshland", "Levels", "Washes"):
        assert icb in html


def test_it_says_when_a_network_kept_its_name_with_its_public_note(client, world):
    Network.objects.filter(pk=world.network.pk).update(note="Kept its name when the networks were relicensed in 2023.")
    html = client.get(f"/networks/{world.network.slug}/").content.decode()
    assert f"{world.network.name} (unchanged in 2023)" in html
    assert "Kept its name when the networks were relicensed in 2023." in html


def test_it_gives_404_for_an_unknown_network(client, world):
    response = client.get("/networks/no-such-network/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()

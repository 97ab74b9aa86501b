from datetime import date

from networks.models import Region
from networks.tests.factories import make_icb


def test_it_groups_the_icss_by_region(client, world):
    response = client.get("/ics/")
    assert response.status_code == 200
    html = response.content.decode()
    for region in Region.objects.all():
        assert f'<h2 id="{region.slug}">{region.name}</h2>' in html
    assert html.count('<tr class="nhsuk-table__row">') == 3 + 2  # a header row per region
    north = html.index(f'id="{world.other_region.slug}"')
    assert north < html.index(world.other_icb.short_name) < html.index(f'id="{world.region.slug}"')


def test_it_leaves_out_icbs_that_are_no_longer_current(client, world):
    make_icb(short_name="Merged Away", valid_from=date(2022, 7, 1), valid_to=date(2024, 3, 31))
    assert "Merged Away" not in client.get("/ics/").content.decode()


def test_its_queries_do_not_grow_with_the_rows(client, world, django_assert_num_queries):
    for _ in range(3):
        make_icb(region=world.region)
    # 1: regions, 2: their current ICBs with networks
    with django_assert_num_queries(2):
        response = client.get("/ics/")
    assert response.status_code == 200

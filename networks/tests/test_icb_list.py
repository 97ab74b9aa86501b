from datetime import date

from networks.models import Region
from networks.tests.factories import make_icb


def test_it_groups_the_icss_by_region(client, reference_data):
    response = client.get("/ics/")
    assert response.status_code == 200
    html = response.content.decode()
    for region in Region.objects.all():
        assert f'<h2 id="{region.slug}">{region.name}</h2>' in html
    assert html.count('<tr class="nhsuk-table__row">') == 42 + 7  # a header row per region
    london = html.index('id="london"')
    assert london < html.index("North Central London") < html.index('id="midlands"')


def test_it_leaves_out_icbs_that_are_no_longer_current(client, reference_data):
    make_icb(short_name="Merged Away", valid_from=date(2022, 7, 1), valid_to=date(2024, 3, 31))
    assert "Merged Away" not in client.get("/ics/").content.decode()


def test_its_queries_do_not_grow_with_the_rows(client, reference_data, django_assert_num_queries):
    london = Region.objects.get(name="London")
    for _ in range(3):
        make_icb(region=london)
    # 1: regions, 2: their current ICBs with networks
    with django_assert_num_queries(2):
        response = client.get("/ics/")
    assert response.status_code == 200

import csv
import io


def test_it_lists_the_downloads(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/open-data/")
    assert response.status_code == 200
    assert 'href="/open-data/icbs.csv"' in response.content.decode()


def test_it_downloads_every_icb_with_its_confidence(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/open-data/icbs.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    fellside = next(row for row in rows if row["ods_code"] == "T03")
    assert fellside["network__name"] == world.other_network.name
    assert fellside["region__name"] == world.other_region.name
    assert fellside["confidence"] == "probable"


def test_it_downloads_networks_and_regions(client, world):
    networks = list(csv.DictReader(io.StringIO(client.get("/open-data/networks.csv").content.decode())))
    regions = list(csv.DictReader(io.StringIO(client.get("/open-data/regions.csv").content.decode())))
    assert [row["name"] for row in networks] == ["Our test network", "Their test network"]
    assert [row["name"] for row in regions] == ["Northern test region", "Southern test region"]


def test_it_gives_404_for_an_unknown_dataset(client, db):
    assert client.get("/open-data/patients.csv").status_code == 404

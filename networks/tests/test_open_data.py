import csv
import io


def test_it_lists_the_downloads(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/open-data/")
    assert response.status_code == 200
    assert 'href="/open-data/icbs.csv"' in response.content.decode()


def test_it_downloads_every_icb_with_its_confidence(client, reference_data, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/open-data/icbs.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 42
    manchester = next(row for row in rows if row["ods_code"] == "QOP")
    assert manchester["network__name"] == "Health Innovation Manchester"
    assert manchester["confidence"] == "probable"


def test_it_downloads_networks_and_regions(client, reference_data):
    networks = list(csv.DictReader(io.StringIO(client.get("/open-data/networks.csv").content.decode())))
    regions = list(csv.DictReader(io.StringIO(client.get("/open-data/regions.csv").content.decode())))
    assert len(networks) == 15
    assert len(regions) == 7


def test_it_gives_404_for_an_unknown_dataset(client, db):
    assert client.get("/open-data/patients.csv").status_code == 404

import csv
import io
import json
from xml.etree import ElementTree

from innovations.tests.factories import make_guidance, make_innovation

ATOM = "{http://www.w3.org/2005/Atom}"


def test_csv_streams_every_matching_row_not_just_a_page(client, db):
    for n in range(25):
        make_innovation(name=f"Asthma tool {n:02d}", clinical_areas=["respiratory"])
    make_innovation(name="Unrelated")
    lipid = make_innovation(name="Asthma lipid", clinical_areas=["respiratory"], is_demo=True)
    make_guidance(innovation=lipid, kind="TA", number=393)
    response = client.get("/innovations/export.csv", {"q": "asthma", "sort": "name"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 26
    assert rows[0]["name"] == "Asthma lipid"
    assert rows[0]["nice_guidance"] == "TA393"
    assert rows[0]["clinical_areas"] == "respiratory"
    assert rows[0]["demonstration_data"] == "True"
    assert rows[0]["url"] == "http://testserver/innovations/" + lipid.slug + "/"


def test_json_is_valid_and_honours_filters(client, db):
    make_innovation(name="Digital one", category="digital")
    make_innovation(name="Drug one", category="pharmaceutical")
    response = client.get("/innovations/export.json", {"category": "digital"})
    data = json.loads(b"".join(response.streaming_content))
    assert [row["name"] for row in data["innovations"]] == ["Digital one"]
    assert "demonstration data" in data["demonstration_data_note"]


def test_exports_refuse_a_bad_query_with_a_clear_message(client, db):
    for url in ("/innovations/export.csv", "/innovations/export.json"):
        response = client.get(url, {"category": "teleportation"})
        assert response.status_code == 400
        assert "teleportation is not one of the available choices" in response.content.decode()


def test_the_atom_feed_lists_the_newest_matches_as_valid_xml(client, db):
    make_innovation(name="Older asthma", published_days_ago=30)
    make_innovation(name="Newer asthma", published_days_ago=1, is_demo=True)
    make_innovation(name="Other")
    response = client.get("/innovations/feed/", {"q": "asthma"})
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    titles = [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Newer asthma", "Older asthma"]
    assert "matching ‘asthma’" in root.find(f"{ATOM}title").text
    assert "(Demonstration data.)" in response.content.decode()

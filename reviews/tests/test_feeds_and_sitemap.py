from xml.etree import ElementTree

from hinportal.lib.workflow import Status
from innovations.tests.factories import make_innovation
from reviews.tests.factories import make_publication

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def entries(response) -> list[str]:
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def test_the_feed_lists_the_newest_publications_and_one_per_kind(client, db):
    make_publication(title="Old review", kind="review", days_ago=100)
    make_publication(title="New case", kind="case-study", days_ago=1, is_demo=True)
    make_publication(title="Draft", status=Status.DRAFT)
    assert entries(client.get("/publications/feed/")) == ["New case", "Old review"]
    assert entries(client.get("/publications/feed/review/")) == ["Old review"]
    assert "(Demonstration data.)" in client.get("/publications/feed/case-study/").content.decode()
    assert client.get("/publications/feed/poem/").status_code == 404


def test_the_sitemap_lists_every_public_page_as_valid_xml(client, world):
    innovation = make_innovation(name="Public one")
    draft = make_innovation(name="Draft one", status=Status.DRAFT)
    publication = make_publication()
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert len(sections) == 6
    locations = []
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        locations += [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert f"http://testserver{innovation.get_absolute_url()}" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations
    assert f"http://testserver{publication.get_absolute_url()}" in locations
    assert "http://testserver/ics/fellside/" in locations
    assert "http://testserver/accessibility/" in locations


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_is_served_from_the_cache_after_the_first_request(client, world, django_assert_num_queries):
    make_innovation(name="Public one")
    first = client.get("/sitemap-innovations.xml")
    assert first.status_code == 200
    client.get("/sitemap.xml")
    with django_assert_num_queries(0):
        again = client.get("/sitemap-innovations.xml")
        index = client.get("/sitemap.xml")
    assert again.content == first.content
    assert index.status_code == 200
    assert "max-age=3600" in again["Cache-Control"]


def test_a_large_catalogue_is_split_into_sitemap_files_the_index_lists(client, world, monkeypatch):
    from innovations.sitemaps import InnovationSitemap

    monkeypatch.setattr(InnovationSitemap, "limit", 2)
    made = {make_innovation(name=f"Innovation {n}").get_absolute_url() for n in range(5)}
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    files = [loc.text for loc in index.iter(f"{SITEMAP}loc") if "sitemap-innovations" in loc.text]
    assert files == [f"http://testserver/sitemap-innovations.xml{page}" for page in ("", "?p=2", "?p=3")]
    listed = []
    for file in files:
        urls = ElementTree.fromstring(client.get(file.removeprefix("http://testserver")).content)
        found = [loc.text.removeprefix("http://testserver") for loc in urls.iter(f"{SITEMAP}loc")]
        assert 1 <= len(found) <= 2
        listed += found
    assert sorted(listed) == sorted(made)

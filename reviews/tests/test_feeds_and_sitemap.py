import gzip
from datetime import UTC, datetime
from xml.etree import ElementTree

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hinportal.lib.workflow import Status
from innovations.models import Innovation
from innovations.sitemaps import InnovationSitemap
from innovations.tests.factories import make_innovation
from reviews.models import Publication
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


def test_the_sitemap_is_kept_compressed_in_the_page_cache(client, world):
    """Public, so the page cache keeps it as sent (gzipped) rather than compressing every request."""
    for n in range(10):  # enough that gzip makes the file smaller (else it is sent as it is)
        make_innovation(name=f"Public {n}")
    for url in ("/sitemap.xml", "/sitemap-innovations.xml"):
        first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert "public" in first["Cache-Control"] and "max-age=3600" in first["Cache-Control"]
        assert again["X-Page-Cache"] == "hit" and again["Content-Encoding"] == "gzip"
        assert gzip.decompress(again.content) == gzip.decompress(first.content)


def test_a_large_catalogue_is_split_into_sitemap_files_the_index_lists(client, world, monkeypatch):
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


def test_sitemap_files_are_ranges_of_ids_read_without_counting_or_skipping_rows(client, world, monkeypatch):
    """Each file lists the published innovations of its own range of ids (lib.sitemaps.IdRangePaginator):
    the index knows the files from the ids' two ends, and no file counts the table or reads past
    the rows before it (OFFSET), so the last file costs what the first does at any size."""
    monkeypatch.setattr(InnovationSitemap, "limit", 3)
    made = [make_innovation(name=f"Innovation {n}") for n in range(4)]
    draft = make_innovation(name="Draft", status=Status.DRAFT)
    made += [make_innovation(name=f"Innovation {n}") for n in range(4, 7)]

    def files() -> dict[str, list[str]]:
        cache.clear()  # the sitemap is kept for an hour
        listed = {}
        with CaptureQueriesContext(connection) as queries:
            index = ElementTree.fromstring(client.get("/sitemap.xml").content)
            for loc in index.iter(f"{SITEMAP}loc"):
                if "sitemap-innovations" in loc.text:
                    response = client.get(loc.text.removeprefix("http://testserver"))
                    assert response.status_code == 200
                    urls = ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")
                    listed[loc.text] = [url.text.removeprefix("http://testserver") for url in urls]
        innovations = [q["sql"] for q in queries if "innovations_innovation" in q["sql"]]
        assert not [sql for sql in innovations if "COUNT(" in sql.upper() or "OFFSET" in sql.upper()]
        return listed

    # Eight ids, three to a file: three files, the draft's place left out of the second.
    found = files()
    assert list(found) == [f"http://testserver/sitemap-innovations.xml{page}" for page in ("", "?p=2", "?p=3")]
    assert [len(urls) for urls in found.values()] == [3, 2, 2]
    assert sorted(url for urls in found.values() for url in urls) == sorted(i.get_absolute_url() for i in made)
    assert draft.get_absolute_url() not in str(found)
    # A bulk write sends no signals; the files read the rows as they are.
    Innovation.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(status=Status.DRAFT)
    assert [len(urls) for urls in files().values()] == [1, 2, 2]
    assert client.get("/sitemap-innovations.xml?p=4").status_code == 404


def test_the_sitemap_index_gives_the_latest_published_change(client, world):
    older, newer = make_innovation(name="Older"), make_innovation(name="Newer")
    draft = make_innovation(name="Draft", status=Status.DRAFT)
    for innovation, day in ((older, 1), (newer, 3), (draft, 9)):
        Innovation.objects.filter(pk=innovation.pk).update(updated_at=datetime(2026, 5, day, 12, tzinfo=UTC))
    for publication, day in (
        (make_publication(title="Out"), 4),
        (make_publication(title="Draft", status=Status.DRAFT), 8),
    ):
        Publication.objects.filter(pk=publication.pk).update(updated_at=datetime(2026, 6, day, 12, tzinfo=UTC))
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    lastmods = {
        entry.find(f"{SITEMAP}loc").text: datetime.fromisoformat(entry.find(f"{SITEMAP}lastmod").text)
        for entry in index.iter(f"{SITEMAP}sitemap")
        if entry.find(f"{SITEMAP}lastmod") is not None
    }
    assert lastmods["http://testserver/sitemap-innovations.xml"] == datetime(2026, 5, 3, 12, tzinfo=UTC)
    assert lastmods["http://testserver/sitemap-publications.xml"] == datetime(2026, 6, 4, 12, tzinfo=UTC)


def test_a_sitemap_file_says_what_djangos_own_template_says(client, world, settings):
    from django.contrib.sitemaps import views
    from django.template.response import TemplateResponse

    from hinportal.lib.sitemaps import URLSET

    settings.TIME_ZONE = "Europe/London"
    late = make_innovation(name="Changed late at night")
    make_innovation(name="Changed at noon")
    # 23:30 UTC in summer is the next day in London: the day is the portal's, not UTC's.
    Innovation.objects.filter(pk=late.pk).update(updated_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    request = client.get("/").wsgi_request
    response = views.sitemap(request, {"innovations": InnovationSitemap}, section="innovations")
    assert isinstance(response, TemplateResponse)

    def entries(xml: str) -> list[dict[str, str]]:
        root = ElementTree.fromstring(xml.encode())
        return [{part.tag: part.text for part in url} for url in root.iter(f"{SITEMAP}url")]

    django_says = entries(response.rendered_content)
    ours = entries(URLSET.render(response.context_data, request))
    assert ours == django_says
    assert {
        f"{SITEMAP}loc": f"http://testserver{late.get_absolute_url()}",
        f"{SITEMAP}lastmod": "2026-07-02",
        f"{SITEMAP}changefreq": "weekly",
    } in ours


def test_the_sitemap_asks_the_same_number_of_queries_for_more_records(client, world):
    def queries() -> list[int]:
        cache.clear()
        asked = []
        for url in ("/sitemap.xml", "/sitemap-innovations.xml", "/sitemap-publications.xml"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            asked.append(len(captured))
        return asked

    make_innovation(name="Only one")
    make_publication(title="Only one")
    few = queries()
    for n in range(10):
        make_innovation(name=f"More {n}")
        make_publication(title=f"More {n}")
    assert queries() == few

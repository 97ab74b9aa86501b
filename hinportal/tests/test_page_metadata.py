import re

from innovations.tests.factories import make_innovation, make_programme
from reviews.services import load_publications

PAGES = [
    "/",
    "/innovations/",
    "/innovations/?page=2",
    "/programmes/",
    "/networks/",
    "/ics/",
    "/publications/",
    "/search/",
    "/search/?q=asthma",
    "/accessibility/",
    "/privacy/",
    "/open-data/",
    "/innovations/urolift/",
    "/programmes/precept/",
    "/networks/uclpartners/",
    "/ics/dorset/",
    "/publications/hewitt-review/",
    "/publications/core20plus5/",
]


def test_every_page_has_a_unique_title_a_description_and_a_canonical_link(client, catalogue_data):
    load_publications()
    for n in range(25):
        make_innovation(name=f"Filler {n}")
    make_programme()
    titles = {}
    for path in PAGES:
        html = client.get(path).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert title.endswith("– HIN Portal"), path
        assert len(description) > 30, path
        assert canonical.startswith("http://testserver/"), path
        assert title not in titles, f"{path} repeats the title of {titles.get(title)}"
        titles[title] = path
    assert re.search(
        r'<link rel="canonical" href="http://testserver/innovations/\?page=2">', client.get(PAGES[2]).content.decode()
    )

from conftest import elements
from innovations.tests.factories import make_innovation, make_programme
from reviews.tests.factories import make_publication

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
]


def test_every_page_has_a_unique_title_a_description_and_a_canonical_link(client, world, settings):
    settings.SITE_URL = "https://portal.example.org"
    for n in range(25):
        make_innovation(name=f"Filler {n}")
    innovation = make_innovation(name="UroLift system", summary="Day-case treatment for an enlarged prostate.")
    programme = make_programme(name="PReCePT")
    programme.summary = "Magnesium sulphate for mothers of babies born preterm, to prevent cerebral palsy."
    programme.save()
    review = make_publication(title="The Hewitt Review", summary="An independent review of integrated care systems.")
    case = make_publication(
        title="Core20PLUS5", kind="guidance", summary="An approach to reducing health inequalities."
    )
    records = [innovation, programme, world.network, world.icb, review, case]
    titles = {}
    for path in [*PAGES, *(record.get_absolute_url() for record in records)]:
        response = client.get(path)
        assert response.status_code == 200, path
        title = elements(response, "title")[0]  # the page's; the NHS logo has a title of its own
        (description,) = elements(response, "meta", name="description")
        (canonical,) = elements(response, "link", rel="canonical")
        title = " ".join(str(part) for part in title.children).strip()
        assert title.endswith("– HIN Portal"), path
        assert len(dict(description.attributes)["content"]) > 30, path
        # From settings.SITE_URL, never the request's Host header.
        href = dict(canonical.attributes)["href"]
        assert href.startswith(f"https://portal.example.org{path.split('?')[0]}"), path
        (og_title,) = elements(response, "meta", property="og:title")
        (og_url,) = elements(response, "meta", property="og:url")
        assert dict(og_url.attributes)["content"] == href, path
        assert dict(og_title.attributes)["content"] + " – HIN Portal" == title, path
        assert title not in titles, f"{path} repeats the title of {titles.get(title)}"
        titles[title] = path
    (canonical,) = elements(client.get(PAGES[2]), "link", rel="canonical")
    assert dict(canonical.attributes)["href"] == "https://portal.example.org/innovations/?page=2"


def test_a_forged_host_header_does_not_reach_the_canonical_link(client, db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://portal.example.org"
    html = client.get("/", HTTP_HOST="evil.example").content.decode()
    assert "evil.example" not in html
    assert '<link rel="canonical" href="https://portal.example.org/">' in html


def test_a_title_with_an_apostrophe_or_markup_is_escaped_once(client, db):
    programme = make_programme(name="Martha's Rule <b>support</b>")
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "<title>Martha&#x27;s Rule &lt;b&gt;support&lt;/b&gt; – HIN Portal</title>" in html
    assert '<meta property="og:title" content="Martha&#x27;s Rule &lt;b&gt;support&lt;/b&gt;">' in html
    assert "&amp;#x27;" not in html and "&amp;lt;" not in html

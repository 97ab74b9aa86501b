import pytest
from django.core.cache import cache

from conftest import elements, text_of
from conftest import result_titles as names
from hinportal.lib.workflow import Status
from innovations.choices import AdoptionStatus
from innovations.tests.factories import (
    adopt_in,
    make_evidence,
    make_guidance,
    make_innovation,
    make_programme,
)
from networks.tests.factories import make_icb, make_network

URL = "/innovations/"


def sentence(response) -> str:
    """The heading over the results that sums the search up."""
    (heading,) = elements(response, "h2", id="results")
    return text_of(heading)


def test_it_lists_published_innovations_only(client, db):
    for status in Status:
        make_innovation(name=f"{status.label} one", status=status)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Published one"]


def test_the_whole_catalogue_is_counted_from_its_kept_counts(client, db):
    """Unfiltered, the listing's count is the kept category counts' sum (filters.result_count),
    which the triggers keep on every write path: no count over the catalogue's rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from innovations.models import Innovation

    for status in Status:
        make_innovation(name=f"{status.label} one", status=status)
    for n in range(3):
        make_innovation(name=f"Extra {n}", category=["digital", "medical-device", "pharmaceutical"][n])
    cache.clear()
    with CaptureQueriesContext(connection) as asked:
        response = client.get(URL, {"sort": "name"})
    assert sentence(response).startswith("4 innovations")
    counts = [q["sql"] for q in asked.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert not [sql for sql in counts if "innovations_innovation" in sql]
    # The count and the facets share one read of the kept counts.
    assert len([q for q in asked.captured_queries if "innovations_facetcount" in q["sql"]]) == 1
    Innovation.objects.filter(name="Extra 0").update(status=Status.DRAFT)  # a bulk write: no signal
    cache.clear()
    assert sentence(client.get(URL)).startswith("3 innovations")
    assert sentence(client.get(URL, {"category": "digital"})).startswith("1 innovation")  # filtered: counted


def test_it_pages_twenty_at_a_time_and_clamps_odd_page_numbers(client, db):
    for n in range(45):
        make_innovation(name=f"Innovation {n:02d}")
    assert len(names(client.get(URL, {"sort": "name"}))) == 20
    assert names(client.get(URL, {"sort": "name", "page": "3"})) == [f"Innovation {n}" for n in range(40, 45)]
    for odd in ("999", "99999999999999999999", "-4", "0", "abc", "2.5", ""):
        response = client.get(URL, {"sort": "name", "page": odd})
        assert response.status_code == 200, odd
    assert names(client.get(URL, {"sort": "name", "page": "999"}))[0] == "Innovation 40"  # the last page
    assert names(client.get(URL, {"sort": "name", "page": "-4"}))[0] == "Innovation 00"
    html = client.get(URL, {"sort": "name", "page": "2"}).content.decode()
    assert 'aria-current="page">2</a>' in html
    assert 'href="?sort=name&amp;page=3" rel="next"' in html


def test_its_queries_stay_fixed_with_more_rows_than_a_page(client, world, django_assert_num_queries):
    icbs = [world.icb, world.icb2, world.other_icb]
    for n in range(25):
        innovation = make_innovation(name=f"Asthma tool {n}", clinical_areas=["respiratory"])
        make_guidance(innovation=innovation)
        adopt_in(innovation, icbs)
    make_programme(innovations=[innovation])
    # Uncached: the synonyms, the query's words in the vocabulary, the vectors (when they last
    # changed, then all of them: once per process), 4 facet counts (the chosen clinical area's
    # own, the nine facets nobody chose in one pass, NICE guidance, programmes), 4 model choice
    # lists (networks, programmes, regions, ICBs), the result count, the probe of the innovations'
    # matches (kept afterwards: ranking.FEW), the ranked page, its rows and their highlights
    # (innovations; programmes), the current ICBs (for their total).
    with django_assert_num_queries(18):
        response = client.get(URL, {"q": "asthma", "clinical_area": "respiratory"})
    assert len(names(response)) == 20
    # The same page again, for a visitor without cookies: whole from the page cache.
    with django_assert_num_queries(0):
        assert client.get(URL, {"q": "asthma", "clinical_area": "respiratory"})["X-Page-Cache"] == "hit"
    # For anyone with a cookie the page is rendered, but its results and filters are kept fragments
    # (templatetags/fragments.py): the search's work is not done again.
    client.cookies["seen"] = "1"
    with django_assert_num_queries(0):
        assert len(names(client.get(URL, {"q": "asthma", "clinical_area": "respiratory"}))) == 20
    # Nor for another page of it; that page's own rows only: the ranked page, its rows, highlights.
    with django_assert_num_queries(3):
        assert len(names(client.get(URL, {"q": "asthma", "clinical_area": "respiratory", "page": "2"}))) == 5


def test_it_shows_a_count_beside_every_option(client, db):
    make_innovation(category="digital", clinical_areas=["respiratory", "cardiovascular"])
    make_innovation(category="digital", clinical_areas=["respiratory"])
    make_innovation(category="pharmaceutical", clinical_areas=["respiratory"])
    html = client.get(URL, {"category": "digital"}).content.decode()
    # A facet's own options count as if it were not chosen; the others honour the choice.
    assert "Digital (2)" in html
    assert "Pharmaceutical (1)" in html
    assert "Respiratory (2)" in html
    assert "Cardiovascular (1)" in html
    assert "Medical device (0)" in html
    assert "Proven only (0)" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "pharmaceutical"}, {"Pill"}),
        ({"clinical_area": ["stroke", "kidney"]}, {"App", "Pill"}),
        ({"care_setting": "care-homes"}, {"App"}),
        ({"stage": "spread"}, {"Pill"}),
        ({"tier": "b"}, {"App"}),
        ({"core20": "hypertension-case-finding"}, {"Pill"}),
        ({"nice": "TA"}, {"Pill"}),
        ({"network": "OUR-NETWORK"}, {"App"}),
        ({"region": "NORTHERN-REGION"}, {"Pill"}),
        ({"icb": "fellside"}, {"Pill"}),
        ({"proven": "on"}, {"Pill"}),
    ],
)
def test_each_filter_narrows_the_results(client, world, params, expected):
    app = make_innovation(
        name="App",
        category="digital",
        clinical_areas=["stroke"],
        care_settings=["care-homes"],
        evidence_tier="b",
        lead_network=world.network,
    )
    pill = make_innovation(
        name="Pill",
        category="pharmaceutical",
        clinical_areas=["kidney"],
        stage="spread",
        core20plus5=["hypertension-case-finding"],
    )
    make_guidance(innovation=pill, kind="TA", number=393)
    north = [world.other_icb, *(make_icb(region=world.other_region, network=world.other_network) for _ in range(2))]
    adopt_in(pill, north)
    adopt_in(app, [world.icb, world.icb2], AdoptionStatus.PILOTING)
    slugs = {"OUR-NETWORK": world.network.slug, "NORTHERN-REGION": world.other_region.slug}
    params = {name: slugs.get(value, value) if isinstance(value, str) else value for name, value in params.items()}
    assert set(names(client.get(URL, params))) == expected


def test_the_programme_filter(client, db):
    inside, outside = make_innovation(name="Inside"), make_innovation(name="Outside")
    programme = make_programme(innovations=[inside])
    assert names(client.get(URL, {"programme": programme.slug})) == ["Inside"]
    assert outside.name not in names(client.get(URL, {"programme": programme.slug}))


def test_it_sorts_by_newest_most_adopted_and_name(client, world):
    icbs = [world.icb, world.icb2, world.other_icb, make_icb(), make_icb()]
    old = make_innovation(name="Bravo", published_days_ago=300)
    adopt_in(old, icbs[:5])
    new = make_innovation(name="Charlie", published_days_ago=1)
    adopt_in(new, icbs[:1])
    make_innovation(name="Alpha", published_days_ago=100)
    assert names(client.get(URL, {"sort": "newest"})) == ["Charlie", "Alpha", "Bravo"]
    assert names(client.get(URL, {"sort": "most-adopted"})) == ["Bravo", "Charlie", "Alpha"]
    assert names(client.get(URL, {"sort": "name"})) == ["Alpha", "Bravo", "Charlie"]
    assert names(client.get(URL)) == ["Bravo", "Charlie", "Alpha"]  # most adopted by default


def test_it_sums_up_the_search_in_a_sentence(client, world):
    innovation = make_innovation(name="Asthma check", clinical_areas=["respiratory"])
    make_evidence(innovation=innovation)
    north = [world.other_icb, *(make_icb(region=world.other_region) for _ in range(2))]
    adopt_in(innovation, north)
    region = world.other_region
    response = client.get(URL, {"q": "asthma", "clinical_area": "respiratory", "proven": "on", "region": region.slug})
    assert sentence(response) == f"1 innovation matching ‘asthma’ in Respiratory, proven, adopted in {region.name}"
    assert sentence(client.get(URL)) == "1 innovations".replace("innovations", "innovation")


def test_it_highlights_the_matching_words_safely(client, db):
    make_innovation(name="Lung tool", summary="Virtual <b>asthma</b> reviews & asthma plans.")
    html = client.get(URL, {"q": "asthma"}).content.decode()
    assert "Virtual &lt;b&gt;<mark>asthma</mark>&lt;/b&gt; reviews &amp; <mark>asthma</mark> plans." in html


def test_a_misspelling_finds_the_catalogues_word_says_so_and_suggests_it(client, db):
    make_innovation(name="Haematuria clinic", summary="One-stop haematuria service.")
    make_innovation(name="Hearing check", summary="Audiology in the community.")
    response = client.get(URL, {"q": "hematuria"})
    assert names(response) == ["Haematuria clinic"]
    html = response.content.decode()
    assert "matched <em>hematuria</em> as <em>haematuria</em>" in html
    assert 'Did you mean <a href="?q=haematuria">haematuria</a>?' in html
    assert "Did you mean" not in client.get(URL, {"q": "haematuria"}).content.decode()


def test_it_links_the_same_query_as_csv_json_and_atom(client, db):
    html = client.get(URL, {"q": "asthma", "page": "2"}).content.decode()
    assert 'href="/innovations/export.csv?q=asthma"' in html
    assert 'href="/innovations/export.json?q=asthma"' in html
    assert 'href="/innovations/feed/?q=asthma"' in html


def test_real_records_come_before_demonstration_records_however_widely_adopted(client, world):
    icbs = [world.icb, world.icb2, world.other_icb]
    adopt_in(make_innovation(name="Generated favourite", is_demo=True), icbs)
    make_innovation(name="Real but new")
    assert names(client.get(URL)) == ["Real but new", "Generated favourite"]
    assert names(client.get(URL, {"sort": "most-adopted"})) == ["Real but new", "Generated favourite"]


def test_the_sentence_says_and_between_filters_and_or_within_one(client, db):
    make_innovation(category="medical-device", clinical_areas=["cancer"])
    response = client.get(URL, {"category": "medical-device", "clinical_area": ["cancer", "cardiovascular"]})
    assert sentence(response) == "1 innovation in the category Medical device and in Cancer or Cardiovascular"


def test_pages_reach_a_fixed_depth_and_say_how_to_see_the_rest(client, db, monkeypatch):
    """Issue 17 item 4: a deep OFFSET is never asked for; past the last page reached, the nearest one."""
    from hinportal.lib import listing

    monkeypatch.setattr(listing, "PAGED_RESULTS", 40)
    for n in range(50):
        make_innovation(name=f"Innovation {n:02d}")
    response = client.get(URL, {"sort": "name", "page": "3"})
    assert names(response)[0] == "Innovation 20"  # page 2, the last one reached
    html = response.content.decode()
    assert sentence(response).startswith("50 innovations")
    assert "Pages reach the first 40 of these. To see the others, add words or filters, or change the order." in html
    assert 'page=3"' not in html
    monkeypatch.setattr(listing, "PAGED_RESULTS", 50)
    assert "Pages reach" not in client.get(URL, {"sort": "name", "q": ""}).content.decode()


def test_a_search_too_broad_to_count_says_so_and_counts_no_facet(
    client, world, monkeypatch, django_assert_max_num_queries
):
    """Issue 17 item 5: a common word's matches are counted only up to a bound, and not by facet."""
    from hinportal.lib import listing

    for n in range(8):
        make_innovation(name=f"Asthma tool {n}", clinical_areas=["respiratory"])
    narrow = client.get(URL, {"q": "asthma"})
    assert sentence(narrow).startswith("8 innovations") and "Respiratory (8)" in narrow.content.decode()

    monkeypatch.setattr(listing, "BROAD_SEARCH", 5)
    cache.clear()
    with django_assert_max_num_queries(40) as broad_queries:
        broad = client.get(URL, {"q": "asthma"})
    asked = [query["sql"] for query in broad_queries.captured_queries]
    html = broad.content.decode()
    assert broad.status_code == 200
    assert sentence(broad) == "More than 5 innovations and programmes matching ‘asthma’"
    assert "This search finds more than 5 results, too many to count in full" in html
    assert "Respiratory (" not in html and "Respiratory" in html  # the filter is offered without counts
    assert len(names(broad)) == 8  # the results are still listed, ranked
    # The count stopped at six rows, and no facet was counted.
    counts = [sql for sql in asked if sql.startswith("SELECT COUNT(*)") and "innovations_innovation" in sql]
    assert counts and all("LIMIT 6" in sql for sql in counts)
    facet_counts = ('AS "n" FROM', "unnest(x.", "innovations_facetcount", "AS f(facet, value)", "(DISTINCT l.")
    assert not [sql for sql in asked if any(mark in sql for mark in facet_counts)]
    cache.clear()
    monkeypatch.setattr(listing, "BROAD_SEARCH", 10)
    # Below the bound, the same marks find every facet's count: the ten facets nobody chose in one
    # pass over the matches, then NICE guidance and programmes.
    counted = facet_query_log(client, {"q": "asthma"}, django_assert_max_num_queries)
    assert len([sql for sql in counted if any(mark in sql for mark in facet_counts)]) == 3


def facet_query_log(client, params, counter) -> list[str]:
    with counter(60) as queries:
        client.get(URL, params)
    return [query["sql"] for query in queries.captured_queries]


def test_the_options_drawn_from_tables_are_kept_but_follow_a_change_and_keep_the_choice(client, db):
    network = make_network(name="Health Innovation Lake")
    innovation = make_innovation(name="Asthma tool", lead_network=network)
    icb = make_icb(short_name="Lakeside")
    adopt_in(innovation, [icb])
    client.cookies["seen"] = "1"  # rendered each time, not answered from the page cache
    html = client.get(URL).content.decode()
    assert f'<option value="{icb.slug}">Lakeside (1)</option>' in html
    assert "Health Innovation Lake (1)</label>" in html
    network.name = "Health Innovation Lakeside"
    network.save()
    icb.short_name = "Lakeshore"
    icb.save()
    html = client.get(URL, {"icb": icb.slug}).content.decode()
    assert f'<option value="{icb.slug}" selected>Lakeshore (1)</option>' in html
    assert f'value="{network.slug}">\n<label class="nhsuk-label nhsuk-checkboxes__label"' in html
    assert "Health Innovation Lakeside (1)</label>" in html
    assert names(client.get(URL, {"icb": icb.slug, "network": network.slug})) == ["Asthma tool"]

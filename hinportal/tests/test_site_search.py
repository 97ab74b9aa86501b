import pytest
from django.core.management import call_command

from innovations.tests.factories import make_innovation, make_programme
from reviews.tests.factories import make_publication


@pytest.fixture
def everything(world) -> None:
    """One record of each kind that a search finds: innovations, a programme, a publication."""
    make_innovation(name="Asthma inhaler check", summary="Inhaler technique reviews.")
    make_innovation(name="Peak flow coach", summary="For asthma at home.")
    make_programme(name="Asthma Biologics and FeNO testing")
    make_publication(title="The Hewitt Review: an independent review of integrated care systems")
    return world


def test_one_query_ranks_every_kind_together_with_counts(client, everything, django_assert_num_queries):
    for n in range(12):
        make_innovation(name=f"Asthma helper {n}", summary="Help at home.")
    # The synonyms, the vocabulary, the vectors (when they changed, then all: once per process),
    # the probe of each kind's matches (3, kept afterwards: ranking.FEW), the ranked page, the rows
    # and highlights of the innovations and programmes on it, the count of each kind (3), the ICB
    # total, networks, ICSs.
    with django_assert_num_queries(18):
        response = client.get("/search/", {"q": "asthma"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "15 results for ‘asthma’" in html
    assert 'href="/innovations/?q=asthma">14 innovations</a>' in html
    assert "1 programme " in html
    assert 'href="/publications/?q=asthma">0 publications</a>' in html
    # The programme and the innovations named for asthma come before the one that only mentions it.
    titles = [h3.split("</a>")[0].split(">")[-1] for h3 in html.split('<h3 class="nhsuk-heading-s')[1:]]
    assert len(titles) == 10
    assert "Peak flow coach" not in titles
    assert titles[0].startswith("Asthma Biologics and FeNO testing (TP")  # a programme: more trusted at equal match
    page2 = client.get("/search/", {"q": "asthma", "page": "2"}).content.decode()
    assert "Peak flow coach" in page2


def test_a_visitor_with_a_cookie_gets_the_kept_results_until_something_public_changes(
    client, everything, django_assert_num_queries
):
    client.cookies["seen"] = "1"  # rendered each time, as for anyone signed in
    first = client.get("/search/", {"q": "asthma"}).content.decode()
    assert "3 results for ‘asthma’" in first
    # The results, counts, networks and ICSs are a kept fragment (templatetags/fragments.py).
    with django_assert_num_queries(0):
        assert client.get("/search/", {"q": "asthma"}).content.decode().count("Peak flow coach") == 1
    make_innovation(name="Asthma action plan")
    again = client.get("/search/", {"q": "asthma"}).content.decode()
    assert "4 results for ‘asthma’" in again and "Asthma action plan" in again


def test_it_finds_publications_networks_and_icss(client, everything):
    html = client.get("/search/", {"q": "Hewitt"}).content.decode()
    assert "The Hewitt Review: an independent review" in html
    html = client.get("/search/", {"q": "  Our test  "}).content.decode()
    assert "Our test network" in html
    html = client.get("/search/", {"q": "t03"}).content.decode()
    assert 'href="/ics/fellside/"' in html
    assert '<h2 id="icss">Integrated care systems <span class="nhsuk-u-font-weight-normal">(1)</span></h2>' in html


def test_the_header_search_box_goes_here(client, db):
    assert 'action="/search/"' in client.get("/").content.decode()


def test_it_says_when_nothing_matches(client, everything):
    html = client.get("/search/", {"q": "zzzz"}).content.decode()
    assert "Nothing matches ‘zzzz’. Try other words, or fewer of them." in html
    assert "No network's name matches ‘zzzz’." in html
    assert "No integrated care system's name matches ‘zzzz’." in html


def test_an_empty_search_shows_the_form_without_querying(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a" * 10_000, "Search for 2,000 characters or fewer (you entered 10000)."),
        ("asthma\x00", "Null characters are not allowed."),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message_and_keeps_it(client, db, value, message):
    response = client.get("/search/", {"q": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#id_q">{message}</a>' in html
    assert 'aria-describedby="id_q-hint id_q-error"' in html
    if "\x00" not in value:
        assert f'value="{value}"' in html


@pytest.mark.parametrize("q", ["Манчестер 曼彻斯特 مانشستر", "'; DROP TABLE x; --", '"', "-", "or", "🙂"])
def test_it_searches_in_any_script_and_syntax(client, everything, q):
    assert client.get("/search/", {"q": q}).status_code == 200


def test_case_studies_show_as_demonstration_data(client, reference_data):
    call_command("seed_demo", innovations=30, seed=1, verbosity=0)
    html = client.get("/search/", {"q": "case study"}).content.decode()
    assert "demonstration data" in html


def test_a_common_word_is_counted_only_as_far_as_its_listing_counts(client, everything, monkeypatch):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hinportal.lib import listing

    for n in range(6):
        make_innovation(name=f"Asthma helper {n}")
    monkeypatch.setattr(listing, "BROAD_SEARCH", 5)
    cache.clear()
    with CaptureQueriesContext(connection) as asked:
        html = client.get("/search/", {"q": "asthma"}).content.decode()
    counts = [q["sql"] for q in asked.captured_queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counts) == 3 and all("LIMIT 6" in sql for sql in counts)  # one per kind, none in full
    # Eight match: the count stops at six, and the page says "more than", as the listing it links to.
    assert 'href="/innovations/?q=asthma">More than 5 innovations</a>' in html
    assert "More than 5 results for ‘asthma’" in html
    assert "1 programme " in html and ">0 publications</a>" in html
    assert "More than 5 innovations" in client.get("/innovations/", {"q": "asthma"}).content.decode()


def test_the_heading_counts_every_match_and_says_when_only_the_most_relevant_are_listed(
    client, everything, monkeypatch
):
    from django.core.cache import cache

    from hinportal.lib.search import ranking

    for n in range(12):
        make_innovation(name=f"Asthma helper {n}")
    monkeypatch.setattr(ranking, "CAP", 5)  # the candidates ranked of a source's matches
    cache.clear()
    html = client.get("/search/", {"q": "asthma"}).content.decode()
    # 14 innovations and a programme match; 5 innovations and the programme are ranked and paged.
    assert "15 results for ‘asthma’" in html
    assert "most relevant first: the 6 most relevant are listed here." in html
    assert 'href="/innovations/?q=asthma">14 innovations</a>' in html
    monkeypatch.setattr(ranking, "CAP", 500)
    cache.clear()
    html = client.get("/search/", {"q": "asthma"}).content.decode()
    assert "15 results for ‘asthma’" in html and "most relevant are listed here" not in html

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


def test_one_query_searches_every_kind_grouped_with_counts(client, everything, django_assert_num_queries):
    for n in range(7):
        make_innovation(name=f"Asthma helper {n}")
    # innovation count and top five, publication count and top five, programmes, networks, ICSs
    with django_assert_num_queries(7):
        response = client.get("/search/", {"q": "asthma"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="nhsuk-contents-list__link" href="#innovations">Innovations (9)</a>' in html
    assert 'href="/innovations/?q=asthma">See all 9 innovations matching ‘asthma’</a>' in html
    assert "Asthma Biologics and FeNO testing" in html  # a programme
    assert "Publications <span" in html


def test_it_finds_publications_networks_and_icss(client, everything):
    html = client.get("/search/", {"q": "Hewitt"}).content.decode()
    assert "The Hewitt Review: an independent review" in html
    html = client.get("/search/", {"q": "  Our test  "}).content.decode()
    assert "Our test network" in html
    html = client.get("/search/", {"q": "t03"}).content.decode()
    assert 'href="/ics/fellside/"' in html
    assert 'href="#icss">Integrated care systems (1)</a>' in html


def test_the_header_search_box_goes_here(client, db):
    assert 'action="/search/"' in client.get("/").content.decode()


def test_it_says_when_nothing_matches(client, everything):
    html = client.get("/search/", {"q": "zzzz"}).content.decode()
    assert "No innovation matches ‘zzzz’." in html
    assert "No network matches ‘zzzz’." in html
    assert "No integrated care system matches ‘zzzz’." in html


def test_an_empty_search_shows_the_form_without_querying(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a" * 10_000, "Search for 200 characters or fewer (you entered 10000)."),
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

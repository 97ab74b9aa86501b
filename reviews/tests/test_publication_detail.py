import pytest

from hinportal.lib.workflow import Status
from innovations.tests.factories import make_innovation, make_programme
from reviews.tests.factories import make_publication, make_recommendation


def test_it_shows_the_body_recommendations_and_what_it_concerns(client, world, django_assert_num_queries):
    innovation = make_innovation(name="Answering innovation")
    programme = make_programme(name="Answering programme")
    publication = make_publication(
        title="A review",
        body="## Findings\n\nSystems should **spread** what works:\n\n- import\n- share\n\n[More](https://example.org)",
        networks=[world.other_network],
        icbs=[world.icb, world.icb2],
        innovations=[innovation, make_innovation(name="Hidden draft", status=Status.DRAFT)],
        programmes=[programme],
    )
    make_recommendation(publication=publication, innovations=[innovation], programmes=[programme])
    make_recommendation(publication=publication, title="Unanswered one")
    # publication, networks, ICBs, innovations, programmes, recommendations, their innovations, their programmes
    with django_assert_num_queries(8):
        response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>Findings</h2>" in html
    assert "<strong>spread</strong>" in html
    assert "<li>import</li>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">More</a>' in html
    assert "Answering innovation</a> (innovation)" in html
    # The factory's programme ended in March 2023, before this publication: earlier work, not an answer.
    earlier = html.split("Earlier work that the")[1].split("</ul>")[0]
    assert "Answering programme</a> (programme, April 2020 to March 2023)" in earlier
    assert "Nothing on the portal answers this recommendation yet." in html
    assert world.other_network.name in html and "Harbourside" in html and "Downland" in html
    assert "Hidden draft" not in html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert('x')</script>Hello",
        "[Click](javascript:alert(1)) Hello",
        '<a href="javascript:alert(1)">Click</a> Hello',
        '<img src=x onerror="alert(1)"> Hello',
        '<iframe src="https://evil.example"></iframe> Hello',
        '<p onclick="alert(1)">Hello</p>',
        "<style>body{display:none}</style> Hello",
    ],
)
def test_script_in_a_body_is_never_executed(client, db, body):
    publication = make_publication(body=body)
    html = client.get(publication.get_absolute_url()).content.decode()
    main = html[html.index('<div class="app-body">') : html.index("</main>")]
    assert "Hello" in main
    for dangerous in ("<script", "javascript:", "onerror", "onclick", "<iframe", "<img", "<style", "alert(1)</"):
        assert dangerous not in main


def test_demonstration_case_studies_say_so(client, db):
    publication = make_publication(kind="case-study", is_demo=True)
    assert "Demonstration case study" in client.get(publication.get_absolute_url()).content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])
def test_unpublished_publications_are_not_found(client, db, status):
    assert client.get(make_publication(status=status).get_absolute_url()).status_code == 404


def test_pages_list_the_publications_that_concern_them(client, world):
    icb = world.other_icb
    innovation = make_innovation()
    programme = make_programme()
    make_publication(
        title="Concerning all four",
        networks=[icb.network],
        icbs=[icb],
        innovations=[innovation],
        programmes=[programme],
    )
    make_publication(title="Draft one", status=Status.DRAFT, icbs=[icb])
    for url in (
        icb.get_absolute_url(),
        icb.network.get_absolute_url(),
        innovation.get_absolute_url(),
        programme.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "Concerning all four" in html, url
        assert "Draft one" not in html

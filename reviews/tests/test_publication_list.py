from conftest import result_titles as titles
from hinportal.lib.workflow import Status
from reviews.tests.factories import make_publication

URL = "/publications/"


def test_it_lists_published_publications_newest_first(client, db):
    make_publication(title="Older", days_ago=400)
    make_publication(title="Newer", days_ago=1)
    make_publication(title="Draft", status=Status.DRAFT)
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Newer", "Older"]


def test_it_filters_by_kind_year_and_network_with_counts(client, world):
    ours = world.network
    make_publication(title="Review 2025", kind="review", days_ago=30, networks=[ours])
    make_publication(title="Review 2024", kind="review", days_ago=400)
    make_publication(title="Case 2025", kind="case-study", days_ago=40, networks=[ours])
    html = client.get(URL, {"kind": "review"}).content.decode()
    assert "Review (2)" in html and "Case study (1)" in html
    assert "2025 (1)" in html and "2024 (1)" in html  # years counted within the chosen kind
    assert titles(client.get(URL, {"kind": "review"})) == ["Review 2025", "Review 2024"]
    assert titles(client.get(URL, {"year": "2024"})) == ["Review 2024"]
    assert titles(client.get(URL, {"network": ours.slug})) == ["Review 2025", "Case 2025"]
    assert f"{ours.name} (2)" in client.get(URL).content.decode()


def test_it_searches_and_highlights(client, db):
    make_publication(title="The Hewitt Review", summary="Integrated care systems and <em>innovation</em>.")
    make_publication(title="Something else")
    response = client.get(URL, {"q": "hewitt innovation"})
    assert titles(response) == ["The Hewitt Review"]
    assert "&lt;em&gt;<mark>innovation</mark>&lt;/em&gt;" in response.content.decode()


def test_it_pages_with_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    network = world.network
    for n in range(25):
        make_publication(title=f"Report {n:02d}", networks=[network], days_ago=n)
    # year choices, 3 facet counts, networks for the choice list, the count, the page
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert len(titles(response)) == 20
    assert titles(client.get(URL, {"page": "99"})) == [f"Report {n}" for n in range(20, 25)]


def test_a_visitor_with_a_cookie_gets_the_kept_results_until_something_public_changes(
    client, world, django_assert_num_queries
):
    for n in range(25):
        make_publication(title=f"Report {n:02d}", days_ago=n)
    client.cookies["seen"] = "1"  # rendered each time, as for anyone signed in
    first = client.get(URL, {"page": "2"})
    assert titles(first) == [f"Report {n}" for n in range(20, 25)]
    with django_assert_num_queries(0):  # results, filters and title are kept fragments
        again = client.get(URL, {"page": "2"})
    assert titles(again) == titles(first)
    assert "<title>Publications (page 2)" in again.content.decode()
    make_publication(title="Report new", days_ago=0)
    assert titles(client.get(URL, {"page": "2"})) == [f"Report {n}" for n in range(19, 25)]


def test_bad_input_gets_a_clear_message_and_a_400(client, db):
    make_publication(title="Kept")
    for params, message in [
        ({"kind": "poem"}, "poem is not one of the available choices"),
        ({"year": "1066"}, "1066 is not one of the available choices"),
        ({"q": "x" * 5000}, "Search for 2,000 characters or fewer (you entered 5000)."),
        ({"q": "\x00"}, "Null characters are not allowed."),
    ]:
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert message in response.content.decode()
        assert "Kept" in response.content.decode()

import pytest


def test_it_finds_networks_by_former_name_and_icss_by_place(client, reference_data, django_assert_num_queries):
    # 1: networks, 2: ICBs with their networks and regions
    with django_assert_num_queries(2):
        response = client.get("/search/", {"q": "  Wessex  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Health Innovation Wessex" in html
    assert "Networks <span" in html


def test_it_finds_an_ics_by_its_ods_code(client, reference_data):
    html = client.get("/search/", {"q": "qop"}).content.decode()
    assert 'href="/ics/greater-manchester/"' in html
    assert 'Integrated care systems <span class="nhsuk-u-font-weight-normal">(1)</span>' in html


def test_it_says_when_nothing_matches(client, reference_data):
    html = client.get("/search/", {"q": "zzzz"}).content.decode()
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


def test_it_searches_in_any_script(client, reference_data):
    response = client.get("/search/", {"q": "Манчестер 曼彻斯特 مانشستر"})
    assert response.status_code == 200
    assert "No network matches" in response.content.decode()

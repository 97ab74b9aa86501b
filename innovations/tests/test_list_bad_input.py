import pytest

from innovations.tests.factories import make_innovation
from networks.tests.factories import make_network

URL = "/innovations/"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"category": "teleportation"}, "Select a valid choice. teleportation is not one of the available choices."),
        ({"network": "atlantis"}, "Select a valid choice. atlantis is not one of the available choices."),
        ({"icb": "nowhere"}, "Select a valid choice. That choice is not one of the available choices."),
        ({"sort": "random"}, "Select a valid choice. random is not one of the available choices."),
        ({"q": "a" * 10_000}, "Search for 2,000 characters or fewer (you entered 10000)."),
        ({"q": "asthma\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_values_get_a_clear_message_a_400_and_the_valid_parts_still_apply(client, db, params, message):
    make_innovation(name="Asthma coach", category="digital")
    response = client.get(URL, {**params, "stage": "adoption"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "Asthma coach" in html  # the valid filter (stage) still applied; nothing thrown away
    assert 'value="adoption" checked' in html


@pytest.mark.parametrize(
    "q",
    [
        "Манчестер астма",
        "哮喘 asthma",
        "ربو",
        "🙂 asthma",
        "'; DROP TABLE innovations_innovation; --",
        '"unclosed',
        "-",
        "or",
    ],
)
def test_any_search_text_gives_a_page(client, db, q):
    make_innovation(name="Asthma coach")
    response = client.get(URL, {"q": q})
    assert response.status_code == 200


def test_repeated_and_unknown_parameters_are_harmless(client, db):
    make_innovation(name="Asthma coach", category="digital")
    response = client.get(URL + "?category=digital&category=digital&utm_source=x&proven=maybe")
    assert response.status_code == 200


def test_an_option_added_later_can_be_chosen_at_once_and_each_request_has_its_own_errors(client, db):
    """Each listing builds its form class once (hinportal.lib.listing); its options and its errors
    are still each request's own."""
    client.cookies["seen"] = "1"  # rendered each time, not taken whole from the page cache
    make_innovation(name="Asthma coach")
    refused = client.get(URL, {"network": "test-network-new"})
    assert refused.status_code == 400
    assert "test-network-new is not one of the available choices" in refused.content.decode()
    assert "There is a problem" not in client.get(URL).content.decode()

    network = make_network(name="Newly joined network")
    network.slug = "test-network-new"
    network.save()
    accepted = client.get(URL, {"network": "test-network-new"})
    assert accepted.status_code == 200
    assert "Newly joined network" in accepted.content.decode()

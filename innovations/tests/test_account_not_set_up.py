"""A person whose role and membership do not fit together sees a page that says so and whom to ask,
never a 500 or a bare 404."""

from django.contrib.auth.models import Group, User

from conftest import elements, make_person, sign_in_fully, text_of
from networks.models import Membership

PASSWORD = "correct horse battery staple"


def test_a_lead_tied_to_a_network_is_told_and_pointed_to_it(client, world):
    make_person("misfiled", "ICS lead", network=world.network)
    client.post("/account/sign-in/", {"username": "misfiled", "password": PASSWORD})
    response = client.get("/workspace/")
    assert response.status_code == 403
    page = text_of(elements(response, "main")[0])
    assert "Your account is not set up yet" in page
    assert f"tied to {world.network.name}, a network, instead of to your integrated care system" in page
    assert f"Ask {world.network.name}'s portal administrator" in page


def test_a_lead_with_no_system_is_told_whom_to_ask(client, db, settings):
    settings.CONTACT_EMAIL = "portal@example.org"
    make_person("adrift", "ICS lead")
    client.post("/account/sign-in/", {"username": "adrift", "password": PASSWORD})
    response = client.get("/workspace/")
    assert response.status_code == 403
    assert "not tied to an integrated care system" in response.content.decode()
    assert elements(response, "a", href="mailto:portal@example.org")


def test_staff_with_no_network_are_told_on_their_landing_page(client, db):
    person = User.objects.create_user(username="adrift-staff", password=PASSWORD, is_staff=True)
    person.groups.add(Group.objects.get(name="Network editor"))
    sign_in_fully(client, person)
    assert client.get("/workspace/").status_code == 403
    landing = client.get("/admin/")
    assert landing.status_code == 200
    assert "Your account is not tied to a network" in landing.content.decode()


def test_staff_tied_to_a_system_instead_of_a_network(client, world):
    person = User.objects.create_user(username="crossed", password=PASSWORD, is_staff=True)
    person.groups.add(Group.objects.get(name="Network editor"))
    Membership.objects.create(user=person, icb=world.icb)
    sign_in_fully(client, person)
    response = client.get("/workspace/")
    assert response.status_code == 403
    assert "it is tied to Harbourside, an integrated care system" in response.content.decode()


def test_a_set_up_lead_and_staff_still_land_where_they_work(client_as, world):
    assert client_as("ICS lead").get("/workspace/")["Location"] == f"/ics/{world.icb.slug}/workspace/"
    assert client_as("editor").get("/workspace/")["Location"] == "/admin/"
    assert client_as("national admin").get("/workspace/")["Location"] == "/admin/"


def test_the_page_asks_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    make_person("misfiled", "ICS lead", network=world.network)
    client.post("/account/sign-in/", {"username": "misfiled", "password": PASSWORD})
    with django_assert_max_num_queries(10):
        assert client.get("/workspace/").status_code == 403

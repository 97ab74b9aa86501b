"""Networks run their own teams: a network's publishers invite its staff and the leads of the ICBs
it covers; accepting sets the role and the membership with the account; expired and used
invitations are refused."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import elements, text_of
from networks.models import Invitation

ADD = "/admin/networks/invitation/add/"
PASSWORD = "Heron kettle 47 marmalade"


def invite(client, **data):
    return client.post(ADD, data)


def link_in(message) -> str:
    return re.search(r"https?://[^/]+(/account/invitation/[^/]+/)", message.body).group(1)


def accept(client, path, **data):
    fields = {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Carter",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(path, fields | data)


def test_a_publisher_invites_a_lead_of_a_system_their_network_covers(client_as, world):
    publisher = client_as("publisher")
    response = invite(publisher, email="sam@icb.example.org", role="ICS lead", icb=world.icb.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert (invitation.network, invitation.icb, invitation.role) == (world.network, world.icb, "ICS lead")
    [sent] = mail.outbox
    assert sent.to == ["sam@icb.example.org"] and world.icb.name in sent.body
    path = link_in(sent)
    assert path.split("/")[-2] not in Invitation.objects.values_list("token_hash", flat=True)  # only a hash is kept

    newcomer = Client()
    page = newcomer.get(path)
    assert page.status_code == 200 and world.icb.name in page.content.decode()
    assert accept(newcomer, path)["Location"] == "/workspace/"
    user = User.objects.get(username="sam")
    assert (user.email, user.is_staff, list(user.groups.values_list("name", flat=True))) == (
        "sam@icb.example.org",
        False,
        ["ICS lead"],
    )
    assert user.membership.icb == world.icb and user.membership.network is None
    assert newcomer.get("/workspace/")["Location"] == f"/ics/{world.icb.slug}/workspace/"

    # Used: refused, and no second account.
    again = accept(Client(), path, username="sam2")
    assert again.status_code == 410 and "This invitation has been used" in again.content.decode()
    assert not User.objects.filter(username="sam2").exists()


def test_a_publisher_invites_an_editor_who_then_sets_up_a_second_factor(client_as, world):
    invite(client_as("publisher"), email="ed@hin.example.org", role="Network editor")
    newcomer = Client()
    accept(newcomer, link_in(mail.outbox[0]), username="ed")
    user = User.objects.get(username="ed")
    assert user.is_staff and user.membership.network == world.network
    assert list(user.groups.values_list("name", flat=True)) == ["Network editor"]
    assert newcomer.get("/admin/")["Location"].startswith("/account/two-factor/")


def test_an_expired_invitation_is_refused(client_as, world):
    invite(client_as("publisher"), email="late@icb.example.org", role="ICS lead", icb=world.icb2.pk)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = accept(Client(), link_in(mail.outbox[0]))
    assert response.status_code == 410 and "This invitation has expired" in response.content.decode()
    assert f"Ask {world.network.name} to send you a new one" in text_of(elements(response, "main")[0])
    assert not User.objects.filter(username="sam").exists()


def test_a_forged_link_is_refused(client, db):
    for token in ("nothing", "x" * 500):
        response = client.get(f"/account/invitation/{token}/")
        assert response.status_code == 410 and "does not work" in response.content.decode()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"password2": "something else entirely"}, "The two passwords are not the same"),
        ({"password1": "short", "password2": "short"}, "at least 12 characters"),
        ({"username": "has space"}, "Enter a valid username"),
        ({"first_name": ""}, "Enter your first name"),
        ({"username": "editor"}, "That username is taken"),
    ],
)
def test_bad_choices_are_refused_and_kept(client_as, world, data, message):
    invite(client_as("publisher"), email="sam@icb.example.org", role="ICS lead", icb=world.icb.pk)
    path = link_in(mail.outbox[0])
    response = accept(Client(), path, **data)
    assert response.status_code == 400 and message in response.content.decode()
    if data.get("first_name") != "":
        assert 'value="Carter"' in response.content.decode()
    assert not Invitation.objects.get().accepted_at


@pytest.mark.parametrize(
    "data,message",
    [
        ({"role": "ICS lead"}, "Choose the integrated care board this ICS lead leads"),
        ({"role": "Network editor", "icb": "ICB"}, "Only an ICS lead belongs to an integrated care board"),
        ({"role": "ICS lead", "icb": "OTHER"}, "Select a valid choice"),
    ],
)
def test_an_invitation_that_does_not_fit_is_refused(client_as, world, data, message):
    icbs = {"ICB": world.icb.pk, "OTHER": world.other_icb.pk}
    data = {k: icbs.get(v, v) for k, v in data.items()}
    response = invite(client_as("publisher"), email="x@example.org", **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize("persona", ["editor", "ICS lead", "anonymous"])
def test_only_publishers_and_national_administrators_invite(client_as, world, persona):
    client = client_as(persona)
    response = invite(client, email="x@example.org", role="Network editor")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
    assert not Invitation.objects.exists()


def test_a_national_administrator_invites_for_any_network(client_as, world):
    response = invite(
        client_as("national admin"), email="p@hin.example.org", role="Network publisher", network=world.other_network.pk
    )
    assert response.status_code == 302
    assert Invitation.objects.get().network == world.other_network


def test_another_networks_invitations_are_not_shown(client_as, world, personas):
    Invitation.objects.create(
        email="theirs@example.org", role="Network editor", network=world.other_network, token_hash="a" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    listing = client_as("publisher").get("/admin/networks/invitation/")
    assert listing.status_code == 200 and "theirs@example.org" not in listing.content.decode()


def test_the_invitation_page_asks_a_fixed_number_of_queries(client_as, world, django_assert_max_num_queries):
    invite(client_as("publisher"), email="sam@icb.example.org", role="ICS lead", icb=world.icb.pk)
    path = link_in(mail.outbox[0])
    with django_assert_max_num_queries(3):  # the invitation with its network and ICB (and the session)
        assert Client().get(path).status_code == 200

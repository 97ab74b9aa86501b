"""Requests a penetration test sent that used to answer 500 or go somewhere they should not."""

import pytest
from django.contrib.auth.models import Group, User

from conftest import sign_in_fully
from innovations.models import Shortlist
from innovations.tests.factories import make_innovation

ADMIN_LISTS = [
    "/admin/innovations/innovation/",
    "/admin/innovations/adoption/",
    "/admin/innovations/programme/",
    "/admin/innovations/evidenceitem/",
    "/admin/reviews/publication/",
    "/admin/networks/integratedcareboard/",
    "/admin/networks/network/",
]


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_a_member_of_staff_without_a_membership_sees_empty_lists(client, db, path):
    person = User.objects.create_user(username="adrift", password="x", is_staff=True)
    person.groups.add(Group.objects.get(name="Network editor"))
    sign_in_fully(client, person)
    response = client.get(path)
    assert response.status_code == 200
    assert "/change/" not in response.content.decode().split('id="result_list"')[-1]


@pytest.mark.parametrize("version", ["abc", "1e3", "-1", "99999999999999999999999", "٣"])
def test_a_forged_history_version_is_not_found(client_as, version):
    innovation = make_innovation()
    response = client_as("national admin").get(f"/admin/innovations/innovation/{innovation.pk}/history/{version}/")
    assert response.status_code == 404


@pytest.mark.parametrize("record", ["abc", "99999999999999999999999", "1.5"])
def test_a_forged_record_id_is_not_found(client_as, record):
    response = client_as("national admin").get(f"/admin/innovations/innovation/{record}/change/")
    assert response.status_code in (302, 404)  # Django's admin redirects an unknown id to the list with a message
    assert response.status_code != 500


def post_form(client, path: str, charset: str):
    return client.generic(
        "POST", path, b"username=someone&password=secret", content_type=f"application/x-www-form-urlencoded; {charset}"
    )


@pytest.mark.parametrize(
    "charset", ["charset=rot13", "charset=base64", "charset=utf-16", "charset=zlib", "charset=idna", "charset=utf-8'"]
)
@pytest.mark.parametrize("path", ["/account/sign-in/", "/shortlists/1/add/"])
def test_a_form_in_a_charset_other_than_utf8_is_a_bad_request(client, db, charset, path):
    response = post_form(client, path, charset)
    assert response.status_code == 400
    assert "Sorry, we could not understand that request" in response.content.decode()


@pytest.mark.parametrize("charset", ["charset=nope", "charset=", 'charset=""'])
def test_a_charset_no_one_has_heard_of_is_read_as_utf8(client, db, charset):
    response = post_form(client, "/account/sign-in/", charset)
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "///evil.example"])
def test_adding_to_a_shortlist_never_redirects_off_the_site(client_as, target):
    lead = client_as("ICS lead")
    lead.post("/ics/harbourside/workspace/shortlists/", {"name": "Board"})
    shortlist = Shortlist.objects.get()
    innovation = make_innovation()
    response = lead.post(f"/shortlists/{shortlist.pk}/add/", {"innovation": innovation.pk, "next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/shortlists/{shortlist.pk}/"


def test_adding_to_a_shortlist_goes_back_to_a_page_of_ours(client_as):
    lead = client_as("ICS lead")
    lead.post("/ics/harbourside/workspace/shortlists/", {"name": "Board"})
    shortlist = Shortlist.objects.get()
    response = lead.post(
        f"/shortlists/{shortlist.pk}/add/",
        {"innovation": make_innovation().pk, "next": "/ics/harbourside/proven-elsewhere/"},
    )
    assert response["Location"] == "/ics/harbourside/proven-elsewhere/"

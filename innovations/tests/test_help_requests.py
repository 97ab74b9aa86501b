"""Get help adopting this: a lead, or a signed-out visitor who leaves an email address, asks the
network that covers their system; the request lands in that network's queue in the staff screens,
where replies reach the requester by email."""

import pytest
from django.core import mail

from conftest import elements, text_of
from innovations.models import HelpReply, HelpRequest
from innovations.tests.factories import make_innovation


@pytest.fixture
def innovation(db):
    return make_innovation(name="Falls app")


@pytest.fixture
def staff_with_email(personas, world):
    for persona in ("editor", "publisher", "other editor"):
        personas[persona].email = f"{personas[persona].username}@hin.example.org"
        personas[persona].save()
    return personas


def ask(client, innovation, **data):
    return client.post(f"/innovations/{innovation.slug}/help/", data)


def test_a_signed_out_visitor_asks_the_network_that_covers_their_system(client, innovation, world, staff_with_email):
    page = client.get(f"/innovations/{innovation.slug}/help/")
    assert page.status_code == 200
    assert elements(page, "select", name="icb")
    response = ask(
        client, innovation, name="Sam Carter", email="sam@icb.example.org", icb=world.icb.pk, message="How to start?"
    )
    assert response.status_code == 302 and response["Location"] == f"/innovations/{innovation.slug}/#get-help"
    made = HelpRequest.objects.get()
    assert (made.network, made.icb, made.requested_by, made.status) == (world.network, world.icb, None, "new")
    staff, receipt = mail.outbox
    assert staff.to == ["editor@hin.example.org", "publisher@hin.example.org"]  # this network's, not the other's
    assert staff.reply_to == ["sam@icb.example.org"] and "How to start?" in staff.body
    assert f"/admin/innovations/helprequest/{made.pk}/change/" in staff.body
    assert receipt.to == ["sam@icb.example.org"] and world.network.name in receipt.body
    assert "Your request is with" in client.get(response["Location"]).content.decode()


def test_a_lead_asks_for_their_own_system_without_naming_it(client_as, innovation, world, personas):
    lead = client_as("ICS lead")
    page = lead.get(f"/innovations/{innovation.slug}/help/")
    assert not elements(page, "select", name="icb")
    assert world.network.name in page.content.decode()
    response = ask(lead, innovation, name="Lead", email="lead@icb.example.org", icb=world.other_icb.pk, message="Help")
    assert response.status_code == 302
    made = HelpRequest.objects.get()
    assert (made.icb, made.network, made.requested_by) == (world.icb, world.network, personas["ICS lead"])


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "email": "a@b.org", "message": "x"}, "Enter your name"),
        ({"name": "A", "email": "not-an-address", "message": "x"}, "Enter an email address like name@nhs.net"),
        ({"name": "A", "email": "a@b.org", "message": ""}, "Say what you would like help with"),
        ({"name": "A", "email": "a@b.org", "message": "x", "icb": ""}, "Choose your integrated care system"),
        ({"name": "A", "email": "a@b.org", "message": "x", "icb": "99999"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_kept(client, innovation, world, data, message):
    data = {"icb": world.icb.pk, **data}
    response = ask(client, innovation, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not HelpRequest.objects.exists() and not mail.outbox
    if data["name"]:
        assert f'value="{data["name"]}"' in html


def test_too_many_requests_from_one_address_are_held_back(client, innovation, world, settings):
    settings.HELP_REQUESTS_PER_ADDRESS = 2
    data = {"name": "A", "email": "a@b.org", "icb": world.icb.pk, "message": "x"}
    assert [ask(client, innovation, **data).status_code for _ in range(3)] == [302, 302, 429]
    assert HelpRequest.objects.count() == 2


def test_only_published_innovations_take_requests(client, world):
    draft = make_innovation(name="Draft", status="draft")
    assert client.get(f"/innovations/{draft.slug}/help/").status_code == 404


def test_the_innovation_page_offers_help(client, client_as, innovation, world):
    assert elements(client.get(innovation.get_absolute_url()), "div", id="get-help")
    card = text_of(elements(client_as("ICS lead").get(innovation.get_absolute_url()), "div", id="get-help")[0])
    assert f"Ask {world.network.name}, which supports Harbourside" in card


def made_request(world, innovation, icb=None) -> HelpRequest:
    icb = icb or world.icb
    return HelpRequest.objects.create(
        innovation=innovation, icb=icb, network=icb.network, name="Sam", email="sam@icb.example.org", message="Help?"
    )


def test_the_network_replies_and_the_requester_receives_it(client_as, innovation, world, personas):
    personas["editor"].email = "editor@hin.example.org"
    personas["editor"].save()
    made = made_request(world, innovation)
    editor = client_as("editor")
    queue = editor.get("/admin/innovations/helprequest/")
    assert text_of(elements(queue, "table", id="result_list")[0]).count("Sam") == 1
    url = f"/admin/innovations/helprequest/{made.pk}/change/"
    form = editor.get(url)
    version = form.context["adminform"].form["version_seen"].value()
    data = {
        "status": "new",
        "version_seen": version,
        "replies-TOTAL_FORMS": "1",
        "replies-INITIAL_FORMS": "0",
        "replies-MIN_NUM_FORMS": "0",
        "replies-MAX_NUM_FORMS": "1000",
        "replies-0-body": "Happy to help: we will call you on Monday.",
        "_continue": "Save",
    }
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    made.refresh_from_db()
    assert made.status == "in-progress"
    reply = HelpReply.objects.get()
    assert reply.author == personas["editor"]
    [sent] = mail.outbox
    assert sent.to == ["sam@icb.example.org"] and sent.reply_to == ["editor@hin.example.org"]
    assert "we will call you on Monday" in sent.body and world.network.name in sent.subject


def test_closing_a_request(client_as, innovation, world):
    made = made_request(world, innovation)
    editor = client_as("editor")
    url = f"/admin/innovations/helprequest/{made.pk}/change/"
    version = editor.get(url).context["adminform"].form["version_seen"].value()
    data = {"status": "closed", "version_seen": version, "replies-TOTAL_FORMS": "0", "replies-INITIAL_FORMS": "0"}
    data |= {"replies-MIN_NUM_FORMS": "0", "replies-MAX_NUM_FORMS": "1000"}
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/admin/innovations/helprequest/"
    made.refresh_from_db()
    assert made.status == "closed" and not mail.outbox


@pytest.mark.parametrize(
    "persona,sees",
    [("editor", True), ("publisher", True), ("national admin", True), ("other editor", False), ("ICS lead", False)],
)
def test_each_network_sees_only_its_own_queue(client_as, innovation, world, persona, sees):
    made = made_request(world, innovation)
    client = client_as(persona)
    response = client.get(f"/admin/innovations/helprequest/{made.pk}/change/")
    if persona == "ICS lead":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == (200 if sees else 404)
    if persona == "other editor":
        listing = client.get("/admin/innovations/helprequest/")
        assert (
            "Sam" not in text_of(elements(listing, "table", id="result_list")[0])
            if elements(listing, "table", id="result_list")
            else True
        )


def test_the_queue_and_the_form_ask_a_fixed_number_of_queries(
    client, client_as, innovation, world, django_assert_max_num_queries
):
    made_request(world, innovation)
    editor = client_as("editor")
    with django_assert_max_num_queries(25) as few:
        editor.get("/admin/innovations/helprequest/")
    queries = len(few)
    for n in range(8):
        made_request(world, make_innovation(name=f"More {n}"))
    with django_assert_max_num_queries(queries):
        editor.get("/admin/innovations/helprequest/")
    with django_assert_max_num_queries(12):
        client.get(f"/innovations/{innovation.slug}/help/")


def test_a_lead_without_an_email_address_is_asked_for_one(client_as, innovation, world):
    lead = client_as("ICS lead")
    page = lead.get(f"/innovations/{innovation.slug}/help/")
    [email] = elements(page, "input", name="email")
    assert "value" not in dict(email.attributes)  # nothing to offer: they type the address replies go to

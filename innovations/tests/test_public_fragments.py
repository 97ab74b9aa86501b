"""Innovation and ICS pages for signed-in people: what the page says of the record is kept in the
shared cache (templatetags/fragments.py) and shared by every viewer, while what is the viewer's own
(a lead's system status, their links, their return address) is worked out for each of them."""

import re
from datetime import date

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

from conftest import make_person, sign_in_fully
from innovations.choices import AdoptionStatus
from innovations.tests.factories import adopt_in, make_adoption, make_guidance, make_innovation, make_programme
from networks.tests.factories import make_icb


def signed_in(user) -> Client:
    return sign_in_fully(Client(), user)


def html_of(response) -> str:
    assert response.status_code == 200
    # The per-request parts every page has: the CSP nonce and any CSRF token.
    return re.sub(r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.fixture
def proven(world):
    """A proven innovation adopted in two other systems and piloted in the lead's (world.icb)."""
    innovation = make_innovation(name="Falls prevention app", clinical_areas=["urology"])
    make_guidance(innovation=innovation)
    adopt_in(innovation, [world.other_icb, world.icb2], AdoptionStatus.EMBEDDED)
    make_adoption(innovation=innovation, icb=world.icb, status=AdoptionStatus.PILOTING)
    make_innovation(name="Related urology service", clinical_areas=["urology"])
    return innovation


@pytest.fixture
def leads(world) -> dict:
    return {
        "here": make_person("lead-here", "ICS lead", icb=world.icb),
        "there": make_person("lead-there", "ICS lead", icb=world.other_icb),
        "editor": make_person("editor", "Network editor", network=world.network),
    }


def test_a_kept_innovation_page_costs_the_second_viewer_only_their_own_parts(
    world, proven, leads, django_assert_num_queries
):
    first = html_of(signed_in(leads["here"]).get(proven.get_absolute_url()))
    client = signed_in(leads["here"])
    # The same audience (a lead of the same system): the whole page is kept (page_cache.audience_page),
    # so only the session and its person with their roles and membership (one query) are asked.
    with django_assert_num_queries(2):
        again = html_of(client.get(proven.get_absolute_url()))
    assert again == first
    # A lead of another system is another audience: the page is rendered, and the kept fragments
    # spare all but the innovation (with its lead network and submitting ICB) and their adoption.
    there = signed_in(leads["there"])
    with django_assert_num_queries(4):
        elsewhere = html_of(there.get(proven.get_absolute_url()))
    assert "In Fellside: <strong>Embedded</strong>" in elsewhere
    assert "<h1>Falls prevention app</h1>" in again
    assert "Adopted in 2 of 3 integrated care systems" in again
    assert "Related urology service" in again


def test_a_leads_own_system_is_kept_for_them_until_it_changes(world, proven, leads):
    client = signed_in(leads["here"])
    assert "In Harbourside: <strong>Piloting</strong>" in html_of(client.get(proven.get_absolute_url()))
    world.icb.short_name = "Harbourside and Bay"
    world.icb.save()
    assert "In Harbourside and Bay: <strong>Piloting</strong>" in html_of(client.get(proven.get_absolute_url()))


def test_each_lead_sees_their_own_system_on_a_kept_innovation_page(world, proven, leads):
    here = html_of(signed_in(leads["here"]).get(proven.get_absolute_url()))
    there = html_of(signed_in(leads["there"]).get(proven.get_absolute_url()))
    public = Client()
    public.cookies["seen"] = "1"  # a cookie: the page is rendered, not taken whole from the page cache
    anyone = html_of(public.get(proven.get_absolute_url()))

    assert "In Harbourside: <strong>Piloting</strong>" in here
    assert "Ask Our test network, which supports Harbourside." in here
    assert "In Fellside: <strong>Embedded</strong>" in there
    assert "Ask Their test network, which supports Fellside." in there
    assert "Harbourside: <strong>" not in there
    assert 'id="in-your-system"' not in anyone
    assert "Ask the health innovation network that supports your integrated care system." in anyone
    # The kept parts are the same for all three.
    for html in (here, there, anyone):
        assert "<h1>Falls prevention app</h1>" in html and "Related urology service" in html


def test_a_write_shows_on_the_next_signed_in_view(world, proven, leads):
    client = signed_in(leads["editor"])
    assert "Adopted in 2 of 3" in html_of(client.get(proven.get_absolute_url()))
    proven.name = "Falls prevention app (version 2)"
    proven.save()
    make_adoption(innovation=proven, status=AdoptionStatus.EMBEDDED)  # in a fourth, new system
    html = html_of(client.get(proven.get_absolute_url()))
    assert "<h1>Falls prevention app (version 2)</h1>" in html
    assert "Adopted in 3 of 4 integrated care systems" in html


def test_the_ics_page_shows_its_own_leads_their_links_and_no_one_else(world, proven, leads, django_assert_num_queries):
    gap = make_innovation(name="Virtual ward")
    make_guidance(innovation=gap)
    adopt_in(gap, [world.other_icb, world.icb2, make_icb()])
    page = world.icb.get_absolute_url()

    lead_view = html_of(signed_in(leads["here"]).get(page))
    editor = signed_in(leads["editor"])
    editor_view = html_of(editor.get(page))
    other_lead_view = html_of(signed_in(leads["there"]).get(page))
    lead_again = html_of(signed_in(leads["here"]).get(page))

    assert "Open your workspace" in lead_view and "Record its status in Harbourside" in lead_view
    assert f"?next={page}" in lead_view.replace("%2F", "/")
    assert lead_again == lead_view
    for view in (editor_view, other_lead_view):
        assert "Virtual ward" in view and "Proven elsewhere, not yet here: 1" in view
        assert "Open your workspace" not in view and "Record its status in" not in view
    # Kept whole for the editor's audience: their second view asks only who they are (the session; the
    # person with their roles and membership; the second factor's device).
    with django_assert_num_queries(3):
        assert html_of(editor.get(page)) == editor_view


def test_nothing_is_kept_when_the_page_cache_is_off(world, proven, leads, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client = signed_in(leads["here"])
    client.get(proven.get_absolute_url())
    # All of it again: the facts, guidance, evidence, programmes, adoptions, related and publications.
    with django_assert_num_queries(11):
        client.get(proven.get_absolute_url())


def test_the_tag_wants_a_quoted_name_and_a_key():
    for opening in ('{% public_fragment "page" %}', "{% public_fragment page 1 %}"):
        with pytest.raises(TemplateSyntaxError, match="quoted name and at least one key"):
            Template("{% load fragments %}" + opening + "x{% endpublic_fragment %}")


def test_a_kept_part_is_kept_under_its_keys_and_stays_escaped(db):
    template = Template('{% load fragments %}{% public_fragment "t" key %}{{ text }}{% endpublic_fragment %}')
    assert template.render(Context({"key": 1, "text": "<b>one</b>"})) == "&lt;b&gt;one&lt;/b&gt;"
    # Same key: the kept HTML, whatever the context now holds.
    assert template.render(Context({"key": 1, "text": "two"})) == "&lt;b&gt;one&lt;/b&gt;"
    assert template.render(Context({"key": 2, "text": "two"})) == "two"


def test_the_listing_keeps_a_leads_shortlist_links_and_the_sign_in_hint_to_whom_they_belong(world, proven, leads):
    url = "/innovations/?q=falls"
    lead_view = html_of(signed_in(leads["here"]).get(url))
    editor_view = html_of(signed_in(leads["editor"]).get(url))
    visitor = Client()
    visitor.cookies["seen"] = "1"
    visitor_view = html_of(visitor.get(url))

    assert "Add to a shortlist" in lead_view and f"next={url}" in lead_view.replace("%2F", "/").replace(
        "%3F", "?"
    ).replace("%3D", "=")
    for view in (editor_view, visitor_view):
        assert "Falls prevention app" in view
        assert "Add to a shortlist" not in view
    assert "(you will be asked to sign in)" in visitor_view
    assert "(you will be asked to sign in)" not in editor_view and "(you will be asked to sign in)" not in lead_view
    assert html_of(signed_in(leads["there"]).get(url)) == lead_view.replace("lead-here", "lead-there")


def test_a_lead_of_a_system_no_longer_current_can_read_an_innovation(world, proven):
    retired = make_icb(short_name="Oldshire", valid_to=date(2024, 3, 31))
    lead = make_person("lead-retired", "ICS lead", icb=retired)
    html = html_of(signed_in(lead).get(proven.get_absolute_url()))
    assert "<h1>Falls prevention app</h1>" in html
    assert 'id="in-your-system"' not in html  # its status is not asked of a system that has gone


def test_a_programme_page_is_kept_for_signed_in_people_until_something_public_changes(
    world, proven, leads, django_assert_num_queries
):
    programme = make_programme(name="Falls programme", innovations=[proven])
    client = signed_in(leads["editor"])
    first = html_of(client.get(programme.get_absolute_url()))
    assert "Spread: adopted in 2 of 3 integrated care systems" in first
    # Kept whole for the editor's audience: the session, the person and their second factor's device
    with django_assert_num_queries(3):
        assert html_of(client.get(programme.get_absolute_url())) == first
    make_adoption(innovation=proven, status=AdoptionStatus.ADOPTED)  # a fourth system
    assert "Spread: adopted in 3 of 4 integrated care systems" in html_of(client.get(programme.get_absolute_url()))

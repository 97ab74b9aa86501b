import re

import pytest
from django.core import mail

from conftest import make_person, result_titles
from hinportal.lib.workflow import Status
from innovations import gap_lists
from innovations.choices import AdoptionStatus, EvidenceType
from innovations.models import Innovation
from innovations.tests.factories import adopt_in, make_evidence, make_guidance, make_innovation
from networks.models import IntegratedCareBoard
from networks.tests.factories import make_icb

WORKSPACE = "/ics/harbourside/workspace/"
GAPS = "/ics/harbourside/proven-elsewhere/"


@pytest.fixture(autouse=True)
def more_icbs(world) -> None:
    """Besides the world's three (T01 the lead's and T02 in the south, T03 in the north): three
    more in the north, two more in the lead's region."""
    for code in ("N01", "N02", "N03"):
        make_icb(region=world.other_region, network=world.other_network, short_name=f"North {code}", ods_code=code)
    for code in ("S01", "S02"):
        make_icb(region=world.region, network=world.other_network, short_name=f"South {code}", ods_code=code)


def icbs(*codes: str) -> list[IntegratedCareBoard]:
    return list(IntegratedCareBoard.objects.filter(ods_code__in=codes))


def listed(html: str) -> list[str]:
    return result_titles(html)


def test_a_lead_signs_in_and_lands_on_their_workspace(client, personas):
    response = client.post(
        "/account/sign-in/", {"username": "ics-lead", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == WORKSPACE
    assert "<h1>Harbourside</h1>" in response.content.decode()
    response = client.post("/account/sign-out/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert client.get(WORKSPACE).status_code == 302


def test_a_wrong_password_is_refused_with_a_clear_message(client, personas):
    response = client.post("/account/sign-in/", {"username": "ics-lead", "password": "nope"})
    assert response.status_code == 200
    assert "Enter a correct username and password." in response.content.decode()
    assert 'value="ics-lead"' in response.content.decode()


def test_password_reset_by_email_works(client, personas):
    lead = personas["ICS lead"]
    lead.email = "lead@harbourside.example"
    lead.save()
    client.post("/account/password-reset/", {"email": "lead@harbourside.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = {"new_password1": "a much longer new passphrase", "new_password2": "a much longer new passphrase"}
    response = client.post(form_page.redirect_chain[-1][0], new, follow=True)
    assert "Your password has been changed" in response.content.decode()
    lead.refresh_from_db()
    assert lead.check_password("a much longer new passphrase")


@pytest.mark.parametrize("persona", ["other editor", "editor", "national admin"])
def test_only_the_icbs_own_leads_see_its_workspace(client_as, persona):
    assert client_as(persona).get(WORKSPACE).status_code == 404


def test_another_icbs_lead_sees_404(client, personas, world):
    other = make_person("manchester-lead", "ICS lead", icb=world.other_icb)
    client.force_login(other)
    assert client.get(WORKSPACE).status_code == 404
    assert client.get("/ics/fellside/workspace/").status_code == 200


def test_anonymous_visitors_are_asked_to_sign_in(client, personas):
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_the_workspace_shows_adoptions_comparison_gaps_and_runs_fixed_queries(
    client_as, world, django_assert_num_queries, settings
):
    here = make_innovation(name="Already here")
    adopt_in(here, icbs("T01"), AdoptionStatus.EMBEDDED)
    for n in range(3):
        proven = make_innovation(name=f"Proven {n}")
        make_guidance(innovation=proven)
        adopt_in(proven, icbs("N03", "T03", "N01"))
    client = client_as("ICS lead")
    client.get(WORKSPACE)
    # Kept for the ICB's leads (page_cache.audience_page): the session and the person, no more.
    with django_assert_num_queries(2):
        kept = client.get(WORKSPACE)
    assert kept["X-Audience-Cache"] == "hit"
    settings.AUDIENCE_PAGE_CACHE = False
    # Rendered: session, the person with their roles and membership, the ICB, adoptions page (counted
    # from the kept totals), the ICBs, totals and the kept gap list's length and first page (cached),
    # shortlists, submissions, gap page with NICE codes
    with django_assert_num_queries(8):
        response = client.get(WORKSPACE)
    html = response.content.decode()
    assert html == kept.content.decode().replace(
        re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', kept.content.decode()).group(1),
        re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', html).group(1),
    )
    assert "Already here" in html
    assert "Embedded: 1" in html
    assert f"Average in {world.region.name}" in html
    assert "3 proven innovations not adopted here" in html
    assert "adopted or embedded in 3 ICSs, 0 in your region; NICE MTG58" in html


def test_the_adoptions_are_paged_by_the_kept_counts_for_each_status(client_as, world):
    for n in range(52):
        adopt_in(make_innovation(name=f"Adopted {n:02d}"), icbs("T01"))
    for n in range(3):
        adopt_in(make_innovation(name=f"Trying {n}"), icbs("T01"), AdoptionStatus.PILOTING)
    adopt_in(make_innovation(name="Unpublished", status=Status.DRAFT), icbs("T01"))
    client = client_as("ICS lead")
    first = client.get(WORKSPACE).content.decode()
    assert ">Older adoptions</a>" in first
    second = client.get(WORKSPACE, {"page": "2"}).content.decode()
    # Newest first, then by name: the second page holds the last two of the 52.
    assert len(re.findall(r">Adopted \d\d<", first)) == 50 and len(re.findall(r">Adopted \d\d<", second)) == 2
    trying = client.get(WORKSPACE, {"status": AdoptionStatus.PILOTING}).content.decode()
    assert all(f"Trying {n}" in trying for n in range(3)) and "Older adoptions" not in trying
    assert "Older adoptions" not in second
    assert "Unpublished" not in first + second


def test_the_gap_list_holds_only_proven_innovations_not_adopted_here_ranked(client, personas):
    wide = make_innovation(name="Wide")
    make_evidence(innovation=wide, kind=EvidenceType.REAL_WORLD)
    adopt_in(wide, icbs("T03", "N01", "N02", "N03"))
    regional = make_innovation(name="Regional")
    make_guidance(innovation=regional)
    adopt_in(regional, icbs("N03", "S01", "S02"))  # N03 in the north; S01, S02 in the lead's own region
    national = make_innovation(name="National")
    make_guidance(innovation=national)
    adopt_in(national, icbs("T03", "N01", "N02"))
    adopted_here = make_innovation(name="Adopted here")
    make_guidance(innovation=adopted_here)
    adopt_in(adopted_here, icbs("T03", "N01", "N02", "T01"))
    unproven = make_innovation(name="Unproven")
    adopt_in(unproven, icbs("T03", "N01", "N02", "N03", "T02"))
    piloting = make_innovation(name="Only piloting elsewhere")
    make_guidance(innovation=piloting)
    adopt_in(piloting, icbs("T03", "N01", "N02"), AdoptionStatus.PILOTING)
    response = client.get(GAPS)
    assert response.status_code == 200
    # Most ICBs first; then, at 3 each, more in the lead's region first.
    assert listed(response.content.decode()) == ["Wide", "Regional", "National"]
    assert "adopted or embedded in 3 ICSs, 2 in your region; NICE MTG58" in response.content.decode()


def test_the_gap_list_filters_by_clinical_area_category_and_core20(client, personas):
    for name, area, category, core20 in [
        ("Lungs", "respiratory", "digital", ["chronic-respiratory-disease"]),
        ("Heart", "cardiovascular", "medical-device", []),
    ]:
        innovation = make_innovation(name=name, clinical_areas=[area], category=category, core20plus5=core20)
        make_guidance(innovation=innovation)
        adopt_in(innovation, icbs("T03", "N01", "N02"))
    assert listed(client.get(GAPS, {"clinical_area": "respiratory"}).content.decode()) == ["Lungs"]
    assert listed(client.get(GAPS, {"category": "medical-device"}).content.decode()) == ["Heart"]
    assert listed(client.get(GAPS, {"core20": "chronic-respiratory-disease"}).content.decode()) == ["Lungs"]
    bad = client.get(GAPS, {"category": "spaceship"})
    assert bad.status_code == 400
    assert "spaceship is not one of the available choices" in bad.content.decode()


def test_the_public_sees_the_gap_list_but_not_the_shortlist_buttons(client, client_as, personas):
    innovation = make_innovation(name="Proven")
    make_guidance(innovation=innovation)
    adopt_in(innovation, icbs("T03", "N01", "N02"))
    lead = client_as("ICS lead")
    lead.post("/ics/harbourside/workspace/shortlists/", {"name": "Board"})
    assert "Add to a shortlist" in lead.get(GAPS).content.decode()
    lead.logout()
    assert "Add to a shortlist" not in client.get(GAPS).content.decode()
    assert "Proven" in client.get(GAPS).content.decode()


def test_a_submission_lands_in_the_covering_networks_review_queue(client_as, world):
    client = client_as("ICS lead")
    data = {
        "name": "Harbourside falls service",
        "summary": "Fewer falls at home.",
        "description": "A team that visits.",
        "organisation": "",
        "category": "model-of-care",
        "clinical_areas": ["frailty"],
        "care_settings": ["community"],
        "stage": "evidence",
        "website": "",
    }
    response = client.post("/ics/harbourside/workspace/submit/", data)
    assert response.status_code == 302
    innovation = Innovation.objects.get(name="Harbourside falls service")
    assert innovation.status == "in-review"
    assert innovation.lead_network == world.network
    assert innovation.submitted_by_icb.ods_code == "T01"
    assert innovation.history.first().history_user.username == "ics-lead"
    # Created as a draft, then submitted through the workflow, by the lead.
    assert list(innovation.history.order_by("history_date").values_list("status", flat=True)) == [
        "draft",
        "in-review",
    ]
    assert innovation.status_changed_by.username == "ics-lead"
    assert "Harbourside falls service" in client.get(WORKSPACE).content.decode()
    assert client_as("anonymous").get(innovation.get_absolute_url()).status_code == 404
    awaiting = client_as("publisher").get("/admin/").content.decode()
    assert "Harbourside falls service" in awaiting[awaiting.index('id="awaiting-review"') :]
    other = client_as("other editor").get("/admin/").content.decode()
    assert "Harbourside falls service" not in other


def test_a_rejected_submission_keeps_what_was_typed(client_as):
    response = client_as("ICS lead").post(
        "/ics/harbourside/workspace/submit/",
        {
            "name": "Half done",
            "summary": "",
            "description": "",
            "category": "",
            "stage": "evidence",
            "website": "not a url",
            "clinical_areas": ["frailty"],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    for message in (
        "Enter a one-sentence summary.",
        "Choose a category.",
        "Choose at least one care setting.",
        "Enter a valid URL.",
    ):
        assert message in html
    assert 'value="Half done"' in html
    assert 'value="frailty" checked' in html
    assert not Innovation.objects.filter(name="Half done").exists()


def test_the_gap_page_runs_the_same_queries_with_more_rows(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_proven(n: int) -> None:
        innovation = make_innovation(name=f"Proven {n}")
        make_guidance(innovation=innovation)
        adopt_in(innovation, icbs("T03", "N01", "N02"))

    def count_queries() -> int:
        from django.core.cache import cache

        gap_lists.refresh()  # the task worker's pass after the writes
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(GAPS).status_code == 200
        return len(context.captured_queries)

    add_proven(0)
    few = count_queries()
    for n in range(1, 25):
        add_proven(n)
    assert (
        count_queries() == few
    )  # the ICB, the kept list's length and one page of its ids, those rows with their NICE codes


def test_a_lead_may_change_their_icbs_submission_only_while_it_is_a_draft(personas, world):
    from hinportal.lib.access import can_change

    lead = personas["ICS lead"]
    icb = lead.membership.icb
    innovation = make_innovation(status=Status.DRAFT, lead_network=icb.network)
    assert not can_change(lead, innovation)  # not their ICB's
    innovation.submitted_by_icb = icb
    assert can_change(lead, innovation)
    innovation.transition("submit", by=lead)
    assert not can_change(lead, innovation)
    other_lead = make_person("other-lead", "ICS lead", icb=world.other_icb)
    innovation.status = Status.DRAFT
    assert not can_change(other_lead, innovation)


def test_the_previews_show_the_top_of_the_gap_list_whatever_page_their_address_asks(client_as):
    # The workspace's ?page= pages its adoptions, and the ICS page has none: neither is the gap list's.
    widest = make_innovation(name="Widest of all")
    make_guidance(innovation=widest)
    adopt_in(widest, icbs("T03", "N01", "N02", "N03"))
    for n in range(21):  # 22 proven in all: two pages of the list
        innovation = make_innovation(name=f"Proven {n:02d}")
        make_guidance(innovation=innovation)
        adopt_in(innovation, icbs("T03", "N01", "N02"))
    client = client_as("ICS lead")
    for address, total in ((WORKSPACE, "22 proven innovations not adopted here"), ("/ics/harbourside/", ": 22")):
        for page in ("1", "2"):
            html = client.get(address, {"page": page}).content.decode()
            assert "Widest of all" in html and total in html, (address, page)
    # The list's own pages still page it.
    assert "Widest of all" in listed(client.get(GAPS).content.decode())
    second = listed(client.get(GAPS, {"page": "2"}).content.decode())
    assert len(second) == 2 and "Widest of all" not in second

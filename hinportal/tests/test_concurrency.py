"""Two people at once: no edit silently lost, no transition lost, no duplicate submission, no 500.
The races run on real threads, each with its own PostgreSQL connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from conftest import make_person, sign_in_fully
from hinportal.lib.workflow import TRANSITIONS, Status
from hinportal.tests.admin_forms import change_form_data
from innovations.models import Innovation
from innovations.tests.factories import make_innovation

CHANGE = "/admin/innovations/innovation/{}/change/"


def our_draft(world, **kwargs) -> Innovation:
    return make_innovation(lead_network=world.network, status=Status.DRAFT, **kwargs)


def race(*jobs):
    """Run each job on its own thread, all released at the same moment; return their results."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return [future.result() for future in [pool.submit(run, job) for job in jobs]]


def test_the_second_of_two_editors_is_told_and_keeps_what_they_typed(client_as, personas, world):
    innovation = our_draft(world, summary="As it was.")
    first, second = Client(), Client()
    sign_in_fully(first, personas["editor"])
    sign_in_fully(second, personas["publisher"])
    first_form = change_form_data(first.get(CHANGE.format(innovation.pk)))
    second_form = change_form_data(second.get(CHANGE.format(innovation.pk)))

    first_form["summary"] = "The editor's words."
    assert first.post(CHANGE.format(innovation.pk), first_form).status_code == 302

    second_form["summary"] = "The publisher's words."
    refused = second.post(CHANGE.format(innovation.pk), second_form)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else saved this innovation after you opened it: editor saved it at" in html
    assert "changing one-line summary" in html
    assert "The publisher&#x27;s words." in html  # what they typed is still in the form
    innovation.refresh_from_db()
    assert innovation.summary == "The editor's words."

    # Saving again, having been told, replaces the other change on purpose.
    again = change_form_data(refused)
    assert second.post(CHANGE.format(innovation.pk), again).status_code == 302
    innovation.refresh_from_db()
    assert innovation.summary == "The publisher's words."
    assert innovation.version == 3


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_and_one_is_told(personas, world):
    innovation = our_draft(world, summary="As it was.")
    clients = []
    for person, words in ((personas["editor"], "First words."), (personas["publisher"], "Second words.")):
        client = Client()
        sign_in_fully(client, person)
        data = change_form_data(client.get(CHANGE.format(innovation.pk)))
        data["summary"] = words
        clients.append((client, data))
    statuses = race(*[lambda c=c, d=d: c.post(CHANGE.format(innovation.pk), d).status_code for c, d in clients])
    assert sorted(statuses) == [200, 302]
    winner = clients[statuses.index(302)][1]["summary"]
    innovation.refresh_from_db()
    assert innovation.summary == winner
    assert innovation.version == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("first", "second"), [("publish", "return_to_draft"), ("archive", "return_to_draft")])
def test_two_transitions_at_once_each_start_from_what_the_other_left(personas, first, second, world):
    """Both read "in review". Unlocked, the second wrote over the first as if it were still in
    review (returning a published record to draft); locked, it sees the first's result and is
    applied only if that allows it."""
    innovation = our_draft(world)
    Innovation.objects.filter(pk=innovation.pk).update(status=Status.IN_REVIEW)
    publisher = personas["publisher"]

    def attempt(action: str) -> str | None:
        stale = Innovation.objects.get(pk=innovation.pk)
        try:
            stale.transition(action, by=publisher)
            return action
        except ValidationError:
            return None

    race(lambda: attempt(first), lambda: attempt(second))
    # History after creation: each transition applied, in order, each allowed from the one before.
    target_of = {action: TRANSITIONS[action][1] for action in (first, second)}
    action_for = {target: action for action, target in target_of.items()}
    applied = list(innovation.history.order_by("history_date").values_list("status", flat=True))[1:]
    assert applied
    before = Status.IN_REVIEW
    for status in applied:
        assert before in TRANSITIONS[action_for[status]][0], (before, status)
        before = status
    innovation.refresh_from_db()
    assert innovation.status == applied[-1]


@pytest.mark.django_db(transaction=True)
def test_two_identical_transitions_at_once_happen_once(personas, world):
    innovation = our_draft(world)
    publisher = personas["publisher"]

    def publish() -> bool:
        try:
            Innovation.objects.get(pk=innovation.pk).transition("publish", by=publisher)
            return True
        except ValidationError:
            return False

    assert sorted(race(publish, publish)) == [False, True]
    assert innovation.history.filter(status=Status.PUBLISHED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_transition_keeps_an_edit_saved_meanwhile(personas, world):
    innovation = our_draft(world, summary="Old words.")
    stale = Innovation.objects.get(pk=innovation.pk)
    Innovation.objects.filter(pk=innovation.pk).update(summary="New words.")
    stale.transition("submit", by=personas["editor"])
    innovation.refresh_from_db()
    assert (innovation.status, innovation.summary) == (Status.IN_REVIEW, "New words.")


SUBMISSION = {
    "summary": "Fewer falls in care homes.",
    "description": "What it does.",
    "category": "digital",
    "clinical_areas": ["frailty"],
    "care_settings": ["care-homes"],
    "stage": "adoption",
}


def lead_client(person) -> Client:
    client = Client()
    sign_in_fully(client, person)
    return client


@pytest.mark.django_db(transaction=True)
def test_twelve_identical_submissions_at_once_make_one_innovation(personas):
    lead = personas["ICS lead"]
    clients = [lead_client(lead) for _ in range(12)]
    data = {**SUBMISSION, "name": "Falls app"}
    statuses = race(*[lambda c=c: c.post("/ics/harbourside/workspace/submit/", data).status_code for c in clients])
    assert statuses == [302] * 12
    assert Innovation.objects.filter(name="Falls app").count() == 1


@pytest.mark.django_db(transaction=True)
def test_names_with_the_same_slug_at_once_all_get_a_slug_of_their_own(personas, world):
    leads = [make_person(f"lead-{n}", "ICS lead", icb=world.icb) for n in range(12)]
    names = [f"Falls app{mark}" for mark in "!?.,;:'\"()*#"]
    clients = [lead_client(lead) for lead in leads]
    jobs = [
        lambda c=client, name=name: c.post("/ics/harbourside/workspace/submit/", {**SUBMISSION, "name": name})
        for client, name in zip(clients, names, strict=True)
    ]
    assert [response.status_code for response in race(*jobs)] == [302] * 12
    slugs = sorted(Innovation.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 12
    assert "falls-app" in slugs

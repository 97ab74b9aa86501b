"""For every admin model, every role and every action: the expected answer, and nothing changed
where the action is refused. The record always belongs to our network (the world fixture)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from hinportal.lib.workflow import Status
from hinportal.tests.admin_forms import change_form_data
from innovations.models import Programme
from innovations.tests.factories import make_adoption, make_evidence, make_innovation, make_programme
from reviews.tests.factories import make_publication


def make_record(model: str, world):
    if model == "innovation":
        return make_innovation(status=Status.DRAFT, lead_network=world.network)
    if model == "evidenceitem":
        return make_evidence(innovation=make_innovation(status=Status.DRAFT, lead_network=world.network))
    if model == "programme":
        programme = make_programme(status=Status.DRAFT)
        Programme.objects.filter(pk=programme.pk).update(lead_network=world.network)
        programme.refresh_from_db()
        return programme
    if model == "adoption":
        return make_adoption(innovation=make_innovation(), icb=world.icb)
    publication = make_publication(status=Status.DRAFT)
    publication.network = world.network
    publication.save()
    return publication


MODELS = {
    "innovation": ("innovations", "summary", "Changed summary."),
    "evidenceitem": ("innovations", "title", "Changed title"),
    "programme": ("innovations", "summary", "Changed summary."),
    "adoption": ("innovations", "source_note", "Changed note"),
    "publication": ("reviews", "summary", "Changed summary."),
}
WORKFLOW = {"innovation", "programme", "publication"}
PERSONAS = ["national admin", "editor", "publisher", "other editor", "ICS lead", "anonymous"]
ALLOWED = {"national admin", "editor", "publisher"}
SIGN_IN = {"ICS lead", "anonymous"}  # not staff: the admin sends them to sign in


def url(model: str, action: str, pk: int | None = None) -> str:
    app = MODELS[model][0]
    base = f"/admin/{app}/{model}/"
    return {
        "list": base,
        "add": base + "add/",
        "view": f"{base}{pk}/change/",
        "change": f"{base}{pk}/change/",
        "delete": f"{base}{pk}/delete/",
        "history": f"{base}{pk}/history/",
    }[action]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_list(client_as, world, model, persona):
    record = make_record(model, world)
    response = client_as(persona).get(url(model, "list"))
    if persona in SIGN_IN:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        return
    assert response.status_code == 200
    listed = f"/{record.pk}/change/" in response.content.decode()
    assert listed == (persona in ALLOWED)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["view", "history"])
def test_view_and_history(client_as, world, model, persona, action):
    record = make_record(model, world)
    response = client_as(persona).get(url(model, action, record.pk))
    expected = 302 if persona in SIGN_IN else 200 if persona in ALLOWED else 404
    assert response.status_code == expected


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_add_form(client_as, world, model, persona):
    response = client_as(persona).get(url(model, "add"))
    assert response.status_code == (302 if persona in SIGN_IN else 200)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_change(client_as, world, model, persona):
    record = make_record(model, world)
    field, new_value = MODELS[model][1], MODELS[model][2]
    data = change_form_data(client_as("national admin").get(url(model, "change", record.pk)))
    data[field] = new_value
    before = getattr(record, field)
    response = client_as(persona).post(url(model, "change", record.pk), data)
    record.refresh_from_db()
    if persona in ALLOWED:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert getattr(record, field) == new_value
    else:
        assert response.status_code == (302 if persona in SIGN_IN else 404)
        assert getattr(record, field) == before


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_delete(client_as, world, model, persona):
    record = make_record(model, world)
    response = client_as(persona).post(url(model, "delete", record.pk), {"post": "yes"})
    exists = type(record).objects.filter(pk=record.pk).exists()
    if persona in ALLOWED:
        assert response.status_code == 302
        assert not exists
    else:
        assert response.status_code == (302 if persona in SIGN_IN else 404)
        assert exists


@pytest.mark.parametrize("model", sorted(WORKFLOW))
@pytest.mark.parametrize("persona", PERSONAS)
def test_publish(client_as, world, model, persona):
    record = make_record(model, world)
    response = client_as(persona).post(
        url(model, "list"), {"action": "publish", "index": "0", ACTION_CHECKBOX_NAME: [record.pk]}
    )
    record.refresh_from_db()
    if persona in ("national admin", "publisher"):
        assert response.status_code == 302
        assert record.status == Status.PUBLISHED
        assert record.status_changed_by.username in ("national", "publisher")
    else:
        assert response.status_code == (404 if persona == "other editor" else 302)
        assert record.status == Status.DRAFT


def test_editors_cannot_change_what_is_published(client_as, world):
    record = make_record("innovation", world)
    record.status = Status.PUBLISHED
    record.published_at = record.created_at
    record.save()
    data = change_form_data(client_as("national admin").get(url("innovation", "change", record.pk)))
    data["summary"] = "Sneaky."
    response = client_as("editor").post(url("innovation", "change", record.pk), data)
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.summary != "Sneaky."
    assert client_as("publisher").post(url("innovation", "change", record.pk), data).status_code == 302


def test_editors_cannot_record_adoptions_in_another_networks_icb(client_as, world):
    from innovations.models import Adoption

    innovation = make_innovation()
    manchester = world.other_icb
    response = client_as("editor").post(
        url("adoption", "add"),
        {"innovation": innovation.pk, "icb": manchester.pk, "status": "adopted", "started_on": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Adoption.objects.filter(icb=manchester).exists()


def test_a_new_record_belongs_to_its_authors_network(client_as, world):
    from innovations.models import Innovation

    response = client_as("editor").post(
        url("innovation", "add"),
        {
            "name": "Wessex idea",
            "slug": "wessex-idea",
            "summary": "Good.",
            "category": "digital",
            "stage": "evidence",
            "nice_guidance-TOTAL_FORMS": "0",
            "nice_guidance-INITIAL_FORMS": "0",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    innovation = Innovation.objects.get(slug="wessex-idea")
    assert innovation.lead_network == world.network
    assert innovation.status == Status.DRAFT


def test_autocomplete_offers_only_the_networks_own_records(client_as, world):
    response = client_as("editor").get(
        "/admin/autocomplete/",
        {"app_label": "innovations", "model_name": "adoption", "field_name": "icb", "term": ""},
    )
    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {world.icb.short_name, world.icb2.short_name}


def test_membership_is_kept_by_national_administrators_only(client_as, world):
    assert client_as("national admin").get("/admin/networks/membership/").status_code == 200
    assert client_as("publisher").get("/admin/networks/membership/").status_code == 403

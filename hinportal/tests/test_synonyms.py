"""Synonyms and abbreviations: edited by any network's staff in the admin (with history), read by
the very next search on every process, seeded from innovations/data/synonyms.csv."""

import pytest
from django.test import Client

from hinportal.models import Synonym
from innovations.services import load_synonyms
from innovations.tests.factories import make_innovation

PERSONAS = ["national admin", "editor", "publisher", "other editor", "ICS lead", "anonymous"]
STAFF = {"national admin", "editor", "publisher", "other editor"}  # shared by every network


def result_names(client, q: str) -> list[str]:
    html = client.get("/innovations/", {"q": q}).content.decode()
    return [part.split("</a>")[0].split(">")[-1] for part in html.split('<h3 class="nhsuk-heading-s')[1:]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_networks_staff_may_edit_synonyms_and_no_one_else(client_as, world, persona):
    synonym = Synonym.objects.create(term="atrial fibrillation", equivalents=["AF"])
    client = client_as(persona)
    listed = client.get("/admin/hinportal/synonym/")
    added = client.post(
        "/admin/hinportal/synonym/add/",
        {"term": "heart attack", "equivalents": "MI\r\n\r\nmyocardial infarction", "kind": "lay-term", "note": ""},
    )
    deleted = client.post(f"/admin/hinportal/synonym/{synonym.pk}/delete/", {"post": "yes"})
    if persona in STAFF:
        assert listed.status_code == 200 and "atrial fibrillation" in listed.content.decode()
        assert added.status_code == 302, added.content.decode()[:2000]
        assert Synonym.objects.get(term="heart attack").equivalents == ["MI", "myocardial infarction"]
        assert deleted.status_code == 302 and not Synonym.objects.filter(pk=synonym.pk).exists()
    else:
        for response in (listed, added, deleted):
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert not Synonym.objects.filter(term="heart attack").exists()
        assert Synonym.objects.filter(pk=synonym.pk).exists()


def test_an_edit_in_the_admin_changes_the_next_search_with_no_reindexing(
    client_as, world, django_capture_on_commit_callbacks
):
    make_innovation(name="Prostate clinic", summary="Day-case treatment of benign prostatic hyperplasia.")
    make_innovation(name="Hearing clinic", summary="Audiology in the community.")
    visitor = Client()  # no cookie: the page comes from the page cache after the first view
    client = client_as("editor")
    assert result_names(client, "BPH") == [] and result_names(visitor, "BPH") == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/hinportal/synonym/add/",
            {
                "term": "benign prostatic hyperplasia",
                "equivalents": "BPH\nenlarged prostate",
                "kind": "abbreviation",
                "note": "Urology",
            },
        )
    assert response.status_code == 302
    assert result_names(client, "BPH") == ["Prostate clinic"]
    assert result_names(visitor, "BPH") == ["Prostate clinic"]
    html = client.get("/innovations/", {"q": "enlarged prostate"}).content.decode()
    assert "matched <em>enlarged prostate</em> as <em>benign prostatic hyperplasia</em>" in html

    synonym = Synonym.objects.get(term="benign prostatic hyperplasia")
    with django_capture_on_commit_callbacks(execute=True):
        synonym.equivalents = ["enlarged prostate"]
        synonym.save()
    assert result_names(client, "BPH") == [] and result_names(visitor, "BPH") == []
    assert [h.history_type for h in synonym.history.order_by("history_date")] == ["+", "~"]


def test_a_bad_synonym_is_refused_with_a_message_and_keeps_what_was_typed(client_as, world):
    Synonym.objects.create(term="Atrial fibrillation", equivalents=["AF"])
    response = client_as("editor").post(
        "/admin/hinportal/synonym/add/",
        {"term": "atrial FIBRILLATION", "equivalents": "irregular heartbeat", "kind": "related"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "irregular heartbeat" in html
    assert "There is already a synonym for this term (perhaps in other capitals): add to that one." in html
    assert Synonym.objects.count() == 1


def test_the_seed_file_loads_once_and_leaves_staff_edits_alone(db):
    first = load_synonyms()
    assert first.created["synonyms"] == first.total["synonyms"] >= 100
    bph = Synonym.objects.get(term="benign prostatic hyperplasia")
    assert {"BPH", "enlarged prostate"} <= set(bph.equivalents)
    bph.equivalents = ["BPH"]
    bph.save()
    assert load_synonyms().created["synonyms"] == 0
    assert Synonym.objects.get(pk=bph.pk).equivalents == ["BPH"]
    load_synonyms(update=True)
    assert "enlarged prostate" in Synonym.objects.get(pk=bph.pk).equivalents
    for synonym in Synonym.objects.all():  # every row is usable: a term, equivalents, a known kind, a source
        assert synonym.term and synonym.equivalents and synonym.note
        assert synonym.kind in Synonym.Kind.values

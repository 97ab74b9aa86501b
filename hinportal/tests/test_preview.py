import pytest

from hinportal.lib.workflow import Status
from innovations.models import Programme
from innovations.tests.factories import make_innovation, make_programme
from networks.models import Network
from reviews.tests.factories import make_publication


def drafts(network: Network) -> list:
    innovation = make_innovation(name="Draft innovation", status=Status.DRAFT, lead_network=network)
    programme = make_programme(name="Draft programme", status=Status.DRAFT)
    Programme.objects.filter(pk=programme.pk).update(lead_network=network)
    publication = make_publication(title="Draft publication", status=Status.DRAFT)
    publication.network = network
    publication.save()
    return [innovation, programme, publication]


@pytest.mark.parametrize("persona", ["editor", "publisher", "national admin"])
def test_owning_staff_preview_drafts_on_their_public_page(client_as, persona, world):
    for record in drafts(world.network):
        response = client_as(persona).get(record.get_absolute_url())
        assert response.status_code == 200
        assert "Preview: draft" in response.content.decode()


@pytest.mark.parametrize("persona", ["other editor", "ICS lead", "anonymous"])
def test_nobody_else_sees_a_draft(client_as, persona, world):
    for record in drafts(world.network):
        assert client_as(persona).get(record.get_absolute_url()).status_code == 404


def test_drafts_never_reach_public_lists_even_for_staff(client_as, world):
    drafts(world.network)
    client = client_as("editor")
    assert "Draft innovation" not in client.get("/innovations/").content.decode()
    assert "Draft programme" not in client.get("/programmes/").content.decode()
    assert "Draft publication" not in client.get("/publications/").content.decode()

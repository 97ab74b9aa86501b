import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from networks.models import Confidence, IntegratedCareBoard, Network, Region


def snapshot() -> list[dict]:
    return [
        model_to_dict(row) for model in (Region, Network, IntegratedCareBoard) for row in model.objects.order_by("pk")
    ]


def test_it_loads_seven_regions_fifteen_networks_and_forty_two_icbs(reference_data):
    assert Region.objects.count() == 7
    assert Network.objects.count() == 15
    assert IntegratedCareBoard.objects.count() == 42


def test_every_icb_has_a_network_and_a_region(reference_data):
    assert not IntegratedCareBoard.objects.filter(network__isnull=True).exists()
    assert not IntegratedCareBoard.objects.filter(region__isnull=True).exists()
    assert set(IntegratedCareBoard.objects.values_list("network__code", flat=True)) == set(
        Network.objects.values_list("code", flat=True)
    )


def test_every_network_covers_at_least_one_icb_and_every_region_holds_one(reference_data):
    assert not Network.objects.filter(icbs__isnull=True).exists()
    assert not Region.objects.filter(icbs__isnull=True).exists()


def test_it_keys_icbs_on_ods_code_with_their_dates(reference_data):
    manchester = IntegratedCareBoard.objects.get(ods_code="QOP")
    assert manchester.short_name == "Greater Manchester"
    assert manchester.name == "NHS Greater Manchester Integrated Care Board"
    assert manchester.network.name == "Health Innovation Manchester"
    assert manchester.region.name == "North West"
    assert str(manchester.valid_from) == "2022-07-01"
    assert manchester.valid_to is None


def test_it_keeps_the_confidence_of_each_fact(reference_data):
    assert IntegratedCareBoard.objects.get(ods_code="QHM").confidence == Confidence.VERIFIED
    bedfordshire = IntegratedCareBoard.objects.get(ods_code="QHG")
    assert bedfordshire.confidence == Confidence.UNCERTAIN
    assert "historically split with HI-OTV and UCLP" in bedfordshire.confidence_note
    assert Region.objects.get(name="London").confidence == Confidence.RECALLED
    assert Network.objects.get(code="HI-EM").confidence == Confidence.RECALLED


def test_loading_twice_changes_nothing(reference_data):
    before = snapshot()
    call_command("load_reference_data", verbosity=0)
    assert snapshot() == before


def test_it_leaves_staff_corrections_alone_unless_asked_to_update(reference_data):
    Network.objects.filter(code="HI-EM").update(website="https://corrected.example.org")
    call_command("load_reference_data", verbosity=0)
    assert Network.objects.get(code="HI-EM").website == "https://corrected.example.org"

    call_command("load_reference_data", "--update", verbosity=0)
    assert Network.objects.get(code="HI-EM").website == "https://healthinnovationem.org.uk"
    assert Network.objects.count() == 15


@pytest.mark.django_db
def test_it_reports_what_it_created(capsys):
    call_command("load_reference_data")
    assert "ICBs: 42 in files, 42 new" in capsys.readouterr().out
    call_command("load_reference_data")
    assert "ICBs: 42 in files, 0 new" in capsys.readouterr().out

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from innovations.models import Adoption, EvidenceItem, Innovation


def fingerprint() -> tuple:
    innovations = list(
        Innovation.objects.filter(is_demo=True).order_by("slug").values_list("slug", "summary", "adopted_icb_count")
    )
    adoptions = list(
        Adoption.objects.order_by("innovation__slug", "icb__ods_code").values_list(
            "innovation__slug", "icb__ods_code", "status", "started_on", "patients_reached"
        )
    )
    return innovations, adoptions


def test_the_same_seed_gives_the_same_data_and_replaces_the_old(catalogue_data):
    call_command("seed_demo", innovations=60, seed=3, verbosity=0)
    first = fingerprint()
    call_command("seed_demo", innovations=60, seed=3, verbosity=0)
    assert fingerprint() == first
    assert Innovation.objects.filter(is_demo=True).count() == 60
    call_command("seed_demo", innovations=60, seed=4, verbosity=0)
    assert fingerprint() != first


def test_everything_generated_is_marked_and_real_records_are_kept(catalogue_data):
    real = Innovation.objects.filter(is_demo=False).count()
    call_command("seed_demo", innovations=40, seed=1, verbosity=0)
    assert Innovation.objects.filter(is_demo=False).count() == real
    assert not Adoption.objects.filter(is_demo=False).exists()
    assert not EvidenceItem.objects.filter(innovation__is_demo=True, is_demo=False).exists()
    assert Innovation.objects.filter(is_demo=True, name__contains=":").count() == 40


def test_adoption_is_skewed_a_few_widely_most_in_few(catalogue_data):
    call_command("seed_demo", innovations=400, seed=2, verbosity=0)
    reach = sorted(Innovation.objects.filter(is_demo=True).values_list("adopted_icb_count", flat=True))
    assert reach[len(reach) // 2] <= 6  # the median innovation is adopted in few ICBs
    assert reach[-1] >= 20  # the most adopted are in most of them
    assert Counter(reach)[0] > 50


def test_if_empty_leaves_existing_data(catalogue_data, capsys):
    call_command("seed_demo", innovations=10, seed=1)
    before = fingerprint()
    call_command("seed_demo", innovations=99, seed=9, if_empty=True)
    assert fingerprint() == before
    assert "already loaded" in capsys.readouterr().out


def test_it_needs_reference_data_and_a_sane_size(db):
    with pytest.raises(CommandError, match="Load the reference data first"):
        call_command("seed_demo", innovations=10)
    with pytest.raises(CommandError, match="between 0 and 1,000,000"):
        call_command("seed_demo", innovations=-1)

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from innovations.choices import Category
from innovations.demo import APPROACHES, CONDITIONS, DEMO_INNOVATOR, DEMO_NOTE, _copy_innovations
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
    assert Innovation.objects.filter(is_demo=True, confidence_note=DEMO_NOTE).count() == 40


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


def test_generated_innovations_are_distinct_coherent_and_not_named_like_products(catalogue_data):
    call_command("seed_demo", innovations=300, seed=1, verbosity=0)
    generated = list(Innovation.objects.filter(is_demo=True))
    assert len(generated) == 300
    # No two share a concept (one approach to one condition), so no two share a name or a summary.
    assert len({i.name for i in generated}) == len({i.summary for i in generated}) == 300
    approaches = {a.name: a for a in APPROACHES}
    conditions = {c.name: c for c in CONDITIONS}
    for innovation in generated:
        approach_name, condition_name = innovation.name.split(" for ", 1)
        approach, condition = approaches[approach_name], conditions[condition_name]
        # Its attributes follow from its concept, not from chance.
        assert innovation.category == approach.category, innovation.name
        assert innovation.care_settings == list(approach.settings), innovation.name
        assert innovation.clinical_areas[0] == condition.area, innovation.name
        assert set(condition.core20) <= set(innovation.core20plus5), innovation.name
        assert not approach.needs or approach.needs in condition.tags, innovation.name
        # Nothing in it reads as a brand or a company.
        assert ":" not in innovation.name and innovation.organisation == DEMO_INNOVATOR
        assert "Demonstration data" in innovation.description
    # A point-of-care test is filed as a diagnostic, never a falls service.
    tests = [i for i in generated if i.name.startswith("Point-of-care testing")]
    assert tests and all(i.category == Category.IN_VITRO_DIAGNOSTIC for i in tests)


def test_copy_writes_every_column_as_the_instance_holds_it(db):
    """The seed writes innovations by COPY: text that COPY and array literals treat specially arrives as it was."""
    awkward = 'Tab\there, a new\nline, a back\\slash, "quotes", {braces} and \\N'
    innovation = Innovation(
        name=awkward,
        slug="awkward",
        summary="Summary.",
        description=awkward,
        category=Category.DIGITAL,
        clinical_areas=["with, a comma", 'a "quote"', "back\\slash", "NULL"],
        is_demo=True,
        created_at=timezone.now(),
    )
    now = timezone.now()
    _copy_innovations([innovation], now)
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.name, stored.description) == (awkward, awkward)
    assert stored.clinical_areas == ["with, a comma", 'a "quote"', "back\\slash", "NULL"]
    assert (stored.version, stored.updated_at, stored.submitted_by_id, stored.adopted_icbs) == (1, now, None, [])
    assert "tab" in str(Innovation.objects.values_list("search_vector", flat=True).get(pk=innovation.pk))

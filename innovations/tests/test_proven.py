import pytest

from innovations.choices import AdoptionStatus, EvidenceType, NiceRecommendation
from innovations.models import Adoption, EvidenceItem, Innovation, NiceGuidance
from innovations.tests.factories import adopt_in, make_evidence, make_guidance, make_innovation
from networks.models import IntegratedCareBoard
from networks.tests.factories import make_icb, make_region

pytestmark = pytest.mark.django_db


def proven_names() -> set[str]:
    return set(Innovation.objects.proven().values_list("name", flat=True))


def test_nice_guidance_and_three_adopting_icbs_make_an_innovation_proven():
    innovation = make_innovation(name="Guided")
    make_guidance(innovation=innovation)
    adopt_in(innovation, [make_icb(), make_icb()], AdoptionStatus.ADOPTED)
    assert proven_names() == set()
    adopt_in(innovation, [make_icb()], AdoptionStatus.EMBEDDED)
    assert proven_names() == {"Guided"}
    assert Innovation.objects.get(pk=innovation.pk).is_proven


def test_real_world_evidence_counts_but_a_case_study_does_not(world):
    real_world, case_study = make_innovation(name="Real world"), make_innovation(name="Case study")
    make_evidence(innovation=real_world, kind=EvidenceType.REAL_WORLD)
    make_evidence(innovation=case_study, kind=EvidenceType.CASE_STUDY)
    icbs = [make_icb() for _ in range(3)]
    adopt_in(real_world, icbs)
    adopt_in(case_study, icbs)
    assert proven_names() == {"Real world"}


def test_exploring_piloting_and_discontinued_adoptions_do_not_count():
    innovation = make_innovation(name="Early")
    make_guidance(innovation=innovation)
    for status in (AdoptionStatus.EXPLORING, AdoptionStatus.PILOTING, AdoptionStatus.DISCONTINUED):
        adopt_in(innovation, [make_icb()], status)
    innovation.refresh_from_db()
    assert innovation.adopted_icb_count == 0
    assert proven_names() == set()


def test_the_adoption_count_follows_every_write_path():
    innovation = make_innovation()
    icbs = [make_icb() for _ in range(4)]
    adopt_in(innovation, icbs, AdoptionStatus.PILOTING)

    def count() -> int:
        innovation.refresh_from_db()
        return innovation.adopted_icb_count

    assert count() == 0
    Adoption.objects.filter(innovation=innovation).update(status=AdoptionStatus.ADOPTED)  # bulk update
    assert count() == 4
    adoption = Adoption.objects.filter(innovation=innovation).first()
    adoption.status = AdoptionStatus.DISCONTINUED
    adoption.save()  # one row
    assert count() == 3
    Adoption.objects.filter(innovation=innovation, icb__in=icbs[:2]).delete()  # bulk delete
    assert count() == Adoption.objects.filter(innovation=innovation, status=AdoptionStatus.ADOPTED).count()
    Adoption.objects.bulk_create(
        [Adoption(innovation=innovation, icb=make_icb(), status=AdoptionStatus.EMBEDDED, started_on="2024-01-01")]
    )
    assert count() == Adoption.objects.filter(innovation=innovation, status__in=["adopted", "embedded"]).count()


def test_one_adoption_per_innovation_and_icb():
    from django.db import IntegrityError

    innovation, icb = make_innovation(), make_icb()
    adopt_in(innovation, [icb])
    with pytest.raises(IntegrityError):
        adopt_in(innovation, [icb], AdoptionStatus.EMBEDDED)


def kept(innovation: Innovation) -> tuple:
    return Innovation.objects.values_list("is_proven", "adopted_icbs", "adopted_regions").get(pk=innovation.pk)


def test_the_row_keeps_whether_it_is_proven_as_its_evidence_and_guidance_change():
    innovation = make_innovation()
    adopt_in(innovation, [make_icb() for _ in range(3)])
    assert kept(innovation)[0] is False
    evidence = make_evidence(innovation=innovation, kind=EvidenceType.CASE_STUDY)
    assert kept(innovation)[0] is False
    EvidenceItem.objects.filter(pk=evidence.pk).update(kind=EvidenceType.REAL_WORLD)  # a bulk update
    assert kept(innovation)[0] is True
    evidence.delete()
    assert kept(innovation)[0] is False
    guidance = make_guidance(innovation=innovation)  # recommended, by the factory's default
    assert kept(innovation)[0] is True
    NiceGuidance.objects.filter(pk=guidance.pk).update(recommendation=NiceRecommendation.NOT_RECOMMENDED)
    assert kept(innovation)[0] is False


def test_the_row_keeps_the_icbs_adopting_it_and_their_regions():
    north, south = make_region(), make_region()
    here, there, elsewhere = make_icb(region=north), make_icb(region=north), make_icb(region=south)
    innovation = make_innovation()
    adopt_in(innovation, [here, there])
    adopt_in(innovation, [elsewhere], AdoptionStatus.PILOTING)  # not adopted: not listed
    assert kept(innovation)[1:] == (sorted([here.pk, there.pk]), [north.pk])
    Adoption.objects.filter(icb=elsewhere).update(status=AdoptionStatus.EMBEDDED)
    assert sorted(kept(innovation)[1]) == sorted([here.pk, there.pk, elsewhere.pk])
    assert sorted(kept(innovation)[2]) == sorted([north.pk, south.pk])
    # An ICB that moves region moves its adoptions with it.
    IntegratedCareBoard.objects.filter(pk=elsewhere.pk).update(region=north)
    assert kept(innovation)[2] == [north.pk]
    Adoption.objects.filter(innovation=innovation).delete()
    assert kept(innovation) == (False, [], [])


def test_listing_filters_read_the_kept_columns_not_every_adoption(client, world):
    """Issue 17: plans stay stable because proven, region and ICB filters read the row."""
    from innovations.filters import InnovationFilter

    chosen = InnovationFilter({"proven": "on", "region": world.icb.region.slug, "icb": world.icb.slug})
    assert chosen.is_valid(), chosen.errors
    sql = str(chosen.qs.query)
    assert "innovations_adoption" not in sql and "innovations_evidenceitem" not in sql
    assert '"is_proven"' in sql and '"adopted_icbs" @>' in sql and '"adopted_regions" @>' in sql

"""Each ICB's adoption figures are kept by the database on every write (issue 15 item 3): after
each kind of write they equal the figures counted afresh from every adoption, as the ICS pages
counted them before."""

from collections import defaultdict

import pytest
from django.db.models import Count, F, Func
from django.db.models.functions import ExtractQuarter, ExtractYear

from hinportal.lib.workflow import Status
from innovations.adoption_stats import kept_figures
from innovations.choices import ADOPTED, AdoptionStatus
from innovations.models import Adoption, Innovation
from innovations.tests.factories import adopt_in, make_adoption, make_innovation
from networks.tests.factories import make_icb

pytestmark = pytest.mark.django_db


def counted() -> dict[str, dict]:
    published = Adoption.objects.filter(innovation__status=Status.PUBLISHED).order_by()
    adopted = published.filter(status__in=ADOPTED)
    figures: dict[str, dict] = {"status": defaultdict(dict), "area": defaultdict(dict), "quarter": defaultdict(dict)}
    for icb, status, n in published.values_list("icb_id", "status").annotate(n=Count("pk")):
        figures["status"][icb][status] = n
    areas = adopted.annotate(area=Func(F("innovation__clinical_areas"), function="unnest"))
    for icb, area, n in areas.values_list("icb_id", "area").annotate(n=Count("pk")):
        figures["area"][icb][area] = n
    quarters = adopted.annotate(y=ExtractYear("started_on"), q=ExtractQuarter("started_on"))
    for icb, year, quarter, n in quarters.values_list("icb_id", "y", "q").annotate(n=Count("pk")):
        figures["quarter"][icb][f"{year}-{quarter}"] = n
    return {kind: dict(by_icb) for kind, by_icb in figures.items()}


def kept() -> dict[str, dict]:
    return {kind: kept_figures(kind) for kind in ("status", "area", "quarter")}


def test_the_kept_figures_follow_every_kind_of_write(world):
    icbs = [make_icb() for _ in range(4)]
    asthma = make_innovation(name="Asthma app", clinical_areas=["respiratory"])
    heart = make_innovation(name="Heart check", clinical_areas=["cardiovascular", "respiratory"])
    draft = make_innovation(name="Draft", status=Status.DRAFT, clinical_areas=["cancer"])
    adopt_in(asthma, icbs[:3])
    adopt_in(heart, icbs[1:], AdoptionStatus.PILOTING)
    adopt_in(draft, icbs[:2])  # not published: not counted
    make_adoption(innovation=make_innovation(name="Falls", clinical_areas=["frailty"]), icb=icbs[0])
    assert kept() == counted() and kept()["status"][icbs[0].pk] == {"adopted": 2}

    # Adoptions changed in bulk, one by one, moved, restarted, deleted.
    Adoption.objects.filter(innovation=heart).update(status=AdoptionStatus.EMBEDDED)
    moved = Adoption.objects.filter(innovation=asthma, icb=icbs[2]).get()
    moved.icb = icbs[3]
    moved.started_on = "2021-02-01"
    moved.save()
    Adoption.objects.filter(innovation=asthma, icb=icbs[0]).delete()
    assert kept() == counted()

    # Innovations published, unpublished, given other clinical areas.
    Innovation.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED, published_at=F("updated_at"))
    Innovation.objects.filter(pk=heart.pk).update(clinical_areas=["mental-health"])
    Innovation.objects.filter(pk=asthma.pk).update(status=Status.ARCHIVED)
    assert kept() == counted()
    assert "cancer" in kept()["area"][icbs[0].pk] and "respiratory" not in kept()["area"].get(icbs[3].pk, {})

    # Deleted with its adoptions (Django deletes those first).
    Innovation.objects.get(pk=heart.pk).delete()
    assert kept() == counted()
    assert not [n for by_icb in kept().values() for figures in by_icb.values() for n in figures.values() if n < 0]

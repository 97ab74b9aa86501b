from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from hinportal.lib.workflow import Status
from innovations.choices import AdoptionStatus, Category, EvidenceType, ProgrammeKind, Scope, Stage
from innovations.models import Adoption, EvidenceItem, Innovation, NiceGuidance, Programme
from networks.models import IntegratedCareBoard, Network
from networks.tests.factories import make_icb

_sequence = count(1)


def make_innovation(
    *,
    name: str | None = None,
    summary: str | None = None,
    description: str = "",
    status: str = Status.PUBLISHED,
    category: str = Category.DIGITAL,
    clinical_areas: list[str] | None = None,
    care_settings: list[str] | None = None,
    core20plus5: list[str] | None = None,
    stage: str = Stage.ADOPTION,
    evidence_tier: str = "",
    lead_network: Network | None = None,
    published_days_ago: int = 1,
    is_demo: bool = False,
) -> Innovation:
    n = next(_sequence)
    name = name or f"Test innovation {n}"
    return Innovation.objects.create(
        name=name,
        slug=f"test-innovation-{n}",
        summary=summary or f"Summary of test innovation {n}.",
        description=description,
        status=status,
        category=category,
        clinical_areas=clinical_areas or [],
        care_settings=care_settings or [],
        core20plus5=core20plus5 or [],
        stage=stage,
        evidence_tier=evidence_tier,
        lead_network=lead_network,
        published_at=timezone.now() - timedelta(days=published_days_ago) if status == Status.PUBLISHED else None,
        is_demo=is_demo,
    )


def make_adoption(
    *,
    innovation: Innovation,
    icb: IntegratedCareBoard | None = None,
    status: str = AdoptionStatus.ADOPTED,
    is_demo: bool = False,
    started_on: date = date(2023, 1, 1),
) -> Adoption:
    return Adoption.objects.create(
        innovation=innovation, icb=icb or make_icb(), status=status, started_on=started_on, is_demo=is_demo
    )


def adopt_in(
    innovation: Innovation, icbs: list[IntegratedCareBoard], status: str = AdoptionStatus.ADOPTED, is_demo: bool = False
) -> None:
    for icb in icbs:
        make_adoption(innovation=innovation, icb=icb, status=status, is_demo=is_demo)


def make_evidence(*, innovation: Innovation, kind: str = EvidenceType.REAL_WORLD) -> EvidenceItem:
    return EvidenceItem.objects.create(innovation=innovation, kind=kind, title=f"Evaluation of {innovation}", year=2024)


def make_guidance(*, innovation: Innovation, kind: str = "MTG", number: int = 58) -> NiceGuidance:
    return NiceGuidance.objects.create(innovation=innovation, kind=kind, number=number)


def make_programme(
    *, name: str | None = None, status: str = Status.PUBLISHED, innovations=(), kind: str = ProgrammeKind.PROGRAMME
) -> Programme:
    n = next(_sequence)
    name = name or f"Test programme {n}"
    programme = Programme.objects.create(
        name=name,
        short_name=f"TP{n}",
        slug=f"test-programme-{n}",
        kind=kind,
        scope=Scope.NATIONAL,
        starts_on=date(2020, 4, 1),
        ends_on=date(2023, 3, 31),
        clinical_area="respiratory",
        summary=f"About {name}.",
        status=status,
    )
    programme.innovations.set(innovations)
    return programme

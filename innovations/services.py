from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from hinportal.lib.datafiles import LoadResult, read_rows, upsert
from hinportal.lib.search import synonyms
from hinportal.lib.workflow import Status
from hinportal.models import Synonym
from networks.models import Network

from .choices import Scope
from .models import Innovation, InnovationFact, NiceGuidance, Programme

DATA_DIR = Path(__file__).resolve().parent / "data"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


@transaction.atomic
def load_catalogue(*, update: bool = False) -> LoadResult:
    """Load the real national programmes and the innovations they and NICE support; safe to run again.

    Needs the networks loaded first. Existing records are left as staff edited them unless update.
    """
    result = LoadResult()
    now = timezone.now()
    networks = dict(Network.objects.values_list("code", "pk"))

    programme_rows = read_rows("programmes.csv", data_dir=DATA_DIR)
    programmes = [
        Programme(
            name=row["name"],
            short_name=row["short_name"],
            slug=row["slug"],
            scope=row["scope"],
            starts_on=parse_date(row["starts_on"]),
            ends_on=parse_date(row["ends_on"]) if row["ends_on"] else None,
            clinical_area=row["clinical_area"],
            lead_network_id=networks.get(row["lead_network_code"]),
            summary=row["summary"],
            status=Status.PUBLISHED,
            confidence_note=row["confidence_note"],
        )
        for row in programme_rows
    ]
    result.total["programmes"] = len(programmes)
    result.created["programmes"] = upsert(Programme, programmes, key="slug", update=update)
    programme_ids = dict(Programme.objects.values_list("short_name", "pk"))

    # National programmes are delivered by every network.
    national = Programme.objects.filter(slug__in=[row["slug"] for row in programme_rows], scope=Scope.NATIONAL)
    Programme.networks.through.objects.bulk_create(
        [
            Programme.networks.through(programme_id=programme_id, network_id=network_id)
            for programme_id in national.values_list("pk", flat=True)
            for network_id in networks.values()
        ],
        ignore_conflicts=True,
    )

    innovation_rows = read_rows("innovations.csv", data_dir=DATA_DIR)
    innovations = [
        Innovation(
            name=row["name"],
            slug=row["slug"],
            summary=row["summary"],
            description=row["description"],
            category=row["category"],
            clinical_areas=_split(row["clinical_areas"]),
            care_settings=_split(row["care_settings"]),
            core20plus5=_split(row["core20plus5"]),
            stage="spread",
            support_scheme=row["support_scheme"],
            status=Status.PUBLISHED,
            published_at=now,
            created_at=now,
            confidence_note=row["confidence_note"],
        )
        for row in innovation_rows
    ]
    result.total["innovations"] = len(innovations)
    result.created["innovations"] = upsert(Innovation, innovations, key="slug", update=update)
    innovation_ids = dict(Innovation.objects.filter(slug__in=[i.slug for i in innovations]).values_list("slug", "pk"))

    guidance = []
    links = []
    for row in innovation_rows:
        for code in _split(row["nice_guidance"]):
            kind = code.rstrip("0123456789")
            guidance.append(
                NiceGuidance(innovation_id=innovation_ids[row["slug"]], kind=kind, number=int(code[len(kind) :]))
            )
        for short_name in _split(row["programmes"]):
            links.append(
                Programme.innovations.through(
                    programme_id=programme_ids[short_name], innovation_id=innovation_ids[row["slug"]]
                )
            )
    for item in guidance:
        item.full_clean(exclude=["innovation"], validate_unique=False, validate_constraints=False)
    NiceGuidance.objects.bulk_create(guidance, ignore_conflicts=True)
    Programme.innovations.through.objects.bulk_create(links, ignore_conflicts=True)

    slugs = dict(Innovation.objects.filter(is_demo=False).values_list("slug", "pk"))
    facts = [
        InnovationFact(
            key=row["key"],
            innovation_id=slugs[row["innovation"]],
            kind=row["kind"],
            value=row["value"],
            year=int(row["year"]) if row["year"] else None,
            detail=row["detail"],
            source_url=row["source_url"],
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("innovation_facts.csv", data_dir=DATA_DIR)
    ]
    result.total["innovation facts"] = len(facts)
    result.created["innovation facts"] = upsert(InnovationFact, facts, key="key", update=update)
    return result


@transaction.atomic
def load_synonyms(*, update: bool = False) -> LoadResult:
    """Load the seed synonyms (clinical abbreviations and lay terms in the catalogue's areas).

    A term staff have already added or edited is left as it is unless update. Every process's
    search sees the change at its next query (hinportal.lib.search.synonyms).
    """
    result = LoadResult()
    rows = read_rows("synonyms.csv", data_dir=DATA_DIR)
    existing = {synonym.term.lower(): synonym for synonym in Synonym.objects.all()}
    created = 0
    for row in rows:
        synonym = existing.get(row["term"].lower())
        if synonym is None:
            synonym = Synonym()
            created += 1
        elif not update:
            continue
        synonym.term = row["term"]
        synonym.equivalents = _split(row["equivalents"])
        synonym.kind = row["kind"]
        synonym.note = row["note"]
        synonym.full_clean(validate_unique=False, validate_constraints=False)
        synonym.save()
    result.total["synonyms"] = len(rows)
    result.created["synonyms"] = created
    transaction.on_commit(synonyms.changed)
    return result

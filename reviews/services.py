from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_date

from hinportal.lib.datafiles import LoadResult, read_rows, upsert
from hinportal.lib.workflow import Status
from innovations.choices import ProgrammeKind, Scope
from innovations.models import Innovation, Programme
from networks.models import IntegratedCareBoard, Network

from .models import Publication, Recommendation

DATA_DIR = Path(__file__).resolve().parent / "data"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _programmes(value: str) -> list[int]:
    if value == "national":
        # National adoption programmes and support schemes (not the patient safety programmes).
        national = Programme.objects.filter(
            scope=Scope.NATIONAL, kind__in=[ProgrammeKind.PROGRAMME, ProgrammeKind.SCHEME]
        )
        return list(national.values_list("pk", flat=True))
    return list(Programme.objects.filter(short_name__in=_split(value)).values_list("pk", flat=True))


def _link(relation, owner_ids: dict[str, int], pairs: list[tuple[str, list[int]]]) -> None:
    """Add many-to-many links (owner key, target ids) that are missing; existing ones stay."""
    through = relation.through
    owner, target = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{f"{owner}_id": owner_ids[key], f"{target}_id": pk}) for key, pks in pairs for pk in pks],
        ignore_conflicts=True,
    )


@transaction.atomic
def load_publications(*, update: bool = False) -> LoadResult:
    """Load the real policy publications and their recommendations; needs networks and the catalogue first."""
    result = LoadResult()
    rows = read_rows("publications.csv", data_dir=DATA_DIR)
    publications = [
        Publication(
            title=row["title"],
            slug=row["slug"],
            kind=row["kind"],
            published_on=parse_date(row["published_on"]),
            authors=row["authors"],
            summary=row["summary"],
            body=row["body"],
            external_url=row["external_url"],
            status=Status.PUBLISHED,
            confidence_note=row["confidence_note"],
        )
        for row in rows
    ]
    result.total["publications"] = len(publications)
    result.created["publications"] = upsert(Publication, publications, key="slug", update=update)
    ids = dict(Publication.objects.filter(slug__in=[p.slug for p in publications]).values_list("slug", "pk"))

    all_networks = list(Network.objects.values_list("pk", flat=True))
    all_icbs = list(IntegratedCareBoard.objects.values_list("pk", flat=True))
    innovation_ids = dict(Innovation.objects.filter(is_demo=False).values_list("slug", "pk"))
    _link(Publication.networks, ids, [(r["slug"], all_networks if r["networks"] == "all" else []) for r in rows])
    _link(Publication.icbs, ids, [(r["slug"], all_icbs if r["icbs"] == "all" else []) for r in rows])
    _link(
        Publication.innovations,
        ids,
        [(r["slug"], [innovation_ids[s] for s in _split(r["innovations"])]) for r in rows],
    )
    _link(Publication.programmes, ids, [(r["slug"], _programmes(r["programmes"])) for r in rows])

    created = 0
    for row in read_rows("recommendations.csv", data_dir=DATA_DIR):
        recommendation, was_created = Recommendation.objects.get_or_create(
            publication_id=ids[row["publication"]],
            title=row["title"],
            defaults={
                "number": int(row["number"]) if row["number"] else None,
                "theme": row["theme"],
                "text": row["text"],
            },
        )
        created += was_created
        if was_created:
            recommendation.innovations.set([innovation_ids[s] for s in _split(row["innovations"])])
            recommendation.programmes.set(_programmes(row["programmes"]))
    result.total["recommendations"] = len(read_rows("recommendations.csv", data_dir=DATA_DIR))
    result.created["recommendations"] = created
    return result

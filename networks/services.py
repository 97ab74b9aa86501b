import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction
from django.utils.dateparse import parse_date
from django.utils.text import slugify

from .models import IntegratedCareBoard, Network, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {self.total[name]} in files, {self.created[name]} new" for name in self.total)


def read_rows(name: str, *, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def upsert(model: type[models.Model], rows: list[models.Model], *, key: str, update: bool) -> int:
    """Insert rows whose key is new; with update, overwrite existing rows from the files too.

    Without update, records that staff have corrected in the admin are left as they are.
    """
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    keys = [getattr(row, key) for row in rows]
    existing = model.objects.filter(**{f"{key}__in": keys}).count()
    if update:
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != key]
        model.objects.bulk_create(rows, update_conflicts=True, unique_fields=[key], update_fields=fields)
    else:
        model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(keys) - existing


@transaction.atomic
def load_reference_data(*, update: bool = False) -> LoadResult:
    """Load the regions, networks and ICBs from the project's data files; safe to run again."""
    result = LoadResult()

    regions = [
        Region(
            ons_code=row["ons_code"],
            ods_code=row["ods_code"],
            name=row["name"],
            slug=slugify(row["name"]),
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("regions.csv")
    ]
    result.total["regions"] = len(regions)
    result.created["regions"] = upsert(Region, regions, key="ons_code", update=update)

    networks = [
        Network(
            code=row["code"],
            name=row["name"],
            slug=slugify(row["name"]),
            former_name=row["former_name"],
            website=row["website"],
            description=row["description"],
            note=row["note"],
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("networks.csv")
    ]
    result.total["networks"] = len(networks)
    result.created["networks"] = upsert(Network, networks, key="code", update=update)

    region_ids = dict(Region.objects.values_list("ons_code", "pk"))
    network_ids = dict(Network.objects.values_list("code", "pk"))
    icbs = [
        IntegratedCareBoard(
            ods_code=row["ods_code"],
            ons_code=row["ons_code"],
            name=row["name"],
            short_name=row["short_name"],
            slug=slugify(row["short_name"]),
            region_id=region_ids[row["region_ons_code"]],
            network_id=network_ids[row["network_code"]],
            valid_from=parse_date(row["valid_from"]),
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("icbs.csv")
    ]
    result.total["ICBs"] = len(icbs)
    result.created["ICBs"] = upsert(IntegratedCareBoard, icbs, key="ods_code", update=update)
    return result

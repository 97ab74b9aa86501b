"""Reading the project's reference-data files (CSV in each app's data/ folder) and loading them
without overwriting what staff have corrected."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {self.total[name]} in files, {self.created[name]} new" for name in self.total)


def read_rows(name: str, *, data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def upsert(model: type[models.Model], rows: list[models.Model], *, key: str, update: bool) -> int:
    """Insert rows whose key is new; with update, overwrite existing rows from the files too.

    Without update, records that staff have corrected in the admin are left as they are.
    """
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    keys = [getattr(row, key) for row in rows]
    manager = model._default_manager
    existing = manager.filter(**{f"{key}__in": keys}).count()
    if update:
        fields = [f.name for f in model._meta.concrete_fields if not (f.primary_key or f.generated or f.name == key)]
        manager.bulk_create(rows, update_conflicts=True, unique_fields=[key], update_fields=fields)
    else:
        manager.bulk_create(rows, ignore_conflicts=True)
    return len(keys) - existing

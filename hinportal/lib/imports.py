"""Spreadsheet imports: every row read, checked against the same access rule as the admin form,
then written all together in one transaction, or not at all.

An importer names its columns and how to read each cell, looks up every code in a file with one
query per kind of record, and says how a row becomes a record. The rest is shared: headers in any
case and order, duplicate rows, the access rule for the record as it stands and as it would stand,
the model's own validation, and the plan a person sees before anything is written (new, changed,
unchanged, and every problem by line and column).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .access import Person, can_change, owns, workflow_record
from .page_cache import public_pages_changed
from .spreadsheets import Table, UnreadableFile
from .text import FORMULA_STARTS

PREVIEW_ROWS = 100
PROGRESS_EVERY = 500
UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")


class CellProblem(ValueError):
    """A cell that cannot be read, with the message the person sees."""


class RowProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


# How to read a cell. Each takes what the file holds (text, or a number or date from a workbook)
# and returns the value for the record, or raises CellProblem saying what to write instead.


def text(value: object) -> str:
    value = "" if value is None else str(value).strip()
    if value.startswith(FORMULA_STARTS):
        raise CellProblem(f"It starts like a spreadsheet formula ({value[:20]!r}); remove the leading character.")
    return value


def day(value: object) -> date | None:
    """A date written as 2025-04-01, or day first as 01/04/2025 (1 April), or a workbook date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    value = str(value).strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = UK_DATE.fullmatch(value)
    if match:
        first, second, year = (int(part) for part in match.groups())
        try:
            return date(year + 2000 if year < 100 else year, second, first)
        except ValueError:
            pass
    raise CellProblem(f"‘{value}’ is not a date. Write dates as 2025-04-01, or day first as 01/04/2025.")


def whole_number(value: object) -> int | None:
    """A whole number of 0 or more; thousands may be separated by commas or spaces (1,200)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").replace(" ", "").strip())
    except InvalidOperation:
        raise CellProblem(f"‘{value}’ is not a whole number.") from None
    if number != number.to_integral_value() or number < 0:
        raise CellProblem(f"‘{value}’ is not a whole number of 0 or more.")
    return int(number)


def one_of(choices: type[models.TextChoices]) -> Callable[[object], str]:
    """A value of a vocabulary, written as its code or as the label the screens show, in any case."""
    known = {str(value).lower(): str(value) for value in choices.values}
    known.update({str(label).lower(): str(value) for value, label in choices.choices})

    def parse(value: object) -> str:
        if value in (None, ""):
            return ""
        found = known.get(str(value).strip().lower())
        if found is None:
            raise CellProblem(f"‘{value}’ is not one of: {', '.join(str(label) for label in choices.labels)}.")
        return found

    return parse


def many_of(choices: type[models.TextChoices]) -> Callable[[object], list[str]]:
    """Values of a vocabulary separated by semicolons (or commas)."""
    parse_one = one_of(choices)

    def parse(value: object) -> list[str]:
        parts = re.split(r"[;,]", "" if value is None else str(value))
        return list(dict.fromkeys(parse_one(part) for part in parts if part.strip()))

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable[[object], Any] = text
    required: bool = False  # for a new record; an existing one keeps its value when the cell is left out
    help: str = ""


@dataclass
class PlannedRow:
    line: int
    action: str  # new, changed or unchanged
    instance: Model
    label: str
    changes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[list] = field(default_factory=list)  # [line, column, message]

    def counts(self) -> dict[str, int]:
        counted = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            counted[row.action] += 1
        return counted

    def preview(self) -> list[dict]:
        shown = [row for row in self.rows if row.action != "unchanged"][:PREVIEW_ROWS]
        return [{"line": r.line, "action": r.action, "label": r.label, "changes": r.changes} for r in shown]


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


class Importer:
    """What one kind of record needs to come in from a spreadsheet. Subclasses set model, columns
    and key, and write find, new and fill."""

    model: type[Model]
    columns: list[Column]
    key: tuple[str, ...]
    noun = "records"
    # The column a refusal points at: the one whose value put the record out of reach.
    refused_column = ""

    def __init__(self, *, user: Person) -> None:
        self.user = user

    # What each importer writes.

    def prepare(self, rows: list[dict], *, for_update: bool) -> None:
        """Look up every code the rows use, one query per kind of record (lock them when for_update)."""

    def find(self, values: dict) -> Model | None:
        raise NotImplementedError

    def new(self, values: dict) -> Model:
        return self.model()

    def fill(self, instance: Model, values: dict) -> None:
        raise NotImplementedError

    def label(self, instance: Model) -> str:
        return str(instance)

    def assign(self, instance: Model, values: dict, names: Iterable[str]) -> None:
        """Set each named field whose column is in the file. An empty cell empties an optional
        field and leaves a required one as the record has it."""
        required = {column.name for column in self.columns if column.required}
        for name in names:
            if name not in values:
                continue
            value = values[name]
            if value in (None, "", []):
                if name in required:
                    continue
                model_field: Any = instance._meta.get_field(name)
                value = None if model_field.null else model_field.get_default()
            setattr(instance, name, value)

    def refused(self, instance: Model) -> str:
        record = workflow_record(instance)
        if record is not None and owns(self.user, instance):
            state = record.get_status_display().lower()
            return f"‘{instance}’ is {state}: only a publisher of its network may change it."
        return f"‘{instance}’ is not your network's to change."

    # Shared.

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def header_positions(self, table: Table) -> dict[str, int]:
        """Each known column's position in the file; refuses unknown, repeated or missing key columns."""
        names = [normalise_header(header) for header in table.headers]
        known = set(self.column_names)
        unknown = [header for header, name in zip(table.headers, names, strict=True) if name and name not in known]
        repeated = sorted({name for name in names if name and names.count(name) > 1})
        missing = [name for name in self.key if name not in names]
        if unknown or repeated or missing:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if unknown:
                parts.append(f"not recognised {', '.join(unknown)}")
            if repeated:
                parts.append(f"repeated {', '.join(repeated)}")
            raise UnreadableFile(
                f"The columns do not match: {'; '.join(parts)}. The first row must name the columns; "
                f"expected columns: {', '.join(self.column_names)}."
            )
        return {name: index for index, name in enumerate(names) if name}

    def read_rows(self, table: Table, problems: list[list]) -> list[tuple[int, dict]]:
        positions = self.header_positions(table)
        columns = [column for column in self.columns if column.name in positions]
        read: list[tuple[int, dict]] = []
        seen: dict[tuple, int] = {}
        for line, cells in table.rows:
            values, ok = {}, True
            for column in columns:
                position = positions[column.name]
                raw = cells[position] if position < len(cells) else None
                try:
                    values[column.name] = column.read(raw)
                except CellProblem as problem:
                    problems.append([line, column.name, str(problem)])
                    ok = False
            key = tuple(str(values.get(name, "")).strip().lower() for name in self.key)
            if not all(key):
                problems.append(
                    [line, self.key[0], f"Fill in {' and '.join(self.key)}: they say which record this is."]
                )
                ok = False
            elif key in seen:
                problems.append([line, self.key[0], f"Line {line} repeats line {seen[key]} ({', '.join(key)})."])
                ok = False
            else:
                seen[key] = line
            if ok:
                read.append((line, values))
        return read

    def plan(self, table: Table, *, for_update: bool = False, progress: Callable[[int], None] | None = None) -> Plan:
        plan = Plan()
        rows = self.read_rows(table, plan.problems)
        self.prepare([values for _, values in rows], for_update=for_update)
        tracked = [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]
        for done, (line, values) in enumerate(rows, start=1):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done)
            try:
                planned = self._plan_row(line, values, tracked)
            except RowProblem as problem:
                plan.problems.append([line, problem.column, problem.message])
                continue
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = name if name in self.column_names else "row"
                    plan.problems.extend([line, column, message] for message in messages)
                continue
            plan.rows.append(planned)
        if progress:
            progress(len(rows))
        plan.problems.sort(key=lambda problem: problem[0])
        return plan

    def _plan_row(self, line: int, values: dict, tracked: list[str]) -> PlannedRow:
        existing = self.find(values)
        refused_column = self.refused_column or self.key[0]
        if existing is not None and not can_change(self.user, existing):
            raise RowProblem(refused_column, self.refused(existing))
        if existing is None:
            missing = [c.name for c in self.columns if c.required and values.get(c.name) in (None, "", [])]
            if missing:
                raise RowProblem(missing[0], f"A new record needs {', '.join(missing)}.")
        instance = existing if existing is not None else self.new(values)
        before = {name: getattr(instance, name) for name in tracked}
        self.fill(instance, values)
        if not can_change(self.user, instance):
            raise RowProblem(refused_column, self.refused(instance))
        # Related records were found above, one query for all rows: skip the per-row existence checks.
        related = [f.name for f in self.model._meta.concrete_fields if f.is_relation]
        instance.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
        if existing is None:
            return PlannedRow(line, "new", instance, self.label(instance))
        changes = [
            f"{name.removesuffix('_id')}: {before[name] or '—'} → {getattr(instance, name) or '—'}"
            for name in tracked
            if getattr(instance, name) != before[name]
        ]
        return PlannedRow(line, "changed" if changes else "unchanged", instance, self.label(instance), changes)

    def save(self, plan: Plan, *, reason: str) -> None:
        """Write a plan with no problems (inside the caller's transaction), with history for each row."""
        public_pages_changed()  # bulk writes send no signals
        new = [row.instance for row in plan.rows if row.action == "new"]
        changed = [row.instance for row in plan.rows if row.action == "changed"]
        if new:
            bulk_create_with_history(
                new, self.model, batch_size=1000, default_user=self.user, default_change_reason=reason
            )
        if changed:
            self.before_update(changed)
            for instance in changed:  # the rows are locked: one more version each, as a save would give
                if hasattr(instance, "version"):
                    instance.version += 1
            fields = [f.name for f in self.model._meta.concrete_fields if not f.primary_key and f.editable]
            fields += [f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
            bulk_update_with_history(
                changed,
                self.model,
                sorted(set(fields)),
                batch_size=1000,
                default_user=self.user,
                default_change_reason=reason,
            )

    def before_update(self, instances: Iterable[Model]) -> None:
        """Bulk updates skip auto_now: set such fields here."""
        from django.utils import timezone

        now = timezone.now()
        for f in self.model._meta.concrete_fields:
            if getattr(f, "auto_now", False):
                for instance in instances:
                    setattr(instance, f.attname, now)

"""Each ICS's gap list and peers, kept in a table (models.GapList) rather than worked out from the
whole catalogue on each page: at 100,000 innovations one list takes about 150 ms and one system's
peers 40 ms, too much for a page, and the page that found its cached copy lapsed paid it.

- A trigger notes each transaction that writes innovations, adoptions, NICE guidance or evidence,
  whatever the path (models.GapListChange, innovations/triggers.py).
- The task worker then works every list out again (`refresh_gap_lists`), queued after such writes
  and by the first page that finds a change noted. Until it has, pages show the last list; the
  rows of the page shown are read afresh, so something just adopted drops out of them at once.
- A list that does not exist yet (a new ICB, a fresh database) is worked out by the page that needs
  it. A page never works out a stale one: at 100,000 innovations that is 8.7-10.4 s for the 42 lists.
  With no worker running, pages keep showing the last lists and the health check reports the
  refresh left waiting (hinportal/site/health.py).
"""

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import overload

from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.db.models import Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks import task

from hinportal.lib.page_cache import cached, public_pages_changed
from hinportal.lib.tasks import enqueue_unless_waiting
from hinportal.lib.workflow import Status
from networks.models import IntegratedCareBoard

from .adoption_stats import adopted_count, kept_figures
from .choices import LocalStatus
from .models import Adoption, EvidenceItem, GapList, GapListChange, Innovation, NiceGuidance

logger = logging.getLogger(__name__)

PEERS = 5
# Pages that find the lists stale queue one refresh between them in this time, not one each.
QUEUE_GUARD_SECONDS = 10


def _shared_with(icb_id: int) -> dict[int, int]:
    """For each other ICB, how many published innovations it has adopted (or embedded) that this one
    has too, from the ICBs kept on each innovation (Innovation.adopted_icbs, GIN-indexed)."""
    table = Innovation._meta.db_table
    sql = (
        f"SELECT other, count(*) FROM {table}, unnest({table}.adopted_icbs) AS other"  # noqa: S608 (our own table)
        f" WHERE {table}.status = %s AND {table}.adopted_icbs @> ARRAY[%s]::bigint[] AND other <> %s GROUP BY other"
    )
    with connections[router.db_for_read(Innovation)].cursor() as cursor:
        cursor.execute(sql, [Status.PUBLISHED, icb_id, icb_id])
        return dict(cursor.fetchall())


def peer_scores(icb_id: int, others: list[int], totals: dict[int, dict[str, int]]) -> list[list]:
    """The PEERS systems most like this one, as [icb id, likeness]: the innovations both have
    adopted as a share of those either has (above 0, up to 1), best first, then by id."""
    shared = _shared_with(icb_id)
    sizes = {pk: adopted_count(totals, pk) for pk in [icb_id, *others]}
    scores = [
        [other, shared.get(other, 0) / (sizes[icb_id] + sizes[other] - shared.get(other, 0))]
        for other in others
        if other != icb_id and shared.get(other, 0) > 0
    ]
    scores.sort(key=lambda pair: (-pair[1], pair[0]))
    return scores[:PEERS]


def build(icb: IntegratedCareBoard, ids: list[int] | None = None) -> bool:
    """Keep one system's list (worked out from the catalogue unless given) and its peers; return
    whether they changed."""
    if ids is None:
        ids = list(Innovation.objects.proven_elsewhere(icb).values_list("pk", flat=True))
    others = list(IntegratedCareBoard.objects.current().values_list("pk", flat=True))
    peers = peer_scores(icb.pk, others, kept_figures("status"))
    if GapList.objects.filter(pk=icb.pk).values_list("innovation_ids", "peers").first() == (ids, peers):
        return False
    built_at = timezone.now()
    # An upsert that sends no signal (what the public sees moves on only if a list changed: refresh),
    # with the ids passed as one value (the ORM prepares each of tens of thousands on its own).
    table = GapList._meta.db_table
    with connections[router.db_for_write(GapList)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (icb_id, innovation_ids, peers, built_at) VALUES (%s, %s::bigint[], %s, %s)"  # noqa: S608
            " ON CONFLICT (icb_id) DO UPDATE SET innovation_ids = EXCLUDED.innovation_ids,"
            " peers = EXCLUDED.peers, built_at = EXCLUDED.built_at",
            # As an array literal: psycopg2 would send ARRAY[...], an expression per element to parse.
            [icb.pk, "{" + ",".join(map(str, ids)) + "}", json.dumps(peers), built_at],
        )
    return True


def refresh(everything: bool = False) -> int:
    """If anything was written since the last refresh (or asked for everything), work out every
    list again; otherwise only those today's systems lack. Return how many lists changed; if any
    did, kept pages are retired.

    One transaction: it takes away the changes it can see, then reads the catalogue, which holds
    them all. A change committed meanwhile stays for the next refresh; a refresh that fails takes
    nothing away. The proven innovations are ranked once per region, not once per system, and each
    system's list is its region's ranking less what it has adopted."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {GapListChange._meta.db_table}")  # noqa: S608 (our own table)
        written = cursor.rowcount > 0
        wanted = IntegratedCareBoard.objects.current().exclude(pk__in=GapList.objects.values("pk"))
        if written or everything:
            wanted = IntegratedCareBoard.objects.filter(
                Q(pk__in=GapList.objects.values("pk")) | Q(pk__in=IntegratedCareBoard.objects.current().values("pk"))
            )
        changed = 0
        for region_id, icbs in groupby(wanted.order_by("region_id", "pk"), key=lambda icb: icb.region_id):
            ranked = [
                (pk, set(adopted))
                for pk, adopted in Innovation.objects.proven_ranked_for(region_id).values_list("pk", "adopted_icbs")
            ]
            for icb in icbs:
                here = icb.pk
                changed += build(icb, [pk for pk, adopted in ranked if here not in adopted])
        if changed:
            public_pages_changed()  # now and at the commit
    return changed


def pending_since() -> datetime | None:
    """When the oldest write not yet in the lists was made, if any was."""
    return GapListChange.objects.order_by("pk").values_list("at", flat=True).first()


@task()
def refresh_gap_lists() -> None:
    logger.info("Gap lists worked out again: %s changed", refresh())


def queue_refresh(*, from_page: bool = False) -> None:
    """Queue a refresh unless one is waiting for a worker (one running may have read the catalogue
    before this write). Pages that find a change noted ask at most once in QUEUE_GUARD_SECONDS
    between them, sparing the queue a read per page; a write always asks."""
    if from_page and not cache.add("gap-lists:queued", True, QUEUE_GUARD_SECONDS):
        return
    enqueue_unless_waiting(refresh_gap_lists)


def _after_write(sender: type, **kwargs: object) -> None:
    if not kwargs.get("raw"):
        transaction.on_commit(queue_refresh)  # a write's own, never held back by the pages' guard


def connect_signals() -> None:
    """Queue a refresh after each committed write the gap lists depend on (bulk writes that send no
    signal are left for the first page that finds the lists stale)."""
    for model in (Innovation, Adoption, NiceGuidance, EvidenceItem):
        post_save.connect(_after_write, sender=model, dispatch_uid=f"gap-lists-{model._meta.label_lower}-save")
        post_delete.connect(_after_write, sender=model, dispatch_uid=f"gap-lists-{model._meta.label_lower}-delete")


@dataclass(frozen=True)
class Summary:
    total: int
    peers: list[list]


class Cardinality(Func):
    function = "cardinality"
    output_field = IntegerField()


def _read(icb_id: int) -> tuple | None:
    """The list's length, its peers and when the oldest write not yet in the lists was made."""
    oldest_change = GapListChange.objects.order_by("pk").values("at")[:1]
    return (
        GapList.objects.filter(pk=icb_id)
        .values_list(Cardinality("innovation_ids"), "peers", Subquery(oldest_change))
        .first()
    )


def summary(icb: IntegratedCareBoard) -> Summary:
    """How long the system's kept list is, and its peers: cached until the next public write."""

    def compute() -> Summary:
        row = _read(icb.pk)
        if row is not None and row[2] is not None:
            queue_refresh(from_page=True)
            row = _read(icb.pk)  # done already if tasks run at once (ImmediateBackend); else as it was
        if row is None:
            build(icb)
            row = _read(icb.pk)
        return Summary(row[0], row[1])

    return cached(f"gaps:kept:{icb.pk}", compute)


class KeptGaps(Sequence):
    """One system's kept gap list, read from the database a slice at a time (a page needs twenty of
    tens of thousands of ids)."""

    def __init__(self, icb: IntegratedCareBoard) -> None:
        self.icb = icb
        self.total = summary(icb).total

    def __len__(self) -> int:
        return self.total

    def _sql(self, select: str, params: list) -> list[int]:
        table = GapList._meta.db_table
        with connections[router.db_for_read(GapList)].cursor() as cursor:
            cursor.execute(f"SELECT {select} FROM {table} WHERE icb_id = %s", [*params, self.icb.pk])  # noqa: S608
            row = cursor.fetchone()
        return list(row[0]) if row and row[0] else []

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.total)
            if start >= stop:
                return []
            # PostgreSQL arrays count from 1 and include both ends; a page is kept until a write.
            ids = cached(
                f"gaps:kept:{self.icb.pk}:{start}:{stop}", lambda: self._sql("innovation_ids[%s:%s]", [start + 1, stop])
            )
            return ids[::step]
        if not -self.total <= index < self.total:
            raise IndexError(index)
        return self._sql("innovation_ids[%s:%s]", [index % self.total + 1, index % self.total + 1])[0]

    def __iter__(self) -> Iterator[int]:
        return iter(self._sql("innovation_ids", []))


def filtered(icb: IntegratedCareBoard, innovations: QuerySet) -> list[int]:
    """The system's kept gap list, in its order, keeping only the innovations `innovations` holds."""
    summary(icb)  # the kept list exists (and a refresh is queued if it is stale)
    subquery, params = innovations.values("pk").query.sql_with_params()
    table = GapList._meta.db_table
    sql = (
        f"SELECT g.id FROM {table} AS k, unnest(k.innovation_ids) WITH ORDINALITY AS g(id, n)"  # noqa: S608
        f" WHERE k.icb_id = %s AND g.id IN ({subquery}) ORDER BY g.n"
    )
    with connections[router.db_for_read(GapList)].cursor() as cursor:
        cursor.execute(sql, [icb.pk, *params])
        return [pk for (pk,) in cursor.fetchall()]


def proven_elsewhere_ids(icb: IntegratedCareBoard, filters: dict, key: str) -> Sequence[int]:
    """The system's gap list, ranked, with the gap-list filters applied (`key` names them)."""
    if not any(filters.values()):
        return KeptGaps(icb)

    def compute() -> list[int]:
        queryset = Innovation.objects.all()
        if filters.get("clinical_area"):
            queryset = queryset.filter(clinical_areas__overlap=filters["clinical_area"])
        if filters.get("category"):
            queryset = queryset.filter(category__in=filters["category"])
        if filters.get("core20"):
            queryset = queryset.filter(core20plus5__overlap=filters["core20"])
        here = filters.get("here")
        if here == LocalStatus.NOT_STARTED:
            queryset = queryset.exclude(Exists(Adoption.objects.filter(innovation=OuterRef("pk"), icb=icb)))
        elif here in LocalStatus.STATUSES:
            recorded = Adoption.objects.filter(
                innovation=OuterRef("pk"), icb=icb, status__in=LocalStatus.STATUSES[here]
            )
            queryset = queryset.filter(Exists(recorded))
        return filtered(icb, queryset)

    return cached(f"gaps:{icb.pk}:{key}", compute)  # retired by any public write, adoptions included

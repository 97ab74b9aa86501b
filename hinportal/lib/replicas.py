"""Reads that scale out on PostgreSQL's own streaming replication.

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router. A request that
only reads and comes from someone anonymous (a GET or HEAD with no session cookie) reads from the
replica; everything else (anyone signed in, every write, commands and the task worker) uses the
primary. Someone who has just sent a write (any POST, PUT, PATCH or DELETE) gets a cookie that
keeps their reads on the primary for READ_YOUR_WRITES_SECONDS, longer than the replica should lag,
so they never see a page from before their own change.

What is kept for everyone (page_cache: pages and counts at the public version) must not be read
from a replica that has not yet replayed the write that moved the version on: it would keep the
page from before the write under the version after it, for everyone, until it lapsed. So each
public write records the primary's position in its write-ahead log (`primary_position`), and
something read from the replica is kept only once the replica has replayed that far
(`replica_has`).
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "hp_wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_read_from_replica: ContextVar[bool] = ContextVar("read_from_replica", default=False)

Handler = Callable[[HttpRequest], HttpResponse]


class PrimaryReplicaRouter:
    """Reads from the replica only inside a request that `replica_reads` allowed; writes,
    migrations and everything outside such a request go to the primary."""

    def db_for_read(self, model: type, **hints: object) -> str | None:
        return REPLICA if _read_from_replica.get() else None

    def db_for_write(self, model: type, **hints: object) -> str:
        return "default"

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == "default"


def reads_from_replica() -> bool:
    """Whether this request's reads go to the replica (and so may be a moment behind)."""
    return _read_from_replica.get()


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def primary_position() -> str | None:
    """Where the primary's write-ahead log ends now (after a commit: past that commit), when there
    is a replica; None when there is none."""
    if not has_replica():
        return None
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has(position: str | None) -> bool:
    """Whether the replica has replayed the primary's log up to `position` (true when there is no
    replica or no position to reach, and for a replica promoted to primary, which replays nothing)."""
    if position is None or not has_replica():
        return True
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [position])
            return cursor.fetchone()[0]
    except DatabaseError:  # gone since it answered the page: keep nothing rather than fail the page
        return False


def replica_reads(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not has_replica():
            return get_response(request)
        anonymous_read = (
            request.method in SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and WROTE_COOKIE not in request.COOKIES
        )
        token = _read_from_replica.set(anonymous_read)
        try:
            response = get_response(request)
        finally:
            _read_from_replica.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware

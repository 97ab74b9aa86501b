"""Whole public pages from the shared cache, and the version that retires them all at once.

A GET from a visitor who sends no cookie (so no session, no sign-in, no flash message, no CSRF
form) sees what every such visitor sees. The first one renders the page; the rest are answered from
the shared cache (`CACHE_URL`, one Redis for every web host) without touching the database or a
template. Only responses the portal already lets a browser or CDN keep (`Cache-Control: public`,
set by middleware.public_pages_cacheable) are stored.

Every stored page belongs to the current *public version*: a time stamp in the shared cache. Any
committed write to a model of a PUBLIC_APPS app (signals below), and any bulk write that sends no
signals (seed_demo, the reference data loader, imports: they call `public_pages_changed`),
moves the version on, so every stored page and every cached count (`versioned`) is retired at
once; stored pages also expire after PUBLIC_PAGE_CACHE_SECONDS whatever happens (or up to a quarter
sooner, at random: `lifetime`). The version is each page's Last-Modified, so browsers and CDNs can
revalidate with If-Modified-Since too.

With a replica (replicas.py), a cookie-less GET reads from it, and it may lag: a page or count read
from it is kept only once it has replayed the last public write (`_current`), or the page from
before the write would be kept under the version after it, for everyone, until it lapsed.

Anyone else (signed in, or sending any cookie) is served by `audience_page`, on the views wrapped in
it: a page kept per *audience* (access.audience: roles, membership and the like, never the person
themselves) at the same version, with a hole where each form's CSRF token goes, filled with the
person's own token each time it is served. It is kept compressed too, a piece between each pair of
holes, so that serving it gzipped costs no compression: the token goes between the pieces as an
uncompressed DEFLATE block, and the pieces and tokens make one gzip stream. The token is thus never
compressed beside text an attacker could choose (BREACH); GZipMiddleware pads for the same reason.
"""

import hashlib
import math
import random
import re
import struct
import time
import zlib
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from .access import audience
from .middleware import is_private_path
from .replicas import has_replica, primary_position, reads_from_replica, replica_has

VERSION_KEY = "public-pages:version"
# Where the primary's log ended when the version last moved on after a commit (with a replica only).
POSITION_KEY = "public-pages:position"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
HEADER = "X-Page-Cache"
AUDIENCE_HEADER = "X-Audience-Cache"
# The value of each form's CSRF token as Django's {% csrf_token %} writes it: the holes in a page kept
# by audience_page.
CSRF_VALUE = re.compile(rb'(?<=<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(?=")')

Handler = Callable[[HttpRequest], HttpResponse]
T = TypeVar("T")
# How long a value kept by `cached` may live even if nothing public is written.
COUNT_CACHE_SECONDS = 300
# Each kept page, part and count lives between this share of its time and all of it, drawn at
# random: pages kept together (a crawler's pass, a restart's first minutes) then lapse apart, not
# all in one second with every request behind them rendering cold at once (the likely cause of the
# signed-in ICS pages' 2.4 s p99 in a `make soak` run, where all 42 were kept in its first seconds).
SPREAD = 0.75


# Within one request the version is read from the shared cache once, not once per cached count:
# the middleware gives each request a memo, and a write during the request updates it.
_memo: ContextVar[dict | None] = ContextVar("public_version_memo", default=None)


def public_version() -> float:
    """When what the public sees last changed (seconds since the epoch), from the shared cache."""
    memo = _memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time()
        # add, not set: of two processes starting together, both keep the first one's stamp.
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    if memo is not None:
        memo["version"] = version
    return version


def _version_and(key: str) -> tuple[float, Any]:
    """The public version and the value kept under `key`, in one round trip to the shared cache
    unless this request has read the version already (a page kept per audience, served to the
    signed in, costs two: their session, then these)."""
    memo = _memo.get()
    if memo is not None and "version" in memo:
        return memo["version"], cache.get(key)
    found = cache.get_many([VERSION_KEY, key])
    if VERSION_KEY not in found:
        return public_version(), None
    version = found[VERSION_KEY]
    if memo is not None:
        memo["version"] = version
    return version, found.get(key)


def _bump(position: str | None = None) -> None:
    version = time.time()
    if position is not None:  # first: whoever reads the new version finds its position
        cache.set(POSITION_KEY, position, None)
    cache.set(VERSION_KEY, version, None)
    if (memo := _memo.get()) is not None:
        memo["version"] = version


def _bump_committed() -> None:
    _bump(primary_position())


def public_pages_changed() -> None:
    """Retire every stored public page and cached count: now, and, inside a transaction, again when
    it commits (a page rendered meanwhile from the data before the commit is retired too), that once
    per transaction however many rows it writes. Each retirement after a commit records where the
    primary's log ended, when there is a replica (`_current`)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # written already
        _bump_committed()
        return
    _bump()
    if not any(func is _bump_committed for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_bump_committed)


def _current(from_replica: bool) -> bool:
    """Whether what was just read may be kept at the current version: yes, unless it was read from a
    replica that has not yet replayed the last public write. Where that write ended is kept in the
    shared cache; if it is not there (never recorded, or lost: the cache emptied or the key evicted),
    where the primary's log ends now stands in for it, as it can only be later."""
    if not from_replica:
        return True
    position = cache.get(POSITION_KEY)
    if position is None:
        try:
            position = primary_position()
        except DatabaseError:  # the primary cannot say: keep nothing read from the replica
            return False
        cache.add(POSITION_KEY, position, None)
    return replica_has(position)


def versioned(key: str) -> str:
    """A cache key that lapses when the public version moves on."""
    return f"{key}:v{public_version():.6f}"


def lifetime(seconds: int) -> int:
    """How long to keep one value meant to live `seconds`: somewhere in its last quarter."""
    return random.randint(math.ceil(seconds * SPREAD), seconds)  # noqa: S311 (spreading expiries, not a secret)


def cached(key: str, compute: Callable[[], T], seconds: int = COUNT_CACHE_SECONDS) -> T:
    """A value from the shared cache, computed and stored when missing (counts, choice lists, search
    probes: work kept off the request path); retired when what the public sees changes."""
    key = versioned(key)
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        if _current(reads_from_replica()):
            cache.set(key, value, lifetime(seconds))
    return value


def _on_write(sender: type, **kwargs: object) -> None:
    if kwargs.get("raw"):  # fixtures being loaded: the loader says when it is done
        return
    public_pages_changed()


def connect_signals() -> None:
    """Every model of the apps whose records the public sees moves the version on when written."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in settings.PUBLIC_APPS:
            uid = f"public-pages-{model._meta.label_lower}"
            post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
            m2m_changed.connect(_on_write, sender=model, dispatch_uid=f"{uid}-m2m")


def _may_use_cache(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.COOKIES
        and not is_private_path(request.path)
        and not request.path.startswith(settings.STATIC_URL)
    )


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))  # GZipMiddleware's own test


def _address(request: HttpRequest, *more: str) -> str:
    """A digest of the full address asked, and of anything else a kept page's key depends on."""
    where = " ".join([f"{request.scheme}://{request.get_host()}{request.get_full_path()}", *more])
    return hashlib.sha256(where.encode()).hexdigest()


def _key(request: HttpRequest, version: float) -> str:
    # Stored as sent: compressed for clients that accept gzip, else not.
    return f"public-page:{version:.6f}:{_address(request, 'gzip' if _accepts_gzip(request) else 'identity')}"


def public_page_cache(get_response: Handler) -> Handler:
    """Answer a cookie-less GET from the shared cache when it holds the page at the current version;
    otherwise render it, and store it if it may be kept (see the module's docstring)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return _answer(request)
        finally:
            _memo.reset(token)

    def _answer(request: HttpRequest) -> HttpResponse:
        if not settings.PUBLIC_PAGE_CACHE_SECONDS or not _may_use_cache(request):
            return get_response(request)
        version = public_version()
        key = _key(request, version)
        stored = cache.get(key)
        if stored is not None:
            stored[HEADER] = "hit"
            return stored
        response = get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
        ):
            # A cookie-less GET is read from the replica whenever there is one (replicas.replica_reads).
            if not _current(has_replica()):
                # Nor may a browser or CDN keep it without asking again: the next answer may be newer.
                response["Cache-Control"] = "no-cache"
                response[HEADER] = "behind"
                return response
            response["Last-Modified"] = http_date(version)
            cache.set(key, response, lifetime(settings.PUBLIC_PAGE_CACHE_SECONDS))
            response[HEADER] = "miss"
        return response

    return middleware


def audience_page(view: Handler) -> Handler:
    """Keep a view's page per audience (see the module's docstring) for the signed in and anyone
    else who sends a cookie; cookie-less GETs are public_page_cache's. Only for a view whose page
    depends on nothing of the person but their audience, their CSRF token and the address asked:
    tests render such a page for two people of one audience and compare. A page is neither served
    nor kept while the person has a message waiting, nor when it is not a plain 200."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if (
            not (settings.AUDIENCE_PAGE_CACHE and settings.PUBLIC_PAGE_CACHE_SECONDS)
            or request.method != "GET"
            or _may_use_cache(request)
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        # A page read from a replica, which may lag, is never served to someone who reads from the
        # primary (signed in, or who has just written: replicas.py), though their audience is the same.
        source = "replica" if reads_from_replica() else "primary"
        # ":3": each page kept with its version, under a key without it; one kept by an older
        # release is not read.
        key = f"audience-page:3:{_address(request, audience(request.user), source)}"
        version, stored = _version_and(key)
        if stored is not None and stored[0] == version:
            _, headers, parts, deflated = stored
            token = get_token(request).encode() if len(parts) > 1 else b""
            if _accepts_gzip(request):
                response = HttpResponse(_gzipped(parts, deflated, token), headers=headers)
                response["Content-Encoding"] = "gzip"
            else:
                response = HttpResponse(token.join(parts), headers=headers)
            patch_vary_headers(response, ["Accept-Encoding"])
            response[AUDIENCE_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if not _current(source == "replica"):
                response[AUDIENCE_HEADER] = "behind"
                return response
            parts = CSRF_VALUE.split(response.content)
            stored = (version, dict(response.items()), parts, _deflated(parts))
            cache.set(key, stored, lifetime(settings.PUBLIC_PAGE_CACHE_SECONDS))
            response[AUDIENCE_HEADER] = "miss"
        return response

    return wrapped


# gzip's member header (RFC 1952): deflate, no flags, no time, no extra flags, unknown system.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _deflated(parts: list[bytes]) -> list[bytes]:
    """Each piece compressed on its own as raw DEFLATE (RFC 1951). All but the last end with a full
    flush: on a byte boundary, in no block marked final and needing nothing that came before, so
    other blocks may go between them; the last ends the stream."""
    pieces = []
    for index, part in enumerate(parts):
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        last = index == len(parts) - 1
        pieces.append(compressor.compress(part) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH))
    return pieces


def _stored_block(data: bytes) -> bytes:
    """DEFLATE's block of data as it is (RFC 1951, 3.2.4), not final; byte-aligned already."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


def _gzipped(parts: list[bytes], deflated: list[bytes], token: bytes) -> bytes:
    """The page (parts joined by the token) as one gzip member, from the pieces kept compressed."""
    body, crc = [GZIP_HEADER], 0
    for index, (part, piece) in enumerate(zip(parts, deflated, strict=True)):
        if index:
            body.append(_stored_block(token))
            crc = zlib.crc32(token, crc)
        body.append(piece)
        crc = zlib.crc32(part, crc)
    size = sum(map(len, parts)) + len(token) * (len(parts) - 1)
    body.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(body)

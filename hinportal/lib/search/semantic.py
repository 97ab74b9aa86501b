"""Meaning, not only words: each searchable record's embedding, kept current, and the records
nearest a query's.

- The model loads once per process, on the first search or embedding (`encoder()`); if it cannot,
  the log says so once and search goes on with words only.
- A query's vector is cached by its text, in the process and in the shared cache.
- Records' vectors live in the database (hinportal.models.Embedding, with the hash of the text
  each came from). Every process holds them quantised to one byte per number (about 40 MB for
  110,000 records) and reads only what changed since it last looked, which it learns from a
  version in the shared cache that `refresh_embeddings` moves on.
- `refresh_embeddings` embeds exactly the records whose text changed since they were embedded
  (their hash no longer matches), each distinct text once. Saves queue it as a task; imports and
  seed_demo run it; so does `manage.py embed`.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Exists, OuterRef
from django.db.models.functions import MD5
from django.utils import timezone

from hinportal.models import Embedding

from .encoder import DIMENSIONS, Encoder, ModelUnavailable, Pool, packaged_model_directory
from .registry import Searchable, searchables

logger = logging.getLogger("hinportal.search")

VERSION_KEY = "search:vectors:version"
QUERY_KEY = "search:query-vector:"
QUERY_CACHE_SECONDS = 24 * 3600
QUERY_MEMORY = 2000
# Rows written this long before the last load are read again, in case their transaction committed late.
OVERLAP = timedelta(minutes=2)
EMBED_BATCH = 2000


@dataclass
class ModelStatus:
    state: str = "not loaded"  # "loaded", "failed"
    seconds: float = 0.0
    megabytes: float = 0.0
    reason: str = ""


status = ModelStatus()
_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def encoder() -> Encoder | None:
    """The model, loaded on first use; None when semantic search is switched off or cannot load."""
    global _encoder
    if _encoder is not None or status.state == "failed" or not settings.SEMANTIC_SEARCH:
        return _encoder
    with _encoder_lock:
        if _encoder is None and status.state != "failed":
            started = time.perf_counter()
            try:
                directory = (
                    Path(settings.SEMANTIC_MODEL_DIR) if settings.SEMANTIC_MODEL_DIR else packaged_model_directory()
                )
                loaded = Encoder(directory)
            except (ModelUnavailable, OSError, ValueError, KeyError) as problem:
                status.state, status.reason = "failed", str(problem) or type(problem).__name__
                logger.error("Semantic search is off: %s. Searches match words only.", status.reason)
                return None
            status.seconds = time.perf_counter() - started
            status.megabytes = _weights_megabytes(loaded)
            status.state = "loaded"
            logger.info("Search model loaded in %.2f s; its weights take %.0f MB.", status.seconds, status.megabytes)
            _encoder = loaded
    return _encoder


def _weights_megabytes(model: Encoder) -> float:
    arrays = [model.word, model.position, *(a for layer in model.layers for a in layer.values())]
    return sum(a.nbytes for a in arrays) / 1e6


def reset_model() -> None:
    """Forget the model and the query vectors it made (tests that make it fail, then work again)."""
    global _encoder
    with _encoder_lock:
        _encoder = None
        status.state, status.reason = "not loaded", ""
    with _query_lock:
        _query_vectors.clear()


_query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
_query_lock = threading.Lock()


def query_vector(text: str) -> np.ndarray | None:
    """The query's unit vector, from this process's memory, the shared cache or the model."""
    key = QUERY_KEY + hashlib.sha256(text.encode()).hexdigest()
    with _query_lock:
        if key in _query_vectors:
            _query_vectors.move_to_end(key)
            return _query_vectors[key]
    stored = cache.get(key)
    if stored is not None:
        vector = np.frombuffer(stored, dtype=np.float16).astype(np.float32)
    else:
        model = encoder()
        if model is None:
            return None
        vector = model.encode([text])[0]
        cache.set(key, vector.astype(np.float16).tobytes(), QUERY_CACHE_SECONDS)
    with _query_lock:
        _query_vectors[key] = vector
        while len(_query_vectors) > QUERY_MEMORY:
            _query_vectors.popitem(last=False)
    return vector


class _Block:
    """One kind's vectors: ids sorted, each row a vector quantised to int8 with its scale."""

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.rows = np.zeros((0, DIMENSIONS), dtype=np.int8)
        self.scales = np.zeros(0, dtype=np.float32)

    @staticmethod
    def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each vector as int8 and the scale that gives it back (within half a step of 1/127)."""
        scales = (np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127).astype(np.float32)
        return np.round(vectors / scales[:, None]).astype(np.int8), scales

    def merge(self, ids: np.ndarray, rows: np.ndarray, scales: np.ndarray) -> None:
        """Add these (quantised) vectors, replacing any with the same ids."""
        known = np.isin(ids, self.ids)
        if known.any():
            at = np.searchsorted(self.ids, ids[known])
            self.rows[at], self.scales[at] = rows[known], scales[known]
        if (~known).any():
            all_ids = np.concatenate([self.ids, ids[~known]])
            order = np.argsort(all_ids, kind="stable")
            self.ids = all_ids[order]
            self.rows = np.concatenate([self.rows, rows[~known]])[order]
            self.scales = np.concatenate([self.scales, scales[~known].astype(np.float32)])[order]

    def similarities(self, vector: np.ndarray, positions: np.ndarray | None = None, chunk: int = 512) -> np.ndarray:
        # In chunks that stay in the CPU's cache (512 rows: measured fastest, twice as fast as 16,384).
        rows, scales = (self.rows, self.scales) if positions is None else (self.rows[positions], self.scales[positions])
        out = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), chunk):
            out[start : start + chunk] = rows[start : start + chunk].astype(np.float32) @ vector
        return out * scales

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.rows.nbytes + self.scales.nbytes


class VectorIndex:
    """This process's copy of every record's vector, brought up to date when the version moves on."""

    def __init__(self) -> None:
        self.blocks: dict[str, _Block] = {}
        self.version: str | None = None
        self.loaded_until: datetime | None = None
        self.lock = threading.Lock()

    def current(self) -> "VectorIndex":
        version = cache.get(VERSION_KEY)
        if version is None:
            version = _database_version()
            cache.add(VERSION_KEY, version, timeout=None)
        if version != self.version:
            with self.lock:
                if version != self.version:
                    self._load()
                    self.version = version
        return self

    def _load(self) -> None:
        since = self.loaded_until - OVERLAP if self.loaded_until else None
        rows = Embedding.objects.order_by()
        if since is not None:
            rows = rows.filter(updated_at__gte=since)
        newest = self.loaded_until
        # Each batch is quantised as it arrives, so the process never holds more than one batch of
        # full-size vectors besides the int8 ones.
        parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
        with connection.cursor() as cursor:
            sql, params = rows.values_list("kind", "object_id", "vector", "updated_at").query.sql_with_params()
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(10_000):
                by_kind: dict[str, tuple[list[int], list[bytes]]] = {}
                for kind, object_id, vector, updated_at in batch:
                    ids, vectors = by_kind.setdefault(kind, ([], []))
                    ids.append(object_id)
                    vectors.append(bytes(vector))
                    newest = max(newest, updated_at) if newest else updated_at
                for kind, (ids, vectors) in by_kind.items():
                    matrix = np.frombuffer(b"".join(vectors), dtype=np.float16).reshape(len(ids), DIMENSIONS)
                    quantised, scales = _Block.quantise(matrix.astype(np.float32))
                    parts.setdefault(kind, []).append((np.array(ids, dtype=np.int64), quantised, scales))
        for kind, pieces in parts.items():
            self.blocks.setdefault(kind, _Block()).merge(
                np.concatenate([p[0] for p in pieces]),
                np.concatenate([p[1] for p in pieces]),
                np.concatenate([p[2] for p in pieces]),
            )
        self.loaded_until = newest

    def nearest(
        self, kind: str, vector: np.ndarray, *, limit: int, ids: list[int] | None = None
    ) -> list[tuple[int, float]]:
        """The records of a kind most alike in meaning, best first, as (id, cosine similarity);
        among the given ids only, when given."""
        block = self.blocks.get(kind)
        if block is None or not len(block.ids):
            return []
        if ids is None:
            positions = None
            candidates = block.ids
        else:
            wanted = np.asarray(ids, dtype=np.int64)
            at = np.clip(np.searchsorted(block.ids, wanted), 0, len(block.ids) - 1)
            positions = at[block.ids[at] == wanted]
            candidates = block.ids[positions]
        scores = block.similarities(vector, positions)
        top = np.argpartition(-scores, limit)[:limit] if len(scores) > limit else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(candidates[i]), float(scores[i])) for i in top]

    @property
    def nbytes(self) -> int:
        return sum(block.nbytes for block in self.blocks.values())


index = VectorIndex()


def warm_up() -> None:
    """Load the model and this process's vectors now, so that the first search after a start does
    not wait for them (1.6 s at 100,000 innovations, most of it reading the vectors). gunicorn runs
    it in each worker as the worker starts, on a thread of its own (hinportal/gunicorn_config.py);
    a search that comes meanwhile waits for what it needs, as it would have loaded it anyway."""
    if not settings.SEMANTIC_SEARCH:
        return
    started = time.perf_counter()
    try:
        model = encoder()
        if model is None:  # searches match words only; one line a worker, as when it warms up
            logger.warning("Search not warmed up: the model is not available (%s).", status.reason)
            return
        model.encode(["warm up"])  # the first pass through the model sets up what later ones reuse
        held = index.current()
        logger.info(
            "Search warmed up in %.2f s: %d vectors held (%.1f MB).",
            time.perf_counter() - started,
            sum(len(block.ids) for block in held.blocks.values()),
            held.nbytes / 1e6,
        )
    except Exception:  # the database or the shared cache away: the first search will try again
        logger.exception("Search not warmed up; the first search will load what it needs.")
    finally:
        connections.close_all()  # this thread's own, which nothing else will close


def reset_index() -> None:
    """Forget this process's vectors (tests, whose records vanish with their transaction)."""
    global index
    index = VectorIndex()


def _database_version() -> str:
    newest = Embedding.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return f"db:{newest.isoformat() if newest else 'empty'}"


def vectors_changed() -> None:
    cache.set(VERSION_KEY, f"t:{time.time_ns()}", timeout=None)


@dataclass
class Refreshed:
    embedded: int = 0  # texts run through the model
    reused: int = 0  # records given a vector already made for the same text
    removed: int = 0  # vectors of records that no longer exist

    def __str__(self) -> str:
        return f"{self.embedded} texts embedded, {self.reused} records reused a vector, {self.removed} removed"


def refresh_embeddings(*, everything: bool = False) -> Refreshed:
    """Embed every record whose text changed since its vector was made (or every record)."""
    result = Refreshed()
    model = encoder()
    if model is None:
        reason = status.reason if settings.SEMANTIC_SEARCH else "SEMANTIC_SEARCH is off"
        logger.warning("Embeddings not refreshed: the model is not available (%s).", reason)
        return result
    for searchable in searchables():
        label = searchable.label
        records = searchable.model._default_manager.annotate(_hash=MD5(searchable.text))
        if not everything:
            current = Embedding.objects.filter(kind=label, object_id=OuterRef("pk"), text_hash=OuterRef("_hash"))
            records = records.exclude(Exists(current))
        stale = list(records.order_by("pk").values_list("pk", flat=True))
        with Pool(model) as pool:
            for start in range(0, len(stale), EMBED_BATCH):
                _embed(searchable, stale[start : start + EMBED_BATCH], pool, result, reuse=not everything)
        orphans = Embedding.objects.filter(kind=label).exclude(
            object_id__in=searchable.model._default_manager.values("pk")
        )
        result.removed += orphans.delete()[0]
    if result.embedded or result.reused or result.removed:
        vectors_changed()
    return result


def _embed(searchable: Searchable, ids: list[int], model: Pool, result: Refreshed, *, reuse: bool) -> None:
    """Embed these records; with reuse, a text already embedded for another record is not run again."""
    rows = list(
        searchable.model._default_manager.filter(pk__in=ids)
        .annotate(_text=searchable.text, _hash=MD5(searchable.text))
        .values_list("pk", "_text", "_hash")
    )
    hashes = {text_hash for _, _, text_hash in rows}
    known = (
        dict(Embedding.objects.filter(text_hash__in=hashes).order_by().values_list("text_hash", "vector").distinct())
        if reuse
        else {}
    )
    texts = {text_hash: text for _, text, text_hash in rows if text_hash not in known}
    if texts:
        vectors = model.encode(list(texts.values()))
        known.update({h: v.astype(np.float16).tobytes() for h, v in zip(texts, vectors, strict=True)})
    result.embedded += len(texts)
    result.reused += len(rows) - len(texts)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO hinportal_embedding (kind, object_id, text_hash, vector, updated_at)
            SELECT %s, r.object_id, r.text_hash, r.vector, %s
            FROM unnest(%s::bigint[], %s::text[], %s::bytea[]) AS r(object_id, text_hash, vector)
            ON CONFLICT (kind, object_id) DO UPDATE
            SET text_hash = EXCLUDED.text_hash, vector = EXCLUDED.vector, updated_at = EXCLUDED.updated_at
            """,
            [
                searchable.label,
                timezone.now(),
                [pk for pk, _, _ in rows],
                [text_hash for _, _, text_hash in rows],
                [bytes(known[text_hash]) for _, _, text_hash in rows],
            ],
        )

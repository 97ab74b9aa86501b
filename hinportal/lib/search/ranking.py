"""One ranking for everything a person looks for: innovations, programmes and publications, ranked
together by one function over any mix of them (`Search.rank`).

A record is found when any concept of the query matches it (terms.py), or when it is close enough
in meaning (semantic.py); a -minus term rules it out. Found records are ordered by:

1. Grade of relevance, from 3 down to 0: every concept matched in the name or summary (3); every
   concept matched somewhere, or a close match in meaning (2); at least half the concepts, or a
   fair match in meaning (1); anything else found (0).
2. At equal grade, what is real and proven first (the source's `trust`: NICE-recommended and
   proven, then either, then any real record, then demonstration records).
3. Then reciprocal rank fusion of the lexical ranking (how many concepts, how prominently; records
   alike in both share a place) and the semantic ranking (similarity to the query).
4. Then the source's popularity (ICSs adopting), its title, its id: the order is total.

A common word can match most of the catalogue; the candidates are capped (CAP, CAP_PARTIAL,
NEIGHBOURS) by the source's prior order (real records first, then most adopted) before scoring, so
ranking costs the same at a million rows as at ten thousand. Counts are exact all the same (`count`).
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, Case, F, Func, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from ..page_cache import cached
from . import semantic
from .parse import SEARCH_CONFIG
from .semantic import query_vector
from .terms import HEADLINE, NEAR, PREFIX, SPELLING, SYNONYM, Alternative, Terms, prepare

# Candidates: the first CAP records matching every concept in the source's prior order (real
# before demonstration, then most adopted); of a query of several concepts, also the first
# CAP_PARTIAL matching each one; and the NEIGHBOURS nearest in meaning. Ranking reads only these,
# so a common word costs the same as a rare one.
CAP, CAP_PARTIAL = 500, 200
NEIGHBOURS = 300
# Taking the first CAP in the prior order lets PostgreSQL walk that order's index and stop early,
# which is right for a common word; but when it expects many matches and there are few, the walk
# reads most of the table (1.5 s at a million innovations for a synonym-rich query matching 4). So
# each candidate query is first probed through the search index for up to FEW matches: if that is
# all of them they are fetched by id and sorted, and only a query with more walks the order. The
# probe's answer is kept in the shared cache until the next public write.
FEW = 2000
RRF_K = 60
# Cosine similarity of a record to the query (all-MiniLM-L6-v2): found on meaning alone from
# FAIR, counted as a strong match from STRONG.
FAIR, STRONG = 0.45, 0.60


class ArrayPosition(Func):
    """Where each row's id stands in a list of ids; null (so last, in ascending order) if absent."""

    function = "array_position"
    output_field = IntegerField()

    def __init__(self, ids: list[int]) -> None:
        super().__init__(Value(ids, output_field=ArrayField(BigIntegerField())), F("pk"))


def tsquery(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="raw", config=SEARCH_CONFIG)


@dataclass(frozen=True)
class Source:
    """Where a search looks: a queryset of one model (already filtered) and how its rows rank at
    equal relevance."""

    queryset: QuerySet
    title: str
    trust: Combinable
    prior: tuple[str, ...] = ("pk",)
    popularity: Combinable = field(default_factory=lambda: Value(0))
    vector: str = "search_vector"
    # When the rows are a short list known in advance (an ICS's gap list), meaning is measured
    # against each of them rather than looked up among the nearest of the whole table.
    among: tuple[int, ...] | None = None

    @property
    def model(self) -> type[Model]:
        return self.queryset.model

    @property
    def kind(self) -> str:
        return self.model._meta.label_lower


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int
    grade: int
    trust: int
    similarity: float | None


@dataclass(frozen=True)
class Reason:
    """Why a record is in the results: a concept it matched and how, or its meaning."""

    typed: str
    how: str
    label: str = ""


class Search:
    """A query ready to find and rank records: its concepts, and the records nearest it in meaning."""

    def __init__(self, text: str, *, semantic: bool = True, vocabulary: bool = True) -> None:
        self.terms: Terms = prepare(text, vocabulary=vocabulary)
        self.text = self.terms.text
        self.vector = query_vector(self.text) if semantic and self.text else None
        self._nearest: dict[tuple, list[tuple[int, float]]] = {}

    def __bool__(self) -> bool:
        return bool(self.terms) or self.vector is not None

    @property
    def semantic(self) -> bool:
        return self.vector is not None

    @property
    def suggestion(self) -> str | None:
        return self.terms.suggestion

    def nearest(self, model: type[Model], among: tuple[int, ...] | None = None) -> list[tuple[int, float]]:
        """Records of this model close enough in meaning to be found on meaning alone, best first."""
        key = (model._meta.label_lower, among)
        if key not in self._nearest:
            found = []
            if self.vector is not None:
                ids = list(among) if among is not None else None
                found = semantic.index.current().nearest(key[0], self.vector, limit=NEIGHBOURS, ids=ids)
            self._nearest[key] = [(pk, score) for pk, score in found if score >= FAIR]
        return self._nearest[key]

    def matches(self, model: type[Model], vector: str = "search_vector", among: tuple[int, ...] | None = None) -> Q:
        """The rows this search finds in a model's table, as a filter."""
        near = [pk for pk, _ in self.nearest(model, among)]
        found = Q(pk__isnull=True)  # nothing (and, unlike an empty pk__in, still a query PostgreSQL can run)
        if near:
            found |= Q(pk__in=near)
        if self.terms:
            found |= Q(**{vector: tsquery(self.terms.any_tsquery())})
        if self.terms.excluded:
            found &= ~Q(**{vector: tsquery(self.terms.excluded_tsquery())})
        return found

    def count(self, sources: list[Source], *, upto: int | None = None) -> int:
        """How many records the search finds; with `upto`, counting stops there (a common word's
        matches are not all counted: the caller says "more than")."""
        total = 0
        for s in sources:
            found = s.queryset.filter(self.matches(s.model, s.vector, s.among)).order_by()
            total += (found.values("pk")[: upto - total] if upto is not None else found).count()
            if upto is not None and total >= upto:
                break
        return total

    # Ranking ----------------------------------------------------------------------------------

    def _columns(self, source: Source) -> dict[str, Any]:
        columns: dict[str, Any] = {"rid": F("pk")}
        for j, concept in enumerate(self.terms.concepts):
            columns[f"c{j}"] = Case(When(Q(**{source.vector: tsquery(concept.tsquery())}), then=1), default=0)
            columns[f"h{j}"] = Case(When(Q(**{source.vector: tsquery(concept.tsquery(HEADLINE))}), then=1), default=0)
        columns.update(trust=source.trust, pop=source.popularity, sorttitle=F(source.title))
        return columns

    def _candidates(self, source: Source) -> QuerySet:
        """The source's candidates (the best matches by its prior order, and the records near in
        meaning), each scored once: which concepts it matches, where, and its trust."""
        base = source.queryset
        if self.terms.excluded:
            base = base.exclude(**{source.vector: tsquery(self.terms.excluded_tsquery())})
        concepts = self.terms.concepts
        queries = [(self.terms.all_tsquery(), CAP)] if concepts else []
        if len(concepts) > 1:
            queries += [(concept.tsquery(), CAP_PARTIAL) for concept in concepts]
        near = [pk for pk, _ in self.nearest(source.model, source.among)]
        ids = [found for q, cap in queries if (found := self._first(base, source, q, cap)) is not None]
        if near:
            ids.append(base.filter(pk__in=near).order_by().values("pk"))
        if not ids:
            return base.none().values(**self._columns(source))
        # One set of ids (a UNION), then each record scored once, found by its primary key.
        union = ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0]
        return source.model._default_manager.filter(pk__in=union).order_by().values(**self._columns(source))

    @staticmethod
    def _first(base: QuerySet, source: Source, query: str, cap: int) -> QuerySet | None:
        """The ids of the first CAP records matching the query in the source's prior order (None when
        none match), read by id when the probe found few (see FEW), else by walking the order."""
        matching = base.filter(**{source.vector: tsquery(query)}).order_by()
        sql, params = matching.values("pk").query.sql_with_params()

        def probe() -> list[int] | str:
            found = list(matching.values_list("pk", flat=True)[: FEW + 1])
            return found if len(found) <= FEW else "many"

        few = cached("search:few:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest(), probe)
        if few == "many":
            return matching.order_by(*source.prior).values("pk")[:cap]
        return base.filter(pk__in=few).order_by(*source.prior).values("pk")[:cap] if few else None

    def rank(self, sources: list[Source], *, offset: int, limit: int) -> tuple[list[Hit], int]:
        """One page of the ranked results of every source together, and how many there are in all."""
        n = len(self.terms.concepts)
        selects, params = [], []
        for source in sources:
            try:
                sql, part_params = self._candidates(source).query.sql_with_params()
            except EmptyResultSet:  # a source with no rows at all (an ICS with no gaps)
                continue
            selects.append(f"(SELECT %s::text AS kind, u.* FROM ({sql}) AS u)")  # noqa: S608 (Django's SQL, its params)
            params += [source.kind, *part_params]
        if not selects:
            return [], 0
        matched = " + ".join(f"u.c{j}" for j in range(n)) or "0"
        weight = " + ".join(f"u.c{j} + 2 * u.h{j}" for j in range(n)) or "0"
        headline = " + ".join(f"u.h{j}" for j in range(n)) or "0"
        near = [(s.kind, pk, score) for s in sources for pk, score in self.nearest(s.model, s.among)]
        near.sort(key=lambda row: -row[2])
        # Only column names made here and Django's own SQL are formatted in; every value is a parameter.
        sql = f"""
        WITH cand AS MATERIALIZED (
            SELECT u.kind, u.rid, {matched} AS matched, {weight} AS weight, {headline} AS headline,
                   u.trust, u.pop, u.sorttitle, near.similarity, near.position
            FROM ({" UNION ".join(selects)}) AS u
            LEFT JOIN unnest(%s::text[], %s::bigint[], %s::float8[], %s::int[])
                AS near(kind, rid, similarity, position) ON near.kind = u.kind AND near.rid = u.rid
        ), lexical AS (
            SELECT matched, weight,
                   1 + coalesce(sum(count(*)) OVER (ORDER BY matched DESC, weight DESC
                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS position
            FROM cand WHERE matched > 0 GROUP BY matched, weight
        ), scored AS (
            SELECT cand.kind, cand.rid, cand.trust, cand.pop, cand.sorttitle, cand.similarity,
                   greatest(
                       CASE WHEN cand.matched = %s AND cand.headline = %s THEN 3
                            WHEN cand.matched = %s THEN 2
                            WHEN cand.matched > 0 AND 2 * cand.matched >= %s THEN 1
                            ELSE 0 END,
                       CASE WHEN cand.similarity >= %s THEN 2 WHEN cand.similarity >= %s THEN 1 ELSE 0 END
                   ) AS grade,
                   coalesce(1.0 / (%s + lexical.position), 0) + coalesce(1.0 / (%s + cand.position), 0) AS fused
            FROM cand LEFT JOIN lexical USING (matched, weight)
        )
        SELECT kind, rid, grade, trust, similarity, count(*) OVER () AS total
        FROM scored
        ORDER BY grade DESC, trust DESC, fused DESC, pop DESC, sorttitle, kind, rid
        LIMIT %s OFFSET %s
        """  # noqa: S608
        params += [
            [k for k, _, _ in near],
            [pk for _, pk, _ in near],
            [score for _, _, score in near],
            list(range(1, len(near) + 1)),
            n or -1,
            n or -1,
            n or -1,
            n or 1,
            STRONG,
            FAIR,
            RRF_K,
            RRF_K,
            limit,
            offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return [], 0
        hits = [Hit(kind, pk, grade, trust, similarity) for kind, pk, grade, trust, similarity, _ in rows]
        return hits, rows[0][-1]

    def ranked_ids(self, source: Source) -> list[int]:
        """Every ranked record of one source, in order (exports list the ranked ones first)."""
        hits, _ = self.rank([source], offset=0, limit=CAP + CAP_PARTIAL * len(self.terms.concepts) + NEIGHBOURS)
        return [hit.pk for hit in hits]

    # Saying why --------------------------------------------------------------------------------

    def with_reasons(self, queryset: QuerySet, vector: str = "search_vector") -> QuerySet:
        """The queryset with, for each concept, which of its alternatives the row matched (or null)."""
        annotations = {}
        for j, concept in enumerate(self.terms.concepts):
            whens = [
                When(Q(**{vector: tsquery(alternative.operand())}), then=Value(k))
                for k, alternative in enumerate(concept.alternatives)
            ]
            annotations[f"why_{j}"] = Case(*whens, default=None)
        return queryset.annotate(**annotations) if annotations else queryset

    def reasons(self, row: Model, hit: Hit | None) -> list[Reason]:
        """Why the row (from `with_reasons`) was found, in words."""
        found = []
        for j, concept in enumerate(self.terms.concepts):
            k = getattr(row, f"why_{j}", None)
            if k is None:
                continue
            alternative: Alternative = concept.alternatives[k]
            found.append(Reason(concept.typed, alternative.how, alternative.label))
        if not found and hit is not None and hit.similarity is not None:
            found.append(Reason(self.text, "meaning"))
        return found


def describe(reason: Reason) -> str:
    """A reason as plain words (the templates say the same with emphasis)."""
    if reason.how == "meaning":
        return "similar in meaning"
    if reason.how in (SYNONYM, NEAR, SPELLING):
        return f"matched {reason.typed} as {reason.label}"
    if reason.how == PREFIX:
        return f"matched {reason.typed} as the start of a word"
    return f"matched {reason.typed}"

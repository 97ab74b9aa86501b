"""The list-page machine: what every paginated, filtered listing shares."""

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from .page_cache import cached
from .search.highlight import highlighted_text
from .search.ranking import Hit, Search, Source

# A search that finds more than this is too broad to count exactly or to count by facet: the page
# says "more than" and asks for another word or a filter, and no request scans a common word's
# matches at any catalogue size.
BROAD_SEARCH = 10_000
# Pages reach this far into a listing (OFFSET stays cheap); past it, narrow the search or re-sort.
PAGED_RESULTS = 10_000


def group_counts(queryset: QuerySet, field: str) -> dict:
    """How many rows hold each value of a field: one GROUP BY."""
    rows = queryset.order_by().values_list(field).annotate(n=Count("pk"))
    return dict(rows.values_list(field, "n"))


class CountedPaginator(Paginator):
    """A paginator told its count, so that a cached count spares the database."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def nearest_page(paginator: Paginator, number: str | None) -> Page:
    """The requested page, or the nearest one that exists: never an error for an odd number."""
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    return paginator.page(min(max(wanted, 1), paginator.num_pages))


def query_string(request: HttpRequest, **changes: str) -> str:
    """The request's query string without its page number, with some values changed."""
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


class ListingFilterSet(django_filters.FilterSet):
    """The machine behind every searchable listing: a search box (`q`, read once per request into a
    Search), a count beside every option of every facet (with every filter applied but the facet's
    own), and a result count, the counts cached in the shared cache. Subclasses declare their
    filters, list their FACETS, name their cache, count one facet over a queryset in `count_facet`,
    and say where a search looks in `sources` (ranking.py ranks them together)."""

    FACETS: list[str] = []
    cache_name = ""
    # Each listing's form class, built once (see get_form_class).
    _form_classes: ClassVar[dict[type, type]] = {}

    def get_form_class(self) -> type:
        """django-filter builds a new form class, field by field, for every filterset it makes. A
        listing's fields are the same on every request (their choices and querysets are declared on
        the class; each form copies its fields when made), so each listing builds its class once."""
        form_class = self._form_classes.get(type(self))
        if form_class is None:
            form_class = self._form_classes[type(self)] = super().get_form_class()
        return form_class

    @cached_property
    def search(self) -> Search | None:
        self.is_valid()
        text = self.form.cleaned_data.get("q") or ""
        search = Search(text) if text.strip() else None
        return search if search else None

    def filter_search(self, qs: Any, name: str, value: str) -> QuerySet:
        return qs.filter(self.search.matches(qs.model)) if self.search else qs

    def filter_queryset_except(self, queryset: QuerySet, *names: str) -> QuerySet:
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def sources(self, queryset: QuerySet) -> list[Source]:
        """Where a search of this listing looks, given its filtered rows."""
        raise NotImplementedError

    def search_sources(self) -> list[Source]:
        return self.sources(self.filter_queryset_except(self.queryset, "q", "sort"))

    def canonical(self, *without: str) -> str:
        """A stable key for the cleaned filters less the named ones, the same in every process."""
        data = {}
        for name, value in sorted(self.form.cleaned_data.items()):
            if name in without or name == "sort" or value in (None, "", [], False):
                continue
            if hasattr(value, "__iter__") and not isinstance(value, str):
                value = sorted(getattr(v, "slug", v) for v in value)
            data[name] = getattr(value, "slug", value)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def count_facet(self, name: str, queryset: QuerySet) -> dict:
        raise NotImplementedError

    def facet_counts(self, base: QuerySet) -> dict[str, dict]:
        """For every facet, the count of each option given all the other filters."""
        return {name: self.cached_facet(name, base) for name in self.FACETS}

    def cached_facet(self, name: str, base: QuerySet) -> dict:
        return cached(
            f"{self.cache_name}:facet:{name}:{self.canonical(name)}",
            lambda: self.count_facet(name, self.filter_queryset_except(base, name, "sort")),
        )

    def others_chosen(self, name: str) -> bool:
        """Whether anything narrows the listing besides this facet's own choice (and the sort)."""
        # An empty choice is None, "", False, [] or an empty queryset (.none(), which costs no query).
        return any(bool(v) for k, v in self.form.cleaned_data.items() if k not in (name, "sort"))

    def result_count(self) -> int:
        """How many records the listing holds: with a search, every source's matches, counted up
        to one more than BROAD_SEARCH (see `too_broad`)."""
        if search := self.search:
            return cached(
                f"{self.cache_name}:found:{self.canonical()}",
                lambda: search.count(self.search_sources(), upto=BROAD_SEARCH + 1),
            )
        return cached(f"{self.cache_name}:count:{self.canonical()}", self.qs.count)

    def too_broad(self, count: int) -> bool:
        return self.search is not None and count > BROAD_SEARCH


class _RankedRows(Sequence):
    """One page of ranked rows standing in for all of them, so that a Paginator can page it."""

    def __init__(self, rows: list, total: int, offset: int) -> None:
        self.rows, self.total, self.offset = rows, total, offset

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return self.rows[max((key.start or 0) - self.offset, 0) : (key.stop or self.total) - self.offset]
        return self.rows[key - self.offset]


def ranked_page(
    request: HttpRequest,
    search: Search,
    sources: list[Source],
    *,
    per_page: int,
    rows: dict[type[Model], Callable[[QuerySet], QuerySet]] | None = None,
) -> Page:
    """One page of a search's ranked results across its sources, each row with its hit (grade,
    similarity), why it was found (`reasons`) and its summary with the matching words marked."""
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except (TypeError, ValueError):
        number = 1
    hits, total = search.rank(sources, offset=(number - 1) * per_page, limit=per_page)
    if not hits and number > 1:  # past the end: the last page, as for any listing
        _, total = search.rank(sources, offset=0, limit=1)
        number = max((total + per_page - 1) // per_page, 1)
        hits, total = search.rank(sources, offset=(number - 1) * per_page, limit=per_page)
    items = fetch_hits(search, sources, hits, rows or {})
    paginator = Paginator(_RankedRows(items, total, (number - 1) * per_page), per_page)
    return paginator.page(number)


def fetch_hits(
    search: Search,
    sources: list[Source],
    hits: list[Hit],
    rows: dict[type[Model], Callable[[QuerySet], QuerySet]],
) -> list[Any]:
    """The records behind a page of hits, in order: one query per kind of record, one more for highlights."""
    found: dict[tuple[str, int], Any] = {}
    for source in sources:
        pks = [hit.pk for hit in hits if hit.kind == source.kind]
        if not pks:
            continue
        queryset = rows.get(source.model, lambda qs: qs)(source.model._default_manager.filter(pk__in=pks))
        records = {record.pk: record for record in search.with_reasons(queryset, source.vector)}
        marked = highlighted_text(source.model, "summary", pks, search.terms)
        for pk, record in records.items():
            record.kind = source.model._meta.model_name
            record.highlighted_summary = marked.get(pk)
            found[(source.kind, pk)] = record
    items = []
    for hit in hits:
        record = found.get((hit.kind, hit.pk))
        if record is not None:
            record.hit = hit
            record.reasons = search.reasons(record, hit)
            items.append(record)
    return items


def list_page(
    request: HttpRequest,
    filterset: ListingFilterSet,
    *,
    order: list[str],
    per_page: int,
    rows: Callable[[Any], QuerySet] = lambda page: page,
    ranked: bool = False,
) -> dict:
    """One page of a filtered listing, ready for its template: the facets labelled with their
    counts, the page's rows (ranked by relevance when `ranked`, each then saying why it was found,
    its summary marked), the page range."""
    base = filterset.queryset
    count = filterset.result_count()
    too_broad = filterset.too_broad(count)
    kept_choices(filterset)
    if not too_broad:  # a common word's matches are not counted by facet
        label_with_counts(filterset.form, filterset.facet_counts(base))
    search = filterset.search
    if ranked and search:
        page = ranked_page(request, search, filterset.search_sources(), per_page=per_page, rows={base.model: rows})
        items: list[Any] = list(page.object_list)
    else:
        paginator = CountedPaginator(filterset.qs.order_by(*order), per_page, count=min(count, PAGED_RESULTS))
        page = nearest_page(paginator, request.GET.get("page"))
        items = list(rows(page.object_list))
        marked = highlighted_text(base.model, "summary", [i.pk for i in items], search.terms) if search else {}
        for item in items:
            item.highlighted_summary = marked.get(item.pk)
    return {
        "filter": filterset,
        "page": page,
        "rows": items,
        "count": count,
        "too_broad": too_broad,
        "broad_search": BROAD_SEARCH,
        # How many of the results the pages reach: the ranked ones of a search, or the first PAGED_RESULTS.
        "ranked_count": page.paginator.count if ranked and search else count,
        "paged_count": page.paginator.count,
        "query_string": query_string(request),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


def kept_choices(filterset: ListingFilterSet) -> None:
    """Give each filter drawn from a table (networks, programmes, regions, ICBs) its options as a
    list of (slug, name), all kept under one key of the shared cache and retired with everything
    public: otherwise every page would query each table and make a model instance of every row."""
    form = filterset.form
    tables = {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField) and field.to_field_name == "slug" and field.queryset is not None
    }
    if not tables:
        return
    kept = cached(f"{filterset.cache_name}:choices", partial(_slugs_and_names, tables))
    for name, field in tables.items():
        rows = kept[name]
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        # The widget's options only: validation still looks each chosen slug up in the queryset.
        field.widget.choices = rows if multiple or field.empty_label is None else [("", field.empty_label), *rows]


def _slugs_and_names(fields: dict[str, forms.ModelChoiceField]) -> dict[str, list[tuple[str, str]]]:
    return {name: [(row.slug, str(row)) for row in field.queryset or []] for name, field in fields.items()}


def label_with_counts(form: forms.Form, counts: dict[str, dict]) -> None:
    """Put each option's count into its label, so that the form shows it beside the option (the
    options of a table's filter are (slug, name) lists by now: see kept_choices)."""
    for name, facet in counts.items():
        field: Any = form.fields[name]
        if getattr(field.widget, "choices", None) is not None:
            field.widget.choices = [
                (value, f"{label} ({facet.get(value, 0):,})" if value != "" else label)
                for value, label in field.widget.choices
            ]
        else:
            # The form made its bound fields while validating, so label the bound field.
            form[name].label = f"{field.label} ({facet.get(True, 0):,})"

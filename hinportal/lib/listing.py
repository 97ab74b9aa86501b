"""The list-page machine: what every paginated, filtered listing shares."""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

import django_filters
from django import forms
from django.contrib.postgres.search import CombinedSearchQuery, SearchQuery
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from .query import build_query, highlighted_text

COUNT_CACHE_SECONDS = 300
T = TypeVar("T")


def cached(key: str, compute: Callable[[], T], seconds: int = COUNT_CACHE_SECONDS) -> T:
    """A value from the shared cache, computed and stored when missing (for counts off the request path)."""
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


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
    """The machine behind every searchable listing: a search box (`q`, read once per request), a
    count beside every option of every facet (with every filter applied but the facet's own), and
    a result count, the counts cached in the shared cache. Subclasses declare their filters, list
    their FACETS, name their cache and count one facet over a queryset in `count_facet`."""

    FACETS: list[str] = []
    cache_name = ""

    @cached_property
    def search_query(self) -> SearchQuery | CombinedSearchQuery | None:
        self.is_valid()
        return build_query(self.form.cleaned_data.get("q") or "")

    def filter_search(self, qs: Any, name: str, value: str) -> QuerySet:
        return qs.search(self.search_query) if self.search_query else qs

    def filter_queryset_except(self, queryset: QuerySet, *names: str) -> QuerySet:
        for name, value in self.form.cleaned_data.items():
            if name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

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
        return {
            name: cached(
                f"{self.cache_name}:facet:{name}:{self.canonical(name)}",
                lambda name=name: self.count_facet(  # type: ignore[misc]
                    name, self.filter_queryset_except(base, name, "sort")
                ),
            )
            for name in self.FACETS
        }

    def result_count(self) -> int:
        return cached(f"{self.cache_name}:count:{self.canonical()}", self.qs.count)


def list_page(
    request: HttpRequest,
    filterset: ListingFilterSet,
    *,
    order: list[str],
    per_page: int,
    rows: Callable[[Any], QuerySet] = lambda page: page,
    highlight: str = "summary",
) -> dict:
    """One page of a filtered listing, ready for its template: the facets labelled with their
    counts, the page's rows (each with its highlighted text when searched), the page range."""
    base = filterset.queryset
    label_with_counts(filterset.form, filterset.facet_counts(base))
    paginator = CountedPaginator(filterset.qs.order_by(*order), per_page, count=filterset.result_count())
    page = nearest_page(paginator, request.GET.get("page"))
    items: list[Any] = list(rows(page.object_list))
    query = filterset.search_query
    highlights = highlighted_text(base.model, highlight, [item.pk for item in items], query) if query and items else {}
    for item in items:
        item.highlighted_summary = highlights.get(item.pk)
    return {
        "filter": filterset,
        "page": page,
        "rows": items,
        "count": paginator.count,
        "query_string": query_string(request),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


def label_with_counts(form: forms.Form, counts: dict[str, dict]) -> None:
    """Put each option's count into its label, so that the form shows it beside the option."""
    for name, facet in counts.items():
        field: Any = form.fields[name]
        if hasattr(field, "queryset"):
            field.label_from_instance = lambda obj, facet=facet: f"{obj} ({facet.get(obj.slug, 0):,})"
        elif getattr(field, "choices", None) is not None and not isinstance(field.widget, forms.CheckboxInput):
            field.choices = [(value, f"{label} ({facet.get(value, 0):,})") for value, label in field.choices]
        else:
            # The form made its bound fields while validating, so label the bound field.
            form[name].label = f"{field.label} ({facet.get(True, 0):,})"

"""Helpers that every paginated, filtered listing shares."""

from collections.abc import Callable

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest

COUNT_CACHE_SECONDS = 300


def cached(key: str, compute: Callable[[], object], seconds: int = COUNT_CACHE_SECONDS) -> object:
    """A value from the shared cache, computed and stored when missing (for counts off the request path)."""
    value = cache.get(key)
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

"""Sitemaps of many records by slug, quick to build at any size.

Django's Sitemap loads each record as a model instance, reverses its address one by one and, for
the index's lastmod, loads every record again to take the latest. It pages with COUNT(*) and
OFFSET, so every file counts the whole table and the last file reads every row before it. A file
of 10,000 innovations took 1.4-1.6 s to build that way, cold, and the tenth file's OFFSET alone
0.2 s at 100,100 innovations (README, "Sitemaps, and the proven count"). `SlugSitemap`:
- reads (slug, updated_at) pairs and makes every address in a file from one reverse() of the
  detail view;
- pages by ranges of ids (`IdRangePaginator`), each file read from the primary key's index at its
  own range, and the number of files known from the index's two ends;
- asks the database for the latest change, not every record.
Every section's files are written out by `URLSET` rather than by Django's template, whose loop over
10,000 addresses took most of what was left.
"""

from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

# Stands for a slug in the detail view's address; slugs are lower case, so it is never one.
SLUG = "SLUG"


class IdRangePaginator(Paginator):
    """Pages of the records whose ids fall in consecutive ranges `per_page` ids wide, from the
    lowest id in the table to the highest. A page holds at most `per_page` records, fewer where ids
    belong to records not listed (drafts, deleted ones); one whose whole range lists none is
    empty. Each costs the same, the last as the first, and none counts the table."""

    def __init__(self, records: QuerySet, per_page: int) -> None:
        super().__init__(records, per_page)
        self.records = records

    @cached_property
    def _ends(self) -> tuple[int, int] | None:
        # Every row of the table, listed or not: the two ends of its primary key's index.
        ends = self.records.model._default_manager.aggregate(first=Min("pk"), last=Max("pk"))
        return None if ends["first"] is None else (ends["first"], ends["last"])

    @cached_property
    def num_pages(self) -> int:
        if self._ends is None:
            return 1
        first, last = self._ends
        return (last - first) // self.per_page + 1

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        low = (self._ends[0] if self._ends else 0) + (number - 1) * self.per_page
        return Page(self.records.filter(pk__gte=low, pk__lt=low + self.per_page), number, self)


class SlugSitemap(Sitemap):
    """The records `records()` returns, each at the detail view `viewname` (which takes the slug),
    last changed at its `updated_at`."""

    viewname: str

    def records(self) -> QuerySet:
        raise NotImplementedError

    def items(self) -> QuerySet:
        return self.records().order_by("pk").values_list("slug", "updated_at")

    @property
    def paginator(self) -> Paginator:
        return IdRangePaginator(self.items(), self.limit)

    @cached_property
    def _around_slug(self) -> tuple[str, str]:
        # Reversed once per request, as the script prefix a deployment serves under may change.
        before, _, after = reverse(self.viewname, args=[SLUG]).rpartition(SLUG)
        return before, after

    def location(self, item: tuple) -> str:
        before, after = self._around_slug
        return f"{before}{item[0]}{after}"

    def lastmod(self, item: tuple) -> datetime:
        return item[1]

    def get_latest_lastmod(self) -> datetime | None:
        # The index asks for it: one aggregate, not every record loaded again to take the latest.
        return self.records().aggregate(latest=Max("updated_at"))["latest"]


class Urlset:
    """A sitemap file (the protocol's urlset) as Django's sitemap.xml template writes it, for the
    sitemap view's TemplateResponse, which takes any object with a template's render(): location,
    lastmod as the day it falls on here, changefreq and priority where a section gives them. No
    section here has language alternates (Sitemap.i18n), so they are not written."""

    def render(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        here = timezone.get_current_timezone()
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for url in (context or {}).get("urlset", []):
            entry = f"<url><loc>{escape(url['location'])}</loc>"
            if url.get("lastmod"):
                entry += f"<lastmod>{_day(url['lastmod'], here)}</lastmod>"
            if url.get("changefreq"):
                entry += f"<changefreq>{escape(url['changefreq'])}</changefreq>"
            if url.get("priority"):
                entry += f"<priority>{escape(url['priority'])}</priority>"
            lines.append(entry + "</url>")
        lines.append("</urlset>\n")
        return "\n".join(lines)


def _day(moment: date, here: tzinfo) -> str:
    """The day, in the portal's time zone, as the template's date:"Y-m-d" gives it."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = moment.astimezone(here)
    return moment.strftime("%Y-%m-%d")


URLSET = Urlset()

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import QuerySet

from hinportal.lib.sitemaps import SlugSitemap

from .models import FacetCount, Innovation, Programme

# Files of at most this many addresses (the protocol allows 50,000): the index lists them all, and
# each is quick to build and small to fetch however large the catalogue grows.
URLS_PER_FILE = 10_000


class KeptCountPaginator(Paginator):
    """The published innovations in pages, counted from the kept facet counts rather than by a
    COUNT(*) over the catalogue, which the index (for its number of files) and every file (to check
    its page number) would otherwise ask, and which grows with the catalogue."""

    @cached_property
    def count(self) -> int:
        return FacetCount.objects.published_innovations()


class InnovationSitemap(SlugSitemap):
    changefreq = "weekly"
    limit = URLS_PER_FILE
    viewname = "innovations:detail"

    def records(self) -> QuerySet:
        # The latest change among them is the first entry of the innovation_latest_change index.
        return Innovation.objects.published()

    @property
    def paginator(self) -> Paginator:
        return KeptCountPaginator(self._items(), self.limit)


class ProgrammeSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Programme.objects.published().only("slug").order_by("pk")


SITEMAPS = {"innovations": InnovationSitemap, "programmes": ProgrammeSitemap}

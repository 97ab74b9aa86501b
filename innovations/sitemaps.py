from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet

from .models import Innovation, Programme

# Files of at most this many addresses (the protocol allows 50,000): the index lists them all, and
# each is quick to build and small to fetch however large the catalogue grows.
URLS_PER_FILE = 10_000


class InnovationSitemap(Sitemap):
    changefreq = "weekly"
    limit = URLS_PER_FILE

    def items(self) -> QuerySet:
        return Innovation.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Innovation):
        return item.updated_at

    def get_latest_lastmod(self):
        # The index asks for it: one aggregate, not every record loaded to take the latest.
        return Innovation.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ProgrammeSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Programme.objects.published().only("slug").order_by("pk")


SITEMAPS = {"innovations": InnovationSitemap, "programmes": ProgrammeSitemap}

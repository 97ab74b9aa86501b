from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from hinportal.lib.sitemaps import SlugSitemap

from .models import Innovation, Programme

# Files of at most this many addresses (the protocol allows 50,000), one for each range of this many
# ids: the index lists them all, and each is quick to build and small to fetch however large the
# catalogue grows.
URLS_PER_FILE = 10_000


class InnovationSitemap(SlugSitemap):
    changefreq = "weekly"
    limit = URLS_PER_FILE
    viewname = "innovations:detail"

    def records(self) -> QuerySet:
        # Their latest change is read from the newest end of the innovation_latest_change index.
        return Innovation.objects.published()


class ProgrammeSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Programme.objects.published().only("slug").order_by("pk")


SITEMAPS = {"innovations": InnovationSitemap, "programmes": ProgrammeSitemap}

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import Innovation, Programme


class InnovationSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet:
        return Innovation.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Innovation):
        return item.updated_at


class ProgrammeSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Programme.objects.published().only("slug").order_by("pk")


SITEMAPS = {"innovations": InnovationSitemap, "programmes": ProgrammeSitemap}

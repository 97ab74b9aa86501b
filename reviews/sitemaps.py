from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import Publication


class PublicationSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Publication.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Publication):
        return item.updated_at


SITEMAPS = {"publications": PublicationSitemap}

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import IntegratedCareBoard, Network


class NetworkSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Network.objects.order_by("pk")


class IcbSitemap(Sitemap):
    def items(self) -> QuerySet:
        return IntegratedCareBoard.objects.current().order_by("pk")


SITEMAPS = {"networks": NetworkSitemap, "icss": IcbSitemap}

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from innovations.models import Innovation, Programme
from networks.models import IntegratedCareBoard, Network
from reviews.models import Publication


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "networks:home",
            "innovations:list",
            "innovations:programme_list",
            "networks:network_list",
            "networks:icb_list",
            "reviews:list",
            "networks:open_data",
            "accessibility",
            "privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class NetworkSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Network.objects.order_by("pk")


class IcbSitemap(Sitemap):
    def items(self) -> QuerySet:
        return IntegratedCareBoard.objects.current().order_by("pk")


class InnovationSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet:
        return Innovation.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Innovation):
        return item.updated_at


class ProgrammeSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Programme.objects.published().only("slug").order_by("pk")


class PublicationSitemap(Sitemap):
    def items(self) -> QuerySet:
        return Publication.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Publication):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "networks": NetworkSitemap,
    "icss": IcbSitemap,
    "innovations": InnovationSitemap,
    "programmes": ProgrammeSitemap,
    "publications": PublicationSitemap,
}

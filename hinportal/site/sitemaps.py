"""The sitemap index: the site-wide pages here, and each app's own sitemaps."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from innovations.sitemaps import SITEMAPS as INNOVATION_SITEMAPS
from networks.sitemaps import SITEMAPS as NETWORK_SITEMAPS
from reviews.sitemaps import SITEMAPS as REVIEW_SITEMAPS


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "innovations:list",
            "innovations:programme_list",
            "networks:network_list",
            "networks:icb_list",
            "reviews:list",
            "open_data",
            "accessibility",
            "privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PagesSitemap, **NETWORK_SITEMAPS, **INNOVATION_SITEMAPS, **REVIEW_SITEMAPS}

from collections.abc import Callable

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_control, cache_page
from django.views.generic import TemplateView

from hinportal.lib.sitemaps import URLSET

from . import open_data, views
from .health import health
from .sitemaps import SITEMAPS

# The sitemap is built from every published record: kept for an hour in the shared cache, and
# public, so that the page cache keeps it compressed too (GZipMiddleware would otherwise compress a
# file of 10,000 addresses on every request) and a CDN may keep it.
SITEMAP_SECONDS = 3600


def _sitemap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return cache_control(public=True)(cache_page(SITEMAP_SECONDS)(view))


urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("health/", health, name="health"),
    path(
        "sitemap.xml",
        _sitemap(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        _sitemap(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": URLSET},
        name="sitemap_section",
    ),
    path("open-data/", open_data.page, name="open_data"),
    path("open-data/<slug:dataset>.csv", open_data.download, name="open_data_csv"),
    path("contact/", views.contact, name="contact"),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
]

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView

from . import views
from .sitemaps import SITEMAPS

SITEMAP_INDEX = cache_page(3600)(sitemap_views.index)
SITEMAP_SECTION = cache_page(3600)(sitemap_views.sitemap)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("search/", views.search, name="search"),
    path("account/", include("hinportal.account_urls")),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("", include("innovations.urls")),
    path("", include("reviews.urls")),
    path("", include("networks.urls")),
]

handler500 = "hinportal.views.server_error"

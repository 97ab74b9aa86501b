"""The project's URLs: the admin, and one include per app; the site-wide pages come first."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("hinportal.account_urls")),
    path("", include("hinportal.site.urls")),
    path("", include("innovations.urls")),
    path("", include("reviews.urls")),
    path("", include("networks.urls")),
]

handler500 = "hinportal.lib.outage.server_error"

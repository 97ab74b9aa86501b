from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HinportalConfig(AppConfig):
    name = "hinportal"
    verbose_name = "HIN Portal"
    default = True

    def ready(self) -> None:
        # Connect the counter of failed sign-ins and the clock of signed-in sessions.
        from . import forms, middleware  # noqa: F401


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with the portal's own site: a landing page for each network's staff."""

    default = False
    default_site = "hinportal.admin.PortalAdminSite"

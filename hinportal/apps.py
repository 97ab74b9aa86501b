from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class HinportalConfig(AppConfig):
    name = "hinportal"
    verbose_name = "HIN Portal"
    default = True

    def ready(self) -> None:
        # Connect the counter of failed sign-ins and the clock of signed-in sessions.
        from . import checks  # noqa: F401
        from .lib import accounts, middleware  # noqa: F401

        post_migrate.connect(_ensure_roles, dispatch_uid="hinportal.ensure_roles")
        # Writes to what the public sees retire the cached public pages and counts.
        from .lib.page_cache import connect_signals

        connect_signals()


def _ensure_roles(sender: AppConfig, **kwargs) -> None:
    """Once every app's own post_migrate work (content types, permissions) is done."""
    from .lib.access import ensure_roles

    if sender is list(apps.get_app_configs())[-1]:
        ensure_roles()


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with the portal's own site: a landing page for each network's staff."""

    default = False
    default_site = "hinportal.site.admin.PortalAdminSite"

"""The staff admin site: its sign-in (limited per address) and each network's landing page."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from hinportal.lib.access import is_national_admin, is_network_staff, staff_network_id
from hinportal.lib.accounts import StaffAuthenticationForm

from .dashboard import dashboard


class PortalAdminSite(admin.AdminSite):
    site_header = "HIN Portal staff"
    site_title = "HIN Portal staff"
    index_title = "Your network's records"
    index_template = "admin/portal_index.html"
    login_form = StaffAuthenticationForm

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        form = getattr(response, "context_data", {}).get("form")
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff screens need the second factor as well as the password (hinportal.lib.second_factor)."""
        user = request.user
        return super().has_permission(request) and bool(getattr(user, "is_verified", lambda: False)())

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        user = request.user
        if is_network_staff(user) and not staff_network_id(user) and not is_national_admin(user):
            messages.warning(
                request,
                "Your account is not tied to a network, so there are no records here for you to work on. "
                "Ask a national administrator to add your network to your account.",
            )
        return super().index(request, {**(extra_context or {}), **dashboard(user)})

"""Signing in and resetting a password: the portal's words, and limits on guessing and on reset mail.

django-axes locks a username and address pair after five failures; here an address that fails
too often across usernames is held back too, and password-reset mail is limited per address (a
clear refusal) and per email address (silently). Counts live in the shared cache (throttle.py).
"""

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .access import client_ip
from .forms import NhsukForm
from .throttle import count, exceeded

SIGN_IN_WINDOW = 15 * 60
RESET_WINDOW = 3600


def _failures_key(request: HttpRequest | None) -> str:
    return f"sign-in-failures:{client_ip(request) if request else None}"


def count_sign_in_failure(request: HttpRequest | None) -> None:
    """One more failed sign-in from this address, whatever username it tried."""
    count(_failures_key(request), seconds=SIGN_IN_WINDOW)


@receiver(user_login_failed, dispatch_uid="hinportal.count_sign_in_failure")
def _on_sign_in_failure(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    count_sign_in_failure(request)


def address_throttled(request: HttpRequest | None) -> bool:
    """Whether this address has failed to sign in too often lately, across all usernames
    (django-axes locks a username and address pair after five; this stops one address trying many)."""
    return exceeded(_failures_key(request), limit=settings.SIGN_IN_FAILURES_PER_ADDRESS, seconds=SIGN_IN_WINDOW)


class ThrottledSignIn(AuthenticationForm):
    """Refuses to check any password from an address that has failed too often lately."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        if address_throttled(self.request):
            self.throttled = True
            raise forms.ValidationError(
                "Too many failed sign-ins have come from your network address. Wait 15 minutes and try "
                "again, or ask your network's portal administrator.",
                code="throttled",
            )
        return super().clean()


class NhsAuthenticationForm(NhsukForm, ThrottledSignIn):
    """Django's sign-in form with the portal's words (and no autofocus)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active: ask your network's portal administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class StaffAuthenticationForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in form, refusing addresses that have failed too often."""


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = NhsAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response


class NhsPasswordResetForm(NhsukForm, PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "Enter your email address"


class NhsSetPasswordForm(NhsukForm, SetPasswordForm):
    """Choosing a new password, with the portal's wording."""


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with limits: per address (a clear refusal) and per email address
    (the same "sent" page, so that nobody learns whether an account exists or fills its inbox)."""

    form_class = NhsPasswordResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        requests_from_address = count(f"reset-address:{client_ip(self.request)}", seconds=RESET_WINDOW)
        if requests_from_address > settings.PASSWORD_RESETS_PER_ADDRESS:
            form.add_error(
                None, "Too many password reset requests have come from your network address. Try again in an hour."
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()
        if count(f"reset-email:{email}", seconds=RESET_WINDOW) > settings.PASSWORD_RESETS_PER_EMAIL:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)

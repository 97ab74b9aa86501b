from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .access import client_ip
from .throttle import count, exceeded

SIGN_IN_WINDOW = 15 * 60


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search HIN Portal",
        help_text="Innovations, programmes, publications, networks and integrated care systems. "
        "For example asthma, Hewitt or an ODS code such as QOP.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Search for 200 characters or fewer (you entered %(show_value)d)."},
    )

    def clean_q(self) -> str:
        # Collapse runs of whitespace so that a pasted query matches as typed.
        return " ".join(self.cleaned_data["q"].split())


def _failures_key(request: HttpRequest | None) -> str:
    return f"sign-in-failures:{client_ip(request) if request else None}"


def count_sign_in_failure(request: HttpRequest | None) -> None:
    """One more failed sign-in from this address, whatever username it tried."""
    count(_failures_key(request), seconds=SIGN_IN_WINDOW)


@receiver(user_login_failed, dispatch_uid="hinportal.count_sign_in_failure")
def _on_sign_in_failure(sender, request: HttpRequest | None = None, **kwargs) -> None:
    count_sign_in_failure(request)


def address_throttled(request: HttpRequest | None) -> bool:
    """Whether this address has failed to sign in too often lately, across all usernames
    (django-axes locks a username and address pair after five; this stops one address trying many)."""
    return exceeded(_failures_key(request), limit=settings.SIGN_IN_FAILURES_PER_ADDRESS, seconds=SIGN_IN_WINDOW)


class ThrottledSignIn:
    """Refuses to check any password from an address that has failed too often lately."""

    throttled = False

    def clean(self) -> dict:
        if address_throttled(self.request):
            self.throttled = True
            raise forms.ValidationError(
                "Too many failed sign-ins have come from your network address. Wait 15 minutes and try "
                "again, or ask your network's portal administrator.",
                code="throttled",
            )
        return super().clean()


class NhsAuthenticationForm(ThrottledSignIn, AuthenticationForm):
    """Django's sign-in form with the portal's words."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active: ask your network's portal administrator.",
    }


class StaffAuthenticationForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in form, refusing addresses that have failed too often."""

"""A second factor for every staff account: a code from an authenticator app (TOTP), or one of ten
single-use recovery codes, after the password (django-otp keeps the devices and checks the codes).

After a wrong code django-otp refuses any code for a moment (1 second, doubling with each further
wrong code). A staff account signed in with its password alone can do nothing but set up its app, enter a code or
sign out: `staff_second_factor` sends every other request to the code page. A wrong code counts as a
failed sign-in (django-axes and the per-address limit in accounts.py), so five wrong codes lock the
username and address pair as five wrong passwords do, and the person is signed out. A national
administrator can reset a colleague's second factor in the staff screens (hinportal.site.admin); the
colleague sets up a new app at their next sign-in.
"""

from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import NhsukForm
from .middleware import Handler
from .navigation import safe_next

RECOVERY_CODES = 10
# What a half-signed-in staff account may still reach (besides these pages): signing out and files.
OPEN_PREFIXES = ("/account/two-factor/", "/account/sign-out/", "/health/")


def required(user: Any) -> bool:
    """Whether this person must show a second factor before they may do anything as themselves."""
    return bool(user.is_authenticated and user.is_staff)


def has_app(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def staff_second_factor(get_response: Handler) -> Handler:
    """Send a staff account that has given only its password to the second-factor page."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if required(user) and not user.is_verified():  # type: ignore[union-attr]
            path = request.path
            if not path.startswith((*OPEN_PREFIXES, settings.STATIC_URL)):
                url = reverse("account:two_factor")
                if request.method == "GET":
                    url += "?" + _next_query(request.get_full_path())
                return HttpResponseRedirect(url)
        return get_response(request)

    return middleware


def _next_query(path: str) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query["next"] = path
    return query.urlencode()


def _next(request: HttpRequest) -> str:
    return safe_next(request) or reverse("admin:index")


def _credentials(user: Any) -> dict[str, str]:
    return {"username": user.get_username()}


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


def _signed_in(request: HttpRequest, device: Any) -> None:
    """Mark the session as verified by this device, under a new session key."""
    request.session.cycle_key()
    otp_login(request, device)


class CodeForm(NhsukForm, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}),
        error_messages={"required": "Enter the security code from your authenticator app"},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class SetUpForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code the app shows for HIN Portal once you have added it."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not required(request.user):
        return redirect("innovations:workspace_home")
    if AxesProxyHandler.is_locked(request, _credentials(request.user)):
        return _locked_out(request)
    return None


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the app (or a recovery code) to finish signing in."""
    if refused := _staff_only(request):
        return refused
    user = request.user
    if not has_app(user):
        return HttpResponseRedirect(reverse("account:two_factor_set_up") + "?" + _next_query(_next(request)))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            _signed_in(request, device)
            return HttpResponseRedirect(_next(request))
        user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
        if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, _credentials(user)):
            return _locked_out(request)
        form.add_error("code", "That code is not right. Wait a few seconds, then enter the code your app shows now")
    status = 400 if form.is_bound else 200
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)}, status=status)


def _new_recovery_codes(user: Any) -> list[str]:
    """Replace the person's recovery codes with ten new ones and return them (shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Recovery codes")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
@sensitive_post_parameters("code")
@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    """Add the portal to an authenticator app, prove it with a code, and receive recovery codes."""
    if refused := _staff_only(request):
        return refused
    user = request.user
    if has_app(user):
        return HttpResponseRedirect(reverse("account:two_factor") + "?" + _next_query(_next(request)))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SetUpForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _new_recovery_codes(user)
            _signed_in(request, device)
            context = {"codes": codes, "next": _next(request), "first_time": True}
            return render(request, "registration/recovery_codes.html", context)
        form.add_error(
            "code", "That code is not right. Check the app shows HIN Portal, wait a few seconds and enter its code"
        )
    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": segno.make(device.config_url, error="m").svg_inline(
            scale=4, border=4, dark="#212b32", light="#ffffff", omitsize=False
        ),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }
    return render(request, "registration/two_factor_set_up.html", context, status=400 if form.is_bound else 200)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left, and a new set on request (the old ones then stop working)."""
    if refused := _staff_only(request):
        return refused
    if request.method == "POST":
        return render(request, "registration/recovery_codes.html", {"codes": _new_recovery_codes(request.user)})
    left = StaticToken.objects.filter(device__user=request.user).count()
    return render(request, "registration/recovery_codes_left.html", {"left": left})


def reset(users: Any) -> int:
    """Remove these people's apps and recovery codes: each sets up a new app at their next sign-in,
    and any session they verified with the old app stops counting as verified. Returns how many
    people had a second factor to remove."""
    with transaction.atomic():
        had = set(TOTPDevice.objects.filter(user__in=users).values_list("user_id", flat=True))
        had |= set(StaticDevice.objects.filter(user__in=users).values_list("user_id", flat=True))
        TOTPDevice.objects.filter(user__in=users).delete()
        StaticDevice.objects.filter(user__in=users).delete()
    return len(had)

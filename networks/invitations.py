"""Inviting people to a network's team: its publishers (or a national administrator) invite staff and
the leads of the ICBs it covers; accepting creates the account, its role and its membership in one
transaction. An invitation works once and for INVITATION_DAYS days; only a hash of its token is kept,
and the acceptance locks the invitation's row, so two acceptances at once make one account."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import login, password_validation
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hinportal.lib.forms import NhsukForm
from hinportal.lib.mail import send_templated

from .models import Invitation, Membership

INVITATION_DAYS = 7


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send(invitation: Invitation) -> str:
    """Give the invitation a new token and a fresh expiry, save it, and email its link; returns the token."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    invitation.save()
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL + reverse("account:invitation", args=[token]),
        "days": INVITATION_DAYS,
    }
    send_templated("invitation", context, [invitation.email])
    return token


class AcceptForm(NhsukForm, forms.Form):
    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        help_text="Letters, digits and @ . + - _ only. You sign in with it.",
        error_messages={"required": "Choose a username"},
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter your last name"})
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, hard to guess: several unrelated words work well.",
        error_messages={"required": "Choose a password"},
    )
    password2 = forms.CharField(
        label="The password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken: choose another")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same")
        elif first:
            user = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=self.invitation.email,
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _refused(request: HttpRequest, reason: str, invitation: Invitation | None = None) -> HttpResponse:
    return render(
        request, "registration/invitation_refused.html", {"reason": reason, "invitation": invitation}, status=410
    )


def _create_account(invitation: Invitation, data: dict[str, Any]) -> User:
    """The account with its role and membership, all at once (the caller holds the transaction)."""
    user = User.objects.create_user(
        username=data["username"],
        email=invitation.email,
        password=data["password1"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        is_staff=invitation.role != Invitation.Role.ICS_LEAD,
    )
    user.groups.add(Group.objects.get(name=invitation.role))
    if invitation.role == Invitation.Role.ICS_LEAD:
        Membership.objects.create(user=user, icb_id=invitation.icb_id)
    else:
        Membership.objects.create(user=user, network_id=invitation.network_id)
    return user


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: choose a username and password, and the account exists."""
    invitation = (
        Invitation.objects.select_related("network", "icb").filter(token_hash=token_hash(token)).first()
        if len(token) < 100
        else None
    )
    if invitation is None:
        return _refused(request, "unknown")
    if invitation.accepted_at:
        return _refused(request, "used", invitation)
    if invitation.is_expired:
        return _refused(request, "expired", invitation)
    form = AcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if locked.accepted_at:
                    return _refused(request, "used", invitation)
                user = _create_account(invitation, form.cleaned_data)
                locked.accepted_at, locked.accepted_by = timezone.now(), user
                locked.save(update_fields=["accepted_at", "accepted_by"])
        except IntegrityError:  # the username was taken a moment ago
            form.add_error("username", "That username is taken: choose another")
        else:
            login(request, user, backend="hinportal.lib.access.PersonBackend")
            return redirect("innovations:workspace_home")
    return render(
        request,
        "registration/invitation.html",
        {"invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )

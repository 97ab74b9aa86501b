"""Signing in and out, and resetting a password, on NHS.UK-styled pages (not the admin's)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from networks import invitations

from .lib import second_factor
from .lib.accounts import NhsSetPasswordForm, PasswordResetView, SignInView

app_name = "account"

urlpatterns = [
    path(
        "sign-in/",
        SignInView.as_view(),
        name="sign_in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign_out"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
    # Staff accounts' second factor (hinportal.lib.second_factor).
    path("two-factor/", second_factor.verify, name="two_factor"),
    path("two-factor/set-up/", second_factor.set_up, name="two_factor_set_up"),
    path("two-factor/recovery-codes/", second_factor.recovery_codes, name="recovery_codes"),
    path(
        "password-reset/",
        PasswordResetView.as_view(
            template_name="registration/password_reset.html",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("account:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_new.html",
            form_class=NhsSetPasswordForm,
            success_url=reverse_lazy("account:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

"""The search's synonyms in the staff admin (any network's staff may edit them, with history), and
staff accounts with their second factor."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.contrib.postgres.forms import SimpleArrayField
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .lib import second_factor
from .lib.access import may_reset_second_factor
from .lib.admin import ScopedAdmin
from .models import Synonym


class LinesField(SimpleArrayField):
    """A list typed one item per line; blank lines and surrounding spaces ignored, repeats once."""

    def to_python(self, value: object) -> list:
        if isinstance(value, str):
            value = "\n".join(dict.fromkeys(line.strip() for line in value.splitlines() if line.strip()))
        return super().to_python(value)


class SynonymForm(forms.ModelForm):
    equivalents = LinesField(
        forms.CharField(max_length=100),
        delimiter="\n",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line: abbreviations, lay terms, other spellings. A search for any of them "
        "(or for the term) also finds records that use the others, from the next search on.",
    )

    class Meta:
        model = Synonym
        fields = ["term", "equivalents", "kind", "note"]


@admin.register(Synonym)
class SynonymAdmin(ScopedAdmin):
    form = SynonymForm
    list_display = ["term", "equivalent_list", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["term", "equivalents", "note"]

    @admin.display(description="Equivalents")
    def equivalent_list(self, obj: Synonym) -> str:
        return "; ".join(obj.equivalents)


# Staff accounts in the staff screens: Django's user admin, with whether each has a second factor and,
# for national administrators, an action that resets it. The devices themselves (secret keys) are
# never shown: django-otp's own admin pages for them are taken down.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "second_factor"]
    actions = ["reset_second_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        has_app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_app=Exists(has_app))

    @admin.display(boolean=True, description="Second factor set up", ordering="has_app")
    def second_factor(self, user: User) -> bool:
        return bool(getattr(user, "has_app", False))

    def has_reset_second_factor_permission(self, request: HttpRequest) -> bool:
        return may_reset_second_factor(request.user)

    @admin.action(permissions=["reset_second_factor"], description="Reset the second factor of the selected people")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        users = list(queryset.exclude(pk=request.user.pk))
        count = second_factor.reset(users)
        for user in users:
            self.log_change(request, user, "Reset the second factor: a new app is set up at the next sign-in.")
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request, "Your own second factor was not reset: ask another national administrator.", messages.WARNING
            )
        self.message_user(
            request,
            f"Reset the second factor of {count} {'person' if count == 1 else 'people'}: each sets up a new "
            "authenticator app the next time they sign in.",
            messages.SUCCESS,
        )

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from hinportal.lib.access import is_national_admin, may_invite, staff_network_id
from hinportal.lib.admin import LabelledTabularInline, ScopedModelAdmin

from . import invitations
from .models import HeadlineFigure, IntegratedCareBoard, Invitation, Membership, Network, Region

SOURCE_FIELDSET = (
    "Data source",
    {
        "description": "Reference data loaded from the portal's data files. Correct anything that is "
        "wrong here; the loader does not overwrite existing records unless run with --update.",
        "fields": ["confidence", "confidence_note", "data_source"],
    },
)


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ["name", "ons_code", "ods_code", "confidence"]
    list_filter = ["confidence"]
    search_fields = ["name", "ons_code", "ods_code"]
    readonly_fields = ["data_source"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "slug", "ons_code", "ods_code"]}), SOURCE_FIELDSET]


class IntegratedCareBoardInline(LabelledTabularInline):
    model = IntegratedCareBoard
    fields = ["short_name", "ods_code", "region", "confidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Network)
class NetworkAdmin(ScopedModelAdmin):
    list_display = ["name", "code", "former_name", "licensed_from", "licensed_until_year", "confidence"]
    list_filter = ["confidence", "licensed_until_year"]
    search_fields = ["name", "code", "former_name"]
    readonly_fields = ["data_source"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [IntegratedCareBoardInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "code", "former_name", "website", "description", "note"]}),
        ("Licence", {"fields": ["designated_on", "licensed_from", "licensed_until_year"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(IntegratedCareBoard)
class IntegratedCareBoardAdmin(ScopedModelAdmin):
    list_display = ["short_name", "ods_code", "ons_code", "region", "network", "valid_from", "valid_to", "confidence"]
    list_filter = ["region", "network", "confidence"]
    list_select_related = ["region", "network"]
    search_fields = ["short_name", "name", "ods_code", "ons_code"]
    readonly_fields = ["data_source"]
    prepopulated_fields = {"slug": ["short_name"]}
    fieldsets = [
        (None, {"fields": ["short_name", "name", "slug", "ods_code", "ons_code", "region", "network"]}),
        ("Validity", {"fields": ["valid_from", "valid_to"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(Membership)
class MembershipAdmin(ScopedModelAdmin):
    """Who belongs to which network or ICB; national administrators keep it (no owner_path: no one else)."""

    list_display = ["user", "network", "icb"]
    list_filter = ["network"]
    list_select_related = ["user", "network", "icb"]
    search_fields = ["user__username", "user__email", "network__name", "icb__short_name"]
    autocomplete_fields = ["user", "network", "icb"]


@admin.register(HeadlineFigure)
class HeadlineFigureAdmin(ScopedModelAdmin):
    """The networks' published impact figures: national administrators keep them (no owner_path,
    so network staff see none)."""

    list_display = ["figure", "period", "value", "network", "confidence"]
    list_filter = ["confidence", "year", "network"]
    list_select_related = ["network"]
    search_fields = ["figure", "value", "period"]
    readonly_fields = ["data_source"]
    fieldsets = [
        (None, {"fields": ["key", "network", "period", "year", "figure", "value", "source_url"]}),
        SOURCE_FIELDSET,
    ]


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "network", "icb"]

    def __init__(self, *args, network_id=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.inviter_network_id = network_id
        if network_id is not None:  # a publisher invites to their own network only
            self.fields.pop("network", None)
            self.instance.network_id = network_id

    def clean(self):
        cleaned = super().clean()
        role, icb = cleaned.get("role"), cleaned.get("icb")
        network = cleaned.get("network") or (self.instance.network if self.instance.network_id else None)
        if role == Invitation.Role.ICS_LEAD and icb is None:
            self.add_error("icb", "Choose the integrated care board this ICS lead leads.")
        if role and role != Invitation.Role.ICS_LEAD and icb is not None:
            self.add_error("icb", "Only an ICS lead belongs to an integrated care board: leave it empty for staff.")
        if icb is not None and network is not None and icb.network_id != network.pk:
            self.add_error("icb", f"{icb.short_name} is not covered by {network.name}.")
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(ScopedModelAdmin):
    """A network's invitations: its publishers invite staff and the leads of the ICBs it covers."""

    form = InvitationForm
    list_display = ["email", "role", "icb", "network", "state", "created_at", "invited_by"]
    list_filter = ["role", "network"]
    list_select_related = ["icb", "network", "invited_by"]
    search_fields = ["email"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change, **kwargs)
        network_id = None if is_national_admin(request.user) else staff_network_id(request.user)

        class Bound(base):  # type: ignore[valid-type, misc]
            def __init__(self, *args, **kw):
                super().__init__(*args, network_id=network_id, **kw)

        return Bound

    def get_fields(self, request, obj=None):
        fields = ["email", "role", "network", "icb"]
        return fields if is_national_admin(request.user) else [f for f in fields if f != "network"]

    def has_add_permission(self, request) -> bool:
        user = request.user
        return super().has_add_permission(request) and (
            is_national_admin(user) or may_invite(user, staff_network_id(user))
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an invitation is sent as it is; to correct one, delete it and invite again

    def save_model(self, request, obj, form, change) -> None:
        if not may_invite(request.user, obj.network_id):
            raise PermissionDenied
        obj.invited_by = request.user
        invitations.send(obj)
        self.message_user(
            request, f"Invitation emailed to {obj.email}; it works once, for {invitations.INVITATION_DAYS} days."
        )

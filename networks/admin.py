from django.contrib import admin
from django.db import models

from hinportal.lib.admin import LabelledTabularInline, ScopedModelAdmin

from .models import HeadlineFigure, IntegratedCareBoard, Membership, Network, Region

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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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

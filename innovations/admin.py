from django.contrib import admin
from django.db import models

from .models import Adoption, EvidenceItem, Innovation, NiceGuidance, Programme

URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class NiceGuidanceInline(admin.TabularInline):
    model = NiceGuidance
    extra = 0


class EvidenceItemInline(admin.StackedInline):
    model = EvidenceItem
    extra = 0
    formfield_overrides = URL_HTTPS


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "stage", "status", "lead_network", "adopted_icb_count", "is_demo", "updated_at"]
    list_filter = ["status", "category", "stage", "is_demo", "lead_network"]
    list_select_related = ["lead_network"]
    search_fields = ["name", "slug", "organisation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_network"]
    readonly_fields = ["adopted_icb_count", "created_at", "updated_at"]
    inlines = [NiceGuidanceInline, EvidenceItemInline]
    formfield_overrides = URL_HTTPS
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "organisation", "website", "lead_network"]}),
        (
            "Classification",
            {
                "fields": [
                    "category",
                    "clinical_areas",
                    "care_settings",
                    "core20plus5",
                    "stage",
                    "evidence_tier",
                    "support_scheme",
                ]
            },
        ),
        ("Publication", {"fields": ["status", "published_at", "created_at", "updated_at"]}),
        ("Data source", {"fields": ["confidence_note", "is_demo", "adopted_icb_count"]}),
    ]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "scope", "starts_on", "ends_on", "lead_network", "status"]
    list_filter = ["status", "scope", "clinical_area"]
    list_select_related = ["lead_network"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["lead_network", "innovations", "networks"]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["innovation", "icb", "status", "started_on", "ended_on", "patients_reached", "is_demo"]
    list_filter = ["status", "is_demo", "icb__region", "icb"]
    list_select_related = ["innovation", "icb"]
    search_fields = ["innovation__name", "icb__short_name", "icb__ods_code"]
    autocomplete_fields = ["innovation", "icb", "programme"]
    show_full_result_count = False

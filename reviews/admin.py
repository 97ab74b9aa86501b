from django.contrib import admin
from django.db import models

from .models import Publication, Recommendation


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    autocomplete_fields = ["innovations", "programmes"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "published_on", "status", "is_demo", "updated_at"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = ["title", "authors", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["networks", "icbs", "innovations", "programmes"]
    date_hierarchy = "published_on"
    inlines = [RecommendationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "published_on", "authors", "summary", "body", "external_url"]}),
        ("What it concerns", {"fields": ["networks", "icbs", "innovations", "programmes"]}),
        ("Publication", {"fields": ["status"]}),
        ("Data source", {"fields": ["confidence_note", "is_demo"]}),
    ]

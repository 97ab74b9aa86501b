from django.contrib import admin

from hinportal.lib.access import choosable
from hinportal.lib.admin import WORKFLOW_ACTIONS, ScopedAdmin

from .models import Publication, Recommendation


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    autocomplete_fields = ["innovations", "programmes"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.queryset = choosable(field.queryset, request.user)  # published, or the network's own drafts
        return field


@admin.register(Publication)
class PublicationAdmin(ScopedAdmin):
    list_display = ["title", "kind", "published_on", "network", "status", "is_demo", "updated_at"]
    list_filter = ["status", "kind", "is_demo"]
    list_select_related = ["network"]
    search_fields = ["title", "authors", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "networks", "icbs", "innovations", "programmes"]
    public_choice_fields = ("networks", "icbs", "innovations", "programmes")
    readonly_fields = ["status_changed_at", "status_changed_by"]
    date_hierarchy = "published_on"
    inlines = [RecommendationInline]
    actions = WORKFLOW_ACTIONS
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "published_on", "authors", "summary", "body", "external_url"]}),
        ("What it concerns", {"fields": ["networks", "icbs", "innovations", "programmes"]}),
        ("Publication", {"fields": ["network", "status", "status_changed_at", "status_changed_by"]}),
        ("Data source", {"fields": ["confidence_note", "is_demo"]}),
    ]

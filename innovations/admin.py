from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from hinportal.lib.admin import (
    LINKS_ASSUME_HTTPS,
    WORKFLOW_ACTIONS,
    LabelledTabularInline,
    ScopedAdmin,
    ScopedModelAdmin,
)
from hinportal.lib.exports import SpreadsheetExportMixin
from hinportal.lib.imports_admin import ImportAdminMixin
from hinportal.lib.versioning import VersionCheckedForm
from hinportal.lib.workflow import Status

from . import help
from .models import Adoption, EvidenceItem, HelpReply, HelpRequest, Innovation, InnovationFact, NiceGuidance, Programme
from .resources import AdoptionResource, InnovationResource


class NiceGuidanceInline(LabelledTabularInline):
    model = NiceGuidance
    extra = 0


class EvidenceItemInline(admin.StackedInline):
    model = EvidenceItem
    form = VersionCheckedForm
    extra = 0
    formfield_overrides = LINKS_ASSUME_HTTPS


@admin.register(Innovation)
class InnovationAdmin(ImportAdminMixin, SpreadsheetExportMixin, ScopedAdmin):
    resource_classes = [InnovationResource]
    importer = "innovations.imports.InnovationImporter"
    list_display = [
        *("name", "category", "stage", "status", "lead_network", "submitted_by_icb"),
        *("adopted_icb_count", "is_demo", "updated_at"),
    ]
    list_filter = [
        *("status", "category", "stage", "is_demo", "lead_network"),
        ("submitted_by_icb", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["lead_network", "submitted_by_icb"]
    search_fields = ["name", "slug", "organisation"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_network"]
    readonly_fields = [
        *("adopted_icb_count", "created_at", "updated_at", "status_changed_at", "status_changed_by"),
        *("submitted_by_icb", "submitted_by"),
    ]
    national_only_fields = ("is_demo", "published_at")
    inlines = [NiceGuidanceInline, EvidenceItemInline]
    actions = [*WORKFLOW_ACTIONS, "return_with_note"]
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
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "status_changed_at",
                    "status_changed_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("Submitted by an integrated care system", {"fields": ["submitted_by_icb", "submitted_by", "review_note"]}),
        (
            "Data source",
            {"fields": ["source", "source_url", "unconfirmed", "confidence_note", "is_demo", "adopted_icb_count"]},
        ),
    ]

    @admin.action(description="Return to the submitting system with a note", permissions=["change"])
    def return_with_note(self, request, queryset):
        """Ask for the note first (an intermediate page, as Django's delete confirmation); then
        return each selected submission in review to draft with it, and tell its system."""
        chosen = queryset.filter(submitted_by_icb__isnull=False, status=Status.IN_REVIEW)
        if "note" in request.POST and "confirm" in request.POST:
            note = request.POST["note"].strip()[:2000]
            if not note:
                self.message_user(request, "Write a note saying what the system should change.", messages.ERROR)
            else:
                done = 0
                for innovation in chosen:
                    innovation.review_note = note
                    innovation.save(update_fields=["review_note"])
                    try:
                        innovation.transition("return_to_draft", by=request.user)
                        done += 1
                    except (ValidationError, PermissionDenied) as error:
                        self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.WARNING)
                self.message_user(
                    request, f"Returned {done} to the submitting system with your note.", messages.SUCCESS
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Return to the submitting system with a note",
            "opts": self.model._meta,
            "chosen": chosen.select_related("submitted_by_icb"),
            "left_out": queryset.count() - chosen.count(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "note": request.POST.get("note", ""),
        }
        return TemplateResponse(request, "admin/innovations/return_with_note.html", context)


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ScopedAdmin):
    list_display = ["title", "innovation", "kind", "year", "confidence", "is_demo"]
    list_filter = ["kind", "confidence", "is_demo"]
    list_select_related = ["innovation"]
    search_fields = ["title", "innovation__name"]
    autocomplete_fields = ["innovation"]


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "kind", "scope", "starts_on", "ends_on", "lead_network", "status"]
    list_filter = ["status", "kind", "scope", "clinical_area"]
    list_select_related = ["lead_network"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["lead_network", "innovations", "networks"]
    public_choice_fields = ("innovations", "networks")
    readonly_fields = ["status_changed_at", "status_changed_by"]
    actions = WORKFLOW_ACTIONS


@admin.register(Adoption)
class AdoptionAdmin(ImportAdminMixin, SpreadsheetExportMixin, ScopedAdmin):
    resource_classes = [AdoptionResource]
    importer = "innovations.imports.AdoptionImporter"
    list_display = ["innovation", "icb", "status", "started_on", "ended_on", "patients_reached", "is_demo"]
    list_filter = ["status", "is_demo", "icb__region", "icb"]
    list_select_related = ["innovation", "icb"]
    search_fields = ["innovation__name", "icb__short_name", "icb__ods_code"]
    autocomplete_fields = ["innovation", "icb", "programme"]
    public_choice_fields = ("innovation", "programme")


@admin.register(InnovationFact)
class InnovationFactAdmin(ScopedModelAdmin):
    """Facts about real innovations from the reference data, with their sources: corrected here."""

    list_display = ["innovation", "kind", "value", "year", "confidence"]
    list_filter = ["kind", "confidence"]
    list_select_related = ["innovation"]
    search_fields = ["value", "innovation__name", "detail"]
    autocomplete_fields = ["innovation"]


class HelpReplyInline(admin.StackedInline):
    """Replies: each new one is emailed to the person who asked; sent replies no longer change."""

    model = HelpReply
    extra = 1
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name = "reply"
    verbose_name_plural = "Replies (each is emailed to the person who asked when you save)"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a sent email cannot be unsent: a correction is a new reply

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is not None and obj.status != HelpRequest.Status.CLOSED and super().has_add_permission(request, obj)


@admin.register(HelpRequest)
class HelpRequestAdmin(ScopedAdmin):
    """A network's queue of requests for help adopting an innovation, newest first."""

    form = VersionCheckedForm
    inlines = [HelpReplyInline]
    list_display = ["__str__", "name", "status", "created_at"]
    list_filter = ["status", "icb"]
    list_select_related = ["innovation", "icb"]
    search_fields = ["name", "email", "message", "innovation__name", "icb__short_name"]
    fields = ["status", "innovation", "icb", "network", "name", "email", "role", "message", "created_at"]
    readonly_fields = ["innovation", "icb", "network", "name", "email", "role", "message", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False  # requests come from the innovation pages

    def save_formset(self, request, form, formset, change) -> None:
        new = []
        for reply in formset.save(commit=False):
            reply.author = request.user
            reply.save()
            new.append(reply)
        request_obj = form.instance
        if new and request_obj.status == HelpRequest.Status.NEW:
            request_obj.status = HelpRequest.Status.IN_PROGRESS
            request_obj.save(update_fields=["status", "updated_at"])
        for reply in new:
            help.reply_sent(reply)
        if new:
            self.message_user(request, f"Your reply was sent to {request_obj.email}.")

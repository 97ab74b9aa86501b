"""What the admin's changelist exports write (django-import-export): codes, not database ids."""

from import_export import fields, widgets

from hinportal.lib.exports import SafeExportResource
from networks.models import IntegratedCareBoard

from .models import Adoption, Innovation, Programme


class AdoptionResource(SafeExportResource):
    innovation = fields.Field("innovation", "innovation", widget=widgets.ForeignKeyWidget(Innovation, "slug"))
    icb = fields.Field("icb", "icb", widget=widgets.ForeignKeyWidget(IntegratedCareBoard, "ods_code"))
    programme = fields.Field("programme", "programme", widget=widgets.ForeignKeyWidget(Programme, "slug"))

    class Meta:
        model = Adoption
        fields = [
            "innovation",
            "icb",
            "status",
            "started_on",
            "ended_on",
            "patients_reached",
            "programme",
            "source_note",
        ]


class InnovationResource(SafeExportResource):
    clinical_areas = fields.Field("clinical_areas", "clinical_areas", widget=widgets.SimpleArrayWidget(separator=";"))
    care_settings = fields.Field("care_settings", "care_settings", widget=widgets.SimpleArrayWidget(separator=";"))
    core20plus5 = fields.Field("core20plus5", "core20plus5", widget=widgets.SimpleArrayWidget(separator=";"))

    class Meta:
        model = Innovation
        fields = [
            "slug",
            "name",
            "summary",
            "description",
            "organisation",
            "category",
            "clinical_areas",
            "care_settings",
            "core20plus5",
            "stage",
            "evidence_tier",
            "support_scheme",
            "website",
        ]

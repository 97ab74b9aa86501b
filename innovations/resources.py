from import_export import fields, widgets

from hinportal.access import staff_network_id
from hinportal.imports import CodeWidget, ScopedResource
from networks.models import IntegratedCareBoard

from .models import Adoption, Innovation, Programme


class AdoptionResource(ScopedResource):
    innovation = fields.Field(
        column_name="innovation", attribute="innovation", widget=CodeWidget(Innovation, "slug", "innovation")
    )
    icb = fields.Field(
        column_name="icb", attribute="icb", widget=CodeWidget(IntegratedCareBoard, "ods_code", "integrated care board")
    )
    programme = fields.Field(
        column_name="programme", attribute="programme", widget=CodeWidget(Programme, "slug", "programme")
    )

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
        import_id_fields = ["innovation", "icb"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class InnovationResource(ScopedResource):
    clinical_areas = fields.Field(
        column_name="clinical_areas", attribute="clinical_areas", widget=widgets.SimpleArrayWidget(separator=";")
    )
    care_settings = fields.Field(
        column_name="care_settings", attribute="care_settings", widget=widgets.SimpleArrayWidget(separator=";")
    )
    core20plus5 = fields.Field(
        column_name="core20plus5", attribute="core20plus5", widget=widgets.SimpleArrayWidget(separator=";")
    )

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
        import_id_fields = ["slug"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def set_owner(self, instance: Innovation, user) -> None:
        if instance.pk is None and instance.lead_network_id is None and user is not None:
            instance.lead_network_id = staff_network_id(user)

"""Adoptions and innovations from a spreadsheet (hinportal.lib.imports does the shared work)."""

from django.db.models import Model

from hinportal.lib.access import choosable, is_national_admin, staff_network_id
from hinportal.lib.imports import Column, Importer, RowProblem, day, many_of, one_of, text, whole_number
from hinportal.lib.workflow import Status
from networks.models import IntegratedCareBoard, Network

from .choices import AdoptionStatus, CareSetting, Category, ClinicalArea, Core20Plus5, EvidenceTier, Stage
from .models import Adoption, Innovation, Programme


def _code(value: object) -> str:
    return text(value).lower()


class AdoptionImporter(Importer):
    model = Adoption
    noun = "adoptions"
    key = ("innovation", "icb")
    refused_column = "icb"
    columns = [
        Column("innovation", _code, help="The innovation's web address name (slug), as in /innovations/<slug>/."),
        Column("icb", _code, help="The integrated care board's ODS code, for example QVV."),
        Column(
            "status",
            one_of(AdoptionStatus),
            required=True,
            help="Exploring, Piloting, Adopted, Embedded or Discontinued.",
        ),
        Column("started_on", day, required=True, help="When it started."),
        Column("ended_on", day, help="When it ended, if it has."),
        Column("patients_reached", whole_number, help="A whole number; 1,200 is read as 1200."),
        Column("programme", _code, help="The national programme it came through (its slug), if any."),
        Column("source_note", text, help="Where the figures come from."),
    ]

    def prepare(self, rows: list[dict], *, for_update: bool) -> None:
        # Only what the person may name: published innovations and programmes, and their own
        # network's drafts. Another network's draft reads as unknown, and so stays unseen.
        slugs = {row["innovation"] for row in rows}
        innovations = choosable(Innovation.objects.filter(slug__in=slugs), self.user).select_related("lead_network")
        self.innovations = {innovation.slug: innovation for innovation in innovations}
        self.icbs = {icb.ods_code.lower(): icb for icb in IntegratedCareBoard.objects.select_related("network")}
        programmes = choosable(Programme.objects.filter(slug__in={r.get("programme") for r in rows} - {""}), self.user)
        self.programmes = {programme.slug: programme for programme in programmes}
        codes = {row["icb"].upper() for row in rows}
        existing = Adoption.objects.filter(innovation__slug__in=slugs, icb__ods_code__in=codes).select_related(
            "icb__network", "innovation"
        )
        if for_update:
            existing = existing.select_for_update(of=("self",))
        self.existing = {(a.innovation_id, a.icb_id): a for a in existing}

    def _innovation(self, values: dict) -> Innovation:
        innovation = self.innovations.get(values["innovation"])
        if innovation is None:
            raise RowProblem(
                "innovation",
                f"No innovation has the slug ‘{values['innovation']}’ among those you may record adoptions of "
                "(published ones and your network's drafts).",
            )
        return innovation

    def _icb(self, values: dict) -> IntegratedCareBoard:
        icb = self.icbs.get(values["icb"])
        if icb is None:
            raise RowProblem("icb", f"No integrated care board has the code ‘{values['icb'].upper()}’.")
        return icb

    def find(self, values: dict) -> Adoption | None:
        return self.existing.get((self._innovation(values).pk, self._icb(values).pk))

    def fill(self, adoption: Adoption, values: dict) -> None:
        adoption.innovation = self._innovation(values)
        adoption.icb = self._icb(values)
        self.assign(adoption, values, ["status", "started_on", "ended_on", "patients_reached", "source_note"])
        if "programme" in values:
            programme = self.programmes.get(values["programme"]) if values["programme"] else None
            if values["programme"] and programme is None:
                raise RowProblem("programme", f"No published programme has the slug ‘{values['programme']}’.")
            adoption.programme = programme

    def refused(self, instance: Model) -> str:
        return f"{instance.icb.short_name} ({instance.icb.ods_code}) is not covered by your network."

    def label(self, adoption: Adoption) -> str:
        return f"{adoption.innovation.name} in {adoption.icb.short_name}"


class InnovationImporter(Importer):
    model = Innovation
    noun = "innovations"
    key = ("slug",)
    columns = [
        Column("slug", _code, help="The web address name: lower-case letters, numbers and hyphens."),
        Column("name", text, required=True),
        Column("summary", text, required=True, help="One sentence, up to 300 characters."),
        Column("description", text),
        Column("organisation", text, help="Who developed it."),
        Column("category", one_of(Category), required=True, help="For example Digital or Medical device."),
        Column(
            "clinical_areas", many_of(ClinicalArea), help="Separated by semicolons, for example Respiratory; Cancer."
        ),
        Column("care_settings", many_of(CareSetting), help="Separated by semicolons."),
        Column("core20plus5", many_of(Core20Plus5), help="Separated by semicolons."),
        Column("stage", one_of(Stage), help="Discovery, Development, Evidence, Adoption or Spread."),
        Column("evidence_tier", one_of(EvidenceTier), help="A, B or C (digital only)."),
        Column("support_scheme", text),
        Column("website", text),
        Column("lead_network", _code, help="National administrators only: the lead network's code."),
    ]
    FIELDS = [column.name for column in columns if column.name not in ("slug", "lead_network")]

    def prepare(self, rows: list[dict], *, for_update: bool) -> None:
        existing = Innovation.objects.filter(slug__in={row["slug"] for row in rows}).select_related("lead_network")
        if for_update:
            existing = existing.select_for_update(of=("self",))
        self.existing = {innovation.slug: innovation for innovation in existing}
        self.networks = {network.code.lower(): network for network in Network.objects.all()}

    def find(self, values: dict) -> Innovation | None:
        return self.existing.get(values["slug"])

    def new(self, values: dict) -> Innovation:
        # A new record is a draft of the importer's network, for its publisher to review.
        return Innovation(slug=values["slug"], status=Status.DRAFT, lead_network_id=staff_network_id(self.user))

    def fill(self, innovation: Innovation, values: dict) -> None:
        self.assign(innovation, values, self.FIELDS)
        if values.get("lead_network"):
            if not is_national_admin(self.user):
                raise RowProblem("lead_network", "Only national administrators may set the lead network.")
            network = self.networks.get(values["lead_network"])
            if network is None:
                raise RowProblem("lead_network", f"No network has the code ‘{values['lead_network'].upper()}’.")
            innovation.lead_network = network

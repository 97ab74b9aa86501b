from itertools import count

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from hinportal.lib import fields
from hinportal.lib.db import violated_constraint
from hinportal.lib.search.fields import SEARCH_CONFIG, SearchText
from hinportal.lib.urls import record_url
from hinportal.lib.versioning import Versioned
from hinportal.lib.workflow import Status, Workflow, WorkflowQuerySet
from networks.models import Confidence, IntegratedCareBoard, Network, Region

from .choices import (
    SUPPORTIVE,
    AdoptionStatus,
    CareSetting,
    Category,
    ClinicalArea,
    Core20Plus5,
    EvidenceTier,
    EvidenceType,
    NiceGuidanceType,
    NiceRecommendation,
    ProgrammeKind,
    Scope,
    Stage,
)

ONE_OPEN_SUBMISSION = "one_open_submission_per_name_per_icb"
SLUG_CONSTRAINT = "innovations_innovation_slug_key"
# The catalogue's one rule for "proven" (shown on pages and used by every filter):
# NICE guidance or real-world evidence, and adopted or embedded in at least this many ICBs.
PROVEN_MIN_ICBS = 3
PROVEN_RULE = (
    "NICE guidance recommending it or a real-world evaluation, and adopted or embedded in at least "
    f"{PROVEN_MIN_ICBS} integrated care systems"
)


def supportive_guidance() -> Exists:
    """NICE guidance that recommends the innovation (in whole or in part) for routine use."""
    return Exists(NiceGuidance.objects.filter(innovation=OuterRef("pk"), recommendation__in=SUPPORTIVE))


class InnovationQuerySet(WorkflowQuerySet):
    # is_proven, adopted_icbs and adopted_regions are columns the database keeps (innovations/triggers.py),
    # so these filters read the row and its indexes, and the planner's estimates stay the same at any size.
    def proven(self) -> "InnovationQuerySet":
        return self.filter(is_proven=True)

    def adopted_in_icb(self, icb: IntegratedCareBoard) -> "InnovationQuerySet":
        return self.filter(adopted_icbs__contains=[icb.pk])

    def adopted_in_region(self, region: Region) -> "InnovationQuerySet":
        return self.filter(adopted_regions__contains=[region.pk])

    def not_adopted_in(self, icb: IntegratedCareBoard) -> "InnovationQuerySet":
        return self.exclude(adopted_icbs__contains=[icb.pk])

    def proven_elsewhere(self, icb: IntegratedCareBoard) -> "InnovationQuerySet":
        """Proven innovations this ICB has not adopted, most widely adopted first, then most adopted
        in its own region, then strongest evidence (NICE guidance, a trial, a real-world evaluation)."""
        return self.proven_ranked_for(icb.region_id).not_adopted_in(icb)

    def proven_ranked_for(self, region_id: int) -> "InnovationQuerySet":
        """Every proven published innovation, ranked as the gap lists of the region's ICBs rank them."""
        # How many of the region's ICBs adopt it, from the ICBs kept on the row (no adoption read).
        table, icbs = self.model._meta.db_table, IntegratedCareBoard._meta.db_table
        in_region = models.expressions.RawSQL(  # noqa: S611 (our own table names; the region is a parameter)
            f"(SELECT count(*) FROM unnest({table}.adopted_icbs) AS a"  # noqa: S608
            f" WHERE a = ANY(ARRAY(SELECT id FROM {icbs} WHERE region_id = %s)))",
            [region_id],
            output_field=models.IntegerField(),
        )
        evidence = EvidenceItem.objects.filter(innovation=OuterRef("pk"))
        strength = models.Case(
            models.When(supportive_guidance(), then=3),
            models.When(Exists(evidence.filter(kind=EvidenceType.RCT)), then=2),
            models.When(Exists(evidence.filter(kind=EvidenceType.REAL_WORLD)), then=1),
            default=0,
        )
        return (
            self.published()
            .proven()
            .annotate(region_adopted=in_region, evidence_strength=strength)
            .order_by("-adopted_icb_count", "-region_adopted", "-evidence_strength", "is_demo", "name", "pk")
        )


class Innovation(Workflow):
    name = fields.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = fields.CharField("one-line summary", max_length=300)
    description = fields.TextField(blank=True)
    organisation = fields.CharField("innovator", max_length=200, blank=True)
    category = fields.CharField(max_length=30, choices=Category)
    clinical_areas = ArrayField(fields.CharField(max_length=40, choices=ClinicalArea), default=list, blank=True)
    care_settings = ArrayField(fields.CharField(max_length=40, choices=CareSetting), default=list, blank=True)
    core20plus5 = ArrayField(
        fields.CharField(max_length=40, choices=Core20Plus5), default=list, blank=True, verbose_name="Core20PLUS5"
    )
    stage = fields.CharField(max_length=20, choices=Stage, default=Stage.ADOPTION)
    evidence_tier = fields.CharField(
        "NICE evidence standards tier", max_length=1, choices=EvidenceTier, blank=True, help_text="Digital only."
    )
    support_scheme = fields.CharField(
        max_length=200, blank=True, help_text="National support it has had, e.g. MedTech Funding Mandate 2022/23."
    )
    lead_network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="led_innovations", null=True, blank=True
    )
    website = models.URLField(blank=True)
    source = fields.CharField(
        max_length=200, blank=True, help_text="Where this record comes from, e.g. NICE medical technologies guidance."
    )
    source_url = models.URLField("source link", max_length=500, blank=True)
    unconfirmed = fields.CharField(
        "not yet confirmed",
        max_length=200,
        blank=True,
        help_text="Parts of this record not read in its source; shown to the public as not yet confirmed.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(
        "demonstration data", default=False, help_text="Generated by seed_demo; not a real record."
    )
    submitted_by_icb = models.ForeignKey(
        IntegratedCareBoard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name="submitted by integrated care board",
        help_text="Set when an ICS lead submits a local innovation.",
    )
    submitted_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    review_note = fields.TextField(
        "note to the submitter",
        blank=True,
        max_length=2000,
        help_text="Why a submission went back to draft, for the ICS lead who sent it: shown in their workspace.",
    )
    confidence_note = fields.CharField(
        max_length=200, blank=True, help_text="Staff only: where this record came from and what is not yet checked."
    )
    # Kept current by database triggers (innovations/triggers.py) on every write, bulk ones included:
    # the ICBs adopting or embedding it (and their count and regions), and whether it meets PROVEN_RULE.
    adopted_icb_count = models.PositiveSmallIntegerField(default=0, editable=False)
    adopted_icbs = ArrayField(models.BigIntegerField(), default=list, editable=False)
    adopted_regions = ArrayField(models.BigIntegerField(), default=list, editable=False)
    is_proven = models.BooleanField("proven", default=False, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = InnovationQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_vector", "adopted_icb_count", "adopted_icbs", "adopted_regions", "is_proven"]
    )
    owner_path = "lead_network"
    submitter_path = "submitted_by_icb"

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="innovation_search_gin"),
            GinIndex(fields=["clinical_areas"], name="innovation_areas_gin"),
            GinIndex(fields=["care_settings"], name="innovation_settings_gin"),
            GinIndex(fields=["core20plus5"], name="innovation_core20_gin"),
            GinIndex(fields=["adopted_icbs"], name="innovation_adopted_icbs_gin"),
            GinIndex(fields=["adopted_regions"], name="innovation_adopted_regions_gin"),
            models.Index(fields=["status", "-published_at"], name="innovation_newest"),
            models.Index(fields=["status", "-adopted_icb_count"], name="innovation_most_adopted"),
            models.Index(fields=["status", "category"], name="innovation_category"),
            # The search's prior order within a common word's matches: real first, then most adopted.
            models.Index(fields=["status", "is_demo", "-adopted_icb_count", "id"], name="innovation_search_prior"),
            # The listing's orders (filters.Sort.ORDER), so that a page is read from the index, not sorted.
            models.Index(
                fields=["status", "is_demo", "-adopted_icb_count", "name", "id"], name="innovation_most_adopted_order"
            ),
            models.Index(fields=["status", "name", "id"], name="innovation_name_order"),
            # The latest change to a published innovation (the sitemap index's lastmod), read from
            # the index's end rather than from every row. Not led by status: PostgreSQL took such an
            # index, the smallest led by status, to AND every published row's entry into a search's
            # bitmap (13 ms to read them for "glaucoma" at 100,100 innovations).
            models.Index(fields=["-updated_at"], name="innovation_latest_change"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="innovation_published_has_date",
            ),
            # An ICB's lead cannot submit the same innovation twice while the first is still open
            # (two clicks, two tabs, two leads at once).
            models.UniqueConstraint(
                Lower("name"),
                "submitted_by_icb",
                condition=Q(submitted_by_icb__isnull=False, status__in=[Status.DRAFT, Status.IN_REVIEW]),
                name=ONE_OPEN_SUBMISSION,
            ),
        ]
        permissions = [("publish_innovation", "Can publish, unpublish and archive innovations")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("innovations:detail", self.slug)

    def save_with_free_slug(self) -> None:
        """Save a new innovation under its name's slug, or the first free one of "-2", "-3"…, trying
        the next if another request takes the same slug at the same moment."""
        base = slugify(self.name)[:180] or "innovation"
        for n in count(1):
            self.slug = base if n == 1 else f"{base}-{n}"
            if Innovation.objects.filter(slug=self.slug).exists():
                continue
            try:
                with transaction.atomic():
                    self.save()
                return
            except IntegrityError as error:
                if violated_constraint(error) != SLUG_CONSTRAINT:
                    raise
                self.pk = None
                self._state.adding = True

    def submit_from_icb(self, *, icb: IntegratedCareBoard, by) -> None:
        """An ICS lead's own innovation into their covering network's review queue: saved as that
        network's draft under a free slug, then submitted through the workflow (its permission
        check and history). Raises IntegrityError if the ICB already has it open (ONE_OPEN_SUBMISSION)."""
        self.status = Status.DRAFT
        self.lead_network_id = icb.network_id
        self.submitted_by_icb = icb
        self.submitted_by = by
        with transaction.atomic():
            self.save_with_free_slug()
            self.transition("submit", by=by)

    def on_status_change(self) -> list[str]:
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.status == Status.PUBLISHED and self.submitted_by_icb_id:
            # The system that developed it is its originator and its first adopter.
            own = Adoption.objects.filter(innovation=self, icb_id=self.submitted_by_icb_id).first()
            if own is None or own.is_demo:
                own = own or Adoption(innovation=self, icb_id=self.submitted_by_icb_id)
                own.status, own.is_demo = AdoptionStatus.ADOPTED, False
                own.started_on = own.started_on or timezone.localdate(self.published_at)
                own.source_note = "Developed here and submitted to the national pool by this system."
                own.save()
        changed = ["published_at"]
        if self.status == Status.IN_REVIEW and self.review_note:
            self.review_note = ""  # the note answered a version now sent back for review
            changed.append("review_note")
        return changed

    def transition(self, action: str, *, by) -> None:
        super().transition(action, by=by)
        if self.submitted_by_icb_id:
            from .submissions import tell

            tell(self, action)

    def get_clinical_areas_display(self) -> list[str]:
        return [ClinicalArea(v).label for v in self.clinical_areas if v in ClinicalArea.values]

    def get_care_settings_display(self) -> list[str]:
        return [CareSetting(v).label for v in self.care_settings if v in CareSetting.values]

    def get_core20plus5_display(self) -> list[str]:
        return [Core20Plus5(v).label for v in self.core20plus5 if v in Core20Plus5.values]


class NiceGuidance(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="nice_guidance")
    kind = fields.CharField(max_length=3, choices=NiceGuidanceType)
    number = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9999)])
    recommendation = fields.CharField(max_length=30, choices=NiceRecommendation, default=NiceRecommendation.RECOMMENDED)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1999), MaxValueValidator(2100)]
    )
    source_url = models.URLField("source", max_length=500, blank=True)
    confidence = fields.CharField(max_length=12, choices=Confidence, default=Confidence.VERIFIED)
    confidence_note = fields.CharField(max_length=200, blank=True, help_text="What in this row is not yet checked.")

    history = HistoricalRecords()
    owner_path = "innovation__lead_network"
    workflow_parent = "innovation"

    class Meta:
        ordering = ["kind", "number"]
        verbose_name = "NICE guidance"
        verbose_name_plural = "NICE guidance"
        constraints = [models.UniqueConstraint(fields=["innovation", "kind", "number"], name="unique_nice_reference")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.kind}{self.number}"

    @property
    def supportive(self) -> bool:
        return self.recommendation in SUPPORTIVE

    @property
    def confirmed(self) -> bool:
        return self.confidence == Confidence.VERIFIED and not self.confidence_note

    @property
    def url(self) -> str:
        section = "advice" if self.kind == NiceGuidanceType.MIB else "guidance"
        return f"https://www.nice.org.uk/{section}/{self.code.lower()}"


class InnovationFact(models.Model):
    """A fact about a real innovation from the reference data (its innovator, a NICE reference, an
    evaluation, its regulatory status...), with the page it was read on and how sure we are of it.
    A recalled fact, read in no source, is shown as not yet confirmed wherever the public sees it."""

    class Kind(models.TextChoices):
        INNOVATOR = "innovator", "Innovator"
        NICE_GUIDANCE = "nice-guidance", "NICE guidance"
        EVIDENCE = "evidence", "Evidence"
        REGULATORY_STATUS = "regulatory-status", "Regulatory status"
        PRODUCTS = "products", "Products"
        PROGRAMME = "programme", "National programme"
        SCHEME = "scheme", "National support scheme"

    key = models.SlugField(max_length=120, unique=True)
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="facts")
    kind = fields.CharField(max_length=20, choices=Kind)
    value = fields.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = fields.CharField(max_length=300, blank=True)
    source_url = models.URLField("source", max_length=500, blank=True)
    confidence = fields.CharField(max_length=12, choices=Confidence, default=Confidence.PROBABLE)
    confidence_note = fields.CharField(max_length=200, blank=True)

    owner_path = "innovation__lead_network"
    workflow_parent = "innovation"

    class Meta:
        ordering = ["kind", "-year", "key"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def confirmed(self) -> bool:
        return self.confidence == Confidence.VERIFIED


class EvidenceItem(Versioned):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="evidence")
    kind = fields.CharField("type", max_length=40, choices=EvidenceType)
    title = fields.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    url = models.URLField("link", blank=True)
    summary = fields.TextField(blank=True)
    confidence = fields.CharField(max_length=12, choices=Confidence, default=Confidence.VERIFIED)
    confidence_note = fields.CharField(max_length=200, blank=True, help_text="What in this item is not yet checked.")
    fact_key = models.SlugField(
        max_length=120, unique=True, null=True, blank=True, editable=False, help_text="Set when loaded from the facts."
    )
    is_demo = models.BooleanField("demonstration data", default=False)

    history = HistoricalRecords()
    owner_path = "innovation__lead_network"
    workflow_parent = "innovation"

    class Meta:
        ordering = [F("year").desc(nulls_last=True), "title"]
        verbose_name = "evidence item"
        indexes = [models.Index(fields=["innovation", "kind"], name="evidence_innovation_kind")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year or 'year not recorded'})"

    @property
    def confirmed(self) -> bool:
        return self.confidence == Confidence.VERIFIED and not self.confidence_note


class Programme(Workflow):
    """A national or regional adoption and spread programme delivered through the networks."""

    name = fields.CharField(max_length=200)
    short_name = fields.CharField(max_length=40)
    slug = models.SlugField(max_length=100, unique=True)
    kind = fields.CharField(max_length=12, choices=ProgrammeKind, default=ProgrammeKind.PROGRAMME)
    scope = fields.CharField(max_length=10, choices=Scope, default=Scope.NATIONAL)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    clinical_area = fields.CharField(max_length=40, choices=ClinicalArea)
    lead_network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="led_programmes", null=True, blank=True
    )
    summary = fields.TextField()
    commissioner = fields.CharField("commissioned or funded by", max_length=200, blank=True)
    key_figures = fields.TextField(blank=True, help_text="Published results, each with its source.")
    source_url = models.URLField("source", max_length=500, blank=True)
    unconfirmed = fields.CharField(
        "not yet confirmed",
        max_length=200,
        blank=True,
        help_text="Parts of this record not read in its source; shown to the public as not yet confirmed.",
    )
    innovations = models.ManyToManyField(Innovation, related_name="programmes", blank=True)
    networks = models.ManyToManyField(
        Network, related_name="programmes", blank=True, verbose_name="networks taking part"
    )
    confidence_note = fields.CharField(
        max_length=200, blank=True, help_text="Staff only: what in this record is not yet checked."
    )

    # Kept by PostgreSQL from the row itself, on every write path.
    search_vector = models.GeneratedField(
        expression=SearchVector(SearchText("name"), SearchText("short_name"), config=SEARCH_CONFIG, weight="A")
        + SearchVector(SearchText("summary"), config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = WorkflowQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])
    owner_path = "lead_network"

    class Meta:
        ordering = ["-starts_on", "name"]
        indexes = [GinIndex(fields=["search_vector"], name="programme_search_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            ),
        ]
        permissions = [("publish_programme", "Can publish, unpublish and archive programmes")]

    def __str__(self) -> str:
        return self.short_name if self.short_name != self.name else self.name

    def get_absolute_url(self) -> str:
        return record_url("innovations:programme_detail", self.slug)


class Adoption(Versioned):
    """How far one ICB has gone with one innovation."""

    # No index of their own on the three keys: each leads one of Meta's (innovation: the unique
    # constraint and adoption_innovation_status; icb: adoption_icb_status and adoption_icb_latest;
    # programme: adoption_programme), which serve the same lookups and cascades.
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="adoptions", db_index=False)
    icb = models.ForeignKey(IntegratedCareBoard, on_delete=models.PROTECT, related_name="adoptions", db_index=False)
    status = fields.CharField(max_length=12, choices=AdoptionStatus)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    patients_reached = models.PositiveIntegerField(null=True, blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, related_name="adoptions", null=True, blank=True, db_index=False
    )
    source_note = fields.CharField(max_length=300, blank=True)
    is_demo = models.BooleanField("demonstration data", default=False)

    history = HistoricalRecords()
    owner_path = "icb__network"

    class Meta:
        ordering = ["icb__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["innovation", "icb"], name="one_adoption_per_innovation_and_icb"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="adoption_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["icb", "status"], name="adoption_icb_status"),
            models.Index(fields=["innovation", "status"], name="adoption_innovation_status"),
            models.Index(fields=["programme"], name="adoption_programme"),
            # A system's latest adoptions (its ICS page), read newest first without sorting them all.
            models.Index(fields=["icb", "-started_on"], name="adoption_icb_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.innovation} in {self.icb}"

    def clean(self) -> None:
        # The constraint adoption_ends_after_start, said in words for forms and imports.
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError(
                {
                    "ended_on": f"The end date ({self.ended_on:%d/%m/%Y}) must be on or after the start date "
                    f"({self.started_on:%d/%m/%Y})."
                }
            )


class Shortlist(models.Model):
    """An ICS lead's named list of innovations to take to a board; once locked it keeps a dated
    snapshot of each innovation as it was, and no longer changes."""

    icb = models.ForeignKey(IntegratedCareBoard, on_delete=models.CASCADE, related_name="shortlists")
    name = fields.CharField(max_length=120)
    created_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["icb", "name"], name="unique_shortlist_name_per_icb")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("innovations:shortlist", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def check_unlocked(self) -> None:
        if self.is_locked:
            raise ValidationError(f"‘{self.name}’ was locked on {self.locked_at:%d %B %Y} and can no longer change.")

    def entries(self) -> list[tuple["ShortlistItem", dict]]:
        """Each item with what it shows: its snapshot once locked, the innovation as it is now before."""
        items = list(self.items.select_related("innovation").prefetch_related("innovation__nice_guidance"))
        ids = [item.innovation_id for item in items]
        proven = set(Innovation.objects.filter(pk__in=ids).proven().values_list("pk", flat=True))
        return [(item, item.snapshot or item.describe(proven=item.innovation_id in proven)) for item in items]

    def add(self, innovation: "Innovation", *, note: str = "") -> tuple["ShortlistItem", bool]:
        """Put an innovation on the list (once); refused once the list is locked."""
        self.check_unlocked()
        return ShortlistItem.objects.get_or_create(shortlist=self, innovation=innovation, defaults={"note": note})

    def set_note(self, item: "ShortlistItem", note: str) -> None:
        self.check_unlocked()
        item.note = note
        item.full_clean()
        item.save(update_fields=["note"])

    def remove(self, item: "ShortlistItem") -> None:
        self.check_unlocked()
        item.delete()

    def record_decision(self, item: "ShortlistItem", *, decision: str, decided_on, note: str = "") -> None:
        """The board's decision on one innovation: only on a locked list (the one the board saw)."""
        if not self.is_locked:
            raise ValidationError(
                "Lock the shortlist before recording the board's decisions: the board decides on a fixed list."
            )
        item.decision, item.decided_on, item.decision_note = decision, decided_on, note
        item.full_clean()
        item.save(update_fields=["decision", "decided_on", "decision_note"])

    def lock(self, *, by) -> None:
        """Freeze the list: each item keeps what its innovation looked like now."""
        self.check_unlocked()
        now = timezone.now()
        items = []
        for item, current in self.entries():
            item.snapshot = {**current, "taken_at": now.isoformat()}
            items.append(item)
        ShortlistItem.objects.bulk_update(items, ["snapshot"])
        self.locked_at, self.locked_by = now, by
        self.save(update_fields=["locked_at", "locked_by"])


class ShortlistItem(models.Model):
    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        DEFERRED = "deferred", "Deferred"
        DECLINED = "declined", "Declined"

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    note = fields.TextField(blank=True, max_length=2000)
    added_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    # What the board decided, recorded once the list is locked and has been to the board.
    decision = fields.CharField("board's decision", max_length=10, choices=Decision, blank=True)
    decided_on = models.DateField("date of the decision", null=True, blank=True)
    decision_note = fields.TextField("note on the decision", blank=True, max_length=2000)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "innovation"], name="one_item_per_innovation_per_shortlist")
        ]

    def __str__(self) -> str:
        return f"{self.innovation} on {self.shortlist}"

    def describe(self, *, proven: bool) -> dict:
        """The innovation as it is now, in the shape a locked shortlist keeps it."""
        innovation = self.innovation
        return {
            "name": innovation.name,
            "summary": innovation.summary,
            "stage": innovation.get_stage_display(),
            "adopted_icb_count": innovation.adopted_icb_count,
            "proven": proven,
            "nice_guidance": [g.code for g in innovation.nice_guidance.all()],
            "url": innovation.get_absolute_url(),
        }


class HelpRequest(Versioned):
    """Someone asking the network that covers their integrated care system for help adopting an
    innovation: it lands in that network's queue in the staff screens, where its staff reply."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in-progress", "In progress"
        CLOSED = "closed", "Closed"

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="help_requests")
    icb = models.ForeignKey(
        IntegratedCareBoard,
        on_delete=models.PROTECT,
        related_name="help_requests",
        verbose_name="integrated care system",
    )
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="help_requests")
    requested_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="If signed in."
    )
    name = fields.CharField(max_length=120)
    email = models.EmailField()
    role = fields.CharField("job title and organisation", max_length=200, blank=True)
    message = fields.TextField(max_length=4000)
    status = fields.CharField(max_length=12, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    owner_path = "network"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "request for help"
        verbose_name_plural = "requests for help"
        indexes = [models.Index(fields=["network", "status", "-created_at"], name="helprequest_queue")]

    def __str__(self) -> str:
        return f"{self.innovation} for {self.icb.short_name}"


class HelpReply(models.Model):
    """A network's reply to a request for help: sent to the person who asked, by email."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = fields.TextField("reply", max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    owner_path = "request__network"

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply to {self.request}"


class SavedSearch(models.Model):
    """A signed-in person's catalogue search, kept with how often to email them what is new in it."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="saved_searches")
    name = fields.CharField(max_length=120)
    query = fields.CharField(
        max_length=2000, blank=True, help_text="The catalogue's query string, without page or sort."
    )
    frequency = fields.CharField(max_length=6, choices=Frequency, default=Frequency.WEEKLY)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(help_text="New innovations are those published after this.")

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "query"], name="one_saved_search_per_query")]
        indexes = [models.Index(fields=["frequency", "checked_at"], name="savedsearch_due")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("innovations:list") + (f"?{self.query}" if self.query else "")

    def feed_url(self) -> str:
        return reverse("innovations:feed") + (f"?{self.query}" if self.query else "")


class FacetCount(models.Model):
    """How many published innovations hold each value of each catalogue facet that lives on the
    innovation's row: kept by a trigger on every write (innovations/triggers.py), so that the
    unfiltered catalogue's counts are one small read at any size. Values are as stored (ids as text
    for networks, ICBs and regions; "true" for proven)."""

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="one_count_per_facet_value")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}: {self.n}"


class AdoptionFigure(models.Model):
    """Each ICB's adoptions of published innovations, counted and kept by triggers on every write
    (innovations/triggers.py): by status ("status"), adopted or embedded by clinical area ("area"),
    and adopted or embedded by the quarter they started ("quarter", as "2024-3"). The ICS pages'
    comparisons and scorecards read these instead of every adoption."""

    icb_id = models.BigIntegerField()
    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["icb_id", "kind", "key"], name="one_figure_per_icb_kind_key")]

    def __str__(self) -> str:
        return f"ICB {self.icb_id} {self.kind}={self.key}: {self.n}"


class GapList(models.Model):
    """Each ICB's gap list, the proven innovations adopted elsewhere that it has not (in the order
    InnovationQuerySet.proven_elsewhere ranks them), and its peers (the systems most like it in what
    they have adopted, as [icb id, likeness]), kept so that no page works them out from the whole
    catalogue. The task worker works them out again after every write they depend on
    (GapListChange; innovations/gap_lists.py). Until it has, pages show the last list."""

    icb = models.OneToOneField(IntegratedCareBoard, on_delete=models.CASCADE, primary_key=True, related_name="+")
    innovation_ids = ArrayField(models.BigIntegerField(), default=list)
    peers = models.JSONField(default=list)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Gap list of ICB {self.icb_id}: {len(self.innovation_ids)}"


class GapListChange(models.Model):
    """A transaction that wrote innovations, adoptions, NICE guidance or evidence since the gap lists
    were last worked out: one row each, added by a trigger (innovations/triggers.py) on every write
    path, and taken away by the refresh that works the lists out again. Writers add rows, never
    update a shared one, so they do not wait for each other."""

    transaction_id = models.BigIntegerField(unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Transaction {self.transaction_id} at {self.at:%Y-%m-%d %H:%M:%S}"

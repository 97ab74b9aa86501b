from datetime import date
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hinportal.lib import fields
from hinportal.lib.urls import record_url


class Confidence(models.TextChoices):
    """How far a reference fact was checked, as recorded in the shared reference data."""

    VERIFIED = "verified", "Verified against a public source"
    PROBABLE = "probable", "Probable, not checked"
    RECALLED = "recalled", "Recalled, not checked"
    UNCERTAIN = "uncertain", "Uncertain"


class ReferenceFact(models.Model):
    """Where a reference record came from and how sure we are of it, for staff to correct."""

    confidence = fields.CharField(max_length=12, choices=Confidence, default=Confidence.PROBABLE)
    confidence_note = fields.CharField(
        max_length=200, blank=True, help_text="What in particular is unchecked or uncertain."
    )

    class Meta:
        abstract = True

    @property
    def data_source(self) -> str:
        note = f": {self.confidence_note}" if self.confidence_note else ""
        return f"HIN Portal reference data. {self.get_confidence_display()}{note}."


class Region(ReferenceFact):
    """One of the seven NHS England regions."""

    ons_code = fields.CharField("ONS code", max_length=9, unique=True)
    ods_code = fields.CharField("ODS code", max_length=3, unique=True)
    name = fields.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:icb_list") + f"#{self.slug}"


class NetworkQuerySet(models.QuerySet):
    def search(self, query: str) -> "NetworkQuerySet":
        return self.filter(Q(name__icontains=query) | Q(former_name__icontains=query) | Q(code__iexact=query))


class Network(ReferenceFact):
    """One of the 15 Health Innovation Networks (Academic Health Science Networks until 2023)."""

    code = fields.CharField(max_length=12, unique=True, help_text="The portal's own short code.")
    name = fields.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    former_name = fields.CharField(
        "former AHSN name", max_length=120, blank=True, help_text="Its name before 1 October 2023."
    )
    website = models.URLField(blank=True)
    description = fields.TextField(blank=True)
    note = fields.CharField(max_length=200, blank=True, help_text="Shown to the public.")
    designated_on = models.DateField(default=date(2013, 5, 23))
    licensed_from = models.DateField(default=date(2023, 10, 1))
    licensed_until_year = models.PositiveSmallIntegerField(default=2028)

    objects = NetworkQuerySet.as_manager()
    owner_path = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(licensed_until_year__gte=2023), name="network_licence_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:network_detail", args=[self.slug])

    def regions_covered(self) -> list[str]:
        """Names of the regions of this network's ICBs; prefetch `icbs__region` when listing."""
        return sorted({icb.region.name for icb in self.icbs.all()})

    @property
    def renamed(self) -> bool:
        return bool(self.former_name) and self.former_name != self.name


class IntegratedCareBoardQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> "IntegratedCareBoardQuerySet":
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def search(self, query: str) -> "IntegratedCareBoardQuerySet":
        return self.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(ods_code__iexact=query)
            | Q(ons_code__iexact=query)
        )


class IntegratedCareBoard(ReferenceFact):
    """An integrated care board, the statutory body of one of England's 42 integrated care systems.

    The ODS code is the stable key: names and boundaries change as boards merge, so each record
    keeps the dates it is valid for.
    """

    ods_code = fields.CharField("ODS code", max_length=3, unique=True)
    ons_code = fields.CharField("ONS code", max_length=9, unique=True)
    name = fields.CharField("official name", max_length=150)
    short_name = fields.CharField("public name", max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="icbs")
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="icbs")
    valid_from = models.DateField(default=date(2022, 7, 1))
    valid_to = models.DateField(null=True, blank=True)

    objects = IntegratedCareBoardQuerySet.as_manager()
    owner_path = "network"

    class Meta:
        ordering = ["short_name"]
        verbose_name = "integrated care board"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="icb_valid_to_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return record_url("innovations:icb_detail", self.slug)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to >= today)


class HeadlineFigure(ReferenceFact):
    """A figure the networks published about their impact (patients benefiting, investment
    leveraged, programmes, products), for one period, nationally or for one network, with the page
    it was read on."""

    key = models.SlugField(max_length=120, unique=True)
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="headline_figures",
        help_text="Blank for the networks together.",
    )
    period = fields.CharField(max_length=30, help_text="As the source gives it, e.g. 2023-24 or 2018 to 2023.")
    year = models.PositiveSmallIntegerField(help_text="The year the period ends, for ordering.")
    figure = fields.CharField(max_length=200)
    value = fields.CharField(max_length=200)
    source_url = models.URLField("source", max_length=500)

    class Meta:
        ordering = ["-year", "period", "figure"]

    def __str__(self) -> str:
        return f"{self.figure}, {self.period}: {self.value}"

    @property
    def source_site(self) -> str:
        """The source's website, e.g. digitalhealth.net, as a short link text."""
        return urlsplit(self.source_url).netloc.removeprefix("www.")


class Membership(models.Model):
    """Ties a person to the one network (staff) or ICB (ICS lead) they work for."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="membership")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members", null=True, blank=True)
    icb = models.ForeignKey(
        IntegratedCareBoard,
        on_delete=models.CASCADE,
        related_name="members",
        null=True,
        blank=True,
        verbose_name="integrated care board",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=False, icb__isnull=True) | Q(network__isnull=True, icb__isnull=False),
                name="membership_of_one_network_or_one_icb",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.network or self.icb}"


class Invitation(models.Model):
    """An invitation to join the portal in one role, for one network (staff) or one ICB it covers
    (an ICS lead). Accepting it creates the account, its role and its membership together, in one
    transaction, so no account exists without the membership its role needs. It works once, for
    INVITATION_DAYS days; only a hash of its token is kept."""

    class Role(models.TextChoices):
        EDITOR = "Network editor", "Network editor"
        PUBLISHER = "Network publisher", "Network publisher (also invites)"
        ICS_LEAD = "ICS lead", "ICS lead"

    email = models.EmailField()
    role = fields.CharField(max_length=20, choices=Role)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    icb = models.ForeignKey(
        IntegratedCareBoard,
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
        verbose_name="integrated care board",
        help_text="For an ICS lead: the system they lead, one this network covers.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    owner_path = "network"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="ICS lead", icb__isnull=False) | (~Q(role="ICS lead") & Q(icb__isnull=True)),
                name="invitation_lead_has_icb_staff_have_none",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.role}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "Accepted"
        return "Expired" if self.is_expired else "Waiting"

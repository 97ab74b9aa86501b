import markdown
import nh3
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from simple_history.models import HistoricalRecords

from hinportal.lib import fields
from hinportal.lib.search.fields import SEARCH_CONFIG, SearchText
from hinportal.lib.workflow import Workflow, WorkflowQuerySet
from innovations.models import Innovation, Programme
from networks.models import IntegratedCareBoard, Network

# What a publication's body may hold once rendered: paragraphs, headings, lists, links and emphasis.
BODY_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "blockquote", "br"}
BODY_ATTRIBUTES = {"a": {"href", "title"}}
BODY_URL_SCHEMES = {"http", "https", "mailto"}


def render_body(text: str) -> SafeString:
    """Markdown to HTML, then cleaned so that only the formatting above survives: no script, no javascript: links."""
    html = markdown.markdown(text, output_format="html")
    cleaned = nh3.clean(
        html, tags=BODY_TAGS, attributes=BODY_ATTRIBUTES, url_schemes=BODY_URL_SCHEMES, link_rel="noopener noreferrer"
    )
    return mark_safe(cleaned)  # noqa: S308 (cleaned by nh3 to the allow-list above)


class Kind(models.TextChoices):
    REVIEW = "review", "Review"
    REPORT = "report", "Report"
    PLAN = "plan", "Plan"
    STRATEGY = "strategy", "Strategy"
    GUIDANCE = "guidance", "Guidance"
    CASE_STUDY = "case-study", "Case study"
    NEWS = "news", "News"


class PublicationQuerySet(WorkflowQuerySet):
    ORDER = ("is_demo", "-published_on", "title")

    def real_first(self) -> "PublicationQuerySet":
        """Real publications newest first, then the generated case studies."""
        return self.order_by(*self.ORDER)


class Publication(Workflow):
    title = fields.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    kind = fields.CharField(max_length=12, choices=Kind)
    published_on = models.DateField()
    authors = fields.CharField("authors or publisher", max_length=300)
    summary = fields.TextField()
    body = fields.TextField(
        blank=True,
        help_text="Markdown: paragraphs, ## headings, lists, [links](https://...) and *emphasis*; "
        "anything else is removed.",
    )
    external_url = models.URLField("external link", blank=True)
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        related_name="owned_publications",
        null=True,
        blank=True,
        verbose_name="owning network",
        help_text="The network whose staff keep this record; blank for national records.",
    )
    networks = models.ManyToManyField(Network, related_name="publications", blank=True)
    icbs = models.ManyToManyField(
        IntegratedCareBoard, related_name="publications", blank=True, verbose_name="integrated care boards"
    )
    innovations = models.ManyToManyField(Innovation, related_name="publications", blank=True)
    programmes = models.ManyToManyField(Programme, related_name="publications", blank=True)
    is_demo = models.BooleanField("demonstration data", default=False)
    confidence_note = fields.CharField(
        max_length=200, blank=True, help_text="Staff only: where this record came from and what is not yet checked."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Computed by PostgreSQL from the row itself on every write: title (A) > summary (B) > body (C)
    # > authors and kind (D).
    search_vector = models.GeneratedField(
        expression=(
            SearchVector(SearchText("title"), weight="A", config=SEARCH_CONFIG)
            + SearchVector(SearchText("summary"), weight="B", config=SEARCH_CONFIG)
            + SearchVector(SearchText("body"), weight="C", config=SEARCH_CONFIG)
            + SearchVector(
                SearchText(Concat("authors", Value(" "), "kind", output_field=models.TextField())),
                weight="D",
                config=SEARCH_CONFIG,
            )
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PublicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])
    owner_path = "network"

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="publication_search_gin"),
            models.Index(fields=["status", "-published_on"], name="publication_newest"),
            # The listing's own order (PublicationQuerySet.ORDER), so that a page is read, not sorted.
            models.Index(fields=["status", "is_demo", "-published_on", "title"], name="publication_listing_order"),
        ]
        permissions = [("publish_publication", "Can publish, unpublish and archive publications")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", args=[self.slug])

    @property
    def body_html(self) -> SafeString:
        return render_body(self.body)


class Recommendation(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="As numbered in the publication; leave blank if it is not numbered there."
    )
    title = fields.CharField(max_length=200)
    text = fields.TextField()
    theme = fields.CharField(max_length=100, blank=True)
    innovations = models.ManyToManyField(Innovation, related_name="recommendations", blank=True)
    programmes = models.ManyToManyField(Programme, related_name="recommendations", blank=True)

    owner_path = "publication__network"
    workflow_parent = "publication"

    class Meta:
        ordering = ["number", "title"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="unique_recommendation_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title

    @cached_property
    def _programmes_by_timing(self) -> tuple[list, list]:
        """The programmes linked to it that ran at or after its publication, and those that had
        ended before it (from the prefetched programmes: no query of its own)."""
        published = self.publication.published_on
        answering, earlier = [], []
        for programme in self.programmes.all():
            (earlier if programme.ends_on and programme.ends_on < published else answering).append(programme)
        return answering, earlier

    @property
    def answering_programmes(self) -> list:
        return self._programmes_by_timing[0]

    @property
    def earlier_programmes(self) -> list:
        """Earlier work that the publication builds on: linked, but over before it appeared."""
        return self._programmes_by_timing[1]

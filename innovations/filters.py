"""The catalogue's filters, and the counts shown beside every option."""

from functools import cached_property

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, Model, OuterRef, QuerySet

from hinportal.lib.listing import ListingFilterSet, group_counts
from hinportal.lib.page_cache import cached
from hinportal.lib.search.parse import MAX_QUERY_CHARS, QUERY_TOO_LONG
from hinportal.lib.search.ranking import Source
from networks.models import IntegratedCareBoard, Network, Region

from .choices import CareSetting, Category, ClinicalArea, Core20Plus5, EvidenceTier, NiceGuidanceType, Stage
from .models import PROVEN_RULE, FacetCount, Innovation, NiceGuidance, Programme
from .search import innovation_source, programme_source
from .triggers import KEPT_FACETS, facet_values_sql


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    MOST_ADOPTED = "most-adopted"
    NAME = "name"
    CHOICES = [
        (RELEVANCE, "Relevance"),
        (MOST_ADOPTED, "Most adopted"),
        (NEWEST, "Newest"),
        (NAME, "Name"),
    ]
    ORDER = {
        # Relevance is the search's own order (hinportal/lib/search/ranking.py); without a search
        # there is none, and the listing falls back to the most adopted first. Real records come
        # before demonstration records but when sorted by date or name (index innovation_search_prior).
        RELEVANCE: ["is_demo", "-adopted_icb_count", "name", "pk"],
        NEWEST: ["-published_at", "pk"],
        MOST_ADOPTED: ["is_demo", "-adopted_icb_count", "name", "pk"],
        NAME: ["name", "pk"],
    }


class ArrayOverlapFilter(django_filters.MultipleChoiceFilter):
    """Innovations with any of the chosen values in an array column."""

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        return qs.filter(**{f"{self.field_name}__overlap": value}) if value else qs


class InnovationFilter(ListingFilterSet):
    q = django_filters.CharFilter(
        label="Search innovations",
        help_text="Words, abbreviations or what you want to achieve: for example enlarged prostate, AF, "
        '"virtual ward", or reduce falls in care homes. Put a minus before a word to leave it out.',
        max_length=MAX_QUERY_CHARS,
        error_messages={"max_length": QUERY_TOO_LONG},
        method="filter_search",
    )
    # distinct=False throughout: no filter here joins to many rows (arrays are columns, the rest use
    # EXISTS), so django-filter's default DISTINCT over every column would only cost time.
    category = django_filters.MultipleChoiceFilter(
        choices=Category.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    clinical_area = ArrayOverlapFilter(
        field_name="clinical_areas", choices=ClinicalArea.choices, widget=forms.CheckboxSelectMultiple
    )
    care_setting = ArrayOverlapFilter(
        field_name="care_settings", choices=CareSetting.choices, widget=forms.CheckboxSelectMultiple
    )
    stage = django_filters.MultipleChoiceFilter(
        choices=Stage.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    nice = django_filters.MultipleChoiceFilter(
        label="NICE guidance",
        choices=NiceGuidanceType.choices,
        method="filter_nice",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    tier = django_filters.MultipleChoiceFilter(
        field_name="evidence_tier",
        label="Evidence standards tier",
        choices=EvidenceTier.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    core20 = ArrayOverlapFilter(
        field_name="core20plus5", label="Core20PLUS5", choices=Core20Plus5.choices, widget=forms.CheckboxSelectMultiple
    )
    network = django_filters.ModelMultipleChoiceFilter(
        field_name="lead_network__slug",
        label="Lead network",
        queryset=Network.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        field_name="programmes",
        label="Programme",
        queryset=Programme.objects.published().order_by("short_name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        method="filter_programme",
    )
    region = django_filters.ModelChoiceFilter(
        label="Adopted in region",
        queryset=Region.objects.order_by("name"),
        to_field_name="slug",
        method="filter_region",
        empty_label="Any region",
    )
    icb = django_filters.ModelChoiceFilter(
        label="Adopted in integrated care system",
        queryset=IntegratedCareBoard.objects.order_by("short_name"),
        to_field_name="slug",
        method="filter_icb",
        empty_label="Any integrated care system",
    )
    proven = django_filters.BooleanFilter(
        label="Proven only",
        method="filter_proven",
        widget=forms.CheckboxInput,
        help_text=f"{PROVEN_RULE}.",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=Sort.CHOICES,
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Innovation
        fields: list[str] = []

    cache_name = "innovations"
    FACETS = [
        "category",
        "clinical_area",
        "care_setting",
        "stage",
        "nice",
        "tier",
        "core20",
        "network",
        "programme",
        "region",
        "icb",
        "proven",
    ]

    @property
    def sort_order(self) -> str:
        sort = self.form.cleaned_data.get("sort")
        if sort == Sort.RELEVANCE and not self.search:
            sort = None
        return sort or (Sort.RELEVANCE if self.search else Sort.MOST_ADOPTED)

    def __init__(self, *args, catalogue: bool = False, **kwargs) -> None:
        # The public catalogue (every published innovation) has its unfiltered counts kept for it.
        self.catalogue = catalogue
        super().__init__(*args, **kwargs)

    @property
    def narrowed(self) -> bool:
        """Whether any filter beyond the search is applied (programmes then drop out of the results)."""
        return self.others_chosen("q")

    def facet_counts(self, base: QuerySet) -> dict[str, dict]:
        """For every facet, the count of each option given all the other filters, asking as little
        as the choices allow:
        - where nothing else narrows the public catalogue, a facet's counts are those the database
          keeps (innovations_facetcount): one small query for them all, at any size;
        - the facets nobody chose are counted over the same rows (every filter applied), so they
          are counted together, in one pass over those rows (`counted_together`);
        - a chosen facet is counted over the rows the other filters leave, one query each; but
          "proven" chosen, without a search, is the listing's own count: the other filters' rows
          that are proven are the results."""
        counts: dict[str, dict] = {}
        together = [name for name in self.FACETS if name in KEPT_FACETS and not self.form.cleaned_data.get(name)]
        for name in self.FACETS:
            if self.catalogue and name in KEPT_FACETS and not self.others_chosen(name):
                counts[name] = self.kept_counts.get(name, {})
            elif name == "proven" and self.form.cleaned_data.get(name) and not self.search:
                counts[name] = {True: self.result_count()}
            elif name not in together:
                counts[name] = self.cached_facet(name, base)
        if any(name not in counts for name in together):
            rows = self.filter_queryset_except(base, "sort")
            found = cached(f"{self.cache_name}:facets:{self.canonical()}", lambda: counted_together(rows))
            counts.update({name: found.get(name, {}) for name in together if name not in counts})
        return {name: counts[name] for name in self.FACETS}

    @cached_property
    def kept_counts(self) -> dict[str, dict]:
        """The catalogue's kept facet counts, read at most once a request: the count and the facets
        of an unfiltered page both use them."""
        return kept_facet_counts()

    def result_count(self) -> int:
        """As for any listing; but the whole public catalogue, nothing chosen, is counted from its
        kept counts (every innovation has one category, counted once): no scan at any size."""
        if self.catalogue and not self.others_chosen("sort"):
            return cached(
                f"{self.cache_name}:count:{self.canonical()}",
                lambda: sum(self.kept_counts.get("category", {}).values()),
            )
        return super().result_count()

    def sources(self, queryset: QuerySet) -> list[Source]:
        """Innovations, and programmes too while no filter says something only innovations have."""
        found = [innovation_source(queryset)]
        if not self.narrowed:
            found.append(programme_source(Programme.objects.published()))
        return found

    def count_facet(self, name: str, qs: QuerySet) -> dict:
        match name:
            case "category" | "stage":
                return group_counts(qs, name)
            case "tier":
                return group_counts(qs, "evidence_tier")
            case "network":
                return group_counts(qs, "lead_network__slug")
            case "clinical_area" | "care_setting" | "core20":
                return _array_counts(
                    qs,
                    {"clinical_area": "clinical_areas", "care_setting": "care_settings", "core20": "core20plus5"}[name],
                )
            case "nice":
                return _linked_counts(qs, NiceGuidance, "l.kind", "")
            case "programme":
                programmes = Programme._meta.db_table
                return _linked_counts(
                    qs, Programme.innovations.through, "p.slug", f"JOIN {programmes} p ON p.id = l.programme_id"
                )
            case "icb":
                return _array_counts(qs, "adopted_icbs", by_slug_of=IntegratedCareBoard)
            case "region":
                return _array_counts(qs, "adopted_regions", by_slug_of=Region)
            case "proven":
                return {True: qs.proven().count()}
        raise ValueError(name)

    def filter_nice(self, qs: QuerySet, name: str, value: list[str]) -> QuerySet:
        return (
            qs.filter(Exists(NiceGuidance.objects.filter(innovation=OuterRef("pk"), kind__in=value))) if value else qs
        )

    def filter_programme(self, qs: QuerySet, name: str, value: list[Programme]) -> QuerySet:
        if not value:
            return qs
        links = Programme.innovations.through.objects.filter(innovation=OuterRef("pk"), programme__in=value)
        return qs.filter(Exists(links))

    def filter_region(self, qs: QuerySet, name: str, value: Region | None) -> QuerySet:
        return qs.adopted_in_region(value) if value else qs

    def filter_icb(self, qs: QuerySet, name: str, value: IntegratedCareBoard | None) -> QuerySet:
        return qs.adopted_in_icb(value) if value else qs

    def filter_proven(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        return qs.proven() if value else qs

    def filter_nothing(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs


def _array_counts(qs: QuerySet, column: str, by_slug_of: type[Model] | None = None) -> dict[str, int]:
    """How many rows hold each value of an array column; for an array of ids, by the slug of the
    record each id names (in the same query)."""
    # With the primary key: a DISTINCT the filters add must not fold innovations with the same list.
    inner, params = qs.order_by().values_list("pk", column).query.sql_with_params()
    # Only Django's SQL and our own column and table names are formatted in; every value is a parameter.
    values = f"SELECT unnest(x.{column}) AS v FROM ({inner}) AS x"  # noqa: S608
    if by_slug_of is None:
        sql = f"SELECT v, count(*) FROM ({values}) AS u GROUP BY v"  # noqa: S608
    else:
        table = by_slug_of._meta.db_table
        sql = f"SELECT r.slug, count(*) FROM ({values}) AS u JOIN {table} r ON r.id = u.v GROUP BY r.slug"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _linked_counts(qs: QuerySet, link: type[Model], label: str, join: str) -> dict[str, int]:
    """How many of the rows each label of a small table of links to innovations names (NICE
    guidance by kind, programmes by slug): each link is looked up among the rows by its innovation's
    id, so the cost is the links', whatever the size of the catalogue.

    OFFSET 0 keeps PostgreSQL from turning that lookup into a join. As a join, with a rare search at
    a million innovations, it walked the whole table in id order for a match it expected early:
    1.32 s to count 90 links, against 0.4 ms looked up one by one (EXPLAIN ANALYZE, README)."""
    inner, params = qs.order_by().values("pk").query.sql_with_params()
    # Only Django's SQL and our own table and column names are formatted in; every value is a parameter.
    sql = (
        f"SELECT {label}, count(DISTINCT l.innovation_id) FROM {link._meta.db_table} l {join}"  # noqa: S608
        f" WHERE EXISTS (SELECT 1 FROM ({inner}) AS m WHERE m.pk = l.innovation_id OFFSET 0) GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def kept_facet_counts() -> dict[str, dict]:
    """Every kept facet's counts over the published catalogue, keyed as the filters' options are
    (slugs for networks, ICBs and regions; True for proven): one query."""
    return _by_option(f"SELECT facet, value, n FROM {FacetCount._meta.db_table}", [])  # noqa: S608 (our own name)


# The columns KEPT_FACETS reads from each innovation row.
FACET_COLUMNS = [
    "category",
    "stage",
    "evidence_tier",
    "lead_network_id",
    "clinical_areas",
    "care_settings",
    "core20plus5",
    "adopted_icbs",
    "adopted_regions",
    "is_proven",
]


def counted_together(qs: QuerySet) -> dict[str, dict]:
    """Every kept facet's counts over these rows, keyed as kept_facet_counts keys them: one query
    reading the rows once, through the same (facet, value) list as the kept counts' trigger, rather
    than one query over them per facet."""
    inner, params = qs.order_by().values_list("pk", *FACET_COLUMNS).query.sql_with_params()
    columns = ", ".join(f"x.{column}" for column in FACET_COLUMNS)
    # Only Django's SQL and our own column names are formatted in; every value is a parameter.
    return _by_option(facet_values_sql(f"SELECT 1 AS sign, {columns} FROM ({inner}) AS x"), params)  # noqa: S608


def _by_option(facet_rows: str, params: list) -> dict[str, dict]:
    """(facet, value, n) rows as counts keyed as the filters' options are: ids as the slugs of the
    networks, ICBs and regions they name (in the same query), True for proven."""
    links = {"network": Network, "icb": IntegratedCareBoard, "region": Region}
    joins = " ".join(
        f"LEFT JOIN {model._meta.db_table} {facet} ON f.facet = '{facet}' AND {facet}.id::text = f.value"
        for facet, model in links.items()
    )
    slug = ", ".join(f"{facet}.slug" for facet in links)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.facet, coalesce({slug}, f.value), f.n FROM ({facet_rows}) AS f {joins} WHERE f.n > 0",  # noqa: S608 (our own names)
            params,
        )
        rows = cursor.fetchall()
    counts: dict[str, dict] = {}
    for facet, value, n in rows:
        counts.setdefault(facet, {})[True if facet == "proven" else value] = n
    return counts

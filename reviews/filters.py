import django_filters
from django import forms
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from hinportal.lib.listing import ListingFilterSet, group_counts
from hinportal.lib.page_cache import cached
from hinportal.lib.search.parse import MAX_QUERY_CHARS, QUERY_TOO_LONG
from hinportal.lib.search.ranking import Source
from networks.models import Network

from .models import Kind, Publication
from .search import publication_source


def year_choices() -> list[tuple[str, str]]:
    """Years that published records fall in (a bounded list, cached)."""
    years = cached(
        "publications:years",
        lambda: sorted(
            set(Publication.objects.published().annotate(y=ExtractYear("published_on")).values_list("y", flat=True)),
            reverse=True,
        ),
    )
    return [(str(year), str(year)) for year in years]


class PublicationFilter(ListingFilterSet):
    q = django_filters.CharFilter(
        label="Search publications",
        help_text="For example Hewitt, inequalities or a network's name.",
        max_length=MAX_QUERY_CHARS,
        error_messages={"max_length": QUERY_TOO_LONG},
        method="filter_search",
    )
    kind = django_filters.MultipleChoiceFilter(label="Kind", choices=Kind.choices, widget=forms.CheckboxSelectMultiple)
    year = django_filters.MultipleChoiceFilter(
        label="Year", choices=year_choices, method="filter_year", widget=forms.CheckboxSelectMultiple
    )
    network = django_filters.ModelMultipleChoiceFilter(
        label="Network",
        field_name="networks__slug",
        queryset=Network.objects.order_by("name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        method="filter_network",
    )

    class Meta:
        model = Publication
        fields: list[str] = []

    cache_name = "publications"
    FACETS = ["kind", "year", "network"]

    def count_facet(self, name: str, qs: QuerySet) -> dict:
        if name == "kind":
            return group_counts(qs, "kind")
        if name == "year":
            return {str(k): v for k, v in group_counts(qs.annotate(year=ExtractYear("published_on")), "year").items()}
        links = Publication.networks.through.objects.filter(publication__in=qs.values("pk"))
        return group_counts(links, "network__slug")

    def sources(self, queryset: QuerySet) -> list[Source]:
        return [publication_source(queryset)]

    def filter_year(self, qs: QuerySet, name: str, value: list[str]) -> QuerySet:
        return qs.filter(published_on__year__in=[int(v) for v in value]) if value else qs

    def filter_network(self, qs: QuerySet, name: str, value: list[Network]) -> QuerySet:
        if not value:
            return qs
        return qs.filter(pk__in=Publication.networks.through.objects.filter(network__in=value).values("publication"))

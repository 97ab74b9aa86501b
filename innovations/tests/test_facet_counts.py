"""Every facet count equals the number of results choosing that option would show, whatever other
filters are chosen (issue 17: with a category chosen, "Respiratory (39)" stood for 3,719 matches,
because django-filter's DISTINCT folded innovations with the same list of clinical areas)."""

import itertools

import pytest
from django.core.cache import cache
from django.http import QueryDict

from innovations.filters import InnovationFilter
from innovations.models import Innovation
from innovations.tests.factories import make_innovation

OTHER_FILTERS = [
    {},
    {"category": ["digital"]},
    {"stage": ["adoption"]},
    {"tier": ["b"]},
    {"category": ["digital", "medical-device"], "stage": ["spread"]},
    {"clinical_area": ["respiratory"]},
    {"network": ["__ours__"]},
]
FACETS = ["category", "clinical_area", "care_setting", "core20", "stage", "tier", "network"]


@pytest.fixture
def catalogue(world):
    """Many innovations sharing the same lists, across categories, stages, tiers and networks."""
    for n, (category, stage, tier, areas, settings, core20, network) in enumerate(
        itertools.product(
            ["digital", "medical-device"],
            ["adoption", "spread"],
            ["", "b"],
            [["respiratory"], ["respiratory", "cancer"]],
            [["primary-care"]],
            [[], ["chronic-respiratory-disease"]],
            [world.network, world.other_network],
        )
    ):
        for copy in range(2):  # identical twins: what a DISTINCT would fold
            make_innovation(
                name=f"Innovation {n}-{copy}", category=category, stage=stage, evidence_tier=tier,
                clinical_areas=areas, care_settings=settings, core20plus5=core20, lead_network=network,
            )  # fmt: skip
    return world


def params(data: dict, world) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, [world.network.slug if v == "__ours__" else v for v in values])
    return query


@pytest.mark.parametrize("others", OTHER_FILTERS, ids=lambda d: "&".join(f"{k}={v}" for k, v in d.items()) or "none")
def test_every_facet_count_is_what_choosing_it_would_show(catalogue, others):
    cache.clear()
    base = Innovation.objects.published()
    shown = InnovationFilter(params(others, catalogue), queryset=base)
    assert shown.is_valid()
    counts = shown.facet_counts(base)
    checked = 0
    for facet in FACETS:
        if facet in others:
            continue  # a chosen facet's options widen the search (OR); not what this checks
        for option, count in counts[facet].items():
            if option in ("", None):
                continue
            chosen = InnovationFilter(params({**others, facet: [option]}, catalogue), queryset=base)
            assert chosen.is_valid(), chosen.errors
            assert count == chosen.qs.count(), (facet, option, others)
            checked += 1
    assert checked >= 5  # the test compared real counts


def test_the_filtered_listing_asks_for_no_distinct(catalogue):
    chosen = InnovationFilter(params({"category": ["digital"], "stage": ["spread"], "tier": ["b"]}, catalogue))
    assert chosen.is_valid()
    assert " DISTINCT " not in str(chosen.qs.query)


def counted(catalogue) -> dict[str, dict]:
    """Every kept facet counted afresh over the published catalogue, as the filters count it."""
    from innovations.triggers import KEPT_FACETS

    base = Innovation.objects.published()
    fresh = InnovationFilter(QueryDict(), queryset=base)
    assert fresh.is_valid()
    return {name: {k: v for k, v in fresh.count_facet(name, base).items() if v} for name in KEPT_FACETS}


def kept() -> dict[str, dict]:
    from innovations.filters import kept_facet_counts
    from innovations.triggers import KEPT_FACETS

    counts = kept_facet_counts()
    return {name: counts.get(name, {}) for name in KEPT_FACETS}


def test_the_kept_counts_follow_every_kind_of_write(catalogue, django_assert_num_queries):
    from hinportal.lib.workflow import Status
    from innovations.choices import AdoptionStatus
    from innovations.models import Adoption, FacetCount
    from innovations.tests.factories import adopt_in, make_evidence
    from networks.tests.factories import make_icb

    assert kept() == counted(catalogue) and FacetCount.objects.exists()
    some = list(Innovation.objects.order_by("pk")[:6])
    # Unpublished, edited in bulk, republished, deleted: each statement moves the counts.
    Innovation.objects.filter(pk__in=[some[0].pk, some[1].pk]).update(status=Status.DRAFT)
    edited = Innovation.objects.filter(pk=some[2].pk)
    edited.update(category="pharmaceutical", clinical_areas=["cancer", "mental-health"])
    some[3].delete()
    Innovation.objects.filter(pk=some[0].pk).update(status=Status.PUBLISHED)
    # Adoptions and evidence change the ICBs, regions and proven counts through the row.
    icbs = [make_icb() for _ in range(3)]
    adopt_in(some[4], icbs)
    make_evidence(innovation=some[4])
    Adoption.objects.filter(innovation=some[4], icb=icbs[0]).update(status=AdoptionStatus.DISCONTINUED)
    adopt_in(some[5], icbs[:1], AdoptionStatus.EMBEDDED)
    make_innovation(name="New", category="digital", clinical_areas=["respiratory"], lead_network=catalogue.network)
    assert kept() == counted(catalogue)
    assert kept()["icb"][icbs[1].slug] == 1 and kept()["proven"] == {}
    adopt_in(some[4], [make_icb()])  # a third adopting system again: proven
    assert kept()["proven"] == {True: 1} == counted(catalogue)["proven"]

    # The unfiltered catalogue page reads them in one query, with no count of its own per facet.
    response = InnovationFilter(QueryDict(), queryset=Innovation.objects.published(), catalogue=True)
    assert response.is_valid()
    cache.clear()
    with django_assert_num_queries(3):  # the kept counts, NICE guidance and programmes
        shown = response.facet_counts(Innovation.objects.published())
    assert {name: {k: v for k, v in shown[name].items() if v} for name in counted(catalogue)} == counted(catalogue)


@pytest.mark.parametrize(
    ("others", "nice", "in_programme"),
    [
        ({}, {"MTG": 2, "DG": 1}, 3),
        ({"category": ["digital"]}, {"MTG": 1, "DG": 1}, 2),
        ({"q": ["asthma"]}, {"MTG": 2}, 2),
    ],
    ids=["none", "category", "search"],
)
def test_nice_and_programme_counts_are_what_choosing_them_would_show(world, others, nice, in_programme):
    """Counted link by link (filters._linked_counts), each innovation once however many links."""
    from hinportal.lib.workflow import Status
    from innovations.tests.factories import make_guidance, make_programme

    asthma = make_innovation(name="Asthma app", category="digital")
    inhaler = make_innovation(name="Asthma inhaler device", category="medical-device")
    falls = make_innovation(name="Falls service", category="digital")
    draft = make_innovation(name="Asthma draft", category="digital", status=Status.DRAFT)
    for innovation, kind, number in [(asthma, "MTG", 1), (asthma, "MTG", 2), (inhaler, "MTG", 3), (falls, "DG", 4)]:
        make_guidance(innovation=innovation, kind=kind, number=number)
    make_guidance(innovation=draft, kind="MTG", number=5)
    spread = make_programme(innovations=[asthma, inhaler, falls, draft])
    make_programme(innovations=[falls])
    cache.clear()
    base = Innovation.objects.published()
    shown = InnovationFilter(params(others, world), queryset=base)
    assert shown.is_valid()
    counts = shown.facet_counts(base)
    assert {k: v for k, v in counts["nice"].items() if v} == nice
    assert counts["programme"][spread.slug] == in_programme
    for facet, option in [("nice", "MTG"), ("nice", "DG"), ("programme", spread.slug)]:
        chosen = InnovationFilter(params({**others, facet: [option]}, world), queryset=base)
        assert chosen.is_valid(), chosen.errors
        assert counts[facet].get(option, 0) == chosen.qs.count(), (facet, option)


@pytest.mark.parametrize("catalogue_page", [True, False], ids=["catalogue", "other-listing"])
@pytest.mark.parametrize(
    "others",
    [
        *OTHER_FILTERS,
        {"q": ["innovation"]},
        {"q": ["innovation"], "category": ["digital"]},
        {"proven": ["true"]},
        {"proven": ["true"], "category": ["digital"]},
    ],
    ids=lambda d: "&".join(f"{k}={v}" for k, v in d.items()) or "none",
)
def test_the_facets_counted_together_are_each_facet_counted_on_its_own(catalogue, others, catalogue_page):
    """facet_counts counts the facets nobody chose in one query (filters.counted_together); each
    must be what counting that facet alone over the same filters gives."""
    from innovations.tests.factories import adopt_in, make_evidence
    from networks.tests.factories import make_icb

    icbs = [make_icb() for _ in range(3)]
    for n, innovation in enumerate(list(Innovation.objects.order_by("pk"))[::5]):  # across every kind
        adopt_in(innovation, icbs[: n % 3 + 1])
        make_evidence(innovation=innovation)
    cache.clear()
    base = Innovation.objects.published()
    shown = InnovationFilter(params(others, catalogue), queryset=base, catalogue=catalogue_page)
    assert shown.is_valid(), shown.errors
    together = shown.facet_counts(base)
    alone = {name: shown.count_facet(name, shown.filter_queryset_except(base, name, "sort")) for name in shown.FACETS}

    def nonzero(counts: dict) -> dict:
        return {option: n for option, n in counts.items() if n and option is not None}

    assert {name: nonzero(c) for name, c in together.items()} == {name: nonzero(c) for name, c in alone.items()}
    assert nonzero(together["icb"]) and nonzero(together["category"])  # the test compared real counts


def test_a_proven_listing_is_counted_once(catalogue, client):
    """With "proven" chosen, its own count is the listing's: the rows the other filters leave that
    are proven are the results, so they are not counted a second time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from innovations.tests.factories import adopt_in, make_evidence
    from networks.tests.factories import make_icb

    icbs = [make_icb() for _ in range(3)]
    digital = list(Innovation.objects.filter(category="digital").order_by("pk"))
    for innovation in digital[:3]:  # adopted in three systems, with evidence: proven
        adopt_in(innovation, icbs)
        make_evidence(innovation=innovation)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/innovations/?category=digital&proven=on")
    assert page.status_code == 200
    counting = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "innovations_innovation"')
    ]
    assert len(counting) == 1
    html = page.content.decode()
    assert "3 innovations" in html
    assert "Proven only (3)" in html

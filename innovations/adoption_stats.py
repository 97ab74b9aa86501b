"""Adoption figures across ICBs, for maps and comparisons: computed in the database,
cached for a few minutes because each one groups every adoption."""

from collections import Counter, defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear

from hinportal.lib.charts import BarChart, quarterly
from hinportal.lib.hexmap import HexMap
from hinportal.lib.page_cache import cached
from networks.hexmap import icb_map
from networks.models import IntegratedCareBoard

from .choices import ADOPTED, AdoptionStatus
from .models import Adoption, AdoptionFigure

STATUS_LEGEND = [("none", "Not recorded")] + [(s.value, s.label) for s in AdoptionStatus]
BAND_KEYS = ["few", "some", "many", "most"]


def kept_figures(kind: str) -> dict[int, dict[str, int]]:
    """Every ICB's kept adoption figures of one kind (models.AdoptionFigure): one small read."""
    figures: dict[int, dict[str, int]] = defaultdict(dict)
    for icb_id, key, n in AdoptionFigure.objects.filter(kind=kind, n__gt=0).values_list("icb_id", "key", "n"):
        figures[icb_id][key] = n
    return dict(figures)


def adoption_totals() -> dict[int, dict[str, int]]:
    """For every ICB, how many published innovations it has at each adoption status."""
    return cached("adoption:totals", lambda: kept_figures("status"))


def current_icbs() -> list[IntegratedCareBoard]:
    """Today's 42 ICBs with their networks, by name: the same on every page, cached until a write."""
    return cached(
        "icbs:current",
        lambda: list(IntegratedCareBoard.objects.current().select_related("network").order_by("short_name")),
    )


def current_icb(icb_id: int) -> IntegratedCareBoard | None:
    """One of today's ICBs with its network, or None if it is not current: kept as current_icbs()
    is, so a page that needs only the viewer's own system does not read all 42 from the cache."""
    return cached(f"icbs:current:{icb_id}", lambda: next((icb for icb in current_icbs() if icb.pk == icb_id), None))


def adopted_count(totals: dict[int, dict[str, int]], icb_id: int) -> int:
    return sum(totals.get(icb_id, {}).get(status, 0) for status in ADOPTED)


def comparison(icb: IntegratedCareBoard, icbs: list[IntegratedCareBoard]) -> list[dict]:
    """This ICB's count at each status beside the average ICB in its region and in England."""
    totals = adoption_totals()
    region = [i.pk for i in icbs if i.region_id == icb.region_id]
    rows = []
    for status in AdoptionStatus:

        def average(ids: list[int], status: str = status.value) -> float:
            return sum(totals.get(i, {}).get(status, 0) for i in ids) / len(ids) if ids else 0

        rows.append(
            {
                "status": status.label,
                "here": totals.get(icb.pk, {}).get(status.value, 0),
                "region": average(region),
                "england": average([i.pk for i in icbs]),
            }
        )
    return rows


def map_by_status(icbs: list[IntegratedCareBoard], statuses: dict[int, str]) -> HexMap:
    return icb_map(icbs, lambda icb: statuses.get(icb.pk, "none"), STATUS_LEGEND)


def reach_bands(counts: list[int]) -> list[tuple[str, str, int | None]]:
    """Up to four bands of the ICBs' adoption counts, cut at their quartiles so that the map
    separates the systems however many innovations there are: (key, label, exclusive upper limit)."""
    ordered = sorted(counts)
    if not ordered:
        return [("few", "None recorded", None)]
    cuts: list[int] = []
    for quarter in (1, 2, 3):
        floor = cuts[-1] if cuts else ordered[0]
        cut = ordered[len(ordered) * quarter // 4]
        if cut <= floor:  # ties: cut at the next value up, if there is one
            cut = next((n for n in ordered if n > floor), floor)
        if cut > floor:
            cuts.append(cut)
    bands: list[tuple[str, str, int | None]] = []
    lower = ordered[0]
    for key, upper in zip(BAND_KEYS, [*cuts, None], strict=False):
        if upper is None:
            label = f"{lower:,} or more" if bands else f"{lower:,} to {ordered[-1]:,}"
        elif upper - 1 == lower:
            label = f"{lower:,}"
        else:
            label = f"{lower:,} to {upper - 1:,}"
        bands.append((key, label, upper))
        if upper is not None:
            lower = upper
    return bands


def map_by_reach(icbs: list[IntegratedCareBoard], highlight: IntegratedCareBoard) -> HexMap:
    totals = adoption_totals()
    bands = reach_bands([adopted_count(totals, icb.pk) for icb in icbs])

    def band_of(icb: IntegratedCareBoard) -> str:
        n = adopted_count(totals, icb.pk)
        return next(key for key, _, upper in bands if upper is None or n < upper)

    def describe(icb: IntegratedCareBoard) -> str:
        return f"{adopted_count(totals, icb.pk)} adopted or embedded"

    legend = [(key, f"{label} adopted") for key, label, _ in bands]
    return icb_map(icbs, band_of, legend, highlight=highlight.pk, describe=describe)


def chart_for(adoptions: QuerySet) -> BarChart | None:
    """ICBs starting to adopt per quarter, grouped in the database."""
    rows = (
        adoptions.filter(status__in=ADOPTED)
        .annotate(year=ExtractYear("started_on"), quarter=ExtractQuarter("started_on"))
        .values_list("year", "quarter")
        .annotate(n=Count("pk"))
        .values_list("year", "quarter", "n")
        .order_by()
    )
    return quarterly(Counter({(year, quarter): n for year, quarter, n in rows}))


def chart_of(adoptions: list[Adoption]) -> BarChart | None:
    """ICBs starting to adopt per quarter, from adoptions already fetched (one innovation's)."""
    started = Counter((a.started_on.year, (a.started_on.month - 1) // 3 + 1) for a in adoptions if a.status in ADOPTED)
    return quarterly(started)

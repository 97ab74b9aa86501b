"""A scorecard per integrated care system: its uptake by clinical area and by quarter beside the
average system in its region, in England and among the five systems most like it in what they have
adopted (its peers: the largest overlap of adopted innovations, as a share of both together). NICE's
Innovation Scorecard shows uptake per ICB; this adds peers, and the ICS page puts the gap list
beside it.

The national figures (by status, clinical area and quarter) are those the database keeps per ICB
(models.AdoptionFigure, kept by triggers on every adoption and innovation write), read in one small
query each and cached until the next public write; each system's peers are kept with its gap list
(models.GapList, innovations/gap_lists.py)."""

from dataclasses import dataclass
from datetime import date

from hinportal.lib.page_cache import cached
from networks.models import IntegratedCareBoard

from .adoption_stats import kept_figures
from .choices import ClinicalArea
from .gap_lists import summary

QUARTERS = 8


def by_area() -> dict[int, dict[str, int]]:
    """For each ICB, how many innovations it has adopted in each clinical area (kept figures)."""
    return cached("scorecard:areas", lambda: kept_figures("area"))


def by_quarter() -> dict[int, dict[tuple[int, int], int]]:
    """For each ICB, how many adoptions started in each quarter (kept figures)."""

    def compute() -> dict[int, dict[tuple[int, int], int]]:
        return {
            icb_id: {tuple(int(part) for part in key.split("-")): n for key, n in quarters.items()}  # type: ignore[misc]
            for icb_id, quarters in kept_figures("quarter").items()
        }

    return cached("scorecard:quarters", compute)


def peers(icb: IntegratedCareBoard, icbs: list[IntegratedCareBoard]) -> list[tuple[IntegratedCareBoard, float]]:
    """The systems most like this one in what they have adopted, with how alike (0 to 1): kept with
    its gap list (innovations/gap_lists.py)."""
    by_id = {other.pk: other for other in icbs}
    return [(by_id[pk], score) for pk, score in summary(icb).peers if pk in by_id]


@dataclass
class Row:
    label: str
    here: int
    peers: float
    region: float
    england: float


def _average(counts: dict, ids: list[int], key) -> float:
    return sum(counts.get(i, {}).get(key, 0) for i in ids) / len(ids) if ids else 0.0


def scorecard(icb: IntegratedCareBoard, icbs: list[IntegratedCareBoard], today: date | None = None) -> dict:
    """The ICS page's scorecard: rows by clinical area and by recent quarter, and the peers."""
    today = today or date.today()
    alike = peers(icb, icbs)
    peer_ids = [other.pk for other, _ in alike]
    region_ids = [other.pk for other in icbs if other.region_id == icb.region_id]
    england_ids = [other.pk for other in icbs]
    areas, quarters = by_area(), by_quarter()

    def row(label: str, counts: dict, key) -> Row:
        return Row(
            label=label,
            here=counts.get(icb.pk, {}).get(key, 0),
            peers=_average(counts, peer_ids, key),
            region=_average(counts, region_ids, key),
            england=_average(counts, england_ids, key),
        )

    area_rows = [row(area.label, areas, area.value) for area in ClinicalArea]
    area_rows = [r for r in area_rows if r.here or r.peers or r.region or r.england]
    year, quarter = today.year, (today.month - 1) // 3 + 1
    recent = []
    for _ in range(QUARTERS):
        recent.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    quarter_rows = [row(f"{y} Q{q}", quarters, (y, q)) for y, q in reversed(recent)]
    return {"areas": area_rows, "quarters": quarter_rows, "peers": alike}

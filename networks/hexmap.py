"""A hexagonal tile map of England's 42 ICBs, laid out by rough geography and drawn as inline SVG.

Each tile is one ICB, the same size whatever its area, so that small urban systems are as visible
as large rural ones. Rows run north to south; odd rows sit half a tile to the right.
"""

import math
from dataclasses import dataclass

# ODS code: (column, row)
LAYOUT = {
    "QHM": (4, 0),
    "QE1": (3, 1), "QOQ": (5, 1),
    "QYG": (2, 2), "QOP": (3, 2), "QWO": (4, 2), "QF7": (5, 2),
    "QOC": (2, 3), "QNC": (3, 3), "QJ2": (4, 3), "QT1": (5, 3), "QJM": (6, 3),
    "QGH": (2, 4), "QUA": (3, 4), "QHL": (4, 4), "QK1": (5, 4), "QPM": (6, 4), "QMM": (7, 4),
    "QR1": (2, 5), "QWU": (3, 5), "QU9": (4, 5), "QHG": (5, 5), "QUE": (6, 5), "QJG": (7, 5),
    "QUY": (1, 6), "QOX": (2, 6), "QNQ": (3, 6), "QRV": (4, 6), "QMJ": (5, 6), "QM7": (6, 6), "QH8": (7, 6),
    "QSL": (1, 7), "QVV": (2, 7), "QRL": (3, 7), "QWE": (4, 7), "QKK": (5, 7), "QMF": (6, 7), "QKS": (7, 7),
    "QT6": (0, 8), "QJK": (1, 8), "QXU": (4, 8), "QNX": (5, 8),
}  # fmt: skip
RADIUS = 24
WIDTH = math.sqrt(3) * RADIUS
MARGIN = 4


@dataclass
class Tile:
    ods_code: str
    name: str
    url: str
    key: str
    label: str
    points: str
    highlighted: bool = False


@dataclass
class HexMap:
    tiles: list[Tile]
    legend: list[tuple[str, str, int]]  # key, label, how many tiles
    width: int
    height: int


def _points(column: int, row: int) -> str:
    cx = MARGIN + WIDTH / 2 + column * WIDTH + (WIDTH / 2 if row % 2 else 0)
    cy = MARGIN + RADIUS + row * RADIUS * 1.5
    corners = [math.radians(60 * k - 30) for k in range(6)]
    return " ".join(f"{cx + RADIUS * math.cos(a):.1f},{cy + RADIUS * math.sin(a):.1f}" for a in corners)


def hex_map(icbs, classify, legend: list[tuple[str, str]], highlight: int | None = None, describe=None) -> HexMap:
    """Tiles for the given ICBs; classify(icb) gives each tile's legend key, describe(icb) its words."""
    labels = dict(legend)
    tiles = []
    for icb in icbs:
        if icb.ods_code not in LAYOUT:
            continue  # a board created after this layout was drawn: it still shows in the table
        key = classify(icb)
        tiles.append(
            Tile(
                ods_code=icb.ods_code,
                name=icb.short_name,
                url=icb.get_absolute_url(),
                key=key,
                label=describe(icb) if describe else labels[key],
                points=_points(*LAYOUT[icb.ods_code]),
                highlighted=icb.pk == highlight,
            )
        )
    counts = {key: sum(1 for t in tiles if t.key == key) for key, _ in legend}
    columns = max(c for c, _ in LAYOUT.values()) + 1
    rows = max(r for _, r in LAYOUT.values()) + 1
    return HexMap(
        tiles=tiles,
        legend=[(key, label, counts[key]) for key, label in legend],
        width=round(2 * MARGIN + WIDTH * (columns + 0.5)),
        height=round(2 * MARGIN + RADIUS * (1.5 * rows + 0.5)),
    )

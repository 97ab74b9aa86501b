"""Hexagonal tile maps drawn as inline SVG: one tile per place, all the same size, at a column and
row of the caller's layout (odd rows sit half a tile to the right), each with a legend key."""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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
    x: float  # the tile's centre, where its code is written
    y: float
    highlighted: bool = False


@dataclass
class HexMap:
    tiles: list[Tile]
    legend: list[tuple[str, str, int]]  # key, label, how many tiles
    width: int
    height: int

    @property
    def highlighted(self) -> Tile | None:
        return next((tile for tile in self.tiles if tile.highlighted), None)


def _centre(column: int, row: int) -> tuple[float, float]:
    return MARGIN + WIDTH / 2 + column * WIDTH + (WIDTH / 2 if row % 2 else 0), MARGIN + RADIUS + row * RADIUS * 1.5


@lru_cache(maxsize=256)
def _points(column: int, row: int) -> str:
    cx, cy = _centre(column, row)
    corners = [math.radians(60 * k - 30) for k in range(6)]
    return " ".join(f"{cx + RADIUS * math.cos(a):.1f},{cy + RADIUS * math.sin(a):.1f}" for a in corners)


def hex_map(
    places: Iterable[Any],
    layout: dict[str, tuple[int, int]],
    *,
    code: Callable[[Any], str],
    classify: Callable[[Any], str],
    legend: list[tuple[str, str]],
    describe: Callable[[Any], str] | None = None,
    highlighted: Callable[[Any], bool] | None = None,
) -> HexMap:
    """Tiles for the places the layout has a position for; classify gives each tile's legend key,
    describe its words (the legend label if not given)."""
    labels = dict(legend)
    tiles = []
    for place in places:
        position = layout.get(code(place))
        if position is None:
            continue  # a place newer than the layout: it still shows in the table beside the map
        key = classify(place)
        x, y = _centre(*position)
        tiles.append(
            Tile(
                ods_code=code(place),
                name=str(place),
                url=place.get_absolute_url(),
                key=key,
                label=describe(place) if describe else labels[key],
                points=_points(*position),
                x=round(x, 1),
                y=round(y, 1),
                highlighted=bool(highlighted and highlighted(place)),
            )
        )
    counts = {key: sum(1 for t in tiles if t.key == key) for key, _ in legend}
    columns = max(c for c, _ in layout.values()) + 1
    rows = max(r for _, r in layout.values()) + 1
    return HexMap(
        tiles=tiles,
        legend=[(key, label, counts[key]) for key, label in legend],
        width=round(2 * MARGIN + WIDTH * (columns + 0.5)),
        height=round(2 * MARGIN + RADIUS * (1.5 * rows + 0.5)),
    )

"""Server-drawn SVG charts, each with its data for a table beside it."""

from collections import Counter
from dataclasses import dataclass

# The plot alone: its labels are HTML beside and under it (components/bar_chart.html), so that they
# keep their size and colours at any width and in forced colours.
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 200, 0, 2, 4


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class BarChart:
    bars: list[Bar]
    maximum: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def first(self) -> str:
        return self.bars[0].label

    @property
    def last(self) -> str:
        return self.bars[-1].label


def quarterly(counts: Counter) -> BarChart | None:
    """A bar for each quarter, from the first with any to the last; counts maps (year, quarter) to n."""
    if not counts:
        return None
    first, last = min(counts), max(counts)
    quarters = []
    year, q = first
    while (year, q) <= last:
        quarters.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    maximum = max(counts.values())
    slot = (WIDTH - LEFT) / len(quarters)
    plot = HEIGHT - BOTTOM - TOP
    bars = []
    for index, (year, q) in enumerate(quarters):
        value = counts.get((year, q), 0)
        height = plot * value / maximum
        bars.append(
            Bar(
                label=f"{year} Q{q}",
                value=value,
                x=round(LEFT + index * slot + slot * 0.1, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.8, 1),
                height=round(height, 1),
            )
        )
    return BarChart(bars=bars, maximum=maximum)

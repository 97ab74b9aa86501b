"""England's 42 ICBs laid out as hexagonal tiles by rough geography (drawn by hinportal.lib.hexmap).

Each tile is one ICB, the same size whatever its area, so that small urban systems are as visible
as large rural ones. Rows run north to south.
"""

from collections.abc import Callable

from hinportal.lib.hexmap import HexMap, hex_map

from .models import IntegratedCareBoard

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


def icb_map(
    icbs: list[IntegratedCareBoard],
    classify: Callable[[IntegratedCareBoard], str],
    legend: list[tuple[str, str]],
    highlight: int | None = None,
    describe: Callable[[IntegratedCareBoard], str] | None = None,
) -> HexMap:
    return hex_map(
        icbs,
        LAYOUT,
        code=lambda icb: icb.ods_code,
        classify=classify,
        legend=legend,
        describe=describe,
        highlighted=lambda icb: icb.pk == highlight,
    )

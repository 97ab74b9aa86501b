from datetime import date
from itertools import count

from django.utils.text import slugify

from networks.models import Confidence, IntegratedCareBoard, Network, Region

_sequence = count(1)


def make_region(*, name: str | None = None) -> Region:
    n = next(_sequence)
    name = name or f"Test region {n}"
    return Region.objects.create(name=name, slug=f"test-region-{n}", ons_code=f"E49{n:06d}", ods_code=f"Z{n % 100:02d}")


def make_network(*, name: str | None = None, former_name: str = "") -> Network:
    n = next(_sequence)
    name = name or f"Test network {n}"
    return Network.objects.create(
        name=name, slug=f"test-network-{n}", code=f"T{n}", former_name=former_name, description=f"About {name}."
    )


def make_icb(
    *,
    region: Region | None = None,
    network: Network | None = None,
    short_name: str | None = None,
    ods_code: str | None = None,
    valid_from: date = date(2022, 7, 1),
    valid_to: date | None = None,
    confidence: str = Confidence.PROBABLE,
) -> IntegratedCareBoard:
    n = next(_sequence)
    short_name = short_name or f"Test system {n}"
    return IntegratedCareBoard.objects.create(
        ods_code=ods_code or f"X{n % 100:02d}"[:3],
        ons_code=f"E59{n:06d}",
        name=f"NHS {short_name} Integrated Care Board",
        short_name=short_name,
        slug=slugify(short_name) if short_name else f"test-system-{n}",
        region=region or make_region(),
        network=network or make_network(),
        valid_from=valid_from,
        valid_to=valid_to,
        confidence=confidence,
    )

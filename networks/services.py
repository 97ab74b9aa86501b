from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.text import slugify

from hinportal.lib.datafiles import LoadResult, read_rows, upsert

from .models import HeadlineFigure, IntegratedCareBoard, Network, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_reference_data(*, update: bool = False) -> LoadResult:
    """Load the regions, networks and ICBs from the project's data files; safe to run again."""
    result = LoadResult()

    regions = [
        Region(
            ons_code=row["ons_code"],
            ods_code=row["ods_code"],
            name=row["name"],
            slug=slugify(row["name"]),
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("regions.csv", data_dir=DATA_DIR)
    ]
    result.total["regions"] = len(regions)
    result.created["regions"] = upsert(Region, regions, key="ons_code", update=update)

    networks = [
        Network(
            code=row["code"],
            name=row["name"],
            slug=slugify(row["name"]),
            former_name=row["former_name"],
            website=row["website"],
            description=row["description"],
            note=row["note"],
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("networks.csv", data_dir=DATA_DIR)
    ]
    result.total["networks"] = len(networks)
    result.created["networks"] = upsert(Network, networks, key="code", update=update)

    region_ids = dict(Region.objects.values_list("ons_code", "pk"))
    network_ids = dict(Network.objects.values_list("code", "pk"))
    icbs = [
        IntegratedCareBoard(
            ods_code=row["ods_code"],
            ons_code=row["ons_code"],
            name=row["name"],
            short_name=row["short_name"],
            slug=slugify(row["short_name"]),
            region_id=region_ids[row["region_ons_code"]],
            network_id=network_ids[row["network_code"]],
            valid_from=parse_date(row["valid_from"]),
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("icbs.csv", data_dir=DATA_DIR)
    ]
    result.total["ICBs"] = len(icbs)
    result.created["ICBs"] = upsert(IntegratedCareBoard, icbs, key="ods_code", update=update)

    figures = [
        HeadlineFigure(
            key=row["key"],
            network_id=network_ids[row["network_code"]] if row["network_code"] else None,
            period=row["period"],
            year=int(row["year"]),
            figure=row["figure"],
            value=row["value"],
            source_url=row["source_url"],
            confidence=row["confidence"],
            confidence_note=row["confidence_note"],
        )
        for row in read_rows("headline_figures.csv", data_dir=DATA_DIR)
    ]
    result.total["headline figures"] = len(figures)
    result.created["headline figures"] = upsert(HeadlineFigure, figures, key="key", update=update)
    return result

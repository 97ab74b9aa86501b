import csv

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from hinportal.lib.text import spreadsheet_row

from .models import HeadlineFigure, IntegratedCareBoard, Network, Region

HOME = ("Home", "/")
RELATED_PUBLICATIONS = 10


def _networks_crumb() -> tuple[str, str]:
    return ("Networks", reverse("networks:network_list"))


def _icbs_crumb() -> tuple[str, str]:
    return ("Integrated care systems", reverse("networks:icb_list"))


@require_safe
def network_list(request: HttpRequest) -> HttpResponse:
    icbs = IntegratedCareBoard.objects.select_related("region").order_by("short_name")
    networks = Network.objects.prefetch_related(Prefetch("icbs", queryset=icbs))
    figures = HeadlineFigure.objects.filter(network=None)
    context = {"networks": networks, "figures": figures, "breadcrumbs": [HOME]}
    return render(request, "networks/network_list.html", context)


@require_safe
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    icbs = list(network.icbs.select_related("region").order_by("region__name", "short_name"))
    context = {
        "network": network,
        "publications": network.publications.published().real_first()[:RELATED_PUBLICATIONS],
        "icbs": icbs,
        "figures": network.headline_figures.all(),
        "regions": sorted({icb.region.name for icb in icbs}),
        "breadcrumbs": [HOME, _networks_crumb()],
    }
    return render(request, "networks/network_detail.html", context)


@require_safe
def icb_list(request: HttpRequest) -> HttpResponse:
    icbs = IntegratedCareBoard.objects.current().select_related("network").order_by("short_name")
    regions = Region.objects.prefetch_related(Prefetch("icbs", queryset=icbs, to_attr="current_icbs"))
    return render(request, "networks/icb_list.html", {"regions": regions, "breadcrumbs": [HOME]})


OPEN_DATA = {
    "regions": (
        Region.objects.order_by("name"),
        ["ons_code", "ods_code", "name", "confidence", "confidence_note"],
    ),
    "networks": (
        Network.objects.order_by("name"),
        [
            "code",
            "name",
            "former_name",
            "website",
            "licensed_from",
            "licensed_until_year",
            "confidence",
            "confidence_note",
        ],
    ),
    "icbs": (
        IntegratedCareBoard.objects.select_related("region", "network").order_by("short_name"),
        [
            "ods_code",
            "ons_code",
            "name",
            "short_name",
            "region__ons_code",
            "region__name",
            "network__code",
            "network__name",
            "valid_from",
            "valid_to",
            "confidence",
            "confidence_note",
        ],
    ),
    "headline-figures": (
        HeadlineFigure.objects.select_related("network").order_by("-year", "period", "figure"),
        ["network__code", "period", "figure", "value", "source_url", "confidence", "confidence_note"],
    ),
}


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/open_data.html", {"breadcrumbs": [HOME]})


@require_safe
def open_data_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    if dataset not in OPEN_DATA:
        raise Http404("No such dataset")
    queryset, columns = OPEN_DATA[dataset]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hinportal-{dataset}.csv"'
    writer = csv.writer(response)
    writer.writerow(columns)
    writer.writerows(spreadsheet_row(row) for row in queryset.values_list(*columns))
    return response

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from hinportal.lib.page_cache import audience_page

from .models import HeadlineFigure, IntegratedCareBoard, Network, Region

HOME = ("Home", "/")
RELATED_PUBLICATIONS = 10


def _networks_crumb() -> tuple[str, str]:
    return ("Networks", reverse("networks:network_list"))


def _icbs_crumb() -> tuple[str, str]:
    return ("Integrated care systems", reverse("networks:icb_list"))


@require_safe
@audience_page
def network_list(request: HttpRequest) -> HttpResponse:
    icbs = IntegratedCareBoard.objects.select_related("region").order_by("short_name")
    networks = Network.objects.prefetch_related(Prefetch("icbs", queryset=icbs))
    figures = HeadlineFigure.objects.filter(network=None)
    context = {"networks": networks, "figures": figures, "breadcrumbs": [HOME]}
    return render(request, "networks/network_list.html", context)


@require_safe
@audience_page
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
@audience_page
def icb_list(request: HttpRequest) -> HttpResponse:
    icbs = IntegratedCareBoard.objects.current().select_related("network").order_by("short_name")
    regions = Region.objects.prefetch_related(Prefetch("icbs", queryset=icbs, to_attr="current_icbs"))
    return render(request, "networks/icb_list.html", {"regions": regions, "breadcrumbs": [HOME]})

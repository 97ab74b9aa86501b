from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from innovations.filters import InnovationFilter, Sort
from innovations.models import Innovation, Programme
from networks.models import IntegratedCareBoard, Network
from reviews.filters import PublicationFilter
from reviews.models import Publication

from .forms import SearchForm

TOP = 5


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "network_count": Network.objects.count(),
        "icb_count": IntegratedCareBoard.objects.current().count(),
    }
    return render(request, "home.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """One query over every kind of record, grouped by kind with counts, each linking to its full listing."""
    form = SearchForm(request.GET)
    context = {"form": form, "breadcrumbs": [("Home", "/")]}
    if not form.is_valid():
        return render(request, "search.html", context, status=400)
    query = form.cleaned_data["q"]
    if not query:
        return render(request, "search.html", context)

    innovations = InnovationFilter({"q": query}, queryset=Innovation.objects.published())
    innovations.is_valid()
    publications = PublicationFilter({"q": query}, queryset=Publication.objects.published())
    publications.is_valid()
    programme_match = Q(name__icontains=query) | Q(short_name__icontains=query) | Q(summary__icontains=query)
    context.update(
        {
            "query": query,
            "innovation_count": innovations.result_count(),
            "innovations": innovations.qs.order_by(*Sort.ORDER[Sort.RELEVANCE])[:TOP],
            "publication_count": publications.result_count(),
            "publications": publications.qs.order_by("-rank", "-published_on")[:TOP],
            "programmes": list(Programme.objects.published().filter(programme_match)),
            "networks": list(Network.objects.search(query)),
            "icbs": list(IntegratedCareBoard.objects.current().search(query).select_related("network", "region")),
        }
    )
    return render(request, "search.html", context)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /innovations/export",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

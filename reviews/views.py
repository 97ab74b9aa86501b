from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from hinportal.lib.access import can_preview
from hinportal.lib.deferred import Deferred
from hinportal.lib.listing import list_page
from hinportal.lib.page_cache import audience_page
from innovations.models import Innovation, Programme

from .filters import PublicationFilter
from .models import Publication, PublicationQuerySet, Recommendation

PAGE_SIZE = 20
HOME = ("Home", "/")


@require_safe
@audience_page
def publication_list(request: HttpRequest) -> HttpResponse:
    filterset = PublicationFilter(request.GET, queryset=Publication.objects.published())
    valid = filterset.is_valid()
    # The results and filters are the same for everyone who asks this address: the template keeps
    # them as public fragments, and the page of results is worked out only when they are not kept.
    listing = Deferred(
        lambda: list_page(request, filterset, order=list(PublicationQuerySet.ORDER), per_page=PAGE_SIZE, ranked=True)
    )
    context = {"filter": filterset, "listing": listing, "search": filterset.search, "breadcrumbs": [HOME]}
    return render(request, "reviews/publication_list.html", context, status=200 if valid else 400)


def _get_publication_for_viewer(request: HttpRequest, slug: str, queryset) -> Publication:
    """Published publications are public; the owning network's staff may preview the rest."""
    publication = get_object_or_404(queryset, slug=slug)
    if not can_preview(request.user, publication):
        raise Http404("No such publication")
    return publication


@require_safe
@audience_page
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    published_innovations = Innovation.objects.published().order_by("name")
    published_programmes = Programme.objects.published().order_by("name")
    publication = _get_publication_for_viewer(
        request,
        slug,
        Publication.objects.prefetch_related(
            "networks",
            "icbs",
            Prefetch("innovations", queryset=published_innovations),
            Prefetch("programmes", queryset=published_programmes),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    Prefetch("innovations", queryset=published_innovations),
                    Prefetch("programmes", queryset=published_programmes),
                ),
            ),
        ),
    )
    context = {
        "publication": publication,
        "body": publication.body_html,
        "breadcrumbs": [HOME, ("Publications", reverse("reviews:list"))],
    }
    return render(request, "reviews/publication_detail.html", context)

import hashlib

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from hinportal.lib import listing
from hinportal.lib.deferred import Deferred
from hinportal.lib.listing import query_string, ranked_page
from hinportal.lib.page_cache import audience_page, cached
from hinportal.lib.search.ranking import Search, Source
from innovations.models import Innovation, Programme
from innovations.search import innovation_source, programme_source
from networks.models import HeadlineFigure, IntegratedCareBoard, Network
from reviews.models import Publication
from reviews.search import publication_source

from .forms import SearchForm

PER_PAGE = 10


@require_safe
@audience_page
def home(request: HttpRequest) -> HttpResponse:
    def figures() -> dict:
        return {
            "network_count": Network.objects.count(),
            "icb_count": IntegratedCareBoard.objects.current().count(),
            "figures_source": HeadlineFigure.objects.filter(network=None, period="2018 to 2023")
            .values_list("source_url", flat=True)
            .first(),
            "programme_total": Programme.objects.published().count(),
        }

    # The same for everyone (the page cache serves them whole to anonymous visitors; the signed in
    # read them from here). Kept per day, since the systems current change with the date.
    return render(request, "home.html", cached(f"home:figures:{timezone.localdate()}", figures))


def _counted(found: Search, source: Source) -> int:
    """How many records of a kind the search finds, counted to one more than listing.BROAD_SEARCH,
    as the kind's own listing counts them (a common word's matches are not all counted: at a
    million innovations "care" took 0.45 s to count in full). The page then says "more than"."""
    key = hashlib.sha256(f"{source.kind}\n{found.text}".encode()).hexdigest()
    return cached(f"site-search:{key}", lambda: found.count([source], upto=listing.BROAD_SEARCH + 1))


@require_safe
@audience_page
def search(request: HttpRequest) -> HttpResponse:
    """One query over every kind of record: innovations, programmes and publications ranked together
    (hinportal/lib/search), with a count of each linking to its full listing; networks and
    integrated care systems by name or code."""
    form = SearchForm(request.GET)
    context = {"form": form, "breadcrumbs": [("Home", "/")]}
    if not form.is_valid():
        return render(request, "search.html", context, status=400)
    query = form.cleaned_data["q"]
    if not query:
        return render(request, "search.html", context)
    found = Search(query)
    innovations = innovation_source(Innovation.objects.published())
    programmes = programme_source(Programme.objects.published())
    publications = publication_source(Publication.objects.published())
    # The results are the same for everyone who asks this address: the template keeps them as a
    # public fragment, and they are worked out only when it is not kept.
    page = Deferred(
        lambda: ranked_page(
            request,
            found,
            [innovations, programmes, publications],
            per_page=PER_PAGE,
            rows={Innovation: lambda rows: rows.select_related("lead_network")},
        )
    )
    suggestion = Deferred(lambda: found.suggestion)
    innovation_count = Deferred(lambda: _counted(found, innovations))
    programme_count = Deferred(lambda: _counted(found, programmes))
    publication_count = Deferred(lambda: _counted(found, publications))
    context.update(
        {
            "query": query,
            "search": found,
            "page": page,
            "results": Deferred(lambda: page().object_list),
            "page_range": Deferred(
                lambda: page().paginator.get_elided_page_range(page().number, on_each_side=2, on_ends=1)
            ),
            "query_string": query_string(request),
            "suggestion": suggestion,
            "suggestion_query": Deferred(lambda: query_string(request, q=suggestion()) if suggestion() else ""),
            "innovation_count": innovation_count,
            "programme_count": programme_count,
            "publication_count": publication_count,
            # What the heading says: all that the search finds, not only the ranked candidates that
            # can be paged through (ranking.CAP), which a common word's matches outnumber.
            "found_count": Deferred(lambda: innovation_count() + programme_count() + publication_count()),
            "broad_search": listing.BROAD_SEARCH,
            "icb_total": Deferred(lambda: IntegratedCareBoard.objects.current().count()),
            "networks": Deferred(lambda: list(Network.objects.search(query))),
            "icbs": Deferred(
                lambda: list(IntegratedCareBoard.objects.current().search(query).select_related("network", "region"))
            ),
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


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """Which network to contact, and how to report a problem with the portal itself."""
    networks = Network.objects.order_by("name").prefetch_related(
        Prefetch("icbs", queryset=IntegratedCareBoard.objects.current().order_by("short_name"), to_attr="current")
    )
    context = {"networks": networks, "contact_email": settings.CONTACT_EMAIL, "breadcrumbs": [("Home", "/")]}
    return render(request, "pages/contact.html", context)

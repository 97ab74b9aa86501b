import hashlib
import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from innovations.filters import InnovationFilter, Sort, result_count
from innovations.models import Innovation, Programme
from networks.models import IntegratedCareBoard, Network
from reviews.filters import PublicationFilter
from reviews.filters import result_count as publication_count
from reviews.models import Publication

from .access import client_ip
from .forms import NhsAuthenticationForm, SearchForm
from .outage import database_unavailable, service_unavailable
from .throttle import count

TOP = 5


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
            "innovation_count": result_count(innovations, innovations.qs),
            "innovations": innovations.qs.order_by(*Sort.ORDER[Sort.RELEVANCE])[:TOP],
            "publication_count": publication_count(publications),
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


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = NhsAuthenticationForm

    def form_invalid(self, form: NhsAuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


RESET_WINDOW = 3600


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with limits: per address (a clear refusal) and per email address
    (the same "sent" page, so that nobody learns whether an account exists or fills its inbox)."""

    def form_valid(self, form) -> HttpResponse:
        requests_from_address = count(f"reset-address:{client_ip(self.request)}", seconds=RESET_WINDOW)
        if requests_from_address > settings.PASSWORD_RESETS_PER_ADDRESS:
            form.add_error(
                None, "Too many password reset requests have come from your network address. Try again in an hour."
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()
        if count(f"reset-email:{email}", seconds=RESET_WINDOW) > settings.PASSWORD_RESETS_PER_EMAIL:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: a 503 with Retry-After when the database is out of reach, else the 500
    page. Neither touches the database (no request in the template's context)."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)

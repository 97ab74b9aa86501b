import csv
import json
from collections import Counter
from collections.abc import Iterator
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.aggregates import StringAgg
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hinportal.lib.access import can_preview, client_ip, lead_icb_id, may_record_adoption
from hinportal.lib.charts import quarterly
from hinportal.lib.deferred import Deferred
from hinportal.lib.listing import list_page, query_string
from hinportal.lib.page_cache import audience_page
from hinportal.lib.search.ranking import ArrayPosition
from hinportal.lib.text import spreadsheet_row
from hinportal.lib.throttle import count
from hinportal.lib.workflow import Status
from networks.hexmap import icb_map
from networks.models import IntegratedCareBoard

from . import alerts, help
from .adoption_stats import (
    adopted_count,
    adoption_totals,
    chart_for,
    chart_of,
    current_icb,
    current_icbs,
    map_by_reach,
    map_by_status,
)
from .choices import ADOPTED, ClinicalArea, ProgrammeKind
from .filters import InnovationFilter, Sort
from .forms import HelpRequestForm, ProvenElsewhereFilterForm, SavedSearchForm
from .models import Adoption, Innovation, InnovationFact, Programme, SavedSearch
from .scorecard import by_quarter, scorecard
from .search import innovation_source
from .summary import describe_search
from .workspace import proven_elsewhere_page

PAGE_SIZE = 20
PROGRAMME_LEGEND = [("none", "None of its innovations adopted"), ("adopted", "At least one adopted or embedded")]
RELATED_PUBLICATIONS = 10
RECENT_ADOPTIONS = 10
HOME = ("Home", "/")
EXPORT_FIELDS = [
    "name",
    "url",
    "summary",
    "organisation",
    "category",
    "clinical_areas",
    "care_settings",
    "stage",
    "nice_guidance",
    "evidence_tier",
    "core20plus5",
    "lead_network",
    "adopted_icb_count",
    "proven",
    "published_at",
    "source",
    "source_url",
    "demonstration_data",
]


def _filtered(request: HttpRequest) -> InnovationFilter:
    return InnovationFilter(request.GET, queryset=Innovation.objects.published(), catalogue=True)


@require_safe
@audience_page
def innovation_list(request: HttpRequest) -> HttpResponse:
    """The catalogue's listing and search. Its results and filters are the same for everyone who asks
    the same address, so the template keeps them as public fragments; the page of results is worked
    out only when they are not kept."""
    filterset = _filtered(request)
    valid = filterset.is_valid()  # invalid parts are left out of cleaned_data and so of the results
    listing = Deferred(
        lambda: list_page(
            request,
            filterset,
            order=Sort.ORDER[filterset.sort_order],
            per_page=PAGE_SIZE,
            rows=lambda page: page.select_related("lead_network"),
            ranked=filterset.sort_order == Sort.RELEVANCE,
        )
    )
    search = filterset.search
    suggestion = Deferred(lambda: search.suggestion if search else None)
    context = {
        "filter": filterset,
        "listing": listing,
        "query_string": query_string(request),
        "sentence": Deferred(lambda: describe_search(filterset, listing()["count"])),
        "suggestion": suggestion,
        "suggestion_query": Deferred(lambda: query_string(request, q=suggestion()) if suggestion() else ""),
        "icb_total": Deferred(lambda: len(current_icbs())),
        "breadcrumbs": [HOME],
        # An ICS lead may put any result on one of their system's shortlists.
        "shortlists_for_lead": lead_icb_id(request.user) is not None,
        "save_query": alerts.normalised_query(request.GET),
    }
    return render(request, "innovations/innovation_list.html", context, status=200 if valid else 400)


def _export_rows(filterset: InnovationFilter, request: HttpRequest) -> Iterator[dict]:
    queryset = filterset.qs.order_by(*Sort.ORDER[filterset.sort_order])
    if filterset.search and filterset.sort_order == Sort.RELEVANCE:
        # The ranked records in the order the pages show them, then any others that matched.
        unsearched = filterset.filter_queryset_except(filterset.queryset, "q", "sort")
        ranked = filterset.search.ranked_ids(innovation_source(unsearched))
        queryset = queryset.order_by(ArrayPosition(ranked), *Sort.ORDER[Sort.MOST_ADOPTED])
    queryset = queryset.annotate(
        nice_codes=StringAgg(Concat("nice_guidance__kind", "nice_guidance__number"), "; ", distinct=True),
    ).values(
        "name",
        "slug",
        "summary",
        "organisation",
        "category",
        "clinical_areas",
        "care_settings",
        "stage",
        "nice_codes",
        "evidence_tier",
        "core20plus5",
        "lead_network__name",
        "adopted_icb_count",
        "is_proven",
        "published_at",
        "source",
        "source_url",
        "is_demo",
    )
    base = request.build_absolute_uri("/")[:-1]
    for row in queryset.iterator(chunk_size=2000):
        yield {
            "name": row["name"],
            "url": base + reverse("innovations:detail", args=[row["slug"]]),
            "summary": row["summary"],
            "organisation": row["organisation"],
            "category": row["category"],
            "clinical_areas": row["clinical_areas"],
            "care_settings": row["care_settings"],
            "stage": row["stage"],
            "nice_guidance": row["nice_codes"] or "",
            "evidence_tier": row["evidence_tier"],
            "core20plus5": row["core20plus5"],
            "lead_network": row["lead_network__name"] or "",
            "adopted_icb_count": row["adopted_icb_count"],
            "proven": row["is_proven"],
            "published_at": row["published_at"].isoformat() if row["published_at"] else "",
            "source": row["source"],
            "source_url": row["source_url"],
            "demonstration_data": row["is_demo"],
        }


class _Echo:
    def write(self, value: str) -> str:
        return value


def _invalid_export(filterset: InnovationFilter) -> HttpResponse:
    problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items())
    return HttpResponse(f"The search could not be read. {problems}\n", status=400, content_type="text/plain")


@require_safe
def innovation_export_csv(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    if not filterset.is_valid():
        return _invalid_export(filterset)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(EXPORT_FIELDS)
        for row in _export_rows(filterset, request):
            yield writer.writerow(spreadsheet_row([row[name] for name in EXPORT_FIELDS]))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hinportal-innovations.csv"'
    return response


@require_safe
def innovation_export_json(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    if not filterset.is_valid():
        return _invalid_export(filterset)

    def chunks() -> Iterator[str]:
        yield '{"demonstration_data_note": "Adoption counts are demonstration data.", "innovations": ['
        for index, row in enumerate(_export_rows(filterset, request)):
            yield ("," if index else "") + json.dumps(row)
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")


def _get_innovation_for_viewer(request: HttpRequest, slug: str) -> Innovation:
    innovation = get_object_or_404(Innovation.objects.select_related("lead_network", "submitted_by_icb"), slug=slug)
    if not can_preview(request.user, innovation):
        raise Http404("No such innovation")
    return innovation


def _with_details(innovation: Innovation) -> Innovation:
    """The innovation with the lists its page shows fetched (the page's public fragments ask)."""
    prefetch_related_objects(
        [innovation], "nice_guidance", "evidence", Prefetch("programmes", queryset=Programme.objects.published())
    )
    return innovation


def _get_programme_for_viewer(request: HttpRequest, slug: str) -> Programme:
    queryset = Programme.objects.select_related("lead_network").prefetch_related("networks")
    programme = get_object_or_404(queryset, slug=slug)
    if not can_preview(request.user, programme):
        raise Http404("No such programme")
    return programme


@require_safe
@audience_page
def innovation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An innovation's page. What it says of the innovation is the same for every viewer: the template
    keeps it as public fragments, and all they show is worked out only when they are not kept. The
    lead's own system's status and the network that would help them are worked out each time."""
    innovation = _get_innovation_for_viewer(request, slug)
    by_region = Deferred(
        lambda: [
            (region, list(rows))
            for region, rows in groupby(
                Adoption.objects.filter(innovation=innovation)
                .select_related("icb__region", "programme")
                .order_by("icb__region__name", "icb__short_name"),
                key=lambda a: a.icb.region,
            )
        ]
    )
    adoptions = Deferred(lambda: [a for _, rows in by_region() for a in rows])
    facts = Deferred(lambda: list(innovation.facts.all()))
    context = {
        "innovation": innovation,
        "details": Deferred(lambda: _with_details(innovation)),
        "facts": facts,
        "innovators": Deferred(lambda: [fact for fact in facts() if fact.kind == InnovationFact.Kind.INNOVATOR]),
        "publications": innovation.publications.published().real_first()[:RELATED_PUBLICATIONS],
        "adoptions_by_region": by_region,
        "has_demo_adoptions": Deferred(lambda: any(a.is_demo for a in adoptions())),
        "related": Innovation.objects.published()
        .filter(clinical_areas__overlap=innovation.clinical_areas)
        .exclude(pk=innovation.pk)
        .order_by("-adopted_icb_count", "name")[:5],
        "icb_total": Deferred(lambda: len(current_icbs())),
        "adoption_map": Deferred(lambda: map_by_status(current_icbs(), {a.icb_id: a.status for a in adoptions()})),
        "adoption_chart": Deferred(lambda: chart_of(adoptions())),
        "breadcrumbs": [HOME, ("Innovations", reverse("innovations:list"))],
    }
    icb_id = lead_icb_id(request.user)
    if icb_id and may_record_adoption(request.user, icb_id):
        context["lead_icb"] = current_icb(icb_id)
        context["lead_adoption"] = Adoption.objects.filter(innovation=innovation, icb_id=icb_id).first()
    return render(request, "innovations/innovation_detail.html", context)


@require_safe
@audience_page
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = (
        Programme.objects.published()
        .select_related("lead_network")
        .annotate(innovation_count=Count("innovations", filter=Q(innovations__status=Status.PUBLISHED)))
        # Meta.ordering does not apply to a GROUP BY query: newest first, said again here.
        .order_by("-starts_on", "name")
    )
    by_kind = {kind: [] for kind in ProgrammeKind}
    for programme in programmes:
        by_kind[ProgrammeKind(programme.kind)].append(programme)
    context = {
        "programmes_by_kind": [(kind.label, rows) for kind, rows in by_kind.items() if rows],
        "breadcrumbs": [HOME],
    }
    return render(request, "innovations/programme_list.html", context)


@require_safe
@audience_page
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme's page: all of it after the staff's preview notice is the same for every viewer,
    kept as a public fragment; what it shows is worked out only when that is not kept."""
    programme = _get_programme_for_viewer(request, slug)
    innovations = programme.innovations.published().order_by("-adopted_icb_count", "name")
    spread = (
        Adoption.objects.filter(
            innovation__programmes=programme, innovation__status=Status.PUBLISHED, status__in=ADOPTED
        )
        .values("icb__network__name", "icb__network__slug", "icb__short_name", "icb__slug")
        .annotate(innovations=Count("innovation", distinct=True))
        .order_by("icb__network__name", "icb__short_name")
    )
    by_network = Deferred(
        lambda: [(name, list(rows)) for name, rows in groupby(spread, key=lambda r: r["icb__network__name"])]
    )
    reached = Deferred(lambda: {row["icb__slug"] for _, rows in by_network() for row in rows})
    context = {
        "programme": programme,
        "publications": programme.publications.published().real_first()[:RELATED_PUBLICATIONS],
        "clinical_area": ClinicalArea(programme.clinical_area).label,
        "innovations": innovations,
        "spread_by_network": by_network,
        "icbs_reached": Deferred(lambda: sum(len(rows) for _, rows in by_network())),
        "icb_total": Deferred(lambda: len(current_icbs())),
        "adoption_map": Deferred(
            lambda: icb_map(
                current_icbs(), lambda icb: "adopted" if icb.slug in reached() else "none", PROGRAMME_LEGEND
            )
        ),
        "adoption_chart": Deferred(
            lambda: chart_for(
                Adoption.objects.filter(innovation__programmes=programme, innovation__status=Status.PUBLISHED)
            )
        ),
        "breadcrumbs": [HOME, ("Programmes", reverse("innovations:programme_list"))],
    }
    return render(request, "innovations/programme_detail.html", context)


@require_safe
@audience_page
def icb_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An ICS's page. All but the lead's links is the same for every viewer, so the template keeps it
    as one public fragment and everything it shows is worked out only when that is not kept."""
    icb = get_object_or_404(IntegratedCareBoard.objects.select_related("region", "network"), slug=slug)
    icbs = Deferred(current_icbs)
    adoptions = Adoption.objects.filter(icb=icb, innovation__status=Status.PUBLISHED)
    gap_page = Deferred(lambda: proven_elsewhere_page(request, icb, ProvenElsewhereFilterForm({})))
    context = {
        "icb": icb,
        "neighbours": Deferred(
            lambda: [other for other in icbs() if other.region_id == icb.region_id and other.pk != icb.pk]
        ),
        "adopted_total": Deferred(lambda: adopted_count(adoption_totals(), icb.pk)),
        "recently_adopted": adoptions.filter(status__in=ADOPTED)
        .select_related("innovation")
        .order_by("-started_on", "innovation__name")[:RECENT_ADOPTIONS],
        "reach_map": Deferred(lambda: map_by_reach(icbs(), icb)),
        # Its adoptions by the quarter they started, from the kept figures (scorecard.by_quarter).
        "adoption_chart": Deferred(lambda: quarterly(Counter(by_quarter().get(icb.pk, {})))),
        "is_lead": lead_icb_id(request.user) == icb.pk,
        "gaps": Deferred(lambda: gap_page()["gaps"]),
        "gap_total": Deferred(lambda: gap_page()["gap_total"]),
        "publications": icb.publications.published().real_first()[:RELATED_PUBLICATIONS],
        "scorecard": Deferred(lambda: scorecard(icb, icbs())),
        "breadcrumbs": [HOME, ("Integrated care systems", reverse("networks:icb_list"))],
    }
    return render(request, "innovations/icb_detail.html", context)


def help_request(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the network that covers your system for help adopting this innovation. An ICS lead asks
    for their own system; anyone else names theirs and leaves an email address for the reply."""
    innovation = get_object_or_404(Innovation.objects.published(), slug=slug)
    icb_id = lead_icb_id(request.user)
    icb = IntegratedCareBoard.objects.select_related("network").get(pk=icb_id) if icb_id else None
    user = request.user
    initial = {"name": user.get_full_name() or user.get_username(), "email": user.email} if icb else None
    form = HelpRequestForm(request.POST or None, icb=icb, initial=initial)
    status = 200
    if request.method == "POST":
        if count(f"help-request:{client_ip(request)}", seconds=3600) > settings.HELP_REQUESTS_PER_ADDRESS:
            form.add_error(None, "Many requests have come from your network address in the last hour. Try again later.")
            status = 429
        elif form.is_valid():
            made = form.save(commit=False)
            made.innovation = innovation
            made.network_id = made.icb.network_id
            made.requested_by = user if user.is_authenticated else None
            made.save()
            help.request_made(made)
            messages.success(
                request,
                f"Your request is with {made.icb.network.name}. They will reply to {made.email}; "
                "we have sent you a receipt.",
            )
            return redirect(innovation.get_absolute_url() + "#get-help")
        else:
            status = 400
    context = {
        "innovation": innovation,
        "icb": icb,
        "form": form,
        "breadcrumbs": [
            HOME,
            ("Innovations", reverse("innovations:list")),
            (innovation.name, innovation.get_absolute_url()),
        ],
    }
    return render(request, "innovations/help_request.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def saved_searches(request: HttpRequest) -> HttpResponse:
    """The person's saved searches; a POST saves the catalogue search it carries."""
    to_save = alerts.normalised_query(QueryDict(request.POST.get("query", "") or request.GET.get("query", "")))
    filterset = InnovationFilter(QueryDict(to_save), queryset=Innovation.objects.published())
    filterset.is_valid()
    described = describe_search(filterset, 0).split(" ", 1)[-1]  # without its count
    described = described[:1].upper() + described[1:]
    form = SavedSearchForm(request.POST or None, initial={"name": described[:120]})
    if request.method == "POST":
        query = to_save
        if form.is_valid():
            saved = form.save(commit=False)
            saved.user, saved.query, saved.checked_at = request.user, query, timezone.now()
            try:
                with transaction.atomic():
                    saved.save()
            except IntegrityError:
                existing = SavedSearch.objects.get(user=request.user, query=query)
                messages.info(request, f"You saved this search already, as ‘{existing.name}’.")
            else:
                how_often = saved.get_frequency_display().lower()
                messages.success(
                    request, f"Saved ‘{saved.name}’. We will email you {how_often} when something new matches it."
                )
            return redirect("innovations:saved_searches")
    searches = list(SavedSearch.objects.filter(user=request.user))
    context = {
        "searches": searches,
        "form": form,
        "to_save": to_save if (request.method == "POST" or "query" in request.GET) else None,
        "email": request.user.email,
        "breadcrumbs": [HOME],
    }
    return render(request, "innovations/saved_searches.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def saved_search_change(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if "delete" in request.POST:
        saved.delete()
        messages.success(request, f"Deleted ‘{saved.name}’: no more emails about it.")
    elif request.POST.get("frequency") in SavedSearch.Frequency.values:
        saved.frequency = request.POST["frequency"]
        saved.save(update_fields=["frequency"])
        messages.success(request, f"‘{saved.name}’: emails {saved.get_frequency_display().lower()} from now on.")
    else:
        messages.error(request, "Choose daily or weekly.")
    return redirect("innovations:saved_searches")


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """From an alert email, without signing in: asks first, then stops that search's emails."""
    saved = alerts.saved_search_for(token)
    if saved is None:
        return render(request, "innovations/unsubscribe.html", {"saved": None}, status=404)
    if request.method == "POST":
        name = saved.name
        saved.delete()
        return render(request, "innovations/unsubscribe.html", {"done": name})
    return render(request, "innovations/unsubscribe.html", {"saved": saved})

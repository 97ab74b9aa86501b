"""The ICS lead's workspace: what their system has adopted, what is proven elsewhere but not yet
here, shortlists for a board paper, and submitting their own innovations to the national pool."""

import csv
import hashlib
import io
import json
from dataclasses import replace

import openpyxl
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hinportal.lib.access import (
    ICS_LEAD,
    is_national_admin,
    is_network_staff,
    lead_icb_id,
    may_record_adoption,
    staff_network_id,
)
from hinportal.lib.db import violated_constraint
from hinportal.lib.listing import CountedPaginator, nearest_page, query_string, ranked_page
from hinportal.lib.navigation import safe_next
from hinportal.lib.page_cache import audience_page
from hinportal.lib.search.ranking import Search
from hinportal.lib.text import spreadsheet_row
from hinportal.lib.workflow import Status
from networks.models import IntegratedCareBoard

from .adoption_stats import adoption_totals, comparison, current_icbs
from .choices import ADOPTED, AdoptionStatus
from .forms import (
    DecisionForm,
    LocalAdoptionForm,
    LocalInnovationForm,
    ProvenElsewhereFilterForm,
    ShortlistAddForm,
    ShortlistChooseForm,
    ShortlistForm,
    ShortlistNoteForm,
)
from .gap_lists import proven_elsewhere_ids
from .models import ONE_OPEN_SUBMISSION, Adoption, Innovation, Shortlist
from .search import innovation_source

PAGE_SIZE = 20


def _get_icb(slug: str) -> IntegratedCareBoard:
    return get_object_or_404(IntegratedCareBoard.objects.select_related("region", "network"), slug=slug)


def _get_icb_for_lead(request: HttpRequest, slug: str) -> IntegratedCareBoard:
    """The ICB whose workspace this is, if the person is one of its leads; otherwise 404."""
    icb = _get_icb(slug)
    if lead_icb_id(request.user) != icb.pk:
        raise Http404("No such workspace")
    return icb


def _get_shortlist_for_lead(request: HttpRequest, pk: int) -> Shortlist:
    shortlist = get_object_or_404(Shortlist.objects.select_related("icb", "locked_by"), pk=pk)
    if lead_icb_id(request.user) != shortlist.icb_id:
        raise Http404("No such shortlist")
    return shortlist


def why_listed(innovation: Innovation) -> str:
    """For example: adopted or embedded in 14 ICSs, 4 in your region; NICE MTG58."""
    reach = f"adopted or embedded in {innovation.adopted_icb_count} ICSs, {innovation.region_adopted} in your region"
    codes = [g.code for g in innovation.nice_guidance.all()]
    if codes:
        return f"{reach}; NICE {', '.join(codes)}"
    return f"{reach}; real-world evaluation"


def proven_elsewhere_page(
    request: HttpRequest, icb: IntegratedCareBoard, form: ProvenElsewhereFilterForm, *, number: str | None = "1"
) -> dict:
    """One page of the ICB's gap list (the `number`th; the first for the ICS page's and the
    workspace's previews, whose own `?page=` is not the list's), each row saying why it is listed:
    ranked by reach, or, when the lead searches it, by the portal's one ranking (each row then also
    says why it matched; a search is paged by the address's `?page=`, as ranked_page pages every
    search, and only the gap list page itself searches)."""
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    text = filters.pop("q", "")
    key = hashlib.sha256(json.dumps(filters, sort_keys=True).encode()).hexdigest()
    ids = proven_elsewhere_ids(icb, filters, key)

    here = Adoption.objects.filter(innovation=OuterRef("pk"), icb=icb)

    def rows(queryset: QuerySet) -> QuerySet:
        return (
            Innovation.objects.proven_elsewhere(icb)
            .filter(pk__in=queryset.values("pk"))
            .select_related("lead_network")
            .prefetch_related("nice_guidance")
            # What this ICB has recorded for it (exploring, piloting, discontinued), if anything.
            .annotate(
                local_status=Subquery(here.values("status")[:1]),
                local_started_on=Subquery(here.values("started_on")[:1]),
            )
        )

    found = Search(text) if text else None
    if found:
        among = tuple(ids)  # the whole kept list, read once
        source = replace(innovation_source(Innovation.objects.filter(pk__in=among)), among=among)
        page = ranked_page(request, found, [source], per_page=PAGE_SIZE, rows={Innovation: rows})
        ordered = list(page.object_list)
    else:
        page = nearest_page(Paginator(ids, PAGE_SIZE), number)
        fetched = {row.pk: row for row in rows(Innovation.objects.filter(pk__in=list(page.object_list)))}
        ordered = [fetched[pk] for pk in page.object_list if pk in fetched]
    for row in ordered:
        row.why = why_listed(row)
    return {"gap_page": page, "gaps": ordered, "gap_total": page.paginator.count, "gap_search": found}


@require_safe
@audience_page
def proven_elsewhere(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: proven innovations this ICS has not adopted, with filters; its leads can shortlist them."""
    icb = _get_icb(slug)
    form = ProvenElsewhereFilterForm(request.GET)
    valid = form.is_valid()
    context = {
        "icb": icb,
        "form": form,
        "query_string": query_string(request),
        "is_lead": lead_icb_id(request.user) == icb.pk,
        "breadcrumbs": [
            ("Home", "/"),
            ("Integrated care systems", reverse("networks:icb_list")),
            (icb.short_name, icb.get_absolute_url()),
        ],
        **proven_elsewhere_page(request, icb, form, number=request.GET.get("page")),
    }
    page = context["gap_page"]
    context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(request, "innovations/proven_elsewhere.html", context, status=200 if valid else 400)


@login_required
@require_safe
def workspace_home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: an ICS lead's workspace, or the admin for network staff."""
    icb_id = lead_icb_id(request.user)
    if icb_id:
        return redirect("innovations:workspace", IntegratedCareBoard.objects.get(pk=icb_id).slug)
    if is_national_admin(request.user) or staff_network_id(request.user):
        return redirect("admin:index")
    return account_not_set_up(request)


def account_not_set_up(request: HttpRequest) -> HttpResponse:
    """A signed-in person whose role and membership do not fit together (a lead tied to a network,
    or to nothing; staff tied to no network): say so, and whom to ask, rather than a bare 404."""
    user = request.user
    membership = getattr(user, "membership", None)
    network = membership.network if membership and membership.network_id else None
    if network is None and membership and membership.icb_id:
        network = membership.icb.network
    context = {
        "is_lead": ICS_LEAD in set(user.groups.values_list("name", flat=True)),
        "is_staff_role": is_network_staff(user),
        "membership": membership,
        "network": network,
        "contact_email": settings.CONTACT_EMAIL,
    }
    return render(request, "innovations/account_not_set_up.html", context, status=403)


@login_required
@require_safe
# Kept per audience: what it shows is the ICB's (its adoptions, shortlists and submissions, all in
# PUBLIC_APPS, so any write to them retires it), and who may see it (the ICB's leads) follows from
# the audience too, so a page kept for one of them is only ever served to another of them.
@audience_page
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    icb = _get_icb_for_lead(request, slug)
    status = request.GET.get("status") if request.GET.get("status") in AdoptionStatus.values else None
    adoptions = Adoption.objects.filter(icb=icb, innovation__status=Status.PUBLISHED)
    adoptions = adoptions.filter(status=status) if status else adoptions.filter(status__in=ADOPTED)
    adoptions = adoptions.select_related("innovation").order_by("-started_on", "innovation__name")
    totals = adoption_totals().get(icb.pk, {})
    # Counted from the figures the database keeps for each ICB (triggers, in the same transaction).
    shown = sum(totals.get(s, 0) for s in ([status] if status else ADOPTED))
    adopted_page = nearest_page(CountedPaginator(adoptions, 50, count=shown), request.GET.get("page"))
    icbs = current_icbs()
    form = ProvenElsewhereFilterForm({})
    context = {
        "icb": icb,
        "status": status,
        "status_counts": [(s, totals.get(s.value, 0)) for s in AdoptionStatus],
        "adopted_page": adopted_page,
        "comparison": comparison(icb, icbs),
        "shortlists": list(icb.shortlists.order_by("-created_at")),
        "shortlist_form": ShortlistForm(),
        "submissions": list(Innovation.objects.filter(submitted_by_icb=icb).order_by("-created_at")),
        **proven_elsewhere_page(request, icb, form),
    }
    return render(request, "innovations/workspace.html", context)


@login_required
@require_POST
def shortlist_create(request: HttpRequest, slug: str) -> HttpResponse:
    icb = _get_icb_for_lead(request, slug)
    form = ShortlistForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                shortlist = Shortlist.objects.create(icb=icb, name=form.cleaned_data["name"], created_by=request.user)
        except IntegrityError:
            form.add_error("name", "You already have a shortlist with this name.")
        else:
            messages.success(request, f"Shortlist ‘{shortlist.name}’ created.")
            return redirect(shortlist)
    return render(request, "innovations/shortlist_form.html", {"icb": icb, "form": form}, status=400)


@login_required
@require_safe
def shortlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = _get_shortlist_for_lead(request, pk)
    items = list(shortlist.items.select_related("innovation").order_by("added_at", "pk"))
    for item in items:
        if shortlist.is_locked:
            item.decision_form = DecisionForm(instance=item, prefix=f"decision-{item.pk}")
        else:
            item.form = ShortlistNoteForm(instance=item, prefix=f"item-{item.pk}")
    context = {"shortlist": shortlist, "items": items, "icb": shortlist.icb}
    return render(request, "innovations/shortlist_detail.html", context)


def _refused(request: HttpRequest, shortlist: Shortlist, error: ValidationError) -> HttpResponse:
    context = {"shortlist": shortlist, "icb": shortlist.icb, "message": " ".join(error.messages)}
    return render(request, "innovations/shortlist_refused.html", context, status=409)


@login_required
@require_POST
def shortlist_add(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = _get_shortlist_for_lead(request, pk)
    form = ShortlistAddForm(request.POST)
    if not form.is_valid():
        return _refused(request, shortlist, ValidationError("Choose an innovation to add."))
    innovation = get_object_or_404(Innovation.objects.published(), pk=form.cleaned_data["innovation"])
    try:
        _, created = shortlist.add(innovation, note=form.cleaned_data["note"])
    except ValidationError as error:
        return _refused(request, shortlist, error)
    messages.success(request, f"‘{innovation.name}’ {'added to' if created else 'is already on'} ‘{shortlist.name}’.")
    return redirect(safe_next(request) or shortlist)


@login_required
@require_POST
def shortlist_item_update(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    shortlist = _get_shortlist_for_lead(request, pk)
    item = get_object_or_404(shortlist.items.select_related("innovation"), pk=item_pk)
    form = ShortlistNoteForm(request.POST, instance=item, prefix=f"item-{item.pk}")
    try:
        if "remove" in request.POST:
            shortlist.remove(item)
            messages.success(request, f"‘{item.innovation.name}’ removed.")
            return redirect(shortlist)
        if form.is_valid():
            shortlist.set_note(item, form.cleaned_data["note"])
            messages.success(request, "Note saved.")
            return redirect(shortlist)
    except ValidationError as error:
        return _refused(request, shortlist, error)
    item.form = form
    context = {"shortlist": shortlist, "items": [item], "icb": shortlist.icb}
    return render(request, "innovations/shortlist_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Locking cannot be undone: a page says what it does and asks before it happens."""
    shortlist = _get_shortlist_for_lead(request, pk)
    if shortlist.is_locked:
        if request.method == "POST":
            try:
                shortlist.check_unlocked()
            except ValidationError as error:
                return _refused(request, shortlist, error)
        return redirect(shortlist)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            shortlist.lock(by=request.user)
        except ValidationError as error:
            return _refused(request, shortlist, error)
        messages.success(request, f"‘{shortlist.name}’ is locked: it keeps the innovations as they are today.")
        return redirect(shortlist)
    context = {"shortlist": shortlist, "icb": shortlist.icb, "count": shortlist.items.count()}
    return render(request, "innovations/shortlist_lock.html", context)


@login_required
@require_POST
def shortlist_decision(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Record what the board decided on one innovation of a locked list."""
    shortlist = _get_shortlist_for_lead(request, pk)
    item = get_object_or_404(shortlist.items.select_related("innovation"), pk=item_pk)
    form = DecisionForm(request.POST, instance=item, prefix=f"decision-{item.pk}")
    if form.is_valid():
        try:
            shortlist.record_decision(
                item,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
                note=form.cleaned_data["decision_note"],
            )
        except ValidationError as error:
            return _refused(request, shortlist, error)
        messages.success(request, f"The board's decision on ‘{item.innovation.name}’ is recorded.")
        return redirect(shortlist.get_absolute_url() + f"#item-{item.pk}")
    item.decision_form, item.decision_refused = form, True
    item.refresh_from_db(fields=["decision", "decided_on", "decision_note"])  # show what is stored, beside the form
    context = {"shortlist": shortlist, "items": [item], "icb": shortlist.icb}
    return render(request, "innovations/shortlist_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_choose(request: HttpRequest, innovation_slug: str) -> HttpResponse:
    """Add an innovation to one of the system's open shortlists, or to a new one: reached from the
    catalogue, an innovation's page, the ICS page and the gap list."""
    icb_id = lead_icb_id(request.user)
    if icb_id is None:
        raise Http404("Only ICS leads keep shortlists")
    icb = IntegratedCareBoard.objects.get(pk=icb_id)
    innovation = get_object_or_404(Innovation.objects.published(), slug=innovation_slug)
    open_lists = list(icb.shortlists.filter(locked_at__isnull=True).order_by("-created_at"))
    form = ShortlistChooseForm(request.POST or None, shortlists=open_lists)
    back = safe_next(request) or ""
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["shortlist"]
        try:
            with transaction.atomic():
                if choice == ShortlistChooseForm.NEW:
                    shortlist = Shortlist.objects.create(
                        icb=icb, name=form.cleaned_data["new_name"], created_by=request.user
                    )
                else:
                    shortlist = next(s for s in open_lists if str(s.pk) == choice)
                _, created = shortlist.add(innovation, note=form.cleaned_data["note"])
        except IntegrityError:
            form.add_error(
                "new_name", "Your system already has a shortlist with this name: choose it above, or another name"
            )
        except ValidationError as error:  # locked meanwhile
            form.add_error("shortlist", " ".join(error.messages))
        else:
            verb = "added to" if created else "is already on"
            messages.success(request, f"‘{innovation.name}’ {verb} ‘{shortlist.name}’.")
            return redirect(back or shortlist.get_absolute_url())
    context = {"icb": icb, "innovation": innovation, "form": form, "next": back}
    return render(request, "innovations/shortlist_choose.html", context, status=400 if form.errors else 200)


# Column heading: the key of each row dict, for the exports; the print view reads the same dicts by key.
EXPORT_COLUMNS = {
    "innovation": "name",
    "summary": "summary",
    "stage": "stage",
    "adopted in ICSs": "adopted_icb_count",
    "proven": "proven",
    "NICE guidance": "nice_guidance",
    "note": "note",
    "board's decision": "decision",
    "decided on": "decided_on",
    "decision note": "decision_note",
    "link": "link",
}


def _export_rows(request: HttpRequest, shortlist: Shortlist) -> list[dict]:
    """Each item as the exports and the print view show it: the locked snapshot, or the innovation
    as it is now while the list is open."""
    return [
        {
            **data,
            "proven": "yes" if data["proven"] else "no",
            "nice_guidance": "; ".join(data["nice_guidance"]),
            "note": item.note,
            "decision": item.get_decision_display() if item.decision else "",
            "decided_on": item.decided_on.strftime("%d/%m/%Y") if item.decided_on else "",
            "decision_note": item.decision_note,
            "link": request.build_absolute_uri(data["url"]),
        }
        for item, data in shortlist.entries()
    ]


def _filename(shortlist: Shortlist, extension: str) -> str:
    return f"{slugify(shortlist.icb.short_name)}-{slugify(shortlist.name) or 'shortlist'}.{extension}"


@login_required
@require_safe
def shortlist_export(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    shortlist = _get_shortlist_for_lead(request, pk)
    if extension not in ("csv", "xlsx"):
        raise Http404("Shortlists export as CSV or XLSX")
    rows = _export_rows(request, shortlist)
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(spreadsheet_row([row[key] for key in EXPORT_COLUMNS.values()]) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Shortlist"
        sheet.append(list(EXPORT_COLUMNS))
        for row in rows:
            sheet.append(spreadsheet_row([row[key] for key in EXPORT_COLUMNS.values()]))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(shortlist, extension)}"'
    return response


@login_required
@require_safe
def shortlist_print(request: HttpRequest, pk: int) -> HttpResponse:
    shortlist = _get_shortlist_for_lead(request, pk)
    context = {
        "shortlist": shortlist,
        "icb": shortlist.icb,
        "rows": _export_rows(request, shortlist),
        "printed_on": timezone.localdate(),
    }
    return render(request, "innovations/shortlist_print.html", context)


@login_required
def submit_innovation(request: HttpRequest, slug: str) -> HttpResponse:
    icb = _get_icb_for_lead(request, slug)
    form = LocalInnovationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        innovation = form.save(commit=False)
        try:
            innovation.submit_from_icb(icb=icb, by=request.user)
        except IntegrityError as error:
            if violated_constraint(error) != ONE_OPEN_SUBMISSION:
                raise
            messages.info(request, f"‘{innovation.name}’ is already with {icb.network.name} for review.")
        else:
            messages.success(request, f"‘{innovation.name}’ is with {icb.network.name} for review.")
        return redirect("innovations:workspace", icb.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "innovations/submission_form.html", {"icb": icb, "form": form}, status=status)


@login_required
def record_adoption(request: HttpRequest, slug: str, innovation_slug: str) -> HttpResponse:
    """An ICS lead records, or updates, how far their own system has gone with one innovation; each
    save is kept in the record's history, which the covering network sees on its staff page."""
    icb = _get_icb(slug)
    if not may_record_adoption(request.user, icb.pk):
        raise Http404("No such workspace")
    innovation = get_object_or_404(Innovation.objects.published(), slug=innovation_slug)
    adoption = Adoption.objects.filter(icb=icb, innovation=innovation).first()
    # A generated row's figures are not the system's: the lead starts from an empty form.
    blank = {"status": None, "started_on": None, "patients_reached": None, "source_note": ""}
    initial = blank if adoption and adoption.is_demo else None
    form = LocalAdoptionForm(
        request.POST or None, instance=adoption or Adoption(icb=icb, innovation=innovation), initial=initial
    )
    back = safe_next(request) or ""
    if request.method == "POST":
        try:
            with transaction.atomic():  # the version check's row lock is held until the save
                if form.is_valid():
                    saved = form.save(commit=False)
                    saved.is_demo = False  # the lead's own word: no longer demonstration data
                    saved.save()
        except IntegrityError:  # another lead of this system recorded it a moment ago
            form.add_error(None, "Someone in your system recorded this a moment ago. Open the page again to see it.")
        if form.is_valid() and not form.errors:
            # The save moved the public version on (page_cache), so every figure shows it at once.
            messages.success(
                request, f"Saved: {innovation.name} is ‘{saved.get_status_display()}’ in {icb.short_name}."
            )
            return redirect(back or reverse("innovations:workspace", args=[icb.slug]))
    history = (
        list(Adoption.history.filter(id=adoption.pk).select_related("history_user").order_by("-history_date")[:20])
        if adoption
        else []
    )
    context = {
        "icb": icb,
        "innovation": innovation,
        "adoption": adoption,
        "form": form,
        "history": history,
        "next": back,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "innovations/adoption_form.html", context, status=status)


@login_required
def submission(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One of the system's submissions, in whatever state: while it is a draft (new, or returned
    with a note) the lead changes it and sends it for review again."""
    icb = _get_icb_for_lead(request, slug)
    innovation = get_object_or_404(
        Innovation.objects.select_related("lead_network", "status_changed_by"), pk=pk, submitted_by_icb=icb
    )
    form = LocalInnovationForm(request.POST or None, instance=innovation) if innovation.is_draft else None
    if request.method == "POST":
        if form is None:
            messages.info(
                request,
                f"‘{innovation.name}’ is {innovation.get_status_display().lower()}: it can no longer change here.",
            )
            return redirect("innovations:submission", icb.slug, innovation.pk)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                try:
                    innovation.transition("submit", by=request.user)
                except ValidationError as error:  # a reviewer moved it meanwhile
                    messages.info(request, " ".join(error.messages))
                    return redirect("innovations:submission", icb.slug, innovation.pk)
            messages.success(request, f"‘{innovation.name}’ is with {icb.network.name} for review again.")
            return redirect("innovations:workspace", icb.slug)
    context = {"icb": icb, "innovation": innovation, "form": form}
    return render(
        request, "innovations/submission.html", context, status=400 if form is not None and form.errors else 200
    )

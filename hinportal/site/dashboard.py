"""What a network's staff see first in the admin: drafts awaiting review, recent changes, gaps."""

from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from hinportal.lib.access import is_national_admin, scope, staff_network_id
from hinportal.lib.workflow import Status
from innovations.models import Adoption, Innovation, Programme
from networks.models import IntegratedCareBoard
from reviews.models import Publication

RECENT = 10


def _label(row) -> str:
    """A historical record's name, from fields fetched with it (its .instance would query again)."""
    if hasattr(row, "icb_id"):
        return f"{row.innovation.name} in {row.icb.short_name}"
    return getattr(row, "name", None) or getattr(row, "title", "")


def dashboard(user) -> dict:
    if not (is_national_admin(user) or staff_network_id(user)):
        return {}
    awaiting = [
        (
            model._meta.verbose_name,
            obj,
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]),
        )
        for model in (Innovation, Programme, Publication)
        # Newest submission first; a record whose submission time is unknown (loaded or imported
        # straight into review) after every dated one, not before them.
        for obj in scope(model.objects.filter(status=Status.IN_REVIEW), user).order_by(
            F("status_changed_at").desc(nulls_last=True), "pk"
        )[:RECENT]
    ]
    recent = []
    # What each kind of record needs to name itself, fetched with it.
    related = {Adoption: ["innovation", "icb"]}
    for model in (Innovation, Programme, Publication, Adoption):
        history = scope(model.objects.all(), user).values("pk")
        rows = (
            model.history.filter(id__in=history)
            .select_related("history_user", *related.get(model, []))
            .order_by("-history_date")[:RECENT]
        )
        recent += [(model._meta.verbose_name, row, _label(row)) for row in rows]
    recent.sort(key=lambda pair: pair[1].history_date, reverse=True)
    adopted = Adoption.objects.filter(icb=OuterRef("pk"))
    gaps = scope(IntegratedCareBoard.objects.current(), user).filter(~Exists(adopted)).order_by("short_name")
    return {"awaiting_review": awaiting, "recent_changes": recent[:RECENT], "icbs_without_adoptions": list(gaps)}

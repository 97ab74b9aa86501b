"""Saved searches and their alerts: a signed-in person saves any catalogue search and is emailed,
daily or weekly, the innovations published since the last email that match it. Each email's
unsubscribe link is signed (no sign-in needed) and asks before it removes anything, so a mail
scanner that follows links cannot unsubscribe anyone. The task worker sends the alerts once a day
(hinportal.lib.housekeeping schedules it)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from hinportal.lib.mail import send_templated

from .filters import InnovationFilter
from .models import Innovation, SavedSearch

logger = logging.getLogger(__name__)
SALT = "innovations.saved-search.unsubscribe"
DUE_AFTER = {
    SavedSearch.Frequency.DAILY: timedelta(hours=23),
    SavedSearch.Frequency.WEEKLY: timedelta(days=6, hours=23),
}
MOST_IN_AN_EMAIL = 20
# Parts of a catalogue address that do not change what matches.
NOT_THE_SEARCH = {"page", "sort"}


def normalised_query(query: QueryDict) -> str:
    """The search a query string makes, in one spelling: page and sort dropped, keys in order."""
    kept = QueryDict(mutable=True)
    for key in sorted(k for k in query if k not in NOT_THE_SEARCH):
        values = [v for v in query.getlist(key) if v.strip()]
        if values:
            kept.setlist(key, sorted(values))
    return kept.urlencode()


def unsubscribe_token(saved: SavedSearch) -> str:
    return signing.dumps(saved.pk, salt=SALT)


def saved_search_for(token: str) -> SavedSearch | None:
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.select_related("user").filter(pk=pk).first()


def new_matches(saved: SavedSearch) -> list[Innovation]:
    filterset = InnovationFilter(QueryDict(saved.query), queryset=Innovation.objects.published())
    filterset.is_valid()  # as the page: parts that do not validate are left out
    since = filterset.qs.filter(published_at__gt=saved.checked_at)
    return list(since.order_by("-published_at", "pk")[: MOST_IN_AN_EMAIL + 1])


def send_alert(saved: SavedSearch, now=None) -> bool:
    """Email the person what is new in this search since it was last checked, if anything; either
    way it counts as checked now. Returns whether an email went."""
    now = now or timezone.now()
    found = new_matches(saved)
    email = saved.user.email
    sent = False
    if found and email and saved.user.is_active:
        unsubscribe = settings.SITE_URL + reverse("innovations:unsubscribe", args=[unsubscribe_token(saved)])
        context = {
            "saved": saved,
            "innovations": found[:MOST_IN_AN_EMAIL],
            "more": len(found) > MOST_IN_AN_EMAIL,
            "unsubscribe": unsubscribe,
        }
        send_templated("search_alert", context, [email], headers={"List-Unsubscribe": f"<{unsubscribe}>"})
        sent = True
    SavedSearch.objects.filter(pk=saved.pk).update(checked_at=now)
    return sent


def send_due_alerts(now=None) -> int:
    """Every saved search whose daily or weekly time has come; returns how many emails went."""
    now = now or timezone.now()
    sent = 0
    for frequency, after in DUE_AFTER.items():
        due = SavedSearch.objects.filter(frequency=frequency, checked_at__lte=now - after).select_related("user")
        for saved in due.iterator(chunk_size=500):
            sent += send_alert(saved, now)
    logger.info("Search alerts: %s emails sent", sent)
    return sent


@task()
def search_alerts() -> None:
    from hinportal.lib.housekeeping import EVERY, schedule

    try:
        send_due_alerts()
    finally:
        schedule(search_alerts, after=EVERY)

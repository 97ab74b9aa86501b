"""Requests for help adopting an innovation: made on the innovation's page, answered by the network
that covers the requester's integrated care system in its staff screens. Mail goes through the
task queue (hinportal.lib.mail): the network's staff hear of each request, the requester gets a
receipt and every reply."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from hinportal.lib.access import EDITOR, PUBLISHER

from .models import HelpReply, HelpRequest


def network_staff_emails(network_id: int) -> list[str]:
    people = User.objects.filter(
        is_active=True, membership__network_id=network_id, groups__name__in=[EDITOR, PUBLISHER]
    ).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def _send(template: str, context: dict, to: list[str], reply_to: list[str] | None = None) -> None:
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/{template}.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, reply_to=reply_to).send()


def request_made(help_request: HelpRequest) -> None:
    """Tell the network's staff, and give the requester a receipt."""
    context = {"request": help_request, "site_url": settings.SITE_URL}
    staff = network_staff_emails(help_request.network_id)
    if staff:
        _send("help_request_staff", context, staff, reply_to=[help_request.email])
    _send("help_request_receipt", context, [help_request.email])


def reply_sent(reply: HelpReply) -> None:
    """Send a network's reply to the person who asked."""
    author_email = getattr(reply.author, "email", "")
    context = {"reply": reply, "request": reply.request, "site_url": settings.SITE_URL}
    _send("help_reply", context, [reply.request.email], reply_to=[author_email] if author_email else None)

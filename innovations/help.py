"""Requests for help adopting an innovation: made on the innovation's page, answered by the network
that covers the requester's integrated care system in its staff screens. Mail goes through the
task queue (hinportal.lib.mail): the network's staff hear of each request, the requester gets a
receipt and every reply."""

from django.contrib.auth.models import User

from hinportal.lib.access import EDITOR, PUBLISHER
from hinportal.lib.mail import send_templated

from .models import HelpReply, HelpRequest


def network_staff_emails(network_id: int) -> list[str]:
    people = User.objects.filter(
        is_active=True, membership__network_id=network_id, groups__name__in=[EDITOR, PUBLISHER]
    ).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def request_made(help_request: HelpRequest) -> None:
    """Tell the network's staff, and give the requester a receipt."""
    context = {"request": help_request}
    staff = network_staff_emails(help_request.network_id)
    if staff:
        send_templated("help_request_staff", context, staff, reply_to=[help_request.email])
    send_templated("help_request_receipt", context, [help_request.email])


def reply_sent(reply: HelpReply) -> None:
    """Send a network's reply to the person who asked."""
    author_email = getattr(reply.author, "email", "")
    context = {"reply": reply, "request": reply.request}
    send_templated("help_reply", context, [reply.request.email], reply_to=[author_email] if author_email else None)

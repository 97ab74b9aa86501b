"""An ICS lead's submission through its life: who is told what, by email through the task queue.
Submitted (or sent back for review): the covering network's staff. Returned to draft, with the
reviewer's note: the system's leads and the person who submitted it. Published: the same, with the
news that their system is recorded as its originator and first adopter."""

from django.contrib.auth.models import User

from hinportal.lib.access import ICS_LEAD
from hinportal.lib.mail import send_templated

from .help import network_staff_emails
from .models import Innovation


def lead_emails(innovation: Innovation) -> list[str]:
    leads = User.objects.filter(
        is_active=True, membership__icb_id=innovation.submitted_by_icb_id, groups__name=ICS_LEAD
    ).exclude(email="")
    emails = set(leads.values_list("email", flat=True))
    submitter = innovation.submitted_by
    if submitter is not None and submitter.is_active and submitter.email:
        emails.add(submitter.email)
    return sorted(emails)


TOLD = {
    "submit": ("submission_to_staff", lambda innovation: network_staff_emails(innovation.lead_network_id)),
    "return_to_draft": ("submission_returned", lead_emails),
    "publish": ("submission_published", lead_emails),
}


def tell(innovation: Innovation, action: str) -> None:
    """After a transition of a record an ICB submitted: email whoever needs to act or know."""
    if action not in TOLD:
        return
    template, recipients = TOLD[action]
    to = recipients(innovation)
    if not to:
        return
    send_templated(template, {"innovation": innovation, "icb": innovation.submitted_by_icb}, to)

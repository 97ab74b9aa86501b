"""Outgoing mail goes through the task queue: a page that sends mail (a password reset, a reply to
a request for help) answers at once, and a mail server that is slow or down delays the mail, not
the person. The worker sends each message through EMAIL_DELIVERY_BACKEND (SMTP from EMAIL_URL);
a message the server refuses fails its task, which the task's result records."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task


def _as_data(message: EmailMessage) -> dict[str, Any]:
    """What the worker needs to write the message again (JSON, as the task queue keeps it)."""
    if message.attachments:
        raise ValueError("The portal's mail has no attachments; queue a link to a file instead.")
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "content_subtype": message.content_subtype,
    }


@task()
def deliver(message: dict[str, Any]) -> None:
    """Send one message through the real backend (SMTP in production)."""
    alternatives = message.pop("alternatives", [])
    subtype = message.pop("content_subtype", "plain")
    email = EmailMultiAlternatives(**message, connection=get_connection(settings.EMAIL_DELIVERY_BACKEND))
    email.content_subtype = subtype
    for content, mimetype in alternatives:
        email.attach_alternative(content, mimetype)
    email.send(fail_silently=False)


class QueuedEmailBackend(BaseEmailBackend):
    """Django's mail API, with each message queued for the worker to send."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        queued = 0
        for message in email_messages:
            if message.recipients():
                deliver.enqueue(_as_data(message))
                queued += 1
        return queued


def send_templated(
    template: str,
    context: dict[str, Any],
    to: list[str],
    *,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Write a message from `emails/<template>_subject.txt` and `emails/<template>.txt` (with the
    site's address in the context as `site_url`) and send it, through the queue as every mail goes."""
    from django.template.loader import render_to_string

    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, reply_to=reply_to, headers=headers).send()

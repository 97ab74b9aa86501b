"""The portal's own system checks (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

LOCAL_MAIL = ("console", "locmem", "dummy", "filebased")


@register(Tags.security, deploy=True)
def mail_leaves_the_machine(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """In production, password resets and notifications must reach people: no console mail."""
    delivery = settings.EMAIL_DELIVERY_BACKEND
    backend = delivery.rsplit(".", 2)[-2] if "." in delivery else ""
    if settings.DEBUG or backend not in LOCAL_MAIL:
        return []
    return [
        Error(
            f"Mail would not leave this machine: EMAIL_BACKEND is the {backend} backend.",
            hint="Set EMAIL_URL, for example smtp+tls://user:password@mail.example.org:587.",
            id="hinportal.E001",
        )
    ]

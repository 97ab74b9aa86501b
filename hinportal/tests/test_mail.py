"""Mail that arrives: the portal sends through SMTP, here a real server the test starts."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def test_a_password_reset_reaches_the_person_through_smtp(client, db, smtp_server):
    User.objects.create_user(username="lead", email="lead@icb.example.org", password="x" * 20)
    response = client.post("/account/password-reset/", {"email": "lead@icb.example.org"})
    assert response.status_code == 302
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["lead@icb.example.org"]
    body = message.get_payload(decode=True).decode()
    assert "/account/password-reset/" in body and "HIN Portal" in message["Subject"] + body


def test_email_url_sets_the_portal_to_smtp_with_tls():
    from hinportal.tests.test_deploy_settings import PRODUCTION, manage

    show = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
    result = manage("shell", "-c", show, env={**PRODUCTION, "EMAIL_URL": "smtp+tls://portal:pw@mail.example.org:587"})
    assert result.stdout.split()[-4:] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
    ]

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
    settings.EMAIL_BACKEND = "hinportal.lib.mail.QueuedEmailBackend"  # as in production
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
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

    show = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_DELIVERY_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
    )
    result = manage("shell", "-c", show, env={**PRODUCTION, "EMAIL_URL": "smtp+tls://portal:pw@mail.example.org:587"})
    assert result.stdout.split()[-4:] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
    ]


QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(**env: str) -> None:
    """A real worker process over the test database: runs what is queued, then stops."""
    import os
    import subprocess
    import sys

    from hinportal.tests.test_task_worker import BASE_DIR, database_url

    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0", "SEMANTIC_SEARCH": "off", **env},
        check=True,
        timeout=120,
        capture_output=True,
    )


def test_a_page_queues_its_mail_and_the_worker_sends_it(client, transactional_db, smtp_server, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUE
    User.objects.create_user(username="lead", email="lead@icb.example.org", password="x" * 20)
    assert client.post("/account/password-reset/", {"email": "lead@icb.example.org"}).status_code == 302
    assert smtp_server.messages == []  # the page answered without waiting for the mail server
    assert DBTaskResult.objects.get().task_path == "hinportal.lib.mail.deliver"
    run_worker(EMAIL_URL=f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}")
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["lead@icb.example.org"] and "HIN Portal" in message["Subject"]


def test_a_mail_server_that_is_down_delays_the_mail_not_the_page(client, transactional_db, settings):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = QUEUE
    settings.EMAIL_BACKEND = "hinportal.lib.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", probe.getsockname()[1]
    User.objects.create_user(username="lead", email="lead@icb.example.org", password="x" * 20)
    assert client.post("/account/password-reset/", {"email": "lead@icb.example.org"}).status_code == 302
    run_worker(EMAIL_URL=f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}")
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED and "ConnectionRefusedError" in result.exception_class_path

"""The daily clean-up: expired sessions, old lock-out records, old imports and task results go;
what is current stays; each run queues the next."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hinportal.lib import housekeeping
from hinportal.lib.tasks import enqueue_unless_waiting, refresh_embeddings
from hinportal.models import ImportJob
from hinportal.tests.test_mail import run_worker

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(int(expires_in.total_seconds()) if expires_in.total_seconds() > 0 else -1)
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def attempt(username: str, age: timedelta) -> None:
    AccessAttempt.objects.create(
        username=username, ip_address="127.0.0.1", user_agent="test", failures_since_start=5, get_data="", post_data=""
    )
    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - age)


def job(name: str, age: timedelta, state: str = ImportJob.State.DONE) -> None:
    owner, _ = User.objects.get_or_create(username="importer")
    made = ImportJob.objects.create(file_name=name, state=state, importer="x", content=b"a,b", created_by=owner)
    ImportJob.objects.filter(pk=made.pk).update(created_at=timezone.now() - age)


def test_the_clean_up_removes_what_expired_and_keeps_the_rest(db):
    current, expired = session(timedelta(hours=1)), session(-timedelta(hours=1))
    attempt("locked-now", timedelta(minutes=5))
    attempt("locked-long-ago", timedelta(hours=2))
    job("last-week.csv", timedelta(days=8))
    job("today.csv", timedelta(hours=1))
    job("stuck-but-running.csv", timedelta(days=8), state=ImportJob.State.IMPORTING)

    removed = housekeeping.clean_up()
    assert removed["expired sessions"] == 1 and removed["lock-out records"] == 1 and removed["import jobs"] == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [current]
    assert expired not in Session.objects.values_list("pk", flat=True)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["locked-now"]
    assert sorted(ImportJob.objects.values_list("file_name", flat=True)) == ["stuck-but-running.csv", "today.csv"]


def test_the_clean_up_is_queued_once_and_each_run_queues_the_next(transactional_db, settings):
    settings.TASKS = QUEUE
    call_command("schedule_housekeeping", verbosity=0)
    call_command("schedule_housekeeping", verbosity=0)  # every start-up runs it: still one of each waiting
    waiting = list(DBTaskResult.objects.order_by("task_path"))
    assert [w.task_path for w in waiting] == [
        "hinportal.lib.housekeeping.housekeeping",
        "innovations.alerts.search_alerts",
    ]

    run_worker()
    assert {DBTaskResult.objects.get(pk=w.pk).status for w in waiting} == {TaskResultStatus.SUCCESSFUL}
    following = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("task_path")
    assert [f.task_path for f in following] == [w.task_path for w in waiting]
    for task in following:
        assert timedelta(hours=23) < task.run_after - timezone.now() <= timedelta(days=1)


def test_a_task_is_queued_again_only_once_no_run_of_it_is_waiting(db, settings):
    settings.TASKS = QUEUE
    assert enqueue_unless_waiting(refresh_embeddings)
    assert not enqueue_unless_waiting(refresh_embeddings)
    assert not enqueue_unless_waiting(refresh_embeddings, after=timedelta(hours=1))
    assert DBTaskResult.objects.count() == 1

    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)  # a worker took it: it may have read too early
    assert enqueue_unless_waiting(refresh_embeddings, after=timedelta(hours=1))
    later = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert later.run_after > timezone.now() + timedelta(minutes=59)
    assert not enqueue_unless_waiting(refresh_embeddings)  # a run waiting for its time counts as waiting
    assert DBTaskResult.objects.count() == 2


@pytest.mark.parametrize("age_days,kept", [(8, False), (2, True)])
def test_finished_task_results_go_after_a_week(db, settings, age_days, kept):
    settings.TASKS = QUEUE
    housekeeping.housekeeping.enqueue()
    DBTaskResult.objects.update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now() - timedelta(days=age_days)
    )
    housekeeping.clean_up()
    assert DBTaskResult.objects.exists() is kept

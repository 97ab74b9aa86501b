"""Periodic clean-up, run by the task worker once a day: expired sessions (`clearsessions`), sign-in
lock-out records past their cool-off, import and export jobs (with the files they hold) after a
week, and the queue's own finished task results after a week. Each run queues the next; `manage.py
schedule_housekeeping` (run by `make run` and by each deployment) makes sure one of each task in
settings.PERIODIC_TASKS is waiting (the clean-up, and the saved searches' alerts)."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)
EVERY = timedelta(days=1)
KEEP_IMPORTS = timedelta(days=7)
KEEP_TASK_RESULTS_DAYS = 7


def clean_up() -> dict[str, int]:
    """Remove what has expired; return how many rows of each kind went."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from hinportal.models import ExportJob, ImportJob

    now = timezone.now()
    sessions = Session.objects.filter(expire_date__lt=now).count()
    call_command("clearsessions")
    cool_off = now - settings.AXES_COOLOFF_TIME
    removed = {
        "expired sessions": sessions,
        "lock-out records": AccessAttempt.objects.filter(attempt_time__lt=cool_off).delete()[0],
        "failed sign-in log entries": AccessFailureLog.objects.filter(attempt_time__lt=now - KEEP_IMPORTS).delete()[0],
        "import jobs": ImportJob.objects.filter(created_at__lt=now - KEEP_IMPORTS)
        .exclude(state__in=ImportJob.IN_PROGRESS)
        .delete()[0],
        "export files": ExportJob.objects.filter(created_at__lt=now - KEEP_IMPORTS).delete()[0],
        "finished task results": DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - timedelta(days=KEEP_TASK_RESULTS_DAYS))
        .delete()[0],
    }
    logger.info("Housekeeping: removed %s", ", ".join(f"{n} {kind}" for kind, n in removed.items()))
    return removed


@task()
def housekeeping() -> None:
    try:
        clean_up()
    finally:
        schedule(housekeeping, after=EVERY)


def schedule(periodic: Any, after: timedelta = timedelta(0)) -> bool:
    """Queue the next run of a periodic task unless one is already waiting (now or later); return
    whether one was queued. Each periodic task calls this for itself when it has run, so a backend
    that runs tasks at once would never stop: with one, nothing is scheduled."""
    from .tasks import enqueue_unless_waiting, keeps_queue

    return keeps_queue(periodic) and enqueue_unless_waiting(periodic, after=after)


def schedule_all() -> list[str]:
    """Queue every task named in settings.PERIODIC_TASKS that is not waiting already; return their names."""
    return [path for path in settings.PERIODIC_TASKS if schedule(import_string(path))]

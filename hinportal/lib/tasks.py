"""Work done off the request: checking and importing spreadsheets (django-tasks, with its database
backend and `manage.py db_worker`).

A worker holds a PostgreSQL advisory lock on a job while it works on it. The lock goes with the
worker's connection, so a page that finds a job in progress with no one holding its lock knows
the worker died; and since an import writes in one transaction, a dead worker wrote nothing.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task

from hinportal.models import ImportJob

from .imports import Importer
from .spreadsheets import UnreadableFile, read_table

logger = logging.getLogger(__name__)
State = ImportJob.State


@contextmanager
def working_on(job: ImportJob) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [job.lock_key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job.lock_key])


def is_abandoned(job: ImportJob) -> bool:
    """A job a worker started and no longer holds: it died (its transaction rolled back)."""
    if job.state not in ImportJob.IN_PROGRESS or job.started_at is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [job.lock_key])
        (free,) = cursor.fetchone()
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job.lock_key])
    return free


def importer_for(job: ImportJob) -> Importer:
    return import_string(job.importer)(user=job.created_by)


def _start(job: ImportJob, state: str) -> None:
    job.state, job.started_at, job.finished_at, job.message = state, timezone.now(), None, ""
    job.save(update_fields=["state", "started_at", "finished_at", "message"])


def _refuse(job: ImportJob, message: str = "", problems: list | None = None) -> None:
    job.state, job.message, job.problems, job.finished_at = State.REFUSED, message, problems or [], timezone.now()
    job.content = b""
    job.save()


def run_check(job: ImportJob) -> None:
    """Read and check every row, recording progress as it goes; write nothing."""
    with working_on(job):
        _start(job, State.CHECKING)
        try:
            table = read_table(bytes(job.content), job.file_name)
            importer = importer_for(job)
            job.rows_total = len(table.rows)
            job.save(update_fields=["rows_total"])

            def progress(done: int) -> None:
                ImportJob.objects.filter(pk=job.pk).update(rows_checked=done)

            plan = importer.plan(table, progress=progress)
        except UnreadableFile as problem:
            _refuse(job, str(problem))
            return
        job.rows_checked, job.counts, job.preview = job.rows_total, plan.counts(), plan.preview()
        if plan.problems:
            _refuse(job, problems=plan.problems)
            return
        job.state, job.finished_at = State.READY, timezone.now()
        job.save()


def run_import(job: ImportJob) -> None:
    """Check again with the records locked (they may have changed since), then write every row in
    one transaction, or nothing."""
    with working_on(job):
        _start(job, State.IMPORTING)
        importer = importer_for(job)
        try:
            table = read_table(bytes(job.content), job.file_name)
            with transaction.atomic():
                plan = importer.plan(table, for_update=True)
                if not plan.problems:
                    importer.save(plan, reason=f"Imported from {job.file_name}")
        except UnreadableFile as problem:
            _refuse(job, str(problem))
            return
        except IntegrityError as error:  # a rule only the database knows, broken by a concurrent change
            _refuse(job, f"The database refused a row, so nothing was imported: {str(error).splitlines()[0]}")
            return
        if plan.problems:
            _refuse(job, "Something changed since the file was checked, so nothing was imported.", plan.problems)
            return
        job.state, job.counts, job.content, job.finished_at = State.DONE, plan.counts(), b"", timezone.now()
        job.save()
        logger.info("Imported %s: %s", job.file_name, job.counts)
        queue_embeddings_refresh()  # the imported records' text is new to the search


def _job(job_id: str) -> ImportJob | None:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        logger.warning("Import job %s no longer exists", job_id)
    return job


@task()
def check_import(job_id: str) -> None:
    if job := _job(job_id):
        run_check(job)


@task()
def import_rows(job_id: str) -> None:
    if job := _job(job_id):
        run_import(job)


@task()
def refresh_embeddings() -> None:
    from .search.semantic import refresh_embeddings as refresh

    logger.info("Embeddings refreshed: %s", refresh())


def keeps_queue(some_task: Task) -> bool:
    """Whether the task's backend keeps a queue for a worker (the database's), rather than running
    each task at once (as in tests)."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(some_task.get_backend(), DatabaseBackend)


def enqueue_unless_waiting(waiting_task: Task, *, after: timedelta | None = None) -> bool:
    """Queue `waiting_task` (to run `after` from now) unless a run of it is already waiting for a
    worker, now or later; return whether it was queued. A run in progress does not count: it may
    have read the data before the write that asks for this one. A backend that keeps no queue
    (tasks run at once, as in tests) has nothing waiting."""
    from django_tasks_db.models import DBTaskResult

    if keeps_queue(waiting_task):
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=waiting_task.module_path)
        if waiting.exists():
            return False
    if after is not None:
        waiting_task = waiting_task.using(run_after=timezone.now() + after)
    waiting_task.enqueue()
    return True


def queue_embeddings_refresh() -> None:
    """Queue a refresh of the embeddings, unless one is already waiting for a worker."""
    enqueue_unless_waiting(refresh_embeddings)

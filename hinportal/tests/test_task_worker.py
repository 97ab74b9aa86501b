"""A real task worker (`manage.py db_worker`) against the test database: a large import is checked
and written off the request, and a worker killed while writing leaves nothing half-written."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from hinportal.lib.workflow import Status
from hinportal.models import ImportJob
from innovations.models import Adoption, Innovation
from networks.models import IntegratedCareBoard
from networks.tests.factories import make_icb

BASE_DIR = Path(__file__).resolve().parents[2]
State = ImportJob.State


def database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or settings["OPTIONS"].get("host", "")
    port = settings.get("PORT") or ""
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{settings['NAME']}?{urlencode({'host': host})}"
    return f"postgres://{user}{password}@{host}{':' + str(port) if port else ''}/{settings['NAME']}"


LOGS: Path | None = None


@pytest.fixture
def start_worker(tmp_path):
    global LOGS
    LOGS = tmp_path
    workers = []

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(workers)}.log", "w")  # noqa: SIM115 (closed with the process)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"],
            cwd=BASE_DIR,
            env={**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append((worker, log))
        return worker

    yield start
    for worker, log in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()


def wait_for(condition, *, seconds: float, every: float = 0.05, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            logs = "".join(path.read_text() for path in sorted(LOGS.glob("worker-*.log"))) if LOGS else ""
            pytest.fail(f"Gave up waiting {seconds} s for {what}. Worker output:\n{logs[-3000:]}")
        time.sleep(every)


def job_state(job: ImportJob) -> str:
    return ImportJob.objects.values_list("state", flat=True).get(pk=job.pk)


def another_backend_is_writing_adoptions() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' "
            "AND query LIKE 'INSERT INTO \"innovations\\_%%adoption\"%%'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_writing_leaves_nothing_and_a_new_one_finishes(
    client_as, personas, settings, start_worker, world
):
    settings.IMPORT_INLINE_ROWS = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(39):  # 42 ICBs in all, as in England: a file big enough to catch the worker writing
        make_icb(region=world.region)
    icbs = list(IntegratedCareBoard.objects.values_list("ods_code", flat=True))
    innovations = Innovation.objects.bulk_create(
        Innovation(
            name=f"Bulk {n}",
            slug=f"bulk-{n}",
            summary="For the worker test.",
            category="digital",
            status=Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for n in range(100)
    )
    lines = ["innovation,icb,status,started_on,patients_reached"]
    lines += [f"{i.slug},{code},adopted,2025-04-01,10" for i in innovations for code in icbs]
    client = client_as("national admin")
    response = client.post(
        "/admin/innovations/adoption/import/",
        {"import_file": SimpleUploadedFile("adoptions.csv", "\n".join(lines).encode())},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    job_url = response["Location"]

    first = start_worker()
    wait_for(lambda: job_state(job) == State.READY, seconds=120, what="the check")
    job.refresh_from_db()
    assert job.rows_checked == job.rows_total == len(lines) - 1
    assert client.post(f"{job_url}confirm/").status_code == 302

    wait_for(another_backend_is_writing_adoptions, seconds=120, every=0.005, what="the worker to start writing")
    first.send_signal(signal.SIGKILL)
    first.wait()

    # The job's page finds no one holding the job: the worker died.
    def stopped() -> bool:
        return "Stopped before it finished" in client.get(job_url).content.decode()

    wait_for(stopped, seconds=60, every=0.2, what="the page to see the worker gone")
    assert not Adoption.objects.exists()
    assert not Adoption.history.exists()
    assert set(Innovation.objects.values_list("adopted_icb_count", flat=True)) == {0}

    start_worker()
    assert client.post(f"{job_url}confirm/").status_code == 302  # try again
    wait_for(lambda: job_state(job) == State.DONE, seconds=240, every=0.2, what="the second worker")
    assert Adoption.objects.count() == len(lines) - 1
    assert "Imported: 4200 new" in client.get(job_url).content.decode().replace(",", "")


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_has_the_worker_keep_the_gap_lists(client, settings, start_worker, world):
    from innovations import gap_lists
    from innovations.models import GapList
    from innovations.tests.factories import adopt_in, make_guidance, make_innovation

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    systems = [make_icb(region=world.other_region) for _ in range(3)]
    first = make_innovation(name="Falls app")
    make_guidance(innovation=first)
    adopt_in(first, systems)
    gap_lists.refresh(everything=True)
    later = make_innovation(name="Virtual ward")  # each write commits, and queues a refresh
    make_guidance(innovation=later)
    adopt_in(later, [*systems, world.icb2])
    kept = GapList.objects.filter(pk=world.icb.pk)
    assert gap_lists.pending_since() is not None
    assert kept.get().innovation_ids == [first.pk]
    start_worker()
    wait_for(lambda: gap_lists.pending_since() is None, seconds=60, every=0.2, what="the worker's refresh")
    assert kept.get().innovation_ids == [later.pk, first.pk]
    html = client.get(f"/ics/{world.icb.slug}/proven-elsewhere/").content.decode()
    assert html.index(">Virtual ward<") < html.index(">Falls app<")

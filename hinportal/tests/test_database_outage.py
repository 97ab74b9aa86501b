"""The portal with its database stopped: public pages already in the shared cache still answer a
visitor without cookies; every other request answers 503 with Retry-After on a page that needs
no database, the log gets one line per kind of failure instead of a traceback per request, and
pages come back within 5 seconds of the database.

The test starts a PostgreSQL cluster of its own (with the machine's binaries, as `make run` does),
copies the test database's schema into it, serves the portal from it with gunicorn, then stops and
starts that cluster: the cluster every other test uses is never touched.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from hinportal import devdb

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, *, cookie: str = "") -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def serve(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """The portal under gunicorn (one worker) on a free loopback port with this environment, once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hinportal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            get(base + "/robots.txt")
            return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])
            time.sleep(0.1)


class Cluster:
    """A throwaway PostgreSQL cluster listening on a socket in its own folder."""

    def __init__(self) -> None:
        try:
            self.bindir = devdb.find_bindir()
        except devdb.SetupError as error:
            if os.environ.get("HINPORTAL_CI"):
                pytest.fail(str(error))
            pytest.skip(f"PostgreSQL server binaries are needed for this test: {error}")
        self.folder = Path(tempfile.mkdtemp(prefix="hinportal-outage-"))
        if devdb.running_as_root():
            shutil.chown(self.folder, user=devdb.SERVICE_USER)
        self.data = self.folder / "data"
        devdb.initdb(self.bindir, self.data)

    def start(self) -> None:
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c fsync=off"
        devdb.run(
            devdb.as_service_user(
                [self.bindir / "pg_ctl", "start", "-w", "-D", self.data, "-l", self.folder / "log", "-o", options]
            )
        )

    def stop(self) -> None:
        devdb.run(devdb.as_service_user([self.bindir / "pg_ctl", "stop", "-m", "fast", "-w", "-D", self.data]))

    def psql(self, *args: str, stdin: str | None = None) -> None:
        command = [self.bindir / "psql", "-h", str(self.folder), "-U", devdb.DB_USER, "-v", "ON_ERROR_STOP=1", *args]
        subprocess.run([str(c) for c in command], input=stdin, text=True, check=True, capture_output=True)

    def remove(self) -> None:
        if devdb.is_running(self.bindir, self.data):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def schema_of_the_test_database() -> str:
    settings = connection.settings_dict
    host = settings.get("HOST") or settings["OPTIONS"].get("host", "")
    command = [str(devdb.find_bindir() / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges"]
    command += ["-h", host, "-U", settings["USER"], settings["NAME"]]
    if settings.get("PORT"):
        command += ["-p", str(settings["PORT"])]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


@pytest.fixture
def portal_on_its_own_cluster(db, tmp_path):
    schema = schema_of_the_test_database()
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        cluster.psql("-d", "postgres", "-c", "CREATE DATABASE outage")
        cluster.psql("-d", "outage", stdin=schema)
        log = tmp_path / "gunicorn.log"
        url = f"postgres://{devdb.DB_USER}@/outage?host={cluster.folder}"
        server, base = serve({**os.environ, "DATABASE_URL": url}, log)
        yield cluster, base, log
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.remove()


PAGES = ["/", "/innovations/", "/ics/", "/publications/", "/programmes/", "/search/?q=asthma"]


def test_pages_answer_503_while_the_database_is_down_and_recover_within_5_seconds(portal_on_its_own_cluster):
    cluster, base, log = portal_on_its_own_cluster
    for page in PAGES:
        assert get(base + page)[0] == 200, page

    cluster.stop()
    # A visitor without cookies still gets the public pages already in the shared cache.
    for page in PAGES:
        status, headers, _ = get(base + page)
        assert (status, headers.get("X-Page-Cache")) == (200, "hit"), page
    # Anyone else (here a visitor with a session cookie) is told the service is unavailable.
    for _ in range(5):
        for page in PAGES:
            status, headers, html = get(base + page, cookie="sessionid=nonesuch")
            assert status == 503, page
            assert headers["Retry-After"] == "10"
            assert "Sorry, the service is unavailable" in html
            assert 'class="nhsuk-header"' in html
    for page in ("/robots.txt", "/account/sign-in/"):
        assert get(base + page)[0] == 200  # pages that need no database still work

    lines = log.read_text().splitlines()
    outage_lines = [line for line in lines if "Database unavailable" in line]
    assert 1 <= len(outage_lines) <= 2, lines  # one per kind of failure, not one per request (30 here)
    assert not [line for line in lines if "Traceback" in line]

    cluster.start()
    back = time.monotonic()
    while get(base + "/")[0] != 200:
        assert time.monotonic() - back < 5, "the portal did not recover within 5 seconds of the database"
        time.sleep(0.1)
    for page in PAGES:
        assert get(base + page)[0] == 200, page

"""Anonymous reads from a streaming replica, everything else from the primary, and a person who
has just written reads from the primary for a while (issue 15 item 5).

The test makes a primary cluster of its own (as the outage test does) with the test database's
schema and the reference data, a hot standby of it with pg_basebackup (hinportal.devdb, as
`make replica` does), and serves the portal from both with gunicorn. Pausing the replica's replay
makes the two differ, so each page shows which one it was read from."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from hinportal import devdb
from hinportal.tests.test_database_outage import BASE_DIR, Cluster, get, schema_of_the_test_database, serve


def sql(folder: Path, statement: str) -> str:
    command = [devdb.find_bindir() / "psql", "-h", folder, "-U", devdb.DB_USER, "-d", "portal", "-At", "-c", statement]
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def post(url: str) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=b"username=nobody&password=wrong", method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def first_network(primary: Path) -> tuple[str, str]:
    """The slug and name of the network whose page the tests read (the first by code)."""
    slug, name = sql(primary, "SELECT slug || '|' || name FROM networks_network ORDER BY code LIMIT 1").split("|")
    return slug, name


@pytest.fixture
def primary_and_replica(request, db, tmp_path):
    """A primary and its replica, and the portal served from both; every page read from a database
    (the page cache off) unless the test asks for the page cache's seconds, and the shared cache
    the machine's Redis (as on several web hosts) if it asks for it (indirect parameter: a dict)."""
    asked = getattr(request, "param", {})
    page_cache_seconds = asked.get("page_cache_seconds", "0")
    cache_url = {}
    if asked.get("shared_cache"):
        # This process's cache the machine's Redis, emptied. The test names the fixture itself, so
        # that it runs beside no other test that shares Redis (conftest's xdist group).
        assert "redis_cache" in request.fixturenames, "a test with the shared cache asks for redis_cache"
        request.getfixturevalue("redis_cache")
        cache_url = {"CACHE_URL": settings.CACHES["default"]["LOCATION"]}
    schema = schema_of_the_test_database()
    primary = Cluster()
    replica_folder = Path(str(primary.folder) + "-replica")
    server = None
    try:
        primary.start()
        primary.psql("-d", "postgres", "-c", "CREATE DATABASE portal")
        primary.psql("-d", "portal", stdin=schema)
        url = f"postgres://{devdb.DB_USER}@/portal?host="
        env = {**os.environ, "DATABASE_URL": url + str(primary.folder), "SEMANTIC_SEARCH": "off", **cache_url}
        subprocess.run(
            [sys.executable, "manage.py", "load_reference_data"], cwd=BASE_DIR, env=env, check=True, capture_output=True
        )
        devdb.start_replica_of(primary.bindir, primary.folder, replica_folder)
        env = {
            **env,
            "DATABASE_REPLICA_URL": url + str(replica_folder),
            "PUBLIC_PAGE_CACHE_SECONDS": page_cache_seconds,
            "READ_YOUR_WRITES_SECONDS": "30",
        }
        server, base = serve(env, tmp_path / "gunicorn.log")
        yield primary.folder, replica_folder, base, env
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        data = replica_folder / "data"
        if (data / "PG_VERSION").exists() and devdb.is_running(primary.bindir, data):
            devdb.run(devdb.as_service_user([primary.bindir / "pg_ctl", "stop", "-m", "immediate", "-D", data]))
        import shutil

        shutil.rmtree(replica_folder, ignore_errors=True)
        primary.remove()


def test_anonymous_reads_come_from_the_replica_and_writers_read_their_writes(primary_and_replica):
    primary, replica, base, _ = primary_and_replica
    assert sql(replica, "SELECT pg_is_in_recovery()") == "t"
    slug, name = first_network(primary)
    page = f"{base}/networks/{slug}/"
    assert name in get(page)[2]

    # The replica stops replaying; the primary moves on.
    sql(replica, "SELECT pg_wal_replay_pause()")
    first = "code = (SELECT min(code) FROM networks_network)"  # the network whose page is read
    sql(primary, f"UPDATE networks_network SET name = 'Renamed on the primary' WHERE {first}")  # noqa: S608
    assert sql(replica, f"SELECT name FROM networks_network WHERE {first}") == name  # noqa: S608
    # A visitor without a session reads the replica: the old name.
    status, _, html = get(page)
    assert status == 200 and name in html and "Renamed on the primary" not in html
    # Anyone with a session (signed in, or about to be) reads the primary.
    assert "Renamed on the primary" in get(page, cookie="sessionid=anything")[2]
    # Someone who has just sent a write is told to read the primary for a while, and does.
    status, headers = post(f"{base}/account/sign-in/")
    assert status in (400, 403) and "hp_wrote=1" in headers.get("Set-Cookie", "")
    assert "Max-Age=30" in headers["Set-Cookie"]
    assert "Renamed on the primary" in get(page, cookie="hp_wrote=1; csrftoken=x")[2]

    # The replica catches up, and then everyone sees the change.
    sql(replica, "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 10
    while "Renamed on the primary" not in get(page)[2]:
        assert time.monotonic() < deadline, "the replica did not catch up within 10 s"
        time.sleep(0.2)


@pytest.mark.parametrize("primary_and_replica", [{"page_cache_seconds": "300"}], indirect=True)
def test_a_page_kept_from_the_replica_is_never_served_to_someone_reading_the_primary(primary_and_replica):
    # Pages kept per audience (page_cache.audience_page): a visitor with a cookie but no session
    # reads the replica, one who has just written reads the primary; both are the public audience.
    primary, replica, base, _ = primary_and_replica
    slug, name = first_network(primary)
    page = f"{base}/networks/{slug}/"
    sql(replica, "SELECT pg_wal_replay_pause()")
    first = "code = (SELECT min(code) FROM networks_network)"
    sql(primary, f"UPDATE networks_network SET name = 'Renamed on the primary' WHERE {first}")  # noqa: S608
    # Kept from the replica after the first view.
    for _ in range(8):
        status, headers, html = get(page, cookie="csrftoken=x")
        assert status == 200 and name in html and "Renamed on the primary" not in html
    assert headers.get("X-Audience-Cache") == "hit"
    for _ in range(8):
        status, headers, html = get(page, cookie="hp_wrote=1; csrftoken=y")
        assert status == 200 and "Renamed on the primary" in html
    assert headers.get("X-Audience-Cache") == "hit"  # kept for them too, from the primary
    sql(replica, "SELECT pg_wal_replay_resume()")


@pytest.mark.parametrize("primary_and_replica", [{"page_cache_seconds": "300", "shared_cache": True}], indirect=True)
@pytest.mark.parametrize("emptied", [False, True], ids=["as written", "shared cache emptied after the write"])
def test_nothing_read_from_a_lagging_replica_is_kept_after_a_public_write(redis_cache, primary_and_replica, emptied):
    # A public write moves the version on, which retires every kept page; the first visitor after it
    # reads the replica. Were the page kept while the replica lags, the page from before the write
    # would be kept under the version after it, for everyone, for the page cache's 300 s. The same
    # holds when the shared cache has lost where the write ended (emptied, or the key evicted).
    primary, replica, base, env = primary_and_replica
    slug, name = first_network(primary)
    page = f"{base}/networks/{slug}/"
    assert get(page)[1].get("X-Page-Cache") == "miss"
    assert get(page)[1].get("X-Page-Cache") == "hit"

    sql(replica, "SELECT pg_wal_replay_pause()")
    rename = (
        "from networks.models import Network; network = Network.objects.order_by('code').first(); "
        "network.name = 'Renamed on the primary'; network.save()"
    )
    # Through the models, as a staff screen writes: the save moves the public version on.
    subprocess.run([sys.executable, "manage.py", "shell", "-c", rename], cwd=BASE_DIR, env=env, check=True)
    assert "Renamed on the primary" not in sql(replica, "SELECT string_agg(name, ',') FROM networks_network")
    if emptied:
        redis_cache.flushdb()

    for _ in range(3):  # read from the replica, and not kept
        status, headers, html = get(page)
        assert status == 200 and name in html and "Renamed on the primary" not in html
        assert headers.get("X-Page-Cache") == "behind" and headers.get("Cache-Control") == "no-cache"
        status, headers, html = get(page, cookie="csrftoken=x")  # kept per audience, when it may be
        assert status == 200 and name in html and headers.get("X-Audience-Cache") == "behind"

    sql(replica, "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 10
    while "Renamed on the primary" not in (html := get(page)[2]):
        assert time.monotonic() < deadline, "the replica did not catch up within 10 s"
        time.sleep(0.2)
    status, headers, html = get(page)
    assert "Renamed on the primary" in html and headers.get("X-Page-Cache") == "hit"
    assert "public" in headers.get("Cache-Control") and "max-age" in headers.get("Cache-Control")
    status, headers, html = get(page, cookie="csrftoken=x")
    assert "Renamed on the primary" in html and headers.get("X-Audience-Cache") in ("miss", "hit")

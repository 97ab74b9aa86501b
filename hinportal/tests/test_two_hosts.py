"""More than one web host, proven: two gunicorns on different loopback addresses share the database
and the Redis cache, and what a person does on one carries to the other, as behind a load
balancer that sends each request wherever it likes."""

import http.client
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from conftest import current_code, make_person, second_factor_device
from hinportal.tests.test_database_outage import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = f"Redis is not running on 127.0.0.1:6379 ({error}), so two hosts cannot share a cache"
        if os.environ.get("HINPORTAL_CI"):
            pytest.fail(message)
        pytest.skip(message)
    redis.Redis.from_url(REDIS_URL).flushdb()


def database_url() -> str:
    """The suite's DATABASE_URL, pointed at the test database both hosts must share."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


class Host:
    def __init__(self, address: str, tmp_path: Path) -> None:
        self.address, self.port = address, free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CACHE_URL": REDIS_URL,
            "ALLOWED_HOSTS": "127.0.0.1,127.0.0.2,portal.test",
            "HTTPS": "off",
            "DEBUG": "off",
            "SEMANTIC_SEARCH": "off",
        }
        self.log = tmp_path / f"gunicorn-{address}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hinportal.wsgi", "--bind", f"{address}:{self.port}", "--workers", "1"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def request(
        self, method: str, path: str, cookies: dict, form: dict | None = None, upload: tuple[str, bytes] | None = None
    ) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection(self.address, self.port, timeout=30)
        headers = {"Host": "portal.test", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body: str | bytes | None = None
        if upload is not None:  # multipart: the form's fields and one file, as "import_file"
            boundary = "hinportal-two-hosts"
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in (form or {}).items()
            ]
            name, content = upload
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="import_file"; filename="{name}"\r\n'
                "Content-Type: text/csv\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode()  # type: ignore[attr-defined]
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            cookies[name] = value
        return response

    def wait(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/robots.txt", {})
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    pytest.fail("gunicorn did not start: " + self.log.read_text()[-2000:])
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def two_hosts(transactional_db, tmp_path):
    redis_or_skip()
    hosts = [Host("127.0.0.1", tmp_path), Host("127.0.0.2", tmp_path)]
    try:
        for host in hosts:
            host.wait()
        yield hosts
    finally:
        for host in hosts:
            host.stop()


def csrf_token(response: http.client.HTTPResponse) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)  # type: ignore[attr-defined]


def sign_in(host: Host, cookies: dict, password: str) -> http.client.HTTPResponse:
    page = host.request("GET", "/account/sign-in/", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[attr-defined]
    return host.request(
        "POST", "/account/sign-in/", cookies, {"csrfmiddlewaretoken": token, "username": "lead", "password": password}
    )


def test_a_session_a_lock_out_and_the_cache_carry_from_one_host_to_the_other(two_hosts, world, settings):
    first, second = two_hosts
    # The hosts check passwords with the portal's own hashers, not the suite's fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_person("lead", "ICS lead", icb=world.icb)

    # Signed in on one host, the lead is signed in on the other.
    cookies: dict = {}
    assert sign_in(first, cookies, PASSWORD).status == 302
    workspace = second.request("GET", "/workspace/", cookies)
    assert workspace.status == 302 and workspace.headers["Location"].endswith(f"/ics/{world.icb.slug}/workspace/")

    # Five wrong passwords on one host lock the account on the other, even with the right one.
    guesser: dict = {}
    for _ in range(5):
        sign_in(first, guesser, "wrong password")
    locked = sign_in(second, guesser, PASSWORD)
    assert locked.status in (403, 429) and "sessionid" not in guesser

    # The failures from this address were counted in the shared Redis cache, where every host looks.
    import redis

    assert any(redis.Redis.from_url(REDIS_URL).scan_iter("*sign-in-failures*"))


def test_an_import_checked_on_one_host_is_confirmed_on_the_other(two_hosts, world, settings):
    from innovations.models import Adoption
    from innovations.tests.factories import make_innovation

    first, second = two_hosts
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    app = second_factor_device(make_person("national", "National administrator"))
    innovation = make_innovation()
    # The public page, rendered on one host for a visitor without cookies, is answered whole by the
    # other from the shared cache.
    public = innovation.get_absolute_url()
    assert first.request("GET", public, {}).headers["X-Page-Cache"] == "miss"
    before = second.request("GET", public, {})
    assert before.headers["X-Page-Cache"] == "hit" and "Adopted in 0 of" in before.text  # type: ignore[attr-defined]
    staff: dict = {}
    login = first.request("GET", "/admin/login/", staff)
    first.request(
        "POST",
        "/admin/login/",
        staff,
        {"csrfmiddlewaretoken": csrf_token(login), "username": "national", "password": PASSWORD, "next": "/admin/"},
    )
    # The second factor on one host counts on the other (the session says which app confirmed it).
    code_page = first.request("GET", "/account/two-factor/", staff)
    entered = {"csrfmiddlewaretoken": csrf_token(code_page), "code": current_code(app)}
    assert first.request("POST", "/account/two-factor/", staff, entered).status == 302
    form = first.request("GET", "/admin/innovations/adoption/import/", staff)
    csv = f"innovation,icb,status,started_on\n{innovation.slug},T01,adopted,2024-01-01\n".encode()
    preview = first.request(
        "POST",
        "/admin/innovations/adoption/import/",
        staff,
        {"csrfmiddlewaretoken": csrf_token(form)},
        upload=("adoptions.csv", csv),
    )
    assert preview.status == 200, preview.text[:500]  # type: ignore[attr-defined]
    job = re.search(r"/admin/innovations/adoption/import/([0-9a-f-]{36})/", preview.text).group(1)  # type: ignore[attr-defined]

    # The other host holds the same preview (the file is kept in the database, not on a disk)...
    page = second.request("GET", f"/admin/innovations/adoption/import/{job}/", staff)
    assert page.status == 200
    assert 'id="import-preview"' in page.text and "Importing this file would add 1" in page.text  # type: ignore[attr-defined]
    assert innovation.name in page.text  # type: ignore[attr-defined]
    assert not Adoption.objects.exists()
    # ...and confirming it there writes the rows.
    done = second.request(
        "POST", f"/admin/innovations/adoption/import/{job}/confirm/", staff, {"csrfmiddlewaretoken": csrf_token(page)}
    )
    assert done.status == 302
    assert Adoption.objects.get().innovation == innovation
    # The import retired the kept public pages on every host: both show the adoption at once.
    for host in (first, second):
        after = host.request("GET", public, {})
        assert "Adopted in 1 of" in after.text, host.address  # type: ignore[attr-defined]

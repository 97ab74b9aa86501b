"""Slow clients cannot stall the portal as `make run` serves it (hinportal/gunicorn_config.py)."""

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 8  # twice what stalled the sync workers for 40 s in the penetration test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "hinportal/gunicorn_config.py",
            "hinportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)
    yield port
    process.kill()  # not terminate: a graceful stop would wait for the slow clients' connections
    process.wait(timeout=30)
    log.close()


def trickle_headers(port: int, stop: threading.Event) -> None:
    """A slowloris client: one header line a second, never finishing the request."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(1):
            try:
                connection.sendall(b"X-Slow: 1\r\n")
            except OSError:
                return


def test_slow_clients_do_not_hold_up_others(server):
    stop = threading.Event()
    clients = [threading.Thread(target=trickle_headers, args=(server, stop), daemon=True) for _ in range(SLOW_CLIENTS)]
    for client in clients:
        client.start()
    try:
        time.sleep(2)  # every slow client has connected and is part-way through its headers
        started = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{server}/robots.txt", timeout=30) as response:
            assert response.status == 200
        # With the sync workers this request waited for the slow clients (40 to 60 seconds).
        assert time.monotonic() - started < 10
    finally:
        stop.set()

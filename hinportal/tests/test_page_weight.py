"""What a first visit costs to download: the home page and an innovation page, each opened in a
fresh Chromium (nothing cached) from gunicorn with the portal's production static files (whitenoise,
compressed), counting the bytes that crossed the wire: HTML, CSS, JavaScript, images and fonts,
headers included. The goal is at most 100 KB each."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from conftest import CHROMIUM_ARGS
from hinportal.tests.test_database_outage import serve
from hinportal.tests.test_two_hosts import database_url
from innovations.tests.factories import adopt_in, make_evidence, make_guidance, make_innovation
from networks.tests.factories import make_icb

BUDGET = 100_000


@pytest.fixture
def served(transactional_db, tmp_path, chromium_path):
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        pytest.fail("The static files are not collected: run `make setup` (collectstatic) first")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "off",
        "DEBUG": "off",
        "SEMANTIC_SEARCH": "off",
    }
    server, base = serve(env, tmp_path / "gunicorn.log")
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def first_visit(chromium_path: str, url: str) -> dict[str, int]:
    """Bytes received (body as sent, compressed or not, and headers) for each response of a first visit."""
    from playwright.sync_api import sync_playwright

    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    received: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        page = browser.new_context().new_page()

        def finished(request) -> None:
            sizes = request.sizes()
            received[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

        page.on("requestfinished", finished)
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")
        browser.close()
    return received


def test_a_first_visit_to_home_or_an_innovation_downloads_at_most_100_kb(served, chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    innovation = make_innovation(name="Digital asthma review", summary="A review of asthma care at home. " * 4)
    make_evidence(innovation=innovation)
    make_guidance(innovation=innovation)
    adopt_in(innovation, [make_icb() for _ in range(3)])
    for path in ("/", innovation.get_absolute_url()):
        received = first_visit(chromium_path, served + path)
        listing = ", ".join(f"{url.removeprefix(served)} {size:,}" for url, size in sorted(received.items()))
        # The page, its stylesheet and its script at least, each compressed.
        assert len(received) >= 3, listing
        assert any(url.endswith(".css") for url in received) and any(url.endswith(".js") for url in received)
        total = sum(received.values())
        print(f"First visit to {path}: {total:,} bytes in {len(received)} responses ({listing})")
        assert total <= BUDGET, f"{path} downloads {total:,} bytes: {listing}"

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from innovations.services import load_catalogue
from networks.services import load_reference_data


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path) -> None:
    # Pages render without a collectstatic manifest, passwords hash fast, uploads go to a temporary folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Background tasks run at once, in the test's own transaction; test_task_worker runs a real worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()


@pytest.fixture
def reference_data(db) -> None:
    """The real regions, networks and ICBs, as `make run` loads them."""
    load_reference_data()


@pytest.fixture
def catalogue_data(reference_data) -> None:
    """The real national programmes and the innovations they and NICE support."""
    load_catalogue()


# Browser tests drive the machine's own Chromium (never a downloaded browser), kept off every
# host but this one.
CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"]
    return next((found for name in candidates if name and (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium), so the browser tests cannot run"
        if os.environ.get("HINPORTAL_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing from node_modules: run `make install`")
    return path


@pytest.fixture
def page(chromium_path, live_server, monkeypatch):
    """A Playwright page in Chromium; the live server holds whatever data the test loaded first."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=args)
        context = browser.new_context(base_url=live_server.url)
        yield context.new_page()
        context.close()
        browser.close()


def assert_accessible(page) -> None:
    """Run axe-core on the page and fail with a readable list of any WCAG 2.2 A/AA violations."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)", WCAG_TAGS
    )
    summary = [f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})" for v in violations]
    assert not summary, f"{page.url}: " + "; ".join(summary)


# Permission personas: staff of the record's network (Health Innovation Wessex in the tests),
# an editor of another network, an ICS lead, a national administrator and an anonymous visitor.
def make_person(username: str, role: str | None, *, network_code: str | None = None, icb_code: str | None = None):
    from django.contrib.auth.models import Group, User

    from networks.models import IntegratedCareBoard, Membership, Network

    user = User.objects.create_user(
        username=username, password="correct horse battery staple", is_staff=role not in (None, "ICS lead")
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if network_code:
        Membership.objects.create(user=user, network=Network.objects.get(code=network_code))
    if icb_code:
        Membership.objects.create(user=user, icb=IntegratedCareBoard.objects.get(ods_code=icb_code))
    return user


@pytest.fixture
def personas(reference_data) -> dict:
    return {
        "national admin": make_person("national", "National administrator"),
        "editor": make_person("editor", "Network editor", network_code="HI-WESSEX"),
        "publisher": make_person("publisher", "Network publisher", network_code="HI-WESSEX"),
        "other editor": make_person("other-editor", "Network editor", network_code="UCLP"),
        "ICS lead": make_person("ics-lead", "ICS lead", icb_code="QVV"),
        "anonymous": None,
    }


@pytest.fixture
def client_as(client, personas):
    def sign_in(persona: str):
        client.logout()
        if personas[persona] is not None:
            client.force_login(personas[persona])
        return client

    return sign_in

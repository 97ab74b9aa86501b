import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections

from hinportal.lib.search import semantic
from innovations.services import load_catalogue
from networks.services import load_reference_data


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the group from the marker
def pytest_collection_modifyitems(items) -> None:
    """Tests that share the machine's Redis (the shared cache, which each of them empties, and the
    two hosts' sessions) run on one xdist worker, one after another (`--dist loadgroup`, pytest.ini).
    Run side by side, one test's FLUSHDB wiped another's public version and replica position, and
    the replica test then kept a page read from before a write (a failed CI run at 7c20049)."""
    for item in items:
        if "redis_cache" in getattr(item, "fixturenames", ()) or item.module.__name__.endswith(".test_two_hosts"):
            item.add_marker(pytest.mark.xdist_group("shared-redis"))


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
    # Each test starts with no vectors in memory: the last test's records went with its transaction.
    semantic.reset_index()


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
        if os.environ.get("HINPORTAL_CI"):
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
        # axe-core goes into every document before the page's own scripts, as the browser's
        # tooling does: a <script> added to the page would be refused by its Content-Security-Policy.
        context.add_init_script(path=str(AXE_SCRIPT))
        yield context.new_page()
        # While Playwright's event loop runs in this thread, Django keeps this thread's database
        # connections apart from the ones it uses otherwise (asgiref's Local), so a query the test
        # made opened one that nothing else would close: the test database could not be dropped.
        connections.close_all()
        context.close()
        browser.close()


def assert_accessible(page) -> None:
    """Run axe-core on the page and fail with a readable list of any WCAG 2.2 A/AA violation or any
    content outside a landmark."""
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)", WCAG_TAGS
    )
    # And all content inside landmarks (axe's best-practice `region` rule), so that a screen
    # reader's landmark navigation reaches everything.
    violations += page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}}).then(r => r.violations)", ["region"]
    )
    summary = [f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})" for v in violations]
    assert not summary, f"{page.url}: " + "; ".join(summary)


VNU_JAR = Path(__file__).resolve().parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def html_validator(tmp_path):
    """Validate many pages' HTML with the Nu HTML Checker (the vnu-jar npm package, run by the
    machine's Java) in one run: call it with {name: html}; it returns the errors, one line each."""
    import json
    import subprocess

    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        message = "The Nu HTML Checker needs Java (apt-get install default-jre-headless) and `make install`"
        if os.environ.get("HINPORTAL_CI"):
            pytest.fail(message)
        pytest.skip(message)

    def validate(pages: dict[str, str]) -> list[str]:
        names = {}
        for n, (name, html) in enumerate(pages.items()):
            path = tmp_path / f"page-{n}.html"
            path.write_text(html, encoding="utf-8")
            names[str(path)] = name
        command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *names]
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
        messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
        return [
            f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: line {m.get('lastLine')}: "
            f"{m.get('message')}"
            for m in messages
        ]

    return validate


@dataclass
class World:
    """The small England the tests run in, made with the factories: our network (whose staff are
    the editor and publisher personas) covering two ICBs in one region, the ICS lead's and another,
    and another network covering one ICB in another region."""

    region: Any
    network: Any
    icb: Any
    icb2: Any
    other_region: Any
    other_network: Any
    other_icb: Any


@pytest.fixture
def world(db) -> World:
    from networks.tests.factories import make_icb, make_network, make_region

    south, north = make_region(name="Southern test region"), make_region(name="Northern test region")
    ours, theirs = make_network(name="Our test network"), make_network(name="Their test network")
    return World(
        region=south,
        network=ours,
        icb=make_icb(region=south, network=ours, short_name="Harbourside", ods_code="T01"),
        icb2=make_icb(region=south, network=ours, short_name="Downland", ods_code="T02"),
        other_region=north,
        other_network=theirs,
        other_icb=make_icb(region=north, network=theirs, short_name="Fellside", ods_code="T03"),
    )


# Every persona's password (test accounts only).
PERSONA_PASSWORD = "correct horse battery staple"


# Permission personas: staff of our network (world.network), an editor of the other network, the
# lead of world.icb, a national administrator and an anonymous visitor.
def make_person(username: str, role: str | None, *, network: Any = None, icb: Any = None):
    from django.contrib.auth.models import Group, User

    from networks.models import Membership

    user = User.objects.create_user(
        username=username, password=PERSONA_PASSWORD, is_staff=role not in (None, "ICS lead")
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if network is not None or icb is not None:
        Membership.objects.create(user=user, network=network, icb=icb)
    return user


@pytest.fixture
def personas(world) -> dict:
    return {
        "national admin": make_person("national", "National administrator"),
        "editor": make_person("editor", "Network editor", network=world.network),
        "publisher": make_person("publisher", "Network publisher", network=world.network),
        "other editor": make_person("other-editor", "Network editor", network=world.other_network),
        "ICS lead": make_person("ics-lead", "ICS lead", icb=world.icb),
        "anonymous": None,
    }


def second_factor_device(user):
    """The person's authenticator app (a confirmed TOTP device), made if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def current_code(device) -> str:
    """The 6-digit code the person's app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_fully(client, user):
    """Sign in as this person, with the second factor a staff account needs already given."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    if user.is_staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
        session.save()
    return client


def sign_in_to_the_staff_screens(page, user, password: str = PERSONA_PASSWORD) -> None:
    """In a browser: the staff sign-in form, then the code the person's app shows now."""
    app = second_factor_device(user)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Security code").fill(current_code(app))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's superuser client, past the second factor as every staff account must be."""
    from django.test import Client

    return sign_in_fully(Client(), admin_user)


@pytest.fixture
def client_as(client, personas):
    def sign_in(persona: str):
        client.logout()
        if personas[persona] is not None:
            sign_in_fully(client, personas[persona])
        return client

    return sign_in


# Reading pages as a person would: through their structure (django.test.html's parser), not by
# matching text against CSS classes.
def elements(page, tag: str, **attributes: str) -> list:
    """Every element of this tag whose attributes include these (a class given as `class_` matches
    one of the element's classes), in document order."""
    from django.test.html import Element, parse_html

    html = page.content.decode() if hasattr(page, "content") else page
    wanted = {name.rstrip("_"): value for name, value in attributes.items()}

    def matches(element: Element) -> bool:
        if element.name != tag:
            return False
        own = dict(element.attributes)
        for name, value in wanted.items():
            if name == "class" and value not in (own.get("class") or "").split():
                return False
            if name != "class" and own.get(name) != value:
                return False
        return True

    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", []):
            if isinstance(child, Element):
                if matches(child):
                    found.append(child)
                walk(child)

    walk(parse_html(html))
    return found


def text_of(element) -> str:
    """The words an element shows, whitespace collapsed."""
    from django.test.html import Element

    parts = [text_of(child) if isinstance(child, Element) else str(child) for child in element.children]
    return " ".join(" ".join(parts).split())


def result_titles(page) -> list[str]:
    """The titles of the results a listing shows, in order."""
    items = elements(page, "li", class_="app-result")
    return [text_of(link) for item in items for link in elements(str(item), "a")[:1]]


@pytest.fixture
def redis_cache(settings):
    """The shared cache every web host would use (CACHE_URL, or the machine's Redis)."""
    import redis

    url = os.environ.get("CACHE_URL", "")
    url = url if url.startswith("redis") else "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        if os.environ.get("HINPORTAL_CI"):
            pytest.fail(f"Redis is needed at {url}: {error}")
        pytest.skip(f"no Redis at {url} ({error}), so the shared-cache test cannot run")
    settings.CACHES = {"default": {"BACKEND": "hinportal.lib.cache.RedisCache", "LOCATION": url}}  # as settings choose
    from django.core.cache import cache

    cache.clear()
    yield redis.Redis.from_url(url)
    cache.clear()

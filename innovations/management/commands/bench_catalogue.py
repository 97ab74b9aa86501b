"""Time every public page type and the lead's workspace, as ratios to /robots.txt in the same run.

Run by `make bench` against a separate database of demonstration innovations (see the Makefile for
the sizes). Two parts, both printed as Markdown tables:

1. **Server time** (in-process, Django's test client through the whole middleware stack, no
   network), for each page: *cold* (shared cache cleared first: no kept page, no cached count),
   *warm* (counts and public fragments kept, but a cookie keeps the visitor off the page cache, as
   a signed-in person is, and pages kept per audience are rendered), *audience page* (the pages
   kept whole per audience, page_cache.audience_page, served to a visitor with a cookie) and
   *cached* (a visitor without cookies, answered from the page cache); with the queries each asks
   cold and warm.
2. **Over HTTP** (`--http`): gunicorn with the portal's own settings (2 workers of 16 threads),
   loaded by CONNECTIONS keep-alive connections for SECONDS per page from this process: requests
   a second as a share of /robots.txt's, and p50 and p99. Anonymous visitors first (page cache),
   then signed in as the bench's ICS lead (public pages kept for the lead's audience,
   page_cache.audience_page); the lead's workspace and gap list signed in only (both kept per
   audience too, the workspace for the leads of its ICB). Nothing is timed until every worker has
   loaded the search model and vectors, as each does on a thread when it starts.

The machines are shared and noisy: compare ratios within one run, not milliseconds across runs.
`--json FILE` writes the figures too, so that `make bench` can set sizes side by side.
"""

import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from hinportal.lib.page_cache import AUDIENCE_HEADER
from hinportal.lib.search import semantic
from hinportal.lib.urls import record_url
from innovations.models import Innovation, Programme
from networks.models import IntegratedCareBoard, Membership

BASE_DIR = Path(__file__).resolve().parents[3]
MINIMAL = "/robots.txt"
LEAD = "bench-lead"
BENCH_CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")
# The served portal's own log (its errors and tracebacks), kept for reading after a run.
LOG_FILE = BASE_DIR / ".local" / "bench-gunicorn.log"


def machine() -> str:
    """What a run was measured on, printed above its figures: the CPU, its cores and memory, the
    PostgreSQL server, and which kernels OpenBLAS (numpy's BLAS, under the search model) runs, which
    `OPENBLAS_CORETYPE` can force: on one AVX-512 machine the seed's embedding took 55% longer with
    the AVX2 ones (README)."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    fields = {name.strip(): value.strip() for name, _, value in (line.partition(":") for line in cpuinfo.splitlines())}
    cpu = fields.get("model name") or platform.machine() or "an unknown CPU"
    if "avx512f" in fields.get("flags", "").split():
        cpu += " with AVX-512"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connection.cursor() as cursor:
        version = cursor.connection.server_version
    forced = os.environ.get("OPENBLAS_CORETYPE")
    kernels = f"those OPENBLAS_CORETYPE={forced} names" if forced else "its own choice for the CPU"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GB; PostgreSQL {version // 10000}.{version % 10000}; "
        f"OpenBLAS kernels: {kernels}"
    )


def _pages() -> list[tuple[str, str]]:
    top = Innovation.objects.published().order_by("is_demo", "-adopted_icb_count", "pk").first()
    if top is None:
        raise CommandError("No innovations: run seed_demo first.")
    icb = IntegratedCareBoard.objects.current().order_by("ods_code").first()
    programme = Programme.objects.published().order_by("pk").first()
    pages = [
        ("/robots.txt (minimal page)", MINIMAL),
        ("Home", "/"),
        ("Listing", "/innovations/"),
        ("Filtered listing", "/innovations/?category=digital&clinical_area=respiratory&proven=on"),
        ("Selective search", "/innovations/?q=glaucoma"),
        ("Three-word lay search", "/innovations/?q=knee+pain+exercise"),
        ("Common-word search", "/innovations/?q=people"),
        ("Abbreviation and misspelling", "/innovations/?q=BPH+prostrate"),
        ("Deep page (page 500 by name)", "/innovations/?sort=name&page=500"),
        ("Site search, common word", "/search/?q=care"),
        ("Innovation detail", top.get_absolute_url()),
        ("ICS page (gap list, scorecard)", icb.get_absolute_url()),
        ("ICS list", "/ics/"),
        ("Publications", "/publications/"),
        ("Sitemap index", "/sitemap.xml"),
        ("Sitemap file", "/sitemap-innovations.xml"),
    ]
    if programme:
        pages.insert(11, ("Programme", programme.get_absolute_url()))
    return pages


def _lead_pages() -> list[tuple[str, str]]:
    icb = IntegratedCareBoard.objects.current().order_by("ods_code").first()
    return [
        ("Lead: workspace", f"/ics/{icb.slug}/workspace/"),
        ("Lead: proven elsewhere (gap list)", f"/ics/{icb.slug}/proven-elsewhere/"),
    ]


def _lead() -> User:
    """An ICS lead of the first ICB, in the bench database only."""
    icb = IntegratedCareBoard.objects.current().order_by("ods_code").first()
    user, made = User.objects.get_or_create(username=LEAD)
    if made:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="ICS lead"))
        Membership.objects.create(user=user, icb=icb)
    return user


def _signed_in_cookie() -> str:
    """A Cookie header that signs the bench's ICS lead in (a real session, in the bench database), so
    that pages over HTTP are rendered as for anyone signed in: session, person, role and system read."""
    client = Client()
    client.force_login(_lead())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _get(client: Client, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    return response.status_code


def _timed(client: Client, url: str, *, runs: int, clear: bool) -> tuple[float, int]:
    """Median milliseconds over the runs, and the queries of the last one."""
    timings = []
    queries = 0
    for _ in range(runs):
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as asked:
            started = time.perf_counter()
            _get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(asked)
    return statistics.median(timings), queries


def _server_times(runs: int, stdout) -> list[dict]:
    anonymous = Client(HTTP_HOST="127.0.0.1")
    with_cookie = Client(HTTP_HOST="127.0.0.1")
    with_cookie.cookies["bench"] = "1"  # off the page cache, as anyone signed in is
    lead = Client(HTTP_HOST="127.0.0.1")
    lead.force_login(_lead())
    started = time.perf_counter()
    _get(with_cookie, "/innovations/?q=reduce+falls+in+care+homes")
    stdout.write(
        f"First search after start: {(time.perf_counter() - started) * 1000:.0f} ms (loading the model "
        f"{semantic.status.seconds * 1000:.0f} ms, {semantic.status.state}; vectors held "
        f"{semantic.index.nbytes / 1e6:.1f} MB).\n"
    )
    rows = []
    for name, url in _pages():
        _get(with_cookie, url)  # the code paths and the connection warm
        # The minimal page is the yardstick: timed over many more runs, so that its noise does not
        # swing every ratio.
        many = runs * 10 if url == MINIMAL else runs
        # Warm is the page rendered from its kept parts; where the page is kept whole per audience
        # (page_cache.audience_page), as it is for anyone with a cookie, that is timed apart.
        with override_settings(AUDIENCE_PAGE_CACHE=False):
            cold, cold_queries = _timed(with_cookie, url, runs=many, clear=True)
            warm, warm_queries = _timed(with_cookie, url, runs=many, clear=False)
        per_audience = None
        if with_cookie.get(url).get(AUDIENCE_HEADER) == "miss":
            per_audience, _ = _timed(with_cookie, url, runs=many, clear=False)
        _get(anonymous, url)
        kept, _ = _timed(anonymous, url, runs=many, clear=False)
        rows.append(
            {
                "page": name,
                "url": url,
                "cold": cold,
                "warm": warm,
                "audience": per_audience,
                "cached": kept,
                "queries": [cold_queries, warm_queries],
            }
        )
    for name, url in _lead_pages():
        _get(lead, url)
        with override_settings(AUDIENCE_PAGE_CACHE=False):
            cold, cold_queries = _timed(lead, url, runs=runs, clear=True)
            warm, warm_queries = _timed(lead, url, runs=runs, clear=False)
        per_audience = None
        if lead.get(url).get(AUDIENCE_HEADER) == "miss":  # kept per audience
            per_audience, _ = _timed(lead, url, runs=runs, clear=False)
        rows.append(
            {
                "page": name,
                "url": url,
                "cold": cold,
                "warm": warm,
                "audience": per_audience,
                "cached": None,
                "queries": [cold_queries, warm_queries],
            }
        )
    return rows


# Over HTTP ------------------------------------------------------------------------------------


def _load(port: int, url: str, *, connections: int, seconds: float, cookie: str) -> dict:
    """CONNECTIONS threads, each one keep-alive connection asking for the page again and again."""
    latencies, errors = _mixed(port, [[url]], connections=connections, seconds=seconds, cookies=[cookie])
    return _summary(latencies[url, cookie], errors[url, cookie], seconds)


Sent = tuple[str, str]  # an address and the cookie sent with it


def _mixed(
    port: int, rounds: list[list[str]], *, connections: int, seconds: float, cookies: list[str]
) -> tuple[dict[Sent, list[float]], dict[Sent, Counter]]:
    """CONNECTIONS keep-alive connections for SECONDS, connection i asking in turn for each address
    of rounds[i % len(rounds)] with cookies[i % len(cookies)]: latencies and errors by address and
    cookie. An error is any status but 200 (counted by its code) or a failed exchange (by its
    exception's name), so that a run's errors say what they were."""
    latencies: dict[Sent, list[float]] = {}
    errors: dict[Sent, Counter] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(urls: list[str], cookie: str) -> None:
        headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: dict[str, list[float]] = {url: [] for url in urls}
        failed: dict[str, Counter] = {url: Counter() for url in urls}
        turn = 0
        while time.monotonic() < stop:
            url = urls[turn % len(urls)]
            turn += 1
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed[url][str(response.status)] += 1
            except (OSError, http.client.HTTPException) as error:
                failed[url][type(error).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine[url].append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            for url in set(urls):  # an address may come more than once in a round
                latencies.setdefault((url, cookie), []).extend(mine[url])
                errors.setdefault((url, cookie), Counter()).update(failed[url])

    threads = [
        threading.Thread(target=worker, args=(rounds[i % len(rounds)], cookies[i % len(cookies)]))
        for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def _summary(latencies: list[float], errors: Counter, seconds: float) -> dict:
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(int(len(latencies) * p), len(latencies) - 1)] if latencies else float("nan")

    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "max": latencies[-1] if latencies else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }


def _shared_cache() -> str | None:
    """A Redis database of its own for the served portal, emptied, as production shares one."""
    try:
        import redis

        client = redis.Redis.from_url(BENCH_CACHE_URL, socket_connect_timeout=1)
        client.flushdb()
    except Exception:
        return None
    return BENCH_CACHE_URL


class _Server:
    """gunicorn with the portal's own settings on a loopback port, its log kept in LOG_FILE."""

    port = 8765

    def __enter__(self) -> "_Server":
        shared = _shared_cache()
        self.note = f"Cache for the served portal: {shared or 'each worker its own (no Redis reachable)'}."
        env = {
            **os.environ,
            **({"CACHE_URL": shared} if shared else {}),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "off",
            "DEBUG": "off",
            "BIND": f"127.0.0.1:{self.port}",
            "LOG_LEVEL": "INFO",  # each worker's "Search warmed up" line, waited for below
        }
        LOG_FILE.parent.mkdir(exist_ok=True)
        self.log = LOG_FILE.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "hinportal/gunicorn_config.py", "hinportal.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", MINIMAL, headers={"Host": "127.0.0.1"})
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise CommandError(f"gunicorn did not start: see {LOG_FILE.relative_to(BASE_DIR)}") from None
                time.sleep(0.2)
        self._wait_for_warm_up(time.monotonic() + 120)
        return self

    def _wait_for_warm_up(self, deadline: float) -> None:
        """Each worker loads the search model and vectors on a thread as it starts (gunicorn_config's
        post_worker_init); nothing is measured until all have, or the minimal page, measured first,
        would share the CPU with them (at 100,000 innovations about 1.7 s in each worker)."""
        if not settings.SEMANTIC_SEARCH:
            return
        workers = int(os.environ.get("WEB_WORKERS", "2"))
        while True:
            log = LOG_FILE.read_text()
            if log.count("Search warmed up in") + log.count("Search not warmed up") >= workers:
                return
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                raise CommandError(f"gunicorn's workers did not warm up: see {LOG_FILE.relative_to(BASE_DIR)}")
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def first_hit(self, url: str, cookie: str = "bench=first") -> float:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", url, headers={"Host": "127.0.0.1", "Cookie": cookie})
        conn.getresponse().read()
        return (time.perf_counter() - started) * 1000


def _http(
    pages: list[tuple[str, str]], lead_pages: list[tuple[str, str]], *, connections: int, seconds: float, stdout
) -> list[dict]:
    """Each public page loaded by the public and by the signed-in lead; each of the lead's own pages
    by the lead only (the public is sent to sign in)."""
    with _Server() as server:
        stdout.write(server.note)
        # Both workers and their threads up and connected before anything is measured.
        _load(server.port, MINIMAL, connections=connections, seconds=2, cookie="")
        signed_in = _signed_in_cookie()
        rows = []
        for name, url in pages:
            first_ms = server.first_hit(url)
            anonymous = _load(server.port, url, connections=connections, seconds=seconds, cookie="")
            # "rendered": as the signed-in lead sees it (their page is rendered, its public parts kept).
            rendered = _load(server.port, url, connections=connections, seconds=seconds, cookie=signed_in)
            rows.append({"page": name, "url": url, "first": first_ms, "anonymous": anonymous, "rendered": rendered})
            stdout.write(f"  {name}: {anonymous['rps']:.0f} req/s cached, {rendered['rps']:.0f} signed in")
        for name, url in lead_pages:
            first_ms = server.first_hit(url, signed_in)
            rendered = _load(server.port, url, connections=connections, seconds=seconds, cookie=signed_in)
            rows.append({"page": name, "url": url, "first": first_ms, "anonymous": None, "rendered": rendered})
            stdout.write(f"  {name}: {rendered['rps']:.0f} req/s signed in")
        return rows


def _soak_rounds() -> dict[str, list[str]]:
    """The addresses a long run cycles through: listing pages and filters, innovations from the most
    to the least adopted, and every current ICS page, so that it reaches pages no run has kept yet."""
    innovations = Innovation.objects.published().order_by("-adopted_icb_count", "pk")
    total = innovations.count()
    step = max(total // 40, 1)
    slugs = innovations.values_list("slug", flat=True)
    details = [record_url("innovations:detail", slugs[n * step]) for n in range(min(total, 40))]
    listings = [
        "/innovations/",
        *(f"/innovations/?page={n}" for n in (2, 3, 10, 50)),
        "/innovations/?category=digital",
        "/innovations/?clinical_area=respiratory&proven=on",
        "/innovations/?sort=name&page=7",
    ]
    icss = [icb.get_absolute_url() for icb in IntegratedCareBoard.objects.current().order_by("ods_code")]
    return {"Listing": listings, "Innovation detail": details, "ICS page": icss}


def _soak(*, connections: int, seconds: float, stdout) -> dict:
    """CONNECTIONS connections for SECONDS over listing, detail and ICS pages, one in four signed in
    as the bench's ICS lead (pages kept for the lead's audience), the rest as the public."""
    kinds = _soak_rounds()
    rounds, owner = [], {}
    for kind, urls in kinds.items():
        for url in urls:
            owner[url] = kind
    # Each connection takes every kind in turn, starting at a different place in each list.
    for i in range(connections):
        mixed = []
        for n in range(max(len(u) for u in kinds.values())):
            mixed.extend(urls[(n + i) % len(urls)] for urls in kinds.values())
        rounds.append(mixed)
    with _Server() as server:
        stdout.write(server.note)
        _load(server.port, MINIMAL, connections=connections, seconds=2, cookie="")
        minimal = _load(server.port, MINIMAL, connections=connections, seconds=5, cookie="")
        stdout.write(f"Soak: {connections} connections for {seconds:.0f} s over {len(owner)} addresses.")
        signed_in = _signed_in_cookie()
        latencies, errors = _mixed(
            server.port, rounds, connections=connections, seconds=seconds, cookies=[signed_in, "", "", ""]
        )
    results = {}
    for kind in kinds:
        for visitor, cookie in (("public", ""), ("signed in", signed_in)):
            sent = [key for key in latencies if owner[key[0]] == kind and key[1] == cookie]
            results[f"{kind}, {visitor}"] = _summary(
                [ms for key in sent for ms in latencies[key]], sum((errors[key] for key in sent), Counter()), seconds
            )
    return {"connections": connections, "seconds": seconds, "minimal": minimal, "pages": results}


def _errors(*figures: dict) -> str:
    """How many requests failed, and how: "0", or "2 (503 ×1, RemoteDisconnected ×1)"."""
    kinds: Counter = Counter()
    for figure in figures:
        kinds.update(figure["error_kinds"])
    total = sum(kinds.values())
    return f"{total} ({', '.join(f'{kind} ×{n}' for kind, n in kinds.most_common())})" if total else "0"


class Command(BaseCommand):
    help = "Time the portal's pages (server time, and over HTTP with --http) as ratios to /robots.txt."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--http", action="store_true", help="Also load each page over HTTP through gunicorn.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=5.0)
        parser.add_argument("--json", dest="json_path", help="Write the figures to this file as well.")
        parser.add_argument(
            "--compare", nargs="+", metavar="FILE", help="Only print how each page grows across these --json files."
        )
        parser.add_argument(
            "--soak",
            type=float,
            metavar="SECONDS",
            help="Only a long mixed run over listing, detail and ICS pages through gunicorn, for this long.",
        )
        parser.add_argument("--soak-connections", type=int, default=16)

    def handle(self, *args, runs: int, http: bool, connections: int, seconds: float, json_path: str | None, **options):
        if options["compare"]:
            self.compare([json.loads(Path(name).read_text()) for name in options["compare"]])
            return
        if options["soak"]:
            self.soak(seconds=options["soak"], connections=options["soak_connections"], json_path=json_path)
            return
        total = Innovation.objects.count()
        adoptions = sum(Innovation.objects.values_list("adopted_icb_count", flat=True).iterator(chunk_size=10000))
        self.stdout.write(f"## {total:,} innovations ({adoptions:,} adopting ICBs in all)\n")
        where = machine()
        self.stdout.write(f"Measured on {where}.\n")
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
            server = _server_times(runs, self.stdout)
        base = server[0]["warm"]
        self.stdout.write(
            f"Server time, median of {runs} runs, ms; × = times the minimal page's warm time "
            f"({base:.2f} ms). Queries: cold / warm.\n"
        )
        self.stdout.write(
            "| Page | Cold | Warm | Audience page | Cached page | Cold × | Warm × | Audience × | Cached × | Queries |"
        )
        self.stdout.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

        def ms(value: float | None) -> str:
            return "—" if value is None else f"{value:.1f}"

        def times(value: float | None) -> str:
            return "—" if value is None else f"{value / base:.1f}×"

        for row in server:
            audience, cached = row.get("audience"), row["cached"]
            self.stdout.write(
                f"| {row['page']} | {row['cold']:.1f} | {row['warm']:.1f} | {ms(audience)} | {ms(cached)} | "
                f"{row['cold'] / base:.0f}× | {row['warm'] / base:.0f}× | {times(audience)} | {times(cached)} | "
                f"{row['queries'][0]} / {row['queries'][1]} |"
            )
        figures = {"innovations": total, "machine": where, "server": server, "http": None}
        if http:
            self.stdout.write(f"\nOver HTTP: gunicorn, {connections} connections, {seconds:.0f} s a page.")
            lead_pages = _lead_pages()
            loaded = _http(
                [(r["page"], r["url"]) for r in server[: -len(lead_pages)]],
                lead_pages,
                connections=connections,
                seconds=seconds,
                stdout=self.stdout,
            )
            minimal = loaded[0]["anonymous"]["rps"]
            self.stdout.write(
                f"\nThroughput as a share of /robots.txt ({minimal:.0f} req/s); first hit after start (cold); "
                "p50 / p99 in ms; errors.\n"
            )
            self.stdout.write(
                "| Page | First hit | Cached: share | p50 / p99 | Signed in: share | p50 / p99 | Errors |"
            )
            self.stdout.write("|---|---:|---:|---:|---:|---:|---:|")
            for row in loaded:
                a, r = row["anonymous"], row["rendered"]
                public = f"{a['rps'] / minimal:.0%} | {a['p50']:.0f} / {a['p99']:.0f}" if a else "— | —"
                self.stdout.write(
                    f"| {row['page']} | {row['first']:.0f} | {public} | "
                    f"{r['rps'] / minimal:.0%} | {r['p50']:.0f} / {r['p99']:.0f} | "
                    f"{_errors(*(f for f in (a, r) if f))} |"
                )
            figures["http"] = loaded
            if any((row["anonymous"] or {}).get("errors") or row["rendered"]["errors"] for row in loaded):
                self.stdout.write(f"\nThe served portal's log: {LOG_FILE.relative_to(BASE_DIR)}.")
        if json_path:
            Path(json_path).write_text(json.dumps(figures, indent=1))
        self.stdout.write(f"\nCache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}.")

    def soak(self, *, seconds: float, connections: int, json_path: str | None) -> None:
        total = Innovation.objects.count()
        length = f"{seconds / 60:.0f}-minute" if seconds >= 120 else f"{seconds:.0f}-second"
        self.stdout.write(f"## A {length} run at {total:,} innovations\n")
        where = machine()
        self.stdout.write(f"Measured on {where}.\n")
        figures = _soak(connections=connections, seconds=seconds, stdout=self.stdout)
        minimal = figures["minimal"]
        self.stdout.write(
            f"\n{connections} connections, each asking in turn for a listing page, an innovation and an ICS "
            f"page, one connection in four signed in as an ICS lead. /robots.txt alone beforehand: "
            f"{minimal['rps']:.0f} req/s, p99 {minimal['p99']:.0f} ms.\n"
        )
        self.stdout.write("| Pages | Requests | p50 ms | p99 ms | Slowest ms | Errors |")
        self.stdout.write("|---|---:|---:|---:|---:|---:|")
        for name, row in figures["pages"].items():
            self.stdout.write(
                f"| {name} | {row['requests']:,} | {row['p50']:.0f} | {row['p99']:.0f} | {row['max']:.0f} | "
                f"{_errors(row)} |"
            )
        self.stdout.write(f"\nThe served portal's log: {LOG_FILE.relative_to(BASE_DIR)}.")
        if json_path:
            Path(json_path).write_text(json.dumps({"innovations": total, "machine": where, "soak": figures}, indent=1))

    def compare(self, runs: list[dict]) -> None:
        """Each page's cost at each size as a multiple of the minimal page in the same run, and how
        much it grew from the smallest size to the largest."""
        runs = sorted(runs, key=lambda run: run["innovations"])
        sizes = [f"{run['innovations']:,}" for run in runs]
        machines = sorted({run.get("machine", "a machine not recorded") for run in runs})
        if len(machines) > 1:
            self.stdout.write("\nThese runs were on different machines: " + "; ".join(machines) + ".")
        else:
            self.stdout.write(f"\nMeasured on {machines[0]}.")
        self.stdout.write(
            "\n## Growth with size (each figure: times the minimal page's warm server time in the same run)\n"
        )
        self.stdout.write("| Page | " + " | ".join(f"Cold, {s} | Warm, {s}" for s in sizes) + " | Warm growth |")
        self.stdout.write("|---|" + "---:|---:|" * len(sizes) + "---:|")
        for i, row in enumerate(runs[0]["server"]):
            cells, warm = [], []
            for run in runs:
                base = run["server"][0]["warm"]
                mine = run["server"][i]
                cells.append(f"{mine['cold'] / base:.0f}× | {mine['warm'] / base:.0f}×")
                warm.append(mine["warm"] / base)
            self.stdout.write(f"| {row['page']} | " + " | ".join(cells) + f" | {warm[-1] / warm[0]:.1f}× |")
        if all(run["http"] for run in runs):
            self.stdout.write(
                "\n| Page (over HTTP) | "
                + " | ".join(f"Cached share, {s} | Signed-in share, {s}" for s in sizes)
                + " |"
            )
            self.stdout.write("|---|" + "---:|---:|" * len(sizes))
            for i, row in enumerate(runs[0]["http"]):
                cells = []
                for run in runs:
                    minimal = run["http"][0]["anonymous"]["rps"]
                    mine = run["http"][i]
                    public = f"{mine['anonymous']['rps'] / minimal:.0%}" if mine["anonymous"] else "—"
                    cells.append(f"{public} | {mine['rendered']['rps'] / minimal:.0%}")
                self.stdout.write(f"| {row['page']} | " + " | ".join(cells) + " |")

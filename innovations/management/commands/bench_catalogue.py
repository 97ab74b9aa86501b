"""Time the catalogue's pages in-process, against a minimal Django view as the baseline.

Run by `make bench` against a separate database holding 100,000 demonstration innovations.
Each page is timed through the whole middleware stack with Django's test client (server time,
no network), cold (shared cache cleared before each request: counts, and the query's vector, which
this process still holds) and warm (counts cached). Searches include their semantic part. Before
the table: the first search after start, which loads the model and every record's vector.
"""

import resource
import statistics
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from hinportal.lib.search import semantic
from innovations.models import Innovation


def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/baseline/", baseline), path("", include("hinportal.urls"))]


def _time(client: Client, url: str, *, runs: int, cold: bool) -> list[float]:
    timings = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
    return timings


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


class Command(BaseCommand):
    help = "Report median and 95th percentile server times of the catalogue's pages, as ratios to a minimal view."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, runs: int, **options) -> None:
        total = Innovation.objects.count()
        top = Innovation.objects.published().order_by("-adopted_icb_count").first()
        if top is None:
            raise CommandError("No innovations: run seed_demo first.")
        pages = [
            ("Minimal Django view (baseline)", "/bench/baseline/"),
            ("Listing", "/innovations/"),
            ("Filtered listing", "/innovations/?category=digital&clinical_area=respiratory&proven=on"),
            ("Selective search", "/innovations/?q=glaucoma"),
            ("Three-word lay search", "/innovations/?q=knee+pain+exercise"),
            ("Common-word search", "/innovations/?q=people"),
            ("Abbreviation and misspelling", "/innovations/?q=BPH+prostrate"),
            ("Site search, common word", "/search/?q=care"),
            ("Detail", top.get_absolute_url()),
        ]
        client = Client(HTTP_HOST="127.0.0.1")
        rows = []
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"], SECURE_SSL_REDIRECT=False):
            before = _rss_mb()
            started = time.perf_counter()
            _time(client, "/innovations/?q=reduce+falls+in+care+homes", runs=1, cold=False)
            first = (time.perf_counter() - started) * 1000
            self.stdout.write(
                f"First search after start: {first:.0f} ms, of which loading the model "
                f"{semantic.status.seconds * 1000:.0f} ms "
                f"({semantic.status.state}; weights {semantic.status.megabytes:.0f} MB); vectors held "
                f"{semantic.index.nbytes / 1e6:.1f} MB; the process grew by {_rss_mb() - before:.0f} MB (peak RSS).\n"
            )
            for name, url in pages:
                client.get(url)  # warm the connection and the code paths
                cold = _time(client, url, runs=runs, cold=True)
                warm = _time(client, url, runs=runs, cold=False)
                rows.append((name, statistics.median(cold), _p95(cold), statistics.median(warm), _p95(warm)))
        base = rows[0][3]
        self.stdout.write(f"{total:,} innovations; {runs} runs each; times in ms; ratio = median warm / baseline.\n")
        self.stdout.write("| Page | Cold median | Cold p95 | Warm median | Warm p95 | Ratio (warm) |")
        self.stdout.write("|---|---:|---:|---:|---:|---:|")
        for name, cold_median, cold_p95, warm_median, warm_p95 in rows:
            self.stdout.write(
                f"| {name} | {cold_median:.1f} | {cold_p95:.1f} | {warm_median:.1f} | {warm_p95:.1f} | "
                f"{warm_median / base:.0f}× |"
            )

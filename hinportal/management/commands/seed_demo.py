import time

from django.core.management.base import BaseCommand, CommandError

from hinportal.lib.search import semantic
from innovations import gap_lists
from innovations.demo import seed_demo
from innovations.models import Innovation
from networks.models import IntegratedCareBoard
from reviews.demo import seed_case_studies


class Command(BaseCommand):
    help = (
        "Replace the demonstration innovations, evidence, adoptions and case studies with a deterministic set. "
        "Every generated row is marked as demonstration data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--innovations", type=int, default=300, help="How many demonstration innovations.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed always gives the same data.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if demonstration data is already there."
        )

    def handle(self, *args, innovations: int, seed: int, if_empty: bool, **options) -> None:
        if innovations < 0 or innovations > 1_000_000:
            raise CommandError("--innovations must be between 0 and 1,000,000.")
        if not IntegratedCareBoard.objects.exists():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        if if_empty and Innovation.objects.filter(is_demo=True).exists():
            self.stdout.write("Demonstration data is already loaded; leaving it as it is.")
            return
        started = time.monotonic()
        result = seed_demo(innovations=innovations, seed=seed)
        case_studies = seed_case_studies(seed=seed, count=max(innovations // 10, 1 if innovations else 0))
        self.stdout.write(
            f"Demonstration data: {result}, {case_studies} case studies (seed {seed}) "
            f"in {time.monotonic() - started:.1f}s."
        )
        # Each system's gap list and peers, worked out now rather than by the first page to need them.
        started = time.monotonic()
        gap_lists.refresh(everything=True)
        self.stdout.write(f"Gap lists kept for every system in {time.monotonic() - started:.1f}s.")
        # The search's embeddings of the new records (and of any other whose text changed).
        started = time.monotonic()
        embedded = semantic.refresh_embeddings()
        self.stdout.write(f"Embeddings: {embedded} in {time.monotonic() - started:.1f}s.")

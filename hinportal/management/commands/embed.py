import time

from django.core.management.base import BaseCommand, CommandError

from hinportal.lib.search import semantic


class Command(BaseCommand):
    help = (
        "Make the sentence embeddings of every searchable record whose text changed since it was last "
        "embedded (or of every record, with --all). Safe to run at any time, on any host."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Embed every record again.")

    def handle(self, *args, all: bool, **options) -> None:
        started = time.monotonic()
        if semantic.encoder() is None:
            raise CommandError(f"The search model is not available: {semantic.status.reason}")
        result = semantic.refresh_embeddings(everything=all)
        self.stdout.write(f"Embeddings: {result} in {time.monotonic() - started:.1f}s.")

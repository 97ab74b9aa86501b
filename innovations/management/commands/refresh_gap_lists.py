import time

from django.core.management.base import BaseCommand

from innovations import gap_lists


class Command(BaseCommand):
    help = (
        "Work out every ICS's gap list and peers again if anything they depend on was written since "
        "the last refresh (what the task worker does after writes); --all to work them all out anyway."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Work out every list, written to or not.")

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        changed = gap_lists.refresh(everything=options["all"])
        self.stdout.write(f"Gap lists: {changed} changed in {time.monotonic() - started:.1f}s.")

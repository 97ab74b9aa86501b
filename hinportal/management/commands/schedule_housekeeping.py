"""Make sure the daily clean-up (hinportal.lib.housekeeping) is queued; run at every start-up and
deployment. Queuing it twice is harmless: a second is not added while one waits."""

from django.core.management.base import BaseCommand

from hinportal.lib import housekeeping


class Command(BaseCommand):
    help = "Queue the daily clean-up of sessions, lock-out records, old imports and task results."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the clean-up here, now, and print what went.")

    def handle(self, *args, now: bool = False, **options):
        if now:
            for kind, count in housekeeping.clean_up().items():
                self.stdout.write(f"{count} {kind} removed")
            return
        queued = housekeeping.schedule()
        self.stdout.write("Daily clean-up queued." if queued else "Daily clean-up already queued.")

"""Make sure each periodic task (settings.PERIODIC_TASKS: the daily clean-up, the saved searches'
alerts) is queued; run at every start-up and deployment. Running it twice is harmless: a second of
a task is not added while one waits."""

from django.core.management.base import BaseCommand

from hinportal.lib import housekeeping


class Command(BaseCommand):
    help = "Queue the periodic tasks: the daily clean-up and the saved searches' alerts."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the clean-up here, now, and print what went.")

    def handle(self, *args, now: bool = False, **options):
        if now:
            for kind, count in housekeeping.clean_up().items():
                self.stdout.write(f"{count} {kind} removed")
            return
        queued = housekeeping.schedule_all()
        self.stdout.write(f"Queued: {', '.join(queued)}." if queued else "Every periodic task is queued already.")

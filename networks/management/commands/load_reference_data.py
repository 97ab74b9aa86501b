from django.core.management.base import BaseCommand

from networks.services import load_reference_data


class Command(BaseCommand):
    help = "Load the NHS England regions, the 15 networks and the 42 ICBs. Safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing records from the data files (discards corrections made in the admin).",
        )

    def handle(self, *args, update: bool, **options) -> None:
        result = load_reference_data(update=update)
        self.stdout.write(f"Reference data loaded. {result}")

from django.core.management.base import BaseCommand

from hinportal.lib.page_cache import public_pages_changed
from innovations.services import load_catalogue, load_synonyms
from networks.services import load_reference_data
from reviews.services import load_publications


class Command(BaseCommand):
    help = (
        "Load the reference data: NHS England regions, the 15 networks, the 42 ICBs, the national "
        "programmes, the innovations they and NICE support, the policy publications and the search's synonyms. "
        "Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing records from the data files (discards corrections made in the admin).",
        )

    def handle(self, *args, update: bool, **options) -> None:
        public_pages_changed()  # the loaders write in bulk, which sends no signals
        networks = load_reference_data(update=update)
        catalogue = load_catalogue(update=update)
        publications = load_publications(update=update)
        synonyms = load_synonyms(update=update)
        self.stdout.write(f"Reference data loaded. {networks}; {catalogue}; {publications}; {synonyms}")

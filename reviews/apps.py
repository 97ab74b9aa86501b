from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from hinportal.lib.search.registry import register

        from .models import Publication
        from .search import PUBLICATION_TEXT

        register(Publication, text=PUBLICATION_TEXT)

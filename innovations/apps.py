from django.apps import AppConfig


class InnovationsConfig(AppConfig):
    name = "innovations"

    def ready(self) -> None:
        from hinportal.lib.search.registry import register

        from . import gap_lists
        from .models import Innovation, Programme
        from .search import INNOVATION_TEXT, PROGRAMME_TEXT

        gap_lists.connect_signals()

        register(Innovation, text=INNOVATION_TEXT)
        register(Programme, text=PROGRAMME_TEXT)

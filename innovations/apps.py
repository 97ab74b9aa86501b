from django.apps import AppConfig


class InnovationsConfig(AppConfig):
    name = "innovations"

    def ready(self) -> None:
        from hinportal.lib.search.registry import register

        from .models import Innovation, Programme
        from .search import INNOVATION_TEXT, PROGRAMME_TEXT

        register(Innovation, text=INNOVATION_TEXT)
        register(Programme, text=PROGRAMME_TEXT)

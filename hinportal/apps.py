from django.apps import AppConfig


class HinportalConfig(AppConfig):
    name = "hinportal"
    verbose_name = "HIN Portal"

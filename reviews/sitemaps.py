from django.db.models import QuerySet

from hinportal.lib.sitemaps import SlugSitemap

from .models import Publication


class PublicationSitemap(SlugSitemap):
    viewname = "reviews:detail"

    def records(self) -> QuerySet:
        return Publication.objects.published()


SITEMAPS = {"publications": PublicationSitemap}

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from hinportal.lib.feeds import PlainTextAtomFeed

from .models import Kind, Publication

FEED_SIZE = 50


class PublicationFeed(Feed):
    """The newest published publications, all of them or of one kind."""

    feed_type = PlainTextAtomFeed

    def get_object(self, request: HttpRequest, kind: str | None = None) -> str | None:
        if kind is not None and kind not in Kind.values:
            raise Http404("No such kind of publication")
        return kind

    def title(self, kind: str | None) -> str:
        return (
            f"HIN Portal: newest {Kind(kind).label.lower()} publications" if kind else "HIN Portal: newest publications"
        )

    def link(self, kind: str | None) -> str:
        return reverse("reviews:list") + (f"?kind={kind}" if kind else "")

    def subtitle(self, kind: str | None) -> str:
        return "Policy publications, reports and case studies from England's Health Innovation Networks."

    def items(self, kind: str | None) -> list[Publication]:
        publications = Publication.objects.published()
        if kind:
            publications = publications.filter(kind=kind)
        return list(publications.order_by("-published_on", "-pk")[:FEED_SIZE])

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return item.summary + (" (Demonstration data.)" if item.is_demo else "")

    def item_pubdate(self, item: Publication) -> datetime:
        return timezone.make_aware(datetime.combine(item.published_on, time(9)))

    def item_updateddate(self, item: Publication):
        return item.updated_at

    def item_author_name(self, item: Publication) -> str:
        return item.authors

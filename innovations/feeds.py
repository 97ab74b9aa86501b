from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse

from hinportal.lib.feeds import PlainTextAtomFeed

from .filters import InnovationFilter
from .models import Innovation
from .summary import describe_search

FEED_SIZE = 50


class InnovationFeed(Feed):
    """The newest innovations matching the same query string as the catalogue page."""

    feed_type = PlainTextAtomFeed

    def get_object(self, request: HttpRequest) -> InnovationFilter:
        filterset = InnovationFilter(request.GET, queryset=Innovation.objects.published())
        filterset.is_valid()  # parts that do not validate are left out, as on the page
        self.query_string = request.GET.urlencode()
        return filterset

    def title(self, filterset: InnovationFilter) -> str:
        description = describe_search(filterset, 0).split(" ", 2)[-1]
        return f"HIN Portal: newest {description}"

    def link(self, filterset: InnovationFilter) -> str:
        return reverse("innovations:list") + (f"?{self.query_string}" if self.query_string else "")

    def subtitle(self, filterset: InnovationFilter) -> str:
        return "Innovations supported by England's Health Innovation Networks. Adoption figures are demonstration data."

    def items(self, filterset: InnovationFilter) -> list[Innovation]:
        return list(filterset.qs.select_related("lead_network").order_by("-published_at", "pk")[:FEED_SIZE])

    def item_title(self, item: Innovation) -> str:
        return item.name

    def item_description(self, item: Innovation) -> str:
        note = " (Demonstration data.)" if item.is_demo else ""
        return item.summary + note

    def item_pubdate(self, item: Innovation):
        return item.published_at

    def item_updateddate(self, item: Innovation):
        return item.updated_at

    def item_author_name(self, item: Innovation) -> str:
        return item.lead_network.name if item.lead_network else ""

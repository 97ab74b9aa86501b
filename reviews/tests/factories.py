from datetime import date, timedelta
from itertools import count

from hinportal.lib.workflow import Status
from reviews.models import Kind, Publication, Recommendation

_sequence = count(1)


def make_publication(
    *,
    title: str | None = None,
    kind: str = Kind.REPORT,
    status: str = Status.PUBLISHED,
    summary: str | None = None,
    body: str = "",
    days_ago: int = 10,
    networks=(),
    icbs=(),
    innovations=(),
    programmes=(),
    is_demo: bool = False,
) -> Publication:
    n = next(_sequence)
    title = title or f"Test publication {n}"
    publication = Publication.objects.create(
        title=title,
        slug=f"test-publication-{n}",
        kind=kind,
        published_on=date(2026, 1, 1) - timedelta(days=days_ago),
        authors="Test author",
        summary=summary or f"Summary of {title}.",
        body=body,
        status=status,
        is_demo=is_demo,
    )
    publication.networks.set(networks)
    publication.icbs.set(icbs)
    publication.innovations.set(innovations)
    publication.programmes.set(programmes)
    return publication


def make_recommendation(*, publication: Publication, title: str = "Spread what works", innovations=(), programmes=()):
    recommendation = Recommendation.objects.create(publication=publication, title=title, text=f"{title}, please.")
    recommendation.innovations.set(innovations)
    recommendation.programmes.set(programmes)
    return recommendation

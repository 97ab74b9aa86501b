"""The words that matched, marked in one page of results (PostgreSQL's ts_headline)."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db.models import F, Model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .parse import SEARCH_CONFIG
from .terms import Terms

# Control characters that cannot occur in stored text mark the highlights, so that the text can
# be escaped before the marks become HTML.
START, STOP = "\x02", "\x03"


def highlighted_text(model: type[Model], field: str, ids: list[int], terms: Terms) -> dict[int, SafeString]:
    """A text field of the given rows with every word that matched a concept (as typed, or as a
    synonym, near form or spelling of it) marked, escaped."""
    if not ids or not terms:
        return {}
    query = SearchQuery(terms.any_tsquery(), search_type="raw", config=SEARCH_CONFIG)
    rows = (
        model._default_manager.filter(pk__in=ids)
        .annotate(
            headline=SearchHeadline(
                F(field), query, config=SEARCH_CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
            )
        )
        .values_list("pk", "headline")
    )
    return {
        pk: mark_safe(escape(headline).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308
        for pk, headline in rows
    }

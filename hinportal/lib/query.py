"""Reading a search box: web-search syntax, the last word matched as a prefix, and highlighting the
words that matched in one page of results (PostgreSQL full-text search)."""

import re

from django.contrib.postgres.search import CombinedSearchQuery, SearchHeadline, SearchQuery
from django.db.models import F, Model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The text search configuration of every search vector and query (the triggers render it too).
SEARCH_CONFIG = "english"
# Control characters that cannot occur in stored text mark the highlights, so that the text can
# be escaped before the marks become HTML.
START, STOP = "\x02", "\x03"
LAST_WORD = re.compile(r"(?:^|\s)([^\W_]+)$")


def build_query(text: str) -> SearchQuery | CombinedSearchQuery | None:
    """Web-search syntax ("quoted phrase", or, -minus), with the last word typed matched as a prefix."""
    text = text.strip()
    if not text:
        return None
    match = LAST_WORD.search(text)
    rest = text[: match.start(1)] if match else text
    last = match.group(1) if match else ""
    quoted = rest.count('"') % 2 == 1
    after_or = rest.rstrip().lower().endswith(" or") or rest.strip().lower() == "or"
    if not last or quoted or after_or or last.lower() == "or":
        return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    prefix = SearchQuery(f"{last}:*", search_type="raw", config=SEARCH_CONFIG)
    if not rest.strip():
        return prefix
    return SearchQuery(rest, search_type="websearch", config=SEARCH_CONFIG) & prefix


def highlighted_text(
    model: type[Model], field: str, ids: list[int], query: SearchQuery | CombinedSearchQuery
) -> dict[int, SafeString]:
    """A text field of the given rows (one page of results) with the matching words marked, escaped."""
    if not ids:
        return {}
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

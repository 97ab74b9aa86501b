"""What a model needs to be searchable: its columns read the way queries are read."""

from django.db.models import Func, TextField

from .parse import SEARCH_CONFIG  # noqa: F401 (re-exported for models)


class SearchText(Func):
    """A column as the search vectors read it (hinportal/lib/search/sql.py: search_text)."""

    function = "search_text"
    output_field = TextField()

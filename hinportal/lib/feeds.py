"""An Atom feed that says its summaries are plain text and survives any stored character."""

from typing import Any

from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from .text import without_control_characters


def _clean(value: Any) -> Any:
    return without_control_characters(value) if isinstance(value, str) else value


class PlainTextAtomFeed(Atom1Feed):
    """Django's Atom feed marks every summary `type="html"`, so a feed reader would render any
    markup a summary holds; ours are plain text. Control characters, which XML cannot carry and
    which would stop the whole feed, are dropped from every value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*(_clean(arg) for arg in args), **{key: _clean(v) for key, v in kwargs.items()})

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*(_clean(arg) for arg in args), **{key: _clean(v) for key, v in kwargs.items()})

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})

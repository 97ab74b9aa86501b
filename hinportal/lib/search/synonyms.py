"""The synonym table as the search reads it: every term and equivalent, by the stems of its words.

Each process keeps the table in memory and reloads it when the version in the shared cache moves
on, which every save or delete of a synonym does (hinportal.models.Synonym); so an edit in the
admin changes the next search on every web host, with no re-indexing.
"""

import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

from hinportal.lib.page_cache import public_pages_changed

from .parse import Term, term

VERSION_KEY = "search:synonyms:version"


@dataclass(frozen=True)
class Group:
    """One synonym: its members as typed, and each member's terms."""

    term: str
    members: tuple[tuple[str, tuple[Term, ...]], ...]

    def others(self, key: tuple[str, ...]) -> list[tuple[str, tuple[Term, ...]]]:
        return [(label, terms) for label, terms in self.members if _key(terms) != key]


def _key(terms: tuple[Term, ...]) -> tuple[str, ...]:
    return tuple(part for t in terms for part in t.key)


class Table:
    def __init__(self, groups: list[Group]) -> None:
        self.by_key: dict[tuple[str, ...], list[Group]] = {}
        for group in groups:
            for _label, terms in group.members:
                if terms:
                    self.by_key.setdefault(_key(terms), []).append(group)
        self.longest = max((len(key) for key in self.by_key), default=0)

    def match(self, terms: list[Term], start: int) -> tuple[int, list[Group]]:
        """The longest run of terms from `start` that is a synonym's member: its length (in terms)
        and the groups it belongs to; (0, []) when none is."""
        for end in range(len(terms), start, -1):
            key = _key(tuple(terms[start:end]))
            if len(key) <= self.longest and key in self.by_key:
                return end - start, self.by_key[key]
        return 0, []


def _terms(text: str) -> tuple[Term, ...]:
    from .parse import TOKEN_WORDS

    return tuple(t for t in (term(token) for token in TOKEN_WORDS.findall(text)) if t)


def build(rows: list[tuple[str, list[str]]]) -> Table:
    groups = [
        Group(name, tuple((member, _terms(member)) for member in dict.fromkeys([name, *equivalents])))
        for name, equivalents in rows
    ]
    return Table(groups)


_lock = threading.Lock()
_loaded: tuple[str, Table] | None = None


def current() -> Table:
    """The table as it stands: from memory, or read again when someone has changed a synonym."""
    global _loaded
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    loaded = _loaded
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    from hinportal.models import Synonym

    with _lock:
        table = build(list(Synonym.objects.values_list("term", "equivalents")))
        _loaded = (version, table)
    return table


def changed() -> None:
    """Tell every process that the synonyms changed, and retire every kept page and fragment: what a
    search finds changes with them."""
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)
    public_pages_changed()

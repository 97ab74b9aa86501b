"""The relevance set (data/relevance.csv): queries in users' words, each with the real innovations
and programmes that must all be in the top five of the one ranking. `make relevance` prints the
table; innovations/tests/test_relevance.py holds the ranking to hit@5 of at least 90%."""

from dataclasses import dataclass

from hinportal.lib.datafiles import read_rows
from hinportal.lib.search.ranking import Search

from .models import Innovation, Programme
from .search import innovation_source, programme_source
from .services import DATA_DIR

TOP = 5


@dataclass
class Judged:
    query: str
    kind: str
    expected: list[str]
    found: list[str]

    @property
    def hit(self) -> bool:
        return all(key in self.found[:TOP] for key in self.expected)


def relevance_set() -> list[dict[str, str]]:
    return read_rows("relevance.csv", data_dir=DATA_DIR)


def top_five(query: str, *, semantic: bool) -> list[str]:
    """The first five results as the catalogue ranks them, each as i:slug or p:slug."""
    sources = [
        innovation_source(Innovation.objects.published()),
        programme_source(Programme.objects.published()),
    ]
    hits, _ = Search(query, semantic=semantic).rank(sources, offset=0, limit=TOP)
    slugs = {
        Innovation._meta.label_lower: dict(
            Innovation.objects.filter(pk__in=[h.pk for h in hits]).values_list("pk", "slug")
        ),
        Programme._meta.label_lower: dict(
            Programme.objects.filter(pk__in=[h.pk for h in hits]).values_list("pk", "slug")
        ),
    }
    prefix = {Innovation._meta.label_lower: "i", Programme._meta.label_lower: "p"}
    return [f"{prefix[hit.kind]}:{slugs[hit.kind][hit.pk]}" for hit in hits]


def judge(*, semantic: bool) -> list[Judged]:
    return [
        Judged(row["query"], row["kind"], row["expected"].split(), top_five(row["query"], semantic=semantic))
        for row in relevance_set()
    ]


def hit_rate(judged: list[Judged]) -> float:
    return sum(j.hit for j in judged) / len(judged)

"""How innovations and programmes take part in search (hinportal/lib/search): the text each one's
embedding is made from, and how each ranks at equal relevance."""

from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat

from hinportal.lib.search.ranking import Source

from .models import Innovation, Programme, supportive_guidance

# What each record's embedding says: its name and its one-line summary (the lexical search reads
# the description and the vocabularies too).
INNOVATION_TEXT = Concat(F("name"), Value(". "), F("summary"), output_field=TextField())
PROGRAMME_TEXT = Concat(F("name"), Value(" ("), F("short_name"), Value("). "), F("summary"), output_field=TextField())


def innovation_source(queryset: QuerySet[Innovation]) -> Source:
    """Real before demonstration; NICE-recommended and proven (hinportal PROVEN_RULE) above either
    alone; most adopted first among matches of a common word."""
    nice = supportive_guidance()
    proven = Q(is_proven=True)
    trust = Case(
        When(is_demo=True, then=0),
        When(Q(nice) & proven, then=3),
        When(Q(nice) | proven, then=2),
        default=1,
    )
    return Source(
        queryset,
        title="name",
        trust=trust,
        prior=("is_demo", "-adopted_icb_count", "pk"),
        popularity=F("adopted_icb_count"),
    )


def programme_source(queryset: QuerySet[Programme]) -> Source:
    """National adoption and spread programmes exist to spread what is proven: they rank with the
    proven innovations."""
    return Source(queryset, title="name", trust=Value(2), prior=("-starts_on", "pk"))

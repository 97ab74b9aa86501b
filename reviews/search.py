"""How publications take part in search (hinportal/lib/search)."""

from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.db.models.functions import Concat

from hinportal.lib.search.ranking import Source

from .models import Publication

PUBLICATION_TEXT = Concat(F("title"), Value(". "), F("summary"), output_field=TextField())


def publication_source(queryset: QuerySet[Publication]) -> Source:
    trust = Case(When(is_demo=True, then=0), default=1)
    return Source(queryset, title="title", trust=trust, prior=("is_demo", "-published_on", "pk"))

"""From what was typed to what is looked for: concepts, each with the other ways it may be written.

A concept is one thing the person asked about: a word, a "quoted phrase", or a run of words that
is a synonym ("enlarged prostate"). It matches a record when any of its alternatives does: the
words as typed, the synonym's other members (BPH, benign prostatic hyperplasia), near forms of the
word in the catalogue (colonoscopy: colonoscope), the catalogue's nearest word when the typed one
is in no record (diabetis: diabetes), and the last word as a prefix while it is being typed.
Records are ranked by how many concepts they match and where (ranking.py).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection

from .parse import APOSTROPHE, TOKEN_WORDS, Parsed, Term, parse, term
from .synonyms import Table
from .synonyms import current as current_synonyms

# How each alternative came about, as the result says it.
TYPED, SYNONYM, NEAR, SPELLING, PREFIX = "typed", "synonym", "near form", "spelling", "prefix"
# Weights of the name and summary (or title and summary) in every search vector.
HEADLINE = "AB"
# Words the vocabulary may stand in for: letters only, long enough to mean something.
LOOKUP_WORD = re.compile(r"[^\W\d_]{3,60}")
# Near forms only for stems this long, so that "pain" does not meet "paint".
NEAR_FORM_MIN_STEM = 6
NEAR_FORMS = 4
# How alike (pg_trgm similarity) the catalogue's word must be to replace a typed one found nowhere.
SPELLING_MIN_SIMILARITY = 0.4
WORD_KEY = "search:word:"
WORD_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Alternative:
    words: tuple[str, ...]  # more than one: matched as a phrase, or all anywhere if not `phrase`
    how: str = TYPED
    label: str = ""
    phrase: bool = True

    def operand(self, weights: str = "") -> str:
        """This alternative in to_tsquery's syntax: a quoted operand (several words make a phrase,
        in which stop words keep their distance), perhaps a prefix, perhaps limited to the weights
        given; or every word, anywhere. Quotes and backslashes cannot occur in the words (parse.py
        keeps letters and digits only); they are removed again all the same."""
        marks = ("*" if self.how == PREFIX else "") + weights
        marks = f":{marks}" if marks else ""
        words = [w.replace("\\", "").replace("'", "") for w in self.words]
        if self.phrase or len(words) == 1:
            return f"'{' '.join(words)}'{marks}"
        return "(" + " & ".join(f"'{w}'{marks}" for w in words) + ")"

    @property
    def key(self) -> tuple:
        return (self.words, self.how == PREFIX, self.phrase or len(self.words) == 1)


@dataclass
class Concept:
    typed: str
    alternatives: list[Alternative] = field(default_factory=list)

    def tsquery(self, weights: str = "") -> str:
        return " | ".join(a.operand(weights) for a in self.alternatives)

    def add(self, alternative: Alternative) -> None:
        """Add another way to match, unless it is one already there (a prefix differs from the word)."""
        if all(a.key != alternative.key for a in self.alternatives):
            self.alternatives.append(alternative)


@dataclass
class Terms:
    """A query's concepts and exclusions, ready to render as text-search queries."""

    text: str
    concepts: list[Concept]
    excluded: list[Alternative]
    corrections: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.concepts)

    def all_tsquery(self) -> str:
        return " & ".join(f"({c.tsquery()})" for c in self.concepts)

    def any_tsquery(self) -> str:
        return " | ".join(f"({c.tsquery()})" for c in self.concepts)

    def excluded_tsquery(self) -> str:
        return " | ".join(a.operand() for a in self.excluded)

    @property
    def suggestion(self) -> str | None:
        """The query with each word that is in no record replaced by the catalogue's nearest word."""
        if not self.corrections:
            return None
        pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in self.corrections) + r")\b", re.IGNORECASE)
        return pattern.sub(lambda m: self.corrections[m.group(0).lower()], self.text)


def phrase_words(text: str) -> tuple[str, ...]:
    """A synonym's words as a phrase, stop words kept so that PostgreSQL keeps their distance:
    "transurethral resection of the prostate" matches the record that says just that."""
    words: list[str] = []
    for token in TOKEN_WORDS.findall(text):
        found = term(token)
        words.extend(found.words if found else [APOSTROPHE.sub("", token.lower())])
    return tuple(words)


def _alternative(terms: tuple[Term, ...], how: str, label: str) -> Alternative:
    return Alternative(tuple(w for t in terms for w in t.words), how, label)


def _concepts(parsed: Parsed, table: Table) -> list[Concept]:
    concepts = []
    terms, i = parsed.terms, 0
    while i < len(terms):
        length, groups = table.match(terms, i)
        run = tuple(terms[i : i + max(length, 1)])
        typed = " ".join(t.typed for t in run)
        concept = Concept(typed, [_alternative(run, TYPED, typed)])
        for group in groups:
            key = tuple(part for t in run for part in t.key)
            for label, _member in group.others(key):
                concept.add(Alternative(phrase_words(label), SYNONYM, label))
        if length > 1:  # the synonym's words as typed, apart as well as together ("knee or hip pain")
            concept.add(Alternative(concept.alternatives[0].words, TYPED, typed, phrase=False))
        if length <= 1 and run[0].parts:
            concept.add(Alternative(run[0].parts, TYPED, typed))
        concepts.append(concept)
        i += max(length, 1)
    for phrase in parsed.phrases:
        typed = " ".join(t.typed for t in phrase)
        concepts.append(Concept(f'"{typed}"', [_alternative(phrase, TYPED, typed)]))
    return concepts


def _lookup(words: list[str]) -> dict[str, tuple[bool, list[str], str | None]]:
    """For each word: whether the catalogue has a word with its stem, the catalogue's near forms
    of it, and the catalogue's most similar word. From the shared cache (for WORD_CACHE_SECONDS:
    a word new to the catalogue is offered within that time), else one query for all the rest."""
    if not words:
        return {}
    keys = {word: WORD_KEY + hashlib.sha256(word.encode()).hexdigest() for word in words}
    cached = cache.get_many(list(keys.values()))
    found = {word: tuple(cached[key]) for word, key in keys.items() if key in cached}
    missing = [word for word in words if word not in found]
    if missing:
        looked_up = _look_up(missing)
        cache.set_many({keys[word]: list(value) for word, value in looked_up.items()}, WORD_CACHE_SECONDS)
        found.update(looked_up)
    return found


def _look_up(words: list[str]) -> dict[str, tuple[bool, list[str], str | None]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.word,
                EXISTS (SELECT 1 FROM hinportal_searchword w WHERE w.stem = q.stem),
                ARRAY(
                    SELECT near.word FROM (
                        SELECT DISTINCT ON (w.stem) w.word, w.stem FROM hinportal_searchword w
                        WHERE length(q.stem) >= %s AND w.stem LIKE left(q.stem, -1) || '%%' AND w.stem <> q.stem
                        ORDER BY w.stem, length(w.word), w.word
                    ) AS near ORDER BY length(near.word), near.word LIMIT %s
                ),
                (SELECT w.word FROM hinportal_searchword w
                 WHERE w.word %% q.word AND similarity(w.word, q.word) >= %s
                 ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT 1)
            FROM (
                SELECT t AS word, coalesce((ts_lexize('english_stem', t))[1], t) AS stem FROM unnest(%s::text[]) AS t
            ) AS q
            """,
            [NEAR_FORM_MIN_STEM, NEAR_FORMS, SPELLING_MIN_SIMILARITY, words],
        )
        return {word: (known, near, nearest) for word, known, near, nearest in cursor.fetchall()}


def prepare(text: str, *, vocabulary: bool = True) -> Terms:
    """The query's concepts with their synonyms (from memory) and, unless told not to, the
    catalogue's near forms and spellings (one query)."""
    parsed = parse(text)
    concepts = _concepts(parsed, current_synonyms())
    corrections: dict[str, str] = {}
    single = [c for c in concepts if len(c.alternatives[0].words) == 1 and not c.typed.startswith('"')]
    lookups = [c.typed for c in single if LOOKUP_WORD.fullmatch(c.typed)]
    found = _lookup(sorted(set(lookups))) if vocabulary else {}
    for concept in single:
        known, near, nearest = found.get(concept.typed, (True, [], None))
        for word in near:
            concept.add(Alternative((word,), NEAR, word))
        if not known and not near and nearest:
            concept.add(Alternative((nearest,), SPELLING, nearest))
            corrections[concept.typed] = nearest
    if parsed.last_is_prefix and concepts and concepts[-1] in single:
        last = concepts[-1]
        last.add(Alternative(last.alternatives[0].words, PREFIX, last.typed))
    excluded = [_alternative(phrase, TYPED, " ".join(t.typed for t in phrase)) for phrase in parsed.excluded]
    return Terms(parsed.text, concepts, excluded, corrections)

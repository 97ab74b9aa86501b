"""Reading a search box as people type it.

Words, "quoted phrases" and -minus terms; tokens such as A&E, COVID-19 and sFlt-1/PlGF kept whole
(the search vectors hold them joined, see `sql.py`); PostgreSQL's stop words dropped; control
characters, direction marks and anything past the length limits ignored. Each term keeps its
Snowball stem, so that synonyms match "heart attacks" as well as "heart attack".
"""

import re
import threading
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer

# The text search configuration of every search vector and query (rendered into the SQL too).
SEARCH_CONFIG = "english"
# Longer queries are refused by the search forms with a message; within it, terms past this many
# are left out of the lexical match (the whole text still goes to the embedding model, cut to fit).
MAX_QUERY_CHARS = 2000
# What every search box says when more is typed (Django fills in show_value).
QUERY_TOO_LONG = f"Search for {MAX_QUERY_CHARS:,} characters or fewer (you entered %(show_value)d)."
MAX_TERMS = 16
# PostgreSQL's English stop words (tsearch_data/english.stop): the database drops them from both
# vectors and queries, so a query made only of them matches nothing. A test checks the two agree.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)
# Characters that join the parts of one token: A&E, COVID-19, sFlt-1/PlGF.
JOINERS = "-/&"
PART = r"[^\W_]+"
COMPOUND = re.compile(rf"{PART}(?:[{re.escape(JOINERS)}]+{PART})+")
# A quoted phrase (its closing quote optional), or a token, each perhaps negated by a leading minus.
TOKEN_WORDS = re.compile(rf"{PART}(?:[{re.escape(JOINERS)}'’]+{PART})*")
TOKEN = re.compile(rf'(?P<minus>(?:(?<=\s)|^)-)?(?:"(?P<phrase>[^"]*)"?|(?P<token>{TOKEN_WORDS.pattern}))')
POSSESSIVE = re.compile(r"['’]s\b")
APOSTROPHE = re.compile(r"['’]")


def clean(text: str) -> str:
    """The query as the search reads it: compatibility forms folded (full-width letters, ligatures),
    control and format characters (NUL, direction marks, zero-width joiners) removed, one space
    between words."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())


# A stemmer keeps the word it is working on in itself, so each thread has its own: gunicorn serves
# with threads, and one shared stemmer raised IndexError (a 500) under `make bench`'s load.
_per_thread = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    if (stemmer := getattr(_per_thread, "stemmer", None)) is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


@dataclass(frozen=True)
class Term:
    """One word or token as typed, lower-cased: `words` are what the database will stem (a compound
    is one joined word, "a&e" -> "ae"); `key` is the stems, for matching synonyms."""

    typed: str
    words: tuple[str, ...]
    key: tuple[str, ...]
    # A compound's parts, when each says something on its own ("covid", "19"; not "a", "e").
    parts: tuple[str, ...] = ()

    @property
    def is_compound(self) -> bool:
        return bool(COMPOUND.fullmatch(self.typed))


def term(token: str) -> Term | None:
    """A token's term, or None for a stop word."""
    token = POSSESSIVE.sub("", token.lower())
    if COMPOUND.fullmatch(token):
        joined = re.sub(rf"[{re.escape(JOINERS)}]", "", token)
        parts = tuple(re.split(rf"[{re.escape(JOINERS)}]+", token))
        meaningful = all(len(p) > 1 and p not in STOP_WORDS for p in parts)
        return Term(token, (joined,), (joined,), parts if meaningful else ())
    words = tuple(w for w in APOSTROPHE.sub(" ", token).split() if w not in STOP_WORDS)
    if not words:
        return None
    return Term(token, words, tuple(stem(w) for w in words))


@dataclass
class Parsed:
    """A query in parts: the terms in order (phrases kept together), the excluded terms, and whether
    the last word is still being typed (no space after it), so matched as a prefix."""

    text: str
    terms: list[Term] = field(default_factory=list)
    phrases: list[tuple[Term, ...]] = field(default_factory=list)
    excluded: list[tuple[Term, ...]] = field(default_factory=list)
    last_is_prefix: bool = False


def parse(raw: str) -> Parsed:
    text = clean(raw)[:MAX_QUERY_CHARS]
    parsed = Parsed(text=text)
    for match in TOKEN.finditer(text):
        if match.group("phrase") is not None:
            words = [t for t in (term(w) for w in TOKEN_WORDS.findall(match.group("phrase"))) if t]
            if not words:
                continue
            if match.group("minus"):
                parsed.excluded.append(tuple(words))
            else:
                parsed.phrases.append(tuple(words))
            continue
        found = term(match.group("token"))
        if found is None:
            continue
        if match.group("minus"):
            parsed.excluded.append((found,))
        elif len(parsed.terms) < MAX_TERMS:
            parsed.terms.append(found)
    last = parsed.terms[-1] if parsed.terms else None
    parsed.last_is_prefix = bool(
        last
        and not raw.endswith((" ", '"'))
        and text.lower().endswith(last.typed)
        and not last.is_compound
        and len(last.typed) >= 3
    )
    return parsed

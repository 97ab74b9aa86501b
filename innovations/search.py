"""Suggestions for a catalogue search that found nothing: "Did you mean"."""

import re

from .models import suggest_words

# The catalogue's words for suggestions: letters only, of this length (the word-list trigger
# collects the same, rendered from these in innovations/triggers.py).
WORD_MIN_LENGTH, WORD_MAX_LENGTH = 3, 60
WORD = re.compile(rf"[^\W\d_]{{{WORD_MIN_LENGTH},}}")


def did_you_mean(text: str) -> str | None:
    """The query with each unknown word replaced by the catalogue's nearest word, if any changed."""
    words = [w.lower() for w in WORD.findall(text)]
    replacements = suggest_words(sorted(set(words)))
    if not replacements:
        return None
    return WORD.sub(lambda m: replacements.get(m.group(0).lower(), m.group(0)), text)

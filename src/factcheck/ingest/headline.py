"""The headline of a document's text: the one rule for Document.title and the extractor's headline claim."""

from __future__ import annotations

import re

from .furniture import is_boilerplate

__all__ = ["HEADLINE_LINES", "TITLE_WORDS", "ends_like_a_sentence", "headline"]

# A headline has at most this many words (long tabloid headlines reach 30-40); a longer line
# without final punctuation is body text.
TITLE_WORDS = 40
# Non-blank lines read for a headline before giving up.
HEADLINE_LINES = 8
# Words of a line that begins the body: a line of this many words ending like a sentence.
_SENTENCE_WORDS = 6
_WORD = re.compile(r"[A-Za-z]+")
# Last characters of text that ends like a sentence (or a quotation, or a label).
_ENDS = frozenset('.!?:;"”’)')


def ends_like_a_sentence(text: str) -> bool:
    """Whether stripped `text` ends like a sentence, a quotation or a label ('REPORT:')."""
    return bool(text) and text[-1] in _ENDS


def headline(text: str) -> tuple[int, int] | None:
    """Where the headline stands in `text` (start and end of its line, blanks left out), or None.

    The headline is the first line of 3 to TITLE_WORDS words that does not end like a sentence
    and holds no site chrome ('Subscribe to our newsletter'), among the first HEADLINE_LINES
    non-blank lines and before the body begins: a line of six words or more that ends like a
    sentence, or a longer unpunctuated one. Shorter punctuated lines and one- or two-word labels
    before it are passed over. A text of one such line is a headline alone (a headline pulled
    from a feed).

    >>> headline("Leaders Meet In Tokyo\\nThe talks began on Monday.")
    (0, 21)
    """
    pos = 0
    seen = 0
    for line in text.split("\n"):
        at, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen > HEADLINE_LINES:
            return None
        words = len(_WORD.findall(stripped))
        # A line that ends after a comma is a sentence broken across lines.
        if ends_like_a_sentence(stripped) or stripped.endswith(","):
            if words >= _SENTENCE_WORDS:
                return None
            continue
        if words > TITLE_WORDS:
            return None
        if words >= 3 and not is_boilerplate(stripped):
            start = at + len(line) - len(line.lstrip())
            return start, start + len(stripped)
    return None

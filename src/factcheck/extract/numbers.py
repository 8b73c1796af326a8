"""Numbers written in digits or words ("1,100", "2.7 billion", "twenty-five", "a dozen") to floats."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .lexicon import in_order, read_lexicon

__all__ = [
    "ARTICLES",
    "FRACTIONS",
    "MULTIPLES",
    "NUMBER_WORDS",
    "ORDINALS",
    "ORDINAL_SUFFIX",
    "SCALES",
    "SCALE_ABBREVIATIONS",
    "SCALE_WORDS",
    "UNITS_WORDS",
    "alternation",
    "number_words_re",
    "parse_number",
    "parse_number_words",
    "parse_ordinal",
]

# The number words of data/numbers.yaml, read once here.
_WORDS = read_lexicon("numbers.yaml")
NUMBER_WORDS: dict[str, int] = dict(_WORDS["number_words"])
ARTICLES: dict[str, int] = dict(_WORDS["articles"])
MULTIPLES: dict[str, int] = dict(_WORDS["multiples"])
FRACTIONS: dict[str, float] = dict(_WORDS["fractions"])
# Every word that counts something below a hundred: "five", "a", "dozen", "half".
UNITS_WORDS: dict[str, float] = NUMBER_WORDS | ARTICLES | MULTIPLES | FRACTIONS
SCALE_ABBREVIATIONS: dict[str, int] = dict(_WORDS["scale_abbreviations"])
SCALE_WORDS: dict[str, int] = dict(_WORDS["scales"])
SCALES: dict[str, int] = SCALE_WORDS | SCALE_ABBREVIATIONS
ORDINALS: dict[str, int] = dict(_WORDS["ordinals"])
# "st", "nd", "rd", "th" after the digits of an ordinal, as a regex group.
ORDINAL_SUFFIX = in_order(_WORDS["ordinal_suffixes"])
_DIGITS = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def alternation(words: Iterable[str]) -> str:
    """`words` as a regex group of alternatives, escaped, longest first ("sixty" before "six")."""
    return (
        "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"
    )


@lru_cache(maxsize=1)
def number_words_re() -> str:
    """A number written in words, as a regex built from data/numbers.yaml (no groups, no flags).

    A number below a hundred ("six", "nineteen", "twenty-five"), an article, a multiple, a
    fraction or a scale ("a", "dozen", "half", "a half", "half an", "hundred"), then scales and
    multiples, each with the number below a hundred it is followed by ("one hundred and
    twenty", "two dozen", "three hundred thousand"), then "and a half". So "a five-year plan"
    reads "five", never "a five" (6), and "one hundred twenty years" is 120 years, not twenty.
    Zero is no count here: before a unit it makes a name ("a zero-day flaw", "zero-hour
    contracts"), not a stretch of time.
    """
    sep = r"[\s-]"
    counts = {w: v for w, v in NUMBER_WORDS.items() if v > 0}
    digits = [w for w, v in counts.items() if v <= 9]
    tens = [w for w, v in counts.items() if v >= 20 and v % 10 == 0]
    small = rf"(?:{alternation(tens)}{sep}{alternation(digits)}|{alternation(counts)})"
    article, fraction = alternation(ARTICLES), alternation(FRACTIONS)
    others = alternation([*ARTICLES, *MULTIPLES, *FRACTIONS, *SCALE_WORDS])
    lead = rf"(?:{small}|{article}\s{fraction}|{fraction}\s{article}|{others})"
    more = rf"(?:{sep}{alternation([*SCALE_WORDS, *MULTIPLES])}(?:{sep}(?:and{sep})?{small})?)*"
    return rf"(?:{lead}{more}(?:{sep}and{sep}{article}{sep}{fraction})?)"


def parse_number_words(text: str) -> float | None:
    """'twenty-five' -> 25, 'two and a half' -> 2.5, 'three hundred thousand' -> 300000; None if not a number."""
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w and w != "and"]
    if not words:
        return None
    total = 0.0
    current = 0.0
    seen = False
    for i, w in enumerate(words):
        if w in ARTICLES and (
            (i + 1 < len(words) and words[i + 1] in FRACTIONS)
            or (i > 0 and words[i - 1] in FRACTIONS)
        ):
            continue  # "two and a half", "half an hour": the article counts nothing
        if w in MULTIPLES:
            current = (current or 1) * MULTIPLES[w]
            seen = True
        elif w in UNITS_WORDS:
            current += UNITS_WORDS[w]
            seen = True
        elif w in SCALES and w not in SCALE_ABBREVIATIONS:
            scale = SCALES[w]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        elif _DIGITS.match(w):
            current += float(w.replace(",", ""))
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_number(text: str) -> float | None:
    """Digits or words, with a trailing scale: '1,100', '2.7 billion', '$5m' (no symbol), 'six'."""
    raw = text.strip().lower().replace("\u2009", "").replace("\xa0", " ")
    m = re.fullmatch(r"([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*([a-z]+)?", raw)
    if m:
        value = float(m[1].replace(",", ""))
        if m[2]:
            scale = SCALES.get(m[2])
            if scale is None:
                return None
            value *= scale
        return value
    parts = raw.split()
    if len(parts) >= 2 and _DIGITS.match(parts[0]) and all(p in SCALES for p in parts[1:]):
        value = float(parts[0].replace(",", ""))
        for p in parts[1:]:
            value *= SCALES[p]
        return value
    return parse_number_words(raw)


def parse_ordinal(text: str) -> int | None:
    """'21st' -> 21, 'third' -> 3, 'twenty-first' -> 21."""
    low = text.lower().strip()
    m = re.fullmatch(rf"(\d+){ORDINAL_SUFFIX}", low)
    if m:
        return int(m[1])
    if low in ORDINALS:
        return ORDINALS[low]
    parts = re.split(r"[\s-]+", low)
    if len(parts) == 2 and parts[0] in UNITS_WORDS and parts[1] in ORDINALS:
        return int(UNITS_WORDS[parts[0]]) + ORDINALS[parts[1]]
    return None

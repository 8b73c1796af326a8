"""Numbers written in digits or words ("1,100", "2.7 billion", "twenty-five", "a dozen") to floats."""

from __future__ import annotations

import re

from .lexicon import read_lexicon

# The number words of data/numbers.yaml, read once here.
_WORDS = read_lexicon("numbers.yaml")
UNITS_WORDS: dict[str, float] = dict(_WORDS["number_words"])
_SCALE_ABBREVIATIONS: dict[str, int] = dict(_WORDS["scale_abbreviations"])
SCALE_WORDS: dict[str, int] = dict(_WORDS["scales"])
SCALES: dict[str, int] = SCALE_WORDS | _SCALE_ABBREVIATIONS
ORDINALS: dict[str, int] = dict(_WORDS["ordinals"])
_DIGITS = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse_number_words(text: str) -> float | None:
    """'twenty-five' -> 25, 'two and a half' -> 2.5, 'three hundred thousand' -> 300000; None if not a number."""
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w and w != "and"]
    if not words:
        return None
    total = 0.0
    current = 0.0
    seen = False
    for i, w in enumerate(words):
        if w in {"a", "an"} and i + 1 < len(words) and words[i + 1] == "half":
            continue
        if w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w in UNITS_WORDS:
            if w == "half" and seen:
                current += 0.5
            else:
                current += UNITS_WORDS[w]
            seen = True
        elif w in SCALES and w not in _SCALE_ABBREVIATIONS:
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
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", low)
    if m:
        return int(m[1])
    if low in ORDINALS:
        return ORDINALS[low]
    parts = re.split(r"[\s-]+", low)
    if len(parts) == 2 and parts[0] in UNITS_WORDS and parts[1] in ORDINALS:
        return int(UNITS_WORDS[parts[0]]) + ORDINALS[parts[1]]
    return None

"""Numbers written in digits or words ("1,100", "2.7 billion", "twenty-five", "a dozen") to floats."""

from __future__ import annotations

import re

UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "dozen": 12,
    "half": 0.5,
}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "mln": 1_000_000,
    "bln": 1_000_000_000,
    "bn": 1_000_000_000,
    "m": 1_000_000,
    "k": 1_000,
    "tn": 1_000_000_000_000,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
}
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
        elif w in SCALES and w not in {"m", "k", "bn", "mln", "bln", "tn"}:
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

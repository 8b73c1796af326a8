"""Quantities made comparable: each figure's dimension (base unit), value in it, what it measures, and whether it is an amount.

The extractor applies :func:`with_units` to every claim (through `annotate`), so rules compare
`Quantity.dimension`, `Quantity.base_value` and `Quantity.measures`, and skip figures whose
`comparable` is False, without reading the claim's text. The unit table lives once, in
`data/units.yaml`; money units are the currencies of `data/quantities.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

from ..models import Claim, Quantity
from .lexicon import read_lexicon
from .numbers import SCALE_WORDS, SCALES, alternation

__all__ = [
    "Duration",
    "Units",
    "comparable_quantity",
    "duration_words_re",
    "normalise_quantity",
    "quantity_role",
    "units",
    "with_units",
]


class Duration(NamedTuple):
    """One duration word of data/units.yaml ("fortnight": 2 weeks, ISO designator W)."""

    unit: str
    scale: int
    iso: str
    time: bool  # an ISO time designator (PT1H), not a date one (P1M)


@dataclass(frozen=True)
class Units:
    """The unit table of data/units.yaml: name -> (base unit, factor), durations, magnitude words, cues."""

    units: dict[str, tuple[str, float]]  # units.yaml's units and quantities.yaml's currencies
    durations: dict[str, Duration]
    magnitudes: dict[str, float]  # numbers.yaml's scale words and their abbreviations
    percent_words: dict[str, str]  # "%", "per cent", "percentage point"... -> its base unit
    label_before: re.Pattern[str]
    plus: re.Pattern[str]
    age_after: re.Pattern[str]
    age_before: re.Pattern[str]


@lru_cache(maxsize=1)
def units() -> Units:
    """The unit table, read from data/units.yaml once per process."""
    raw = read_lexicon("units.yaml")
    table = {str(k): (str(b), float(f)) for k, (b, f) in raw["units"].items()}
    return Units(
        units=_money_units(table) | table,
        durations={
            str(k): Duration(str(u), int(n), str(iso), bool(t))
            for k, (u, n, iso, t) in raw["durations"].items()
        },
        magnitudes={k: float(v) for k, v in SCALES.items()},
        percent_words={k: base for k, (base, _) in table.items() if base in raw["percents"]},
        label_before=_label_before(),
        plus=raw["plus"],
        age_after=raw["age_after"],
        age_before=raw["age_before"],
    )


def duration_words_re() -> str:
    """The duration words of data/units.yaml and their plurals as a regex alternation, in the
    file's order: "seconds?|minutes?|...|centuries|century" (no group, no flags)."""
    forms = []
    for word in units().durations:
        if word.endswith("y") and word[-2:-1] not in "aeiou":
            forms.append(f"{word[:-1]}ies|{word}")  # "centuries|century"
        else:
            forms.append(f"{word}s?")
    return "|".join(forms)


def _label_before() -> re.Pattern[str]:
    """quantities.yaml's label words that keep a figure after them from being compared, in any
    case ("Article 5", "type 2"), as a pattern for the text just before the figure."""
    words = read_lexicon("quantities.yaml")["label_words"]
    which = [w for w, use in words.items() if use in ("compare", "both")]
    return re.compile(rf"\b{alternation(which)}\s*$", re.IGNORECASE)


def _money_units(table: dict[str, tuple[str, float]]) -> dict[str, tuple[str, float]]:
    """Each currency of data/quantities.yaml as a unit: its code, symbols and words -> (code, 1).

    A word whose singular the unit table already names ("pounds": weight) keeps that sense."""
    money = read_lexicon("quantities.yaml")
    named = {
        str(k): str(v) for k, v in (money["currency_symbols"] | money["currency_words"]).items()
    }
    out = {code.lower(): (code, 1.0) for code in named.values()}
    for name, code in named.items():
        if name not in table and _singular(name) not in table:
            out[name] = (code, 1.0)
    return out


def _singular(unit: str) -> str:
    """ "dollars" -> "dollar"; "mass" and short words ("bus") stay."""
    return unit[:-1] if unit.endswith("s") and len(unit) > 3 and not unit.endswith("ss") else unit


def comparable_quantity(q: Quantity, claim: Claim) -> bool:
    """False for numbers that are parts of names or labels ("2-plus-2", "COVID-19", "Article 5")."""
    table = units()
    if q.kind == "ordinal" or table.plus.search(q.text):
        return False
    for source in (claim.text, claim.sentence):
        i = source.find(q.text)
        if i < 0:
            continue
        before = source[max(0, i - 16) : i]
        after = source[i + len(q.text) : i + len(q.text) + 8]
        if re.search(r"[A-Za-z]-?$", before):
            return False
        if re.match(r"\s*-?\s*(\+|plus\b)", after, re.IGNORECASE):
            return False
        if re.search(r"(\+|\bplus)\s*-?\s*$", before, re.IGNORECASE):
            return False
        if re.match(r"[A-Za-z]", after) and not q.text[-1:].isalpha():
            return False
        return not table.label_before.search(before)
    return True


def normalise_quantity(q: Quantity) -> tuple[str, float]:
    """(unit key, value in that unit's base): decades -> years, '3 million' -> 3e6."""
    table = units()
    value = q.value
    unit = (q.unit or "").strip().lower()
    words = unit.split()
    if words and words[0] in table.magnitudes and (len(words) > 1 or unit in SCALE_WORDS):
        value *= table.magnitudes[words[0]]
        unit = " ".join(words[1:])
    if unit in table.units:
        base, factor = table.units[unit]
        return base, value * factor
    singular = _singular(unit)
    if singular in table.units:
        base, factor = table.units[singular]
        return base, value * factor
    return singular, value


def quantity_role(q: Quantity, claim: Claim) -> Literal["age"] | None:
    """What a figure measures, where the text says: "age" for ages, else None (the event)."""
    table = units()
    for source in (claim.text, claim.sentence):
        i = source.find(q.text)
        if i >= 0:
            after = table.age_after.match(source, i)
            before = table.age_before.search(source[max(0, i - 8) : i])
            return "age" if after is not None or before is not None else None
    return None


def with_units(claim: Claim) -> Claim:
    """The claim with each figure's dimension, base value, role and comparability set (compute, then write)."""
    found = []
    for q in claim.quantities:
        dimension, base = normalise_quantity(q)
        found.append((dimension, base, quantity_role(q, claim), comparable_quantity(q, claim)))
    if all(
        (q.dimension, q.base_value, q.measures, q.comparable) == f
        for q, f in zip(claim.quantities, found, strict=True)
    ):
        return claim
    quantities = [
        q.model_copy(update={"dimension": d, "base_value": b, "measures": r, "comparable": c})
        for q, (d, b, r, c) in zip(claim.quantities, found, strict=True)
    ]
    return claim.model_copy(update={"quantities": quantities})

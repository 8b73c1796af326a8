"""Quantities: counts, ordinals, durations, money and percentages normalised to value, unit and bound."""

from __future__ import annotations

import re
from typing import Any

from ..models import Bound, Quantity, QuantityKind
from .lexicon import read_lexicon
from .numbers import (
    ARTICLES,
    MULTIPLES,
    NUMBER_WORDS,
    ORDINAL_SUFFIX,
    ORDINALS,
    SCALE_ABBREVIATIONS,
    SCALE_WORDS,
    SCALES,
    alternation,
    number_words_re,
    parse_number,
    parse_ordinal,
)
from .units import duration_words_re, units

# The words of data/quantities.yaml, read once here.
_WORDS = read_lexicon("quantities.yaml")
# (alternation of a bound's phrases, the bound), in the file's order.
_BOUNDS: list[tuple[str, Bound]] = [
    ("|".join(re.escape(str(p)) for p in phrases), bound)
    for bound, phrases in _WORDS["bounds"].items()
]


def bound_phrases_re() -> str:
    """Every bound phrase of data/quantities.yaml ("more than", "nearly"...) as one regex
    alternation in the file's order (no group, no flags), for extract.timex's durations."""
    return "|".join(p for p, _ in _BOUNDS)


_BOUND_RE = re.compile(r"(?:^|\s)(" + "|".join(p for p, _ in _BOUNDS) + r")\s*$", re.IGNORECASE)
_BOUND_LEAD = re.compile(r"^(" + "|".join(p for p, _ in _BOUNDS) + r")\s+", re.IGNORECASE)

# A figure in digits, with a scale word ("2.7 billion"), or in words: data/numbers.yaml's.
_NUM = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:\s*{alternation(SCALE_WORDS)})?"
    rf"|{number_words_re()}"
)
# Duration word -> (the unit the figure is in, how many of it): data/units.yaml's `durations`.
_DUR_UNITS = {word: (d.unit, d.scale) for word, d in units().durations.items()}
_DURATION = re.compile(
    rf"(?<![\w$€£¥])(?:(?P<bound>{'|'.join(p for p, _ in _BOUNDS)})\s+)?(?P<num>{_NUM})[\s-]"
    rf"(?P<unit>{duration_words_re()})(?![\w])",
    re.IGNORECASE,
)
_CURRENCY_SYMBOLS: dict[str, str] = dict(_WORDS["currency_symbols"])
_CURRENCY_WORDS: dict[str, str] = dict(_WORDS["currency_words"])


def _alternation(names: dict[str, str]) -> str:
    """The names as a regex alternation, longest first ("us$" before "$")."""
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


_CURRENCY_LEAD = re.compile(rf"^({_alternation(_CURRENCY_SYMBOLS)})\s*", re.IGNORECASE)
_CURRENCY_TAIL = re.compile(rf"\s+(?:US\s+)?({_alternation(_CURRENCY_WORDS)})$", re.IGNORECASE)
# Capitalised words after which a number is a name or a reference ("Article 5"), not an amount.
_REFERENCE_WORDS = frozenset(
    w for w, use in _WORDS["label_words"].items() if use in ("name", "both")
)
# The unit words of a percentage, data/units.yaml's (`percents`): "%", "per cent", "percentage
# point", each also plural ("percentage points"). Named in a text they end at a word boundary
# and start at one; after the figure ("5percent") they need not start at one.
_PERCENT_WORDS = units().percent_words


def _percent_words(start: str) -> str:
    return "|".join(
        (start if w[0].isalnum() else "") + re.escape(w) + ("s?\\b" if w[-1].isalpha() else "")
        for w in sorted(_PERCENT_WORDS, key=lambda w: (-len(w), w))
    )


_PERCENT = re.compile("(" + _percent_words(r"\b") + ")", re.IGNORECASE)
_PERCENT_END = re.compile(rf"\s*({_percent_words('')})\s*$", re.IGNORECASE)


def _percent_unit(word: str) -> str:
    """A percentage's base unit from its unit word: "%" -> percent, "percentage points" -> percentage point."""
    low = word.lower()
    return _PERCENT_WORDS.get(low) or _PERCENT_WORDS[low[:-1]]


# "2+2", "two-plus-two": a meeting's name, not figures; a single digit, in digits or words.
_DIGIT = rf"(?:\d|{alternation(w for w, v in NUMBER_WORDS.items() if v <= 9)})"
_MEETING_NAMES = re.compile(rf"\b{_DIGIT}\s*(?:\+|-?plus-?|\s+plus\s+)\s*{_DIGIT}\b", re.IGNORECASE)
# Words glued to digits that make an amount of them ("5m", "10km"), not a name ("5G", "3D"):
# numbers.yaml's scales and units.yaml's units.
_GLUED_UNITS = frozenset(SCALES) | frozenset(w for w in units().units if w.isalpha())
# A leading article that counts nothing ("a 5% rise"); before a scale or multiple it counts one.
_ARTICLE_LEAD = re.compile(
    rf"^{alternation(ARTICLES)}\s+(?!{alternation([*SCALE_WORDS, *MULTIPLES])}\b)", re.IGNORECASE
)
_DIGITS_SCALED = re.compile(rf"^([\d.,]+(?:\s*{alternation(SCALES)})?)\b")
_GLUED_SUFFIX = re.compile(rf"\d+(?:{ORDINAL_SUFFIX}|s|{alternation(SCALE_ABBREVIATIONS)})")
_TIME_UNITS: frozenset[str] = _WORDS["ordinal_time_units"]


def _bound(prefix: str) -> Bound:
    m = _BOUND_RE.search(prefix)
    if not m:
        return "exact"
    word = m.group(1).lower()
    for pattern, bound in _BOUNDS:
        if re.fullmatch(pattern, word, re.IGNORECASE):
            return bound
    return "exact"


def durations(text: str, *, offset: int = 0) -> list[Quantity]:
    """'over six decades' -> 60 year (more_than); '18 months' -> 18 month."""
    out = []
    for m in _DURATION.finditer(text):
        value = parse_number(m["num"])
        if value is None:
            continue
        unit_word = m["unit"].lower()
        stem = "century" if unit_word.startswith("centur") else unit_word.rstrip("s")
        unit, scale = _DUR_UNITS[stem]
        bound: Bound = (
            _bound(m["bound"]) if m["bound"] else _bound(text[max(0, m.start() - 25) : m.start()])
        )
        out.append(
            Quantity(
                text=m.group(),
                start=m.start() + offset,
                end=m.end() + offset,
                value=value * scale,
                unit=unit,
                bound=bound,
                kind="duration",
            )
        )
    return out


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def quantities(
    sent: Any, *, exclude: list[tuple[int, int]], text: str | None = None
) -> list[Quantity]:
    """Quantities in a spaCy sentence span; `exclude` holds character ranges of dates and times.

    Numbers that are part of names or references are left out: "Article 5", "2+2" / "2-plus-2"
    meetings, "5G", "COVID-19", "21st century", ordinals in names ("Second World War").
    """
    # `text` is the document text; spaCy's Doc.text is rebuilt on every access.
    text = sent.doc.text if text is None else text
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _MEETING_NAMES.finditer(text, sent.start_char, sent.end_char):
        taken.append((m.start(), m.end()))
    for q in durations(text[sent.start_char : sent.end_char], offset=sent.start_char):
        if q.start is not None and q.end is not None and not _overlaps((q.start, q.end), taken):
            out.append(q)
            taken.append((q.start, q.end))
    for ent in sentence_entities(sent):
        if ent.label_ not in {"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}:
            continue
        rng = (ent.start_char, ent.end_char)
        if _overlaps(rng, taken) or _overlaps(rng, exclude):
            continue
        found = _from_entity(ent, text)
        if found is not None:
            out.append(found)
            taken.append(rng)
    return sorted(out, key=lambda q: (q.start or 0, q.end or 0))


def sentence_entities(sent: Any) -> list[Any]:
    """`sent.ents` (the named entities wholly inside the sentence), read from the sentence's own
    tokens: spaCy's `Span.ents` builds every entity of the document on each access, which made
    a long document quadratic (27,000 sentences of a 2.1 MB text each rebuilding 100,000
    entities)."""
    doc = sent.doc
    out: list[Any] = []
    begin: int | None = None
    first: Any = None
    for i in range(sent.start, sent.end):
        tok = doc[i]
        if begin is not None and tok.ent_iob_ != "I":
            out.append(_entity(doc, begin, i, first))
            begin = None
        if tok.ent_iob_ == "B":
            begin, first = i, tok
    if begin is not None and (sent.end == len(doc) or doc[sent.end].ent_iob_ != "I"):
        out.append(_entity(doc, begin, sent.end, first))
    return out


def _entity(doc: Any, start: int, end: int, first: Any) -> Any:
    """The entity span `doc.ents` would make for tokens start..end, `first` its first token."""
    from spacy.tokens import Span

    return Span(doc, start, end, label=first.ent_type, kb_id=first.ent_kb_id, span_id=first.ent_id)


def _is_reference(ent: Any) -> bool:
    doc = ent.doc
    first, last = doc[ent.start], doc[ent.end - 1]
    prev = doc[ent.start - 1] if ent.start > 0 else None
    if prev is not None and prev.lower_ in _REFERENCE_WORDS and prev.text[:1].isupper():
        return True
    # Digits glued to letters are names: 5G, COVID-19, F-35, G-20.
    if (
        re.search(r"[A-Za-z]", first.text)
        and re.search(r"\d", first.text)
        and not _GLUED_SUFFIX.fullmatch(first.text)
    ):
        return True
    if (
        prev is not None
        and prev.text == "-"
        and ent.start > 1
        and not doc[ent.start - 2].whitespace_
        and re.search(r"[A-Za-z]", doc[ent.start - 2].text)
    ):
        return True  # COVID-19, F-35
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if (
        nxt is not None
        and ent.label_ == "CARDINAL"
        and not last.whitespace_
        and nxt.text[:1].isalpha()
        and nxt.lower_ not in _GLUED_UNITS
    ):
        return True  # "5G", "3D"
    return bool(
        nxt is not None
        and nxt.text == "-"
        and not last.whitespace_
        and ent.end + 1 < len(doc)
        and doc[ent.end + 1].text[:1].isalpha()
        and doc[ent.end + 1].text.isupper()
    )


def _unit_noun(ent: Any) -> str | None:
    """The counted noun: '300 people' -> 'people', '789 dealerships' -> 'dealership'."""
    root = ent.root
    head = root.head
    if (
        root.dep_ in {"nummod", "amod", "quantmod", "compound"}
        and head.pos_ in {"NOUN", "PROPN"}
        and head.i >= ent.end
    ):
        return str(head.lemma_.lower())
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if nxt is not None and nxt.pos_ == "NOUN":
        return str(nxt.lemma_.lower())
    return None


def _from_entity(ent: Any, text: str) -> Quantity | None:
    if _is_reference(ent):
        return None
    doc = ent.doc
    raw = ent.text
    prefix = text[max(0, ent.start_char - 25) : ent.start_char]
    bound = _bound(prefix)
    body = raw
    lead = _BOUND_LEAD.match(body)
    if lead:
        bound = _bound(lead.group(1))
        body = body[lead.end() :]
    body = body.strip()
    kind: QuantityKind = "cardinal"
    unit: str | None = None
    low = body.lower()
    if ent.label_ == "ORDINAL":
        nxt = doc[ent.end] if ent.end < len(doc) else None
        if nxt is not None and (nxt.lower_ in _TIME_UNITS or nxt.text[:1].isupper()):
            return None  # "21st century" is a time; "Second World War" a name
        n = parse_ordinal(low)
        if n is None:
            return None
        return Quantity(
            text=raw,
            start=ent.start_char,
            end=ent.end_char,
            value=float(n),
            unit=_unit_noun(ent),
            bound="exact",
            kind="ordinal",
        )
    percent = _PERCENT.search(low)
    if ent.label_ == "PERCENT" or percent:
        kind, unit = "percent", "percent"
        sign = _PERCENT_END.search(body) or percent
        if sign:
            unit = _percent_unit(sign.group(1))
        body = _PERCENT_END.sub("", body)
    else:
        symbol = _CURRENCY_LEAD.match(body)
        word = _CURRENCY_TAIL.search(body)
        if symbol:
            kind, unit = "money", _CURRENCY_SYMBOLS[symbol.group(1).lower()]
            body = body[symbol.end() :]
        if word:
            kind, unit = "money", _CURRENCY_WORDS[word.group(1).lower()]
            body = body[: word.start()]
        if kind == "cardinal" and ent.label_ == "MONEY":
            kind = "money"
    body = _ARTICLE_LEAD.sub("", body)
    value = parse_number(body.replace("-", " ") if not re.match(r"^\d", body) else body)
    if value is None:
        m = _DIGITS_SCALED.match(body)
        value = parse_number(m.group(1)) if m else None
    if value is None:
        if low in ORDINALS:
            return None
        return None
    if kind == "cardinal":
        unit = _unit_noun(ent)
        if ent.label_ == "QUANTITY":
            kind = "measure"
            tail = re.sub(r"^[\d.,\s]+", "", body).strip()
            unit = tail.lower() or unit
    return Quantity(
        text=raw,
        start=ent.start_char,
        end=ent.end_char,
        value=value,
        unit=unit,
        bound=bound,
        kind=kind,
    )

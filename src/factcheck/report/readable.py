"""Values as a person reads them: durations in words, dates as dates, entities and sources by name.

report.json keeps the ISO values and ids (tools read it); Markdown, HTML, the terminal and
messages show what this module makes of them. Quoted document text is never rewritten.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence

from ..models import ENTITY_KINDS, DocumentRecord

__all__ = [
    "counted",
    "date_words",
    "duration_words",
    "entity_name",
    "readable",
    "source_label",
    "source_names",
]

_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day"}
_TIME_UNITS = {"H": "hour", "M": "minute", "S": "second"}
_DURATION = re.compile(
    r"P(?=\d|T\d)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_DATE = r"\d{4}-(?:\d{2}-\d{2}|\d{2}|W\d{2}|Q[1-4]|H[12])"
_KIND = "|".join(ENTITY_KINDS)
_ENTITY = rf"(?:{_KIND}):[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]?"
_TOKEN = re.compile(
    rf"(?<![\w:/-])(?:(?P<interval>{_DATE}/{_DATE})|(?P<date>{_DATE})"
    rf"|(?P<duration>{_DURATION.pattern})|(?P<entity>{_ENTITY}))(?![\w/-])"
)
# Document text quoted in a message (“…”) is shown as written.
_QUOTED = re.compile(r"“[^”]*”")


def _amount(number: str, unit: str) -> str:
    value = float(number)
    shown = f"{value:g}" if value != int(value) else f"{int(value):,}"
    return f"{shown} {unit}{'' if value == 1 else 's'}"


def duration_words(value: str) -> str:
    """'P60Y' -> '60 years', 'P636D' -> '636 days', 'PT1S' -> '1 second', 'P1Y6M' -> '1 year 6 months'.

    Anything that is not an ISO 8601 duration comes back unchanged.
    """
    m = _DURATION.fullmatch(value)
    if m is None:
        return value
    names = [*_UNITS.values(), *_TIME_UNITS.values()]
    parts = [_amount(n, unit) for n, unit in zip(m.groups(), names, strict=True) if n is not None]
    return " ".join(parts) if parts else value


def counted(n: int, unit: str) -> str:
    """'1 document', '19,264 claims', '0 findings': `unit` is given in the plural, and the
    singular drops its final s ('matched groups' -> '1 matched group')."""
    return f"{n:,} {unit[:-1] if n == 1 and unit.endswith('s') else unit}"


def _one_date(value: str) -> str:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            d = dt.date.fromisoformat(value)
            return f"{d.day} {calendar.month_name[d.month]} {d.year}"
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = value.split("-")
            return f"{calendar.month_name[int(month)]} {year}"
    except (ValueError, IndexError):
        return value
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        return f"week {int(m.group(2))} of {m.group(1)}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        return f"Q{m.group(2)} {m.group(1)}"
    if m := re.fullmatch(r"(\d{4})-H([12])", value):
        return f"{'first' if m.group(2) == '1' else 'second'} half of {m.group(1)}"
    return value


def date_words(value: str) -> str:
    """'2021-03-16' -> '16 March 2021', '2021-03' -> 'March 2021', '2021-W11' -> 'week 11 of
    2021', '2021-03-15/2021-03-16' -> '15–16 March 2021'. Anything else comes back unchanged."""
    if "/" not in value:
        return _one_date(value)
    first, _, last = value.partition("/")
    a, b = _one_date(first), _one_date(last)
    da, db = a.split(" "), b.split(" ")
    if len(da) == 3 and len(db) == 3 and da[1:] == db[1:]:
        return f"{da[0]}–{b}"
    return f"{a} to {b}"


@functools.cache
def _country_names() -> dict[str, str]:
    """ISO code -> country name, from the country table of `extract.aliases` (read once, there)."""
    from ..extract.aliases import load_tables

    return {code: country.name for code, country in load_tables().countries.items()}


def entity_name(entity_id: str) -> str:
    """'gpe:US' -> 'United States', 'org:state-department' -> 'State Department'."""
    kind, _, rest = entity_id.partition(":")
    if kind == "gpe" and rest.upper() in _country_names():
        return _country_names()[rest.upper()]
    words = [w for w in re.split(r"[-_]+", rest) if w]
    return " ".join(
        w if w.isupper() or any(c.isdigit() for c in w) else w.capitalize() for w in words
    )


def _token(m: re.Match[str]) -> str:
    if m.group("interval") or m.group("date"):
        return date_words(m.group(0))
    if m.group("duration"):
        return duration_words(m.group(0))
    return entity_name(m.group(0))


def readable(text: str, names: Mapping[str, str] | None = None) -> str:
    """`text` with ISO dates and durations in words, entity ids by name and (with `names`,
    document id -> label) document ids by source name; quoted document text is left alone."""
    id_pattern = (
        re.compile(
            r"(?<![\w-])("
            + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
            + r")(?![\w-])"
        )
        if names
        else None
    )
    out: list[str] = []
    pos = 0
    for q in (*_QUOTED.finditer(text), None):
        stop = q.start() if q is not None else len(text)
        part = _TOKEN.sub(_token, text[pos:stop])
        if id_pattern is not None and names is not None:
            part = id_pattern.sub(lambda m: names[m.group(1)], part)
        out.append(part)
        if q is not None:
            out.append(q.group(0))
            pos = q.end()
    return "".join(out)


def source_label(record: DocumentRecord | None, fallback: str = "", *, limit: int = 40) -> str:
    """A short name for a document: its outlet, else its title (shortened), else its file name."""
    if record is None:
        return fallback
    if record.source:
        return record.source
    if record.title:
        title = " ".join(record.title.split())
        return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
    return record.path.rsplit("/", 1)[-1] or record.id


def source_names(records: Sequence[DocumentRecord]) -> dict[str, str]:
    """Document id -> a label unique within the report (the path is added where two read alike)."""
    labels = {r.id: source_label(r) for r in records}
    paths = {r.id: r.path for r in records}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {
        doc: label if seen[label] == 1 else f"{label} ({paths[doc]})"
        for doc, label in labels.items()
    }

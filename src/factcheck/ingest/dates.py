"""Strict publication dates: metadata values and datelines ('March 16, 2021', 'Published: 2021-03-16')."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from ..extract.lexicon import calendar_names, read_lexicon
from ..extract.numbers import ORDINAL_SUFFIX


def _one_of(words: Iterable[str]) -> str:
    """Plain words as an alternation, longest first, so the pattern is the same each run."""
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


# Month and weekday names (Python's calendar and data/times.yaml's abbreviations, the names
# extract.timex reads) and the words that label a date line, data/times.yaml's.
_NAMES = calendar_names()
_WORDS = read_lexicon("times.yaml")
_MONTHS = _NAMES.months
_MONTH = rf"(?P<month>{_one_of(_MONTHS)})\.?"
_WEEKDAY = rf"(?:{_one_of([*_NAMES.weekdays, *_NAMES.weekday_abbreviations])})\.?,?\s+"
_DAY = rf"(?P<day>\d{{1,2}}){ORDINAL_SUFFIX}?"
_YEAR = r"(?P<year>(?:1[89]|20)\d{2})"
_TIME = (
    r"(?:(?:\s*,)?\s+(?:at\s+)?\d{1,2}(?:[:.]\d{2}){1,2}\s*(?:[ap]\.?m\.?)?"
    r"|(?:\s*,)?\s+\d{1,2}\s*[ap]\.?m\.?)"
    r"(?:\s*(?:\(?(?:[A-Z]{2,5}|UTC|GMT)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?\)?|[+-]\d{2}:?\d{2}|Z))?"
)
_ISO = r"(?P<iy>(?:1[89]|20)\d{2})-(?P<im>\d{2})-(?P<id>\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_TEXT_MDY = rf"(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+{_YEAR}"
_TEXT_DMY = rf"(?:{_WEEKDAY})?{_DAY}\s+{_MONTH},?\s+{_YEAR}"
_DATE_RE = re.compile(rf"(?:{_ISO}|(?P<mdy>{_TEXT_MDY})|{_TEXT_DMY.replace('?P<', '?P<d_')})", re.I)
# The same grammar without group names, to embed in the line patterns below.
_DATE = re.sub(r"\?P<\w+>", "?:", rf"(?:{_ISO}|{_TEXT_MDY}|{_TEXT_DMY})(?:{_TIME})?")

# A line that is nothing but a date (with optional weekday, time and zone).
_BARE = re.compile(rf"^\s*(?P<date>{_DATE})\s*\.?\s*$", re.I)
# 'Published: ...', 'Posted on ...', 'Date: ...', optionally followed by '| Updated ...'.
_PUBLISHED = _one_of(_WORDS["published_labels"])
_CHANGED = _one_of(_WORDS["updated_labels"])
_TIME_FIRST = r"(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?\s*,?\s*)?"
_LABELLED = re.compile(
    rf"^\s*(?:first\s+)?(?:{_PUBLISHED})(?:\s+on)?\s*[:\-–—]?\s*"
    rf"{_TIME_FIRST}(?P<date>{_DATE})\b",
    re.I,
)
_UPDATED = re.compile(
    rf"^\s*(?:last\s+)?(?:{_CHANGED})(?:\s+on)?\s*[:\-–—]?\s*{_TIME_FIRST}{_DATE}", re.I
)
# 'WASHINGTON, March 16, 2021 —' / 'TOKYO (Kyodo) March 16, 2021 -': a place in capitals, a date, a dash.
_CITY_DATELINE = re.compile(
    rf"^\s*(?:[A-Z][A-Z.'’\- ]+(?:,\s*[A-Z][A-Za-z.'’\- ]+)?)\s*(?:\([^)]{{1,40}}\))?\s*(?:[—–-]{{1,2}})?\s*,?\s*"
    rf"(?P<date>(?i:{_DATE}))\s*(?:[—–-]{{1,2}}|:|\()",
)
# 'Tokyo, March 16, 2021' on a line of its own: a place of one to four words, a comma, a date.
_PLACE_DATE = re.compile(
    rf"^\s*[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,3}}\s*,\s*(?P<date>(?i:{_DATE}))\s*\.?\s*$"
)
# 'By Jane Doe | March 16, 2021' and similar byline + date lines.
_BYLINE_DATE = re.compile(rf"^\s*by\s+[^|•·]{{2,80}}[|•·,]\s*(?P<date>{_DATE})\s*$", re.I)

HEAD_LINES = 8


def parse_date(value: str) -> dt.date | None:
    """The date in `value` when `value` is one complete date (ISO or written out), else None."""
    m = _BARE.match(value)
    return _to_date(m.group("date")) if m else None


def _to_date(text: str) -> dt.date | None:
    m = _DATE_RE.search(text)
    if not m:
        return None
    g = m.groupdict()
    try:
        if g.get("iy"):
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g.get("mdy"):
            return dt.date(int(g["year"]), _MONTHS[g["month"].lower().rstrip(".")], int(g["day"]))
        return dt.date(int(g["d_year"]), _MONTHS[g["d_month"].lower().rstrip(".")], int(g["d_day"]))
    except (ValueError, KeyError):
        return None


def find_dateline(lines: Sequence[str]) -> tuple[dt.date, int] | None:
    """Publication date from a dateline among `lines`, and the index of that line.

    Bare date lines and 'CITY, date —' datelines count only near the top, where a dateline
    stands; labelled lines ('Published: ...') count anywhere, but only when short, so that a
    date inside an article sentence never becomes the publication date.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    head = set(content[:HEAD_LINES])
    for i in content:
        line = lines[i]
        short = len(line.split()) <= 16
        m = None
        if i in head:
            m = (
                _BARE.match(line) or _PLACE_DATE.match(line) if short else None
            ) or _CITY_DATELINE.match(line)
        if m is None and short:
            m = _LABELLED.match(line) or (_BYLINE_DATE.match(line) if i in head else None)
        if m is not None:
            date = _to_date(m.group("date"))
            if date is not None:
                return date, i
    return None


def is_date_line(line: str) -> bool:
    """True for a line that only states a date or a published/updated time (page furniture)."""
    if _BARE.match(line):
        return True
    return len(line.split()) <= 12 and bool(_LABELLED.match(line) or _UPDATED.match(line))

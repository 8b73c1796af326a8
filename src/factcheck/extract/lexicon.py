"""Word lists, tables and patterns of the data files (data/*.yaml), each read once by the module that owns it."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["CalendarNames", "calendar_names", "in_order", "read_lexicon"]


def read_lexicon(
    name: str,
    *,
    parts: Sequence[str] = (),
    fill: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The `words` of data/NAME as frozensets, its `tables` as written, its `patterns` compiled.

    Patterns ignore case unless the file's `case_sensitive` list names them. A pattern named in
    `parts` is only a piece of others: `{part}` inside another pattern stands for it (no other
    braces are replaced, so `{0,4}` stays a quantifier), and it is not compiled on its own.
    `fill`, given the file's `tables`, returns more such pieces made from them (a table's words
    as an alternation), so a word listed in a table is not written into a pattern a second time.
    Callers build a frozen dataclass from the mapping, so a key missing from the file, or one the
    code does not know, is a TypeError when the table is first read.
    """
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("factcheck").joinpath("data", name).read_text(encoding="utf-8")
    )
    patterns: dict[str, str] = {k: str(v) for k, v in raw.get("patterns", {}).items()}
    exact = set(raw.get("case_sensitive", []))
    tables: dict[str, Any] = dict(raw.get("tables", {}))
    pieces = {part: patterns[part] for part in parts} | (fill(tables) if fill else {})

    def compile_(key: str) -> re.Pattern[str]:
        text = patterns[key]
        for part, piece in pieces.items():
            text = text.replace("{" + part + "}", piece)
        return re.compile(text, 0 if key in exact else re.IGNORECASE)

    words = {k: frozenset(str(w) for w in v) for k, v in raw.get("words", {}).items()}
    return words | tables | {k: compile_(k) for k in patterns if k not in parts}


def in_order(words: Sequence[str]) -> str:
    """`words` (a data file's list) as a regex group of alternatives, escaped, in the order written."""
    return "(?:" + "|".join(re.escape(str(w)) for w in words) + ")"


@dataclass(frozen=True)
class CalendarNames:
    """Month and weekday names, lower case: Python's calendar and data/times.yaml's abbreviations."""

    months: dict[str, int]  # "january", "jan", "sept" -> 1..12
    weekdays: dict[str, int]  # "monday" -> 0 ... "sunday" -> 6
    weekday_abbreviations: dict[str, int]  # "mon", "tues", "thurs" -> 0..6


@lru_cache(maxsize=1)
def calendar_names() -> CalendarNames:
    """The names of months and weekdays, for the time expressions of extraction and the dates of
    ingestion: the calendar's full names and three-letter abbreviations ("May" is both), and
    times.yaml's `name_abbreviations` ("sept", "tues"), each the full name it stands for."""
    months: dict[str, int] = {}
    for i, name in enumerate(calendar.month_name):
        if name:
            months[name.lower()] = months[name[:3].lower()] = i
    weekdays = {name.lower(): i for i, name in enumerate(calendar.day_name)}
    short = {name[:3].lower(): i for i, name in enumerate(calendar.day_name)}
    extra: dict[str, str] = read_lexicon("times.yaml")["name_abbreviations"]
    for abbreviation, full in extra.items():
        if full in months:
            months[str(abbreviation)] = months[full]
        else:
            short[str(abbreviation)] = weekdays[full]
    return CalendarNames(months=months, weekdays=weekdays, weekday_abbreviations=short)

"""Time expressions: find them in text and normalise them to TIMEX3 values against a publication date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from dateutil import parser as date_parser  # type: ignore[import-untyped]

from ..models import Granularity, TimeExpression
from .lexicon import calendar_names, in_order, read_lexicon
from .numbers import (
    ARTICLES,
    NUMBER_WORDS,
    ORDINAL_SUFFIX,
    ORDINALS,
    alternation,
    number_words_re,
    parse_number_words,
    parse_ordinal,
)
from .quantities import bound_phrases_re
from .units import duration_words_re, units

Tense = Literal["past", "present", "future", "unknown"]

# Month names and abbreviations ("sept" too) -> 1..12, and the full weekday names -> 0..6.
MONTHS: dict[str, int] = calendar_names().months
WEEKDAYS: dict[str, int] = calendar_names().weekdays
# The time words of data/times.yaml, read once here; its comments say what each list is for.
_WORDS = read_lexicon("times.yaml")
SEASONS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["seasons"].items()}
PARTS_OF_DAY: dict[str, str] = {str(k): str(v) for k, v in _WORDS["parts_of_day"].items()}
# Duration word -> (ISO 8601 designator, whether a time designator), and the words that stand
# for several of their unit: data/units.yaml's `durations`, read once by extract.units.
UNITS = {word: (d.iso, d.time) for word, d in units().durations.items()}
UNIT_SCALE = {word: d.scale for word, d in units().durations.items() if d.scale != 1}
ORDINAL_WORDS: dict[str, int] = {str(k): int(v) for k, v in _WORDS["quarter_ordinals"].items()}
# Zone abbreviation (upper case) -> the designator it gives a clock time ("Z" for UTC, else "").
TIME_ZONES: dict[str, str] = {str(k): str(v) for k, v in _WORDS["time_zones"].items()}
# "yesterday" -> (-1 day, no part of the day); "tonight" -> (0, TNI).
RELATIVE_DAYS: dict[str, tuple[int, str]] = {
    str(k): (int(n), str(part)) for k, (n, part) in _WORDS["relative_days"].items()
}
_SHIFTS: dict[str, int] = {str(k): int(v) for k, v in _WORDS["shifts"].items()}
# Words that place an expression in the past (-1) or the future (1): "last June", "a year ago".
_SIGNALS = _SHIFTS | {str(k): int(v) for k, v in _WORDS["signals"].items()}
_PAST_SIGNAL = re.compile(rf"\b{alternation(w for w, n in _SIGNALS.items() if n < 0)}\b")
_FUTURE_SIGNAL = re.compile(rf"\b{alternation(w for w, n in _SIGNALS.items() if n > 0)}\b")


def _one_of(words: frozenset[str]) -> str:
    """A regular expression for any one of `words` (sorted, so the pattern is the same each run)."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words)) + ")"


# Month and weekday names from Python's calendar, as MONTHS and WEEKDAYS: the full names, then
# the abbreviations with an optional stop ("Sept" too; "May" has none).
_MONTH_RE = (
    "(?:"
    + "|".join(calendar.month_name[1:])
    + "".join(
        "|" + a + ("t?" if f"{a}t".lower() in MONTHS else "") + r"\.?"
        for a in calendar.month_abbr[1:]
        if a not in calendar.month_name
    )
    + ")(?![A-Za-z])"
)
_DAY_RE = "(?:" + "|".join(calendar.day_name) + ")"
_VAGUE_COUNTS: list[str] = [str(w) for w in _WORDS["vague_counts"]]
# A count: digits, a vague count ("a few": no number) or a number in words (data/numbers.yaml).
_NUMWORD = (
    r"(?:\d+(?:\.\d+)?|"
    + "".join(f"{w}|" for w in _VAGUE_COUNTS)  # plain words: no regex syntax in them
    + f"{number_words_re()})"
)
_UNIT_RE = f"(?:{duration_words_re()})"  # data/units.yaml's durations
_YEAR_RE = r"(?:1[6-9]\d\d|20\d\d)"
_REL = _one_of(_WORDS["relative"])
_ZONE = alternation(TIME_ZONES)
_UTC = alternation(z for z, designator in TIME_ZONES.items() if designator == "Z")
_LOCAL = _one_of(_WORDS["local_time"])
# A clock time that cannot be a decimal or a count: "15:00", "3 p.m.", "3.30 p.m.", "1400 GMT".
_CLOCK = (
    rf"(?:\d{{1,2}}:\d{{2}}(?: ?[ap]\.?m\.?)?|\d{{1,2}}(?:\.\d{{2}})? ?[ap]\.?m\.?|\d{{4}} {_UTC})"
)
_PLURAL_UNIT = in_order(_WORDS["plural_units"])
_PLURAL_REL = in_order(_WORDS["plural_relative"])
_COUNT_REL = in_order(_WORDS["count_relative"])
_SEASON_REL = in_order(_WORDS["season_relative"])
_SPAN_REL = in_order(_WORDS["span_relative"])
_REFS_ALONE = in_order(_WORDS["refs_alone"])
_NAMED_REL = in_order(_WORDS["named_relative"])
_WEEK_ORDINAL = in_order(_WORDS["week_ordinals"])
_THE_REL = in_order(_WORDS["narrative_relative"])
_UNIT_BEFORE = in_order(_WORDS["unit_before"])
_YEAR_REFS = in_order(_WORDS["year_refs"])
_YEAR_MONTH_WEEK_REFS = in_order(_WORDS["year_refs"] + _WORDS["month_week_refs"])
_NEAR = in_order(_WORDS["near_in_time"])
_NEAR_THIS_UNIT = in_order(_WORDS["near_this_units"])
_THE_DAY_FOLLOWER = in_order(_WORDS["the_day_followers"])
_PLURAL_UNIT_FOLLOWER = in_order(_WORDS["plural_unit_followers"])
_PART_OF_DAY = _one_of(frozenset(PARTS_OF_DAY))
_RELATIVE_DAY = _one_of(frozenset(RELATIVE_DAYS))
# "yesterday morning", "this evening": a day away from today, or "this", and a part of it.
_DAY_AWAY = _one_of(frozenset(d for d, (n, _) in RELATIVE_DAYS.items() if n) | {"this"})
_SEASON = _one_of(frozenset(SEASONS))
_SEASON_BEFORE_YEAR = _one_of(frozenset(SEASONS) - _WORDS["seasons_not_before_a_year"])
_SEASON_ALONE = _one_of(frozenset(SEASONS) - _WORDS["seasons_not_alone"])
# The units a text names one of as the one it is about: "the day", "that year", "a quiet week".
_CALENDAR_UNIT = _one_of(_WORDS["calendar_units"])
# A number + unit that measures a person or a thing, not a stretch of time: "a 22-year-old",
# "five years old", "children 6 months and older".
_AGE_COMPARATIVE = _one_of(_WORDS["age_comparatives"])
_NOT_AN_AGE = rf"(?![- ]olds?\b)(?! (?:and|or) {_AGE_COMPARATIVE}\b)(?! of age\b)"
_QUARTER = _one_of(frozenset(ORDINAL_WORDS))
# "this year", "last year", "next year": `year_refs` but "the year".
_REL_YEAR = in_order([w for w in _WORDS["year_refs"] if not w.startswith("the ")])
# "first" -> 1, "2nd" -> 2: the half of a year or a month an ordinal names.
_HALVES: dict[str, int] = {str(k): int(v) for k, v in _WORDS["half_ordinals"].items()}
_HALF = in_order(list(_HALVES))
_TIMES_A = in_order(_WORDS["times_a"])
_RECURRENCE_UNIT = in_order(_WORDS["recurrence_units"])
_FISCAL_WORD = in_order(_WORDS["fiscal_words"])
_EARLY_LATE = in_order(_WORDS["early_late"])
_REL_UNIT = in_order(_WORDS["relative_units"])
_EVERY = in_order(_WORDS["every_words"])
_HISTORY_ADJ = in_order(_WORDS["history_adjectives"])
_HISTORY_DET = in_order(_WORDS["history_determiners"])
_ANAPHORIC_WORDS = in_order(_WORDS["anaphoric_modifiers"])
# What makes a bare plural unit a vague stretch of time: "recent weeks", "the past few years".
_VAGUE_PLURAL_LEAD = (
    rf"(?:recent|the {_PLURAL_REL}(?: few| several)?|over the(?: past| last)?(?: few)?)"
)
# How many times in a unit: "twice a", "three times per", "once each" (before the unit).
_TIMES_PER = rf"(?:{_TIMES_A}|{_NUMWORD} times) (?:{alternation(ARTICLES)}|per|{_EVERY})"
# "the near term", "the long term": the `refs` of the long or short run found after "the".
_TERM_REFS = in_order(_WORDS["term_refs"])
# The prepositions each kind of expression is found after: "in 2008-09", "since that time".
_AFTER: dict[str, str] = {str(k): in_order(v) for k, v in _WORDS["found_after"].items()}
_MAY_MODAL_AFTER = _one_of(_WORDS["may_modal_after"])
# An article or a one-word vague count ("a", "several", "few"): before a word that is no unit,
# "a Sunday-school", "some March", no time.
_ONE_WORD_COUNT = _one_of(frozenset(ARTICLES) | {w for w in _WORDS["vague_counts"] if " " not in w})
# A bound before a duration ("more than five years", "nearly a decade"): quantities.yaml's bounds.
_BOUNDED = rf"(?:(?:{bound_phrases_re()}) )?"
# A count that takes its unit from the count after it: "60" in "between 60 and 90 days".
_COUNT = rf"(?:\d+(?:\.\d+)?|(?!{alternation(ARTICLES)}\b){number_words_re()})"
# Not an age either: "two to three years old", "13 and 15 years of age".
_COUNT_LINK = in_order(_WORDS["count_links"])
_SHARED_UNIT = rf" {_COUNT_LINK} {_COUNT}[- ]({_UNIT_RE})\b{_NOT_AN_AGE}"
# The latest of a run or a record: "a second consecutive day", "the fourth week in a row",
# "their best week since November": the day, week... the text is reporting on.
_RUN_ORD = rf"(?:{alternation(w for w, n in ORDINALS.items() if n >= 2)}|\d{{1,2}}{ORDINAL_SUFFIX})"
# A run's unit other than a calendar unit -> the unit the text reports on ("session": day).
_RUN_UNITS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["run_units"].items()}
_RUN_QUALIFIER = in_order(_WORDS["run_qualifiers"])
_RUN_UNIT = rf"(?:{_RUN_QUALIFIER} )?(?:{_CALENDAR_UNIT}|{in_order(list(_RUN_UNITS))})"
_RUN_DETERMINER = in_order(_WORDS["run_determiners"])
_RUN_DET = rf"(?:{_RUN_DETERMINER} )?"
# "a third straight day", "the fourth consecutive week": the words that make a run of units.
_RUN_WORDS = _one_of(_WORDS["run_words"])
# Words between a count and its unit that keep it a stretch of time: "five straight days",
# "ten working days", "30 calendar days".
_UNIT_QUALIFIERS = _one_of(_WORDS["unit_qualifiers"])
# The part of a month, a day or a year: "early March", "the end of March", "mid-2015"; the
# one-word parts ("early", "mid", "late") alone before a day or a year.
_PERIOD_PARTS: list[str] = [str(w) for w in _WORDS["period_parts"]]
_PERIOD_PART = alternation(_PERIOD_PARTS)
_PERIOD_WORD = alternation(w for w in _PERIOD_PARTS if " " not in w)
# "end", "beginning": the parts said "the end of ...", without their "of", in the order written.
_PERIOD_OF = in_order([w.removesuffix(" of") for w in _PERIOD_PARTS if w.endswith(" of")])
_SUPERLATIVES: frozenset[str] = _WORDS["superlatives"]
_RUN = re.compile(
    rf"{_RUN_DET}{_RUN_ORD} (?:{_RUN_WORDS} ({_RUN_UNIT})"
    rf"|({_RUN_UNIT}) in a row)"
)
_SUPERLATIVE_BEFORE = re.compile(rf"\b{_one_of(_SUPERLATIVES)}\s+$", re.IGNORECASE)
# One unit of time described: "an unusually turbulent day", "a relatively quiet week" (P1D, P1W).
_NOT_A_DESCRIPTION = _one_of(_WORDS["not_a_description"])

# Words after which a bare plural unit is a vague stretch of time: "it took days", "days,
# then weeks", "within hours". Lookbehinds must have a fixed width, so one per word.
_VAGUE_BEFORE = "|".join(rf"(?<=\b{w} )" for w in sorted(_WORDS["vague_before"])) + "|(?<=, )"

# "the same period last year": the time the text is about, a year back.
_SAME_PERIOD = in_order(_WORDS["same_period_units"])
_YEAR_BACK = in_order(_WORDS["year_back_relative"])
_YEAR_BACK_ANCHOR = in_order(_WORDS["year_back_anchors"])
_SAME_LAST_YEAR = (
    rf"\bthe same {_SAME_PERIOD} (?:of )?(?:last year|the {_YEAR_BACK} year"
    rf"|a year {_YEAR_BACK_ANCHOR})\b"
)

# A range of years is one stretch of time: "from 2009 to 2011", "between 2014 and 2016".
_SPAN_TO = in_order(_WORDS["span_to"])
_YEAR_SPAN = rf"(?:from {_YEAR_RE} {_SPAN_TO} {_YEAR_RE}|between {_YEAR_RE} and {_YEAR_RE})"
# A fiscal year: "fiscal 2007", "the financial year", "FY2007", "FY 2006/07".
_FY_NUMBER = rf"(?:{_YEAR_RE}|'\d\d)(?:[-/](?:\d\d|{_YEAR_RE}))?"
# Without a number, only with a determiner: "a single fiscal year" is a stretch of time.
_FISCAL_DET = in_order(_WORDS["fiscal_determiners"])
_FISCAL = (
    rf"(?:{_FISCAL_DET} {_FISCAL_WORD} year(?: {_FY_NUMBER})?"
    rf"|(?:{_FISCAL_DET} )?{_FISCAL_WORD} (?:year )?{_FY_NUMBER}"
    rf"|FY ?(?:{_FY_NUMBER}|\d\d(?:[-/]\d\d)?))"
)

_SETS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["sets"].items()}
# An ordinal in words (data/numbers.yaml): "third", "twenty-first".
_TENS = alternation(w for w, n in NUMBER_WORDS.items() if n >= 20 and n % 10 == 0)
_ORDINAL_WORD = (
    rf"(?:{_TENS}-{alternation(w for w, n in ORDINALS.items() if n < 10)}|{alternation(ORDINALS)})"
)

# Ordered: longer, more specific forms first so that the alternation prefers them.
_PATTERNS = [
    # A clock time with its day is one expression: "15:00 GMT Saturday", "3 p.m. on Monday".
    rf"\b{_CLOCK}(?: \(?{_ZONE}\)?)?(?: {_LOCAL})?,? (?:on )?(?:{_DAY_RE}(?:,? {_MONTH_RE} \d{{1,2}}{ORDINAL_SUFFIX}?(?:,? {_YEAR_RE})?)?|{_RELATIVE_DAY})\b",
    # The latest of a run or a record: "a second consecutive day", "the fourth week in a row".
    rf"\b{_RUN_DET}{_RUN_ORD} {_RUN_WORDS} {_RUN_UNIT}\b",
    rf"\b{_RUN_DET}{_RUN_ORD} {_RUN_UNIT}(?= in a row\b)",
    "(?:" + "|".join(rf"(?<=\b{w} )" for w in sorted(_SUPERLATIVES)) + rf"){_RUN_UNIT}(?= since\b)",
    rf"\ban? (?!{_NOT_A_DESCRIPTION}\b)[a-z]+ly [a-z]+ {_CALENDAR_UNIT}\b",
    # SET: "every morning", "each season", "every two weeks", "twice a year", "on Sundays".
    rf"\b{_EVERY} (?:other |single )?(?:{_NUMWORD} )?(?:{_UNIT_RE}|{_DAY_RE}|{_PART_OF_DAY}|season|weekend|{_SEASON})\b",
    rf"\b{_TIMES_PER} {_RECURRENCE_UNIT}\b",
    rf"\bper (?:{_CALENDAR_UNIT}|annum)\b",
    rf"\b(?:on )?{_DAY_RE}s\b",
    rf"\b{_YEAR_SPAN}\b",
    # A year range: "1957-58", "2008-09", "2010-2011".
    rf"\b(?:{_AFTER['year_range']} )?{_YEAR_RE}[-–/](?:\d\d|{_YEAR_RE})\b(?![-–/]\d)",
    # Anaphoric days, weeks, months and years: the day the text is about, not the publication date.
    _SAME_LAST_YEAR,
    rf"\b{_EARLY_LATE} in the {_CALENDAR_UNIT}\b",
    rf"\b(?:that|the) {_ANAPHORIC_WORDS} {_CALENDAR_UNIT}\b(?!-)",
    rf"\bthe day\b(?! {_THE_DAY_FOLLOWER}\b)(?![-\w])",
    rf"\bthat {_CALENDAR_UNIT}\b",
    rf"\b{_AFTER['part_of_day']} (?:the )?(?:{_EARLY_LATE} )?{_PART_OF_DAY}\b",
    # Vague plural durations: "recent weeks", "the past few years", "over the years", "for days".
    rf"\b{_VAGUE_PLURAL_LEAD} {_PLURAL_UNIT}\b",
    rf"\b{_AFTER['plural_unit']} {_PLURAL_UNIT}\b(?! of\b)",
    rf"\b(?:{_VAGUE_BEFORE}){_PLURAL_UNIT}\b(?! of\b)(?![-'’]\w)",
    rf"\bthe {_CALENDAR_UNIT} {_UNIT_BEFORE}\b",
    rf"\b{_PLURAL_UNIT}(?: ago\b|-long\b|(?= {_PLURAL_UNIT_FOLLOWER}\b))",
    rf"\b(?:the )?{_WEEK_ORDINAL} week of {_MONTH_RE}(?:,? {_YEAR_RE})?\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b",
    rf"\b(?:{_PERIOD_WORD}[- ])?{_DAY_RE}(?:,? {_MONTH_RE} \d{{1,2}}{ORDINAL_SUFFIX}?(?:,? {_YEAR_RE})?)?"
    rf"(?: {_PART_OF_DAY})?\b",
    rf"\b(?:(?:the )?{_PERIOD_PART}[- ])?{_MONTH_RE} \d{{1,2}}{ORDINAL_SUFFIX}?\b(?:,? {_YEAR_RE}\b)?",
    rf"\b\d{{1,2}}{ORDINAL_SUFFIX}? (?:of )?{_MONTH_RE}(?:,? {_YEAR_RE}\b)?",
    rf"\b(?:(?:the )?{_HALF} half of |(?:the )?{_PERIOD_PART}[- ])?{_MONTH_RE}(?:,? (?:of )?(?:{_YEAR_RE}|{_REL_YEAR})\b)?",
    rf"\b(?:the )?{_QUARTER}[- ]quarter(?: of (?:{_YEAR_RE}|{_YEAR_REFS}))?\b",
    rf"\bQ[1-4](?: {_YEAR_RE})?\b",
    rf"\b(?:the )?{_HALF} half of (?:{_YEAR_RE}|{_YEAR_REFS})\b",
    rf"\b(?:the )?(?:very )?{_PERIOD_OF} of {_FISCAL}\b",
    rf"\b{_FISCAL}\b",
    rf"\b(?:the )?(?:very )?{_PERIOD_OF} of (?:{_YEAR_RE}|{_YEAR_MONTH_WEEK_REFS})\b",
    rf"\b{_PERIOD_WORD}[- ]{_YEAR_RE}s?\b",
    r"\b(?:the )?(?:early |mid-|late )?(?:(?:1[6-9]|20)\d0s|'\d0s|\d0s)\b",
    rf"\b(?:the )?(?:\d{{1,2}}{ORDINAL_SUFFIX}|{_ORDINAL_WORD}) century\b",
    rf"\b(?:(?:{_SEASON_REL}|the) |{_AFTER['season']} (?:the )?){_SEASON}(?: of {_YEAR_RE})?\b",
    rf"\b{_SEASON_BEFORE_YEAR} {_YEAR_RE}\b",
    rf"\b{_DAY_AWAY} {_PART_OF_DAY}\b",  # before the day alone: "yesterday evening"
    rf"\b(?:earlier |later )?{_RELATIVE_DAY}\b",
    r"\blast night\b",
    rf"\b{_NEAR} this {_NEAR_THIS_UNIT}\b",
    rf"\b(?:the )?{_REL} (?:{_REL_UNIT}|{_DAY_RE}|{_MONTH_RE}|{_SEASON})\b",
    rf"\bthe {_THE_REL} (?:{_CALENDAR_UNIT}|quarter)\b",
    r"\b(?:the )?weekend\b",
    rf"\b{_NUMWORD}[- ]{_UNIT_RE} ago\b",
    rf"\b{_COUNT}(?={_SHARED_UNIT})",
    rf"\b(?:the )?{_COUNT_REL} (?:{_NUMWORD}[- ])?(?:{_UNIT_QUALIFIERS} )?{_UNIT_RE}\b",
    rf"\b(?!an? {_PLURAL_UNIT}){_BOUNDED}{_NUMWORD}[- ](?:{_UNIT_QUALIFIERS} )?(?:{_UNIT_RE}|quarters)\b{_NOT_AN_AGE}(?:-long| long)?\b",
    r"\bsingle-day\b",
    # After "a.m." or "p.m." any abbreviation ending in T is a zone too.
    rf"\b(?:\d{{1,2}}[.:]\d{{2}}|\d{{1,2}})(?: ?[ap]\.?m\.?)(?: \(?(?:{_ZONE}|[A-Z]{{2,4}}T)\)?)?(?: {_LOCAL}\b)?",
    rf"\b\d{{1,2}}:\d{{2}}(?: {_ZONE})?(?: {_LOCAL})?\b",
    rf"\b\d{{4}} {_UTC}\b",
    rf"\b{alternation(_SETS)}\b",
    rf"\b(?:{_AFTER['year']} )?{_YEAR_RE}\b",
    rf"\b{_REFS_ALONE}\b",
    rf"\b(?:{_AFTER['term']} )?the {_TERM_REFS}\b",
    rf"\b(?:{_HISTORY_DET} )?{_HISTORY_ADJ} (?:[A-Z][\w.&-]* ){{0,2}}history\b",
    rf"\b{_AFTER['that_time']} that time\b",
    rf"\b{_AFTER['short_year']} '\d\d\b",
    rf"\b{_SEASON_ALONE}\b",
]
_DETECT = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_YEAR_SPAN_PARTS = re.compile(
    rf"(?:from ({_YEAR_RE}) {_SPAN_TO}|between ({_YEAR_RE}) and) ({_YEAR_RE})", re.IGNORECASE
)
_CASE_SENSITIVE = re.compile(rf"{_MONTH_RE}|{_DAY_RE}")
_LEADING_WORDS = _one_of(_WORDS["leading_words"])
_LEAD = re.compile(rf"^{_LEADING_WORDS}\s+", re.IGNORECASE)
# Words around a bare four-digit number that make it a year ("in 2000", "2000 was"), not a count.
_BEFORE_YEAR_WORDS = _one_of(_WORDS["before_a_year"])
_AFTER_YEAR_WORDS = _one_of(_WORDS["after_a_year"])
_BEFORE_A_YEAR = re.compile(rf"(?:\b{_BEFORE_YEAR_WORDS}\s*|[-–(])$")
_AFTER_A_YEAR = re.compile(rf"\s*(?:[,.;:)\]]|$|{_AFTER_YEAR_WORDS}\b)")
# Words that look like a month or a number+unit but are not times when lower case.
_LOWER_FALSE: frozenset[str] = _WORDS["lower_false"]


@dataclass(frozen=True)
class Found:
    """A time expression found in text, before normalisation."""

    start: int
    end: int
    text: str


# Every time expression holds one of these within its first `_REACH` characters: a digit, or the
# start of a word of month, day, unit, season, part of day or time. Trying the patterns only at the
# word starts just before such a piece gives what trying them everywhere would (the long
# alternation is the costly part of extraction's time step), at a fraction of the cost.
_TRIGGER_STARTS = in_order(_WORDS["trigger_starts"])
_TRIGGER = re.compile(rf"\d|\b{_TRIGGER_STARTS}", re.IGNORECASE)
_WORD_START = re.compile(r"(?<!\w)\w")
_REACH = 64


def _matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_DETECT.finditer(text)`, tried only at word starts near a trigger."""
    pos = 0  # end of the last match: matches do not overlap
    tried = 0  # word starts before this have been tried already
    for t in _TRIGGER.finditer(text):
        if t.start() < max(pos, tried):
            continue
        lo = max(pos, tried, t.start() - _REACH)
        for w in _WORD_START.finditer(text, lo, t.start() + 1):
            if w.start() < pos:
                continue
            m = _DETECT.match(text, w.start())
            if m is not None and m.end() > m.start():
                yield m
                pos = m.end()
                if pos > t.start():
                    break  # a match that ends before the trigger leaves the rest to try
        tried = max(tried, t.start() + 1)


def find_time_expressions(text: str, *, offset: int = 0) -> list[Found]:
    """Non-overlapping time expressions in `text`, leftmost-longest; offsets shifted by `offset`."""
    out: list[Found] = []
    for m in _matches(text):
        raw = m.group()
        start, end = m.start(), m.end()
        # Leading prepositions are context, not part of the expression (TIMEX3 leaves them out).
        lead = _LEAD.match(raw)
        while lead and len(raw) > lead.end():
            if raw.lower().startswith("the ") or _YEAR_SPAN_PARTS.fullmatch(raw):
                break  # TIMEX3 keeps the article ("the first quarter") and a range's "from"
            start += lead.end()
            raw = raw[lead.end() :]
            lead = _LEAD.match(raw)
        if not _plausible(raw, text, start, end):
            continue
        out.append(Found(start + offset, end + offset, raw))
    return out


def _plausible(raw: str, text: str, start: int, end: int) -> bool:
    low = raw.lower()
    first = low.split()[0].strip(".,")
    if first in _LOWER_FALSE and not raw[0].isupper():
        return False
    # Month and day names must be capitalised: "may" the modal, "march" the verb.
    month_or_day = _CASE_SENSITIVE.search(raw)
    if month_or_day is None:
        lowered = re.search(rf"(?i){_MONTH_RE}|{_DAY_RE}", raw)
        if (
            lowered
            and lowered.group().lower().strip(".") in MONTHS | WEEKDAYS
            and not re.search(_UNIT_RE, low)
        ):
            return False
    if raw == "May" and re.match(rf"\s+{_MAY_MODAL_AFTER}\b", text[end:]):
        return False
    if re.fullmatch(rf"{_ONE_WORD_COUNT}[- ]\w+", low) and not re.search(_UNIT_RE, low):
        return False
    m = re.fullmatch(rf"({_YEAR_RE})[-–/](\d\d|{_YEAR_RE})", raw)
    if m:
        # "1957-58", "2010-2011": the next year in two digits, or a later year within two
        # decades in four; "2000-05" is a month.
        y1, y2 = int(m[1]), int(m[2])
        if y2 < 100:
            return y2 == (y1 + 1) % 100
        return y1 < y2 <= y1 + 20
    if re.fullmatch(_YEAR_RE, raw):
        # A bare number like "2000 people" or "1500 jobs" is a count, not a year.
        after = text[end : end + 20]
        before = text[max(0, start - 12) : start].lower()
        if _year_modifier(raw, text, start, end):
            return True
        if not _BEFORE_A_YEAR.search(before) and not _AFTER_A_YEAR.match(after):
            return False  # "2000 people": a count, not a year
        if re.search(r"[$€£¥]\s*$", text[max(0, start - 2) : start]):
            return False
    if re.search(rf"\w-{_UNIT_RE}$", low):
        # "a five-minute mile", "a 10-second sprint": the duration measures a distance or weight.
        nxt = re.match(r"\s+([a-z%$€£]+)", text[end : end + 20], re.IGNORECASE)
        if nxt and _measure_unit(nxt[1]):
            return False
    if re.search(r"\b(?:aged?|ages)\s+$", text[max(0, start - 8) : start], re.IGNORECASE):
        return False  # "children aged 6 months": an age
    if low in _MODIFYING_NOW and text[end : end + 1] == "-":
        return False  # "the now-cancelled deal", "the soon-to-open terminal"
    if low == "a second" and re.match(r"\s+(?!later|earlier|ago|or|and)[A-Za-z0-9]", text[end:]):
        return False  # "a second A380", "a second consecutive day": an ordinal
    if low == "now" and re.search(r"\bfrom\s+$", text[max(0, start - 6) : start], re.IGNORECASE):
        return False  # "eight years from now": "from now" is the signal of the duration
    return not (low in _MODIFYING_NOW and re.match(r"\s+(?:that|on)\b", text[end:]))


_MODIFIER_DETERMINERS = _one_of(_WORDS["modifier_determiners"])
_DETERMINER_BEFORE = re.compile(rf"(?:\b{_MODIFIER_DETERMINERS}|'s|’s)\s+$", re.IGNORECASE)


_IRREGULAR_PLURALS: frozenset[str] = _WORDS["irregular_plurals"]
_MODIFYING_NOW: frozenset[str] = _WORDS["modifying_now"]
_FUNCTION_WORDS_BEFORE: frozenset[str] = _WORDS["function_words_before"]


def _year_modifier(raw: str, text: str, start: int, end: int) -> bool:
    """A year used as a modifier: "a 2010 commando raid", "his 2007 campaign", "WWDC 2005".

    After a determiner or possessive, or after a capitalised name, a year is a year unless a
    plural noun follows a round number ("the 2000 people", "its 1500 employees": counts).
    """
    before = text[max(0, start - 12) : start]
    after = re.match(r"\s+([A-Za-z]+)", text[end : end + 30])
    if _DETERMINER_BEFORE.search(before):
        if after is None:
            return False
        word = after[1]
        plural = word[0].islower() and (
            (word.endswith("s") and not word.endswith("ss")) or word in _IRREGULAR_PLURALS
        )
        return not (plural and int(raw) % 50 == 0)
    name = re.search(r"\b([A-Z][\w&-]*) $", before)
    if after is not None and after[1][0].isupper() and after[1].lower() not in MONTHS:
        return False  # "the Russell 2000 Index": a number inside a name
    return bool(name and name[1].lower() not in _FUNCTION_WORDS_BEFORE)


def _measure_unit(word: str) -> bool:
    """Whether `word` names a unit of length, weight, money or share (data/units.yaml), not of time."""
    word = word.lower()
    table = units().units
    found = table.get(word) or table.get(word[:-1] if word.endswith("s") else word)
    return bool(found and found[0] not in {"year", "hour"})


# --------------------------------------------------------------------------- normalisation


def _date_range(
    gran: Granularity,
    begin: dt.date,
    finish: dt.date,
    value: str,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
) -> TimeExpression:
    return TimeExpression(
        text=text,
        start=span[0],
        end=span[1],
        value=value,
        begin=begin,
        finish=finish,
        granularity=gran,
        resolved=True,
        anchor=anchor,
    )


def _unresolved(
    text: str,
    span: tuple[int | None, int | None],
    value: str | None = None,
    gran: Granularity = "unknown",
) -> TimeExpression:
    return TimeExpression(
        text=text,
        start=span[0],
        end=span[1],
        value=value,
        granularity=gran,
        resolved=False,
        relative=text.lower(),
        anchor="none",
    )


def _clock_time(
    text: str,
    span: tuple[int | None, int | None],
    base: dt.date | None,
    clock: str,
    *,
    anchor: Literal["absolute", "publication"],
) -> TimeExpression:
    """A clock time ("3 p.m.", "1400 GMT") on the day it is anchored to, or unresolved."""
    if base is None:
        return _unresolved(text, span, value=f"T{clock}")
    return _date_range("day", base, base, f"{base.isoformat()}T{clock}", text, anchor, span)


def day_expr(
    d: dt.date,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
    suffix: str = "",
) -> TimeExpression:
    return _date_range("day", d, d, d.isoformat() + suffix, text, anchor, span)


def month_expr(
    y: int,
    m: int,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
) -> TimeExpression:
    last = calendar.monthrange(y, m)[1]
    return _date_range(
        "month", dt.date(y, m, 1), dt.date(y, m, last), f"{y:04d}-{m:02d}", text, anchor, span
    )


def year_expr(
    y: int,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
) -> TimeExpression:
    return _date_range("year", dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y:04d}", text, anchor, span)


def week_expr(
    d: dt.date, text: str, span: tuple[int | None, int | None], weekend: bool = False
) -> TimeExpression:
    iso = d.isocalendar()
    monday = d - dt.timedelta(days=d.weekday())
    if weekend:
        return _date_range(
            "week",
            monday + dt.timedelta(days=5),
            monday + dt.timedelta(days=6),
            f"{iso.year:04d}-W{iso.week:02d}-WE",
            text,
            "publication",
            span,
        )
    return _date_range(
        "week",
        monday,
        monday + dt.timedelta(days=6),
        f"{iso.year:04d}-W{iso.week:02d}",
        text,
        "publication",
        span,
    )


def quarter_expr(
    y: int,
    q: int,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
) -> TimeExpression:
    m0 = 3 * (q - 1) + 1
    last = calendar.monthrange(y, m0 + 2)[1]
    return _date_range(
        "quarter", dt.date(y, m0, 1), dt.date(y, m0 + 2, last), f"{y:04d}-Q{q}", text, anchor, span
    )


def fiscal_expr(
    y: int,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
) -> TimeExpression:
    """Fiscal year `y` (TIMEX3 "FY2007"). Its months depend on who keeps the books; a fiscal
    year is named after the calendar year it ends in, so it lies within that year and the one
    before, which is the interval given (it overlaps calendar year `y` and never contradicts it)."""
    return _date_range(
        "year", dt.date(y - 1, 1, 1), dt.date(y, 12, 31), f"FY{y:04d}", text, anchor, span
    )


def _fiscal_year(value: str | None) -> int | None:
    """The year of a fiscal-year value ("FY2007" -> 2007), else None."""
    m = re.fullmatch(r"FY(\d{4})", value or "")
    return int(m[1]) if m else None


_FISCAL_PARTS = re.compile(rf"(?:({_FISCAL_DET}) )?{_FISCAL_WORD} (?:year ?)?(.*)|fy ?(.+)")
_FISCAL_DELTA: dict[str, int] = {str(k): int(v) for k, v in _WORDS["fiscal_delta"].items()}


def _fiscal(
    low: str, text: str, span: tuple[int | None, int | None], dct: dt.date | None
) -> TimeExpression | None:
    """ "fiscal 2007", "FY07", "financial year 2006/07" (FY2007), "the fiscal year" (the one
    ending in the publication year), "last fiscal year"; None when `low` is no fiscal year."""
    m = _FISCAL_PARTS.fullmatch(low)
    if m is None:
        return None
    rest = m[2] if m[3] is None else m[3]
    if not rest:
        if m[1] is None:
            return None  # "fiscal year" alone: one, not a dated one
        if dct is None:
            return _unresolved(text, span, gran="year")
        return fiscal_expr(dct.year + _FISCAL_DELTA.get(m[1] or "", 0), text, "publication", span)
    n = re.fullmatch(r"'?(\d{4}|\d\d)(?:[-/](\d{4}|\d\d))?", rest)
    if n is None:
        return None
    first = int(n[1]) + (0 if len(n[1]) == 4 else 2000 if int(n[1]) < 50 else 1900)
    year = first
    if n[2]:  # "2006/07", "2006-2007": the year it ends in
        year = int(n[2]) + (first // 100 * 100 if len(n[2]) == 2 else 0)
        if year < first:
            return None
    return fiscal_expr(year, text, "absolute", span)


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _signal(text: str) -> int:
    """-1 or +1 when a word of the expression says past or future ("last June"), else 0."""
    low = text.lower()
    if _PAST_SIGNAL.search(low):
        return -1
    if _FUTURE_SIGNAL.search(low):
        return 1
    return 0


def _direction(tense: Tense, text: str) -> int:
    """-1 for the past, +1 for the future, 0 for 'closest' when nothing says which."""
    signal = _signal(text)
    if signal:
        return signal
    if tense == "past":
        return -1
    if tense == "future":
        return 1
    return 0


def _resolve_weekday(dct: dt.date, weekday: int, direction: int) -> dt.date:
    back = dct - dt.timedelta(days=(dct.weekday() - weekday) % 7)
    ahead = dct + dt.timedelta(days=(weekday - dct.weekday()) % 7)
    if direction < 0:
        return back
    if direction > 0:
        return ahead
    # News convention: a bare weekday in a present-tense sentence is usually the nearest one,
    # and the recent past when it is equally near.
    return back if (dct - back) <= (ahead - dct) else ahead


def _resolve_month(
    dct: dt.date, month: int, direction: int, day: int | None = None, *, near: bool = False
) -> int:
    """Year of a month (and day) given without one.

    `direction` comes from a signal word or the tense. When it comes from a past tense alone
    (`near`), a month or date within about a month after the publication date beats one most
    of a year back: "June" in a past-tense sentence of a story dated 20 May is the coming June
    (a plan reported), not last year's. A future tense is never overruled: what will happen
    cannot lie in the past.
    """
    if near and direction < 0:
        year = _resolve_month(dct, month, direction, day)
        other = _resolve_month(dct, month, -direction, day)
        if (
            year != other
            and _months_away(dct, other, month, day) <= 1 < _months_away(dct, year, month, day) - 8
        ):
            return other
        return year
    if direction < 0:
        if (month, day or 1) > (dct.month, dct.day if day else 1):
            return dct.year - 1
        return dct.year
    if direction > 0:
        if (month, day or 31) < (dct.month, dct.day if day else 1):
            return dct.year + 1
        return dct.year
    # Same year unless that puts it more than half a year away (December article about "January").
    diff = month - dct.month
    if diff > 6:
        return dct.year - 1
    if diff < -6:
        return dct.year + 1
    return dct.year


def _months_away(dct: dt.date, year: int, month: int, day: int | None) -> float:
    """How many months lie between the publication date and that month (or day) of `year`."""
    if day is None:
        return abs((year * 12 + month) - (dct.year * 12 + dct.month))
    try:
        return abs((dt.date(year, month, day) - dct).days) / 30.44
    except ValueError:
        return 99.0


def _num(word: str) -> float | None:
    word = word.strip().lower()
    if word in ARTICLES:
        return 1.0
    try:
        return float(word)
    except ValueError:
        return parse_number_words(word)


def _fmt_num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


# "-long", " old", " plan": words after a duration that keep it one (data/times.yaml).
_DURATION_SUFFIX = alternation(
    w if w.startswith("-") else f" {w}" for w in _WORDS["duration_suffixes"]
)
_DURATION_ANCHOR = alternation(_WORDS["duration_anchors"])
_DURATION = re.compile(
    rf"^(?:the )?(?:(?P<rel>{_COUNT_REL}) )?"
    rf"{_BOUNDED}(?:a (?=\d))?"
    rf"(?P<num>{_NUMWORD}|single)?[- ]?(?:{_UNIT_QUALIFIERS} )?"
    rf"(?P<unit>{_UNIT_RE}|quarters?)(?P<suffix>{_DURATION_SUFFIX})?"
    rf"(?: (?P<ago>{_DURATION_ANCHOR}))?$",
    re.IGNORECASE,
)


def _duration(
    text: str, span: tuple[int | None, int | None], dct: dt.date | None
) -> TimeExpression | None:
    m = _DURATION.match(text.strip())
    if not m:
        return None
    unit_word = m.group("unit").lower()
    unit_key = "century" if unit_word.startswith("centur") else unit_word.rstrip("s")
    if unit_key == "quarter":
        code, is_time = "Q", False
    else:
        code, is_time = UNITS[unit_key]
    raw = m.group("num")
    if raw is None and m.group("rel") is None:
        return None
    if raw is None:
        number: float | None = 1.0
    elif raw.lower() in _VAGUE_COUNTS:
        number = None
    elif raw.lower() == "single":
        number = 1.0
    else:
        number = _num(raw)
    number_text = "X" if number is None else _fmt_num(number * UNIT_SCALE.get(unit_key, 1))
    value = f"PT{number_text}{code}" if is_time else f"P{number_text}{code}"
    # Only "ago" counts from the publication date; "a month earlier", "two years after" and
    # "eight years from now" state a stretch of time from a point the sentence names.
    ago = (m.group("ago") or "").lower() == "ago"
    if ago and number is not None and dct is not None:
        sign = -1
        n = int(number * UNIT_SCALE.get(unit_key, 1))
        if code == "D":
            return day_expr(dct + dt.timedelta(days=sign * n), text, "publication", span)
        if code == "W":
            return week_expr(dct + dt.timedelta(weeks=sign * n), text, span)
        if code == "M" and not is_time:
            y, mo = _shift_month(dct.year, dct.month, sign * n)
            return month_expr(y, mo, text, "publication", span)
        if code == "Y":
            return year_expr(dct.year + sign * n, text, "publication", span)
    if ago and dct is None:
        return _unresolved(text, span)
    return TimeExpression(
        text=text,
        start=span[0],
        end=span[1],
        value=value,
        resolved=True,
        anchor="absolute",
        granularity="unknown",
    )


def _year_of(phrase: str, dct: dt.date | None) -> int | None:
    phrase = phrase.strip().lower()
    if re.fullmatch(_YEAR_RE, phrase):
        return int(phrase)
    if dct is None:
        return None
    return {
        "this year": dct.year,
        "the year": dct.year,
        "last year": dct.year - 1,
        "next year": dct.year + 1,
    }.get(phrase)


_REFS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["refs"].items()}
_HISTORY = re.compile(rf"(?:{_HISTORY_DET} )?{_HISTORY_ADJ} (?:[\w.&-]+ ){{0,2}}history")
_VAGUE_DURATIONS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["vague_durations"].items()}
_UNIT_CODES: dict[str, str] = {str(k): str(v) for k, v in _WORDS["unit_codes"].items()}
_VAGUE_PLURAL = re.compile(
    rf"{_VAGUE_PLURAL_LEAD}? ?"
    rf"({_PLURAL_UNIT})(?:-long)?",
    re.IGNORECASE,
)
# "the day", "that same week", "the entire year": the one the text is talking about.
_ANAPHORIC = re.compile(
    rf"(?:that (?:{_ANAPHORIC_WORDS} )?|the {_ANAPHORIC_WORDS} "
    rf"|(?:{_EARLY_LATE}|{_NEAR}) in the )({_CALENDAR_UNIT})|the (day)"
)
_NARRATIVE_REL: dict[str, int] = {str(k): int(v) for k, v in _WORDS["narrative_rel"].items()}
_SET_UNITS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["set_units"].items()}


def _recurring(low: str) -> str | None:
    """The TIMEX3 value of a SET expression ("every morning", "twice a year"), or None."""
    if low in _SETS:
        return _SETS[low]
    m = re.fullmatch(rf"{_EVERY} (?:other |single )?(?:({_NUMWORD}) )?(\w+)", low)
    if m is None:
        m = re.fullmatch(rf"{_TIMES_PER} (\w+)", low)
        m2 = re.fullmatch(rf"per ({_CALENDAR_UNIT}|annum)", low)
        if m2:
            return "P1Y" if m2[1] == "annum" else f"P1{_UNIT_CODES[m2[1]]}"
        if m is None:
            unit = re.fullmatch(rf"(?:on )?({_DAY_RE})s", low, re.IGNORECASE)
            return f"XXXX-WXX-{WEEKDAYS[unit[1].lower()] + 1}" if unit else None
        return _every(1.0, m[1])
    number = 1.0 if m[1] is None else _num(m[1])
    if low.startswith(("every other", "each other")):
        number = 2.0
    return _every(number, m[2])


def _every(number: float | None, unit: str) -> str | None:
    unit = unit.lower()
    key = "century" if unit.startswith("centur") else unit.rstrip("s")
    if key in WEEKDAYS:
        return f"XXXX-WXX-{WEEKDAYS[key] + 1}"
    if key in PARTS_OF_DAY:
        return f"XXXX-XX-XX{PARTS_OF_DAY[key]}"
    if key in SEASONS:
        return f"XXXX-{SEASONS[key]}"
    if key in _SET_UNITS:
        return _SET_UNITS[key]  # a season (of sport, of a show) comes round once a year
    if key == "quarter":
        code, is_time = "Q", False
    elif key in UNITS:
        code, is_time = UNITS[key]
    else:
        return None
    n = "X" if number is None else _fmt_num(number * UNIT_SCALE.get(key, 1))
    return f"PT{n}{code}" if is_time else f"P{n}{code}"


def _anaphoric(
    low: str,
    text: str,
    span: tuple[int | None, int | None],
    dct: dt.date | None,
    reference: TimeExpression | None,
    day: dt.date | None,
) -> TimeExpression | None:
    """ "the day", "that year", "the previous day", "late in the day", "in the morning": the
    time the text is about (the last day named for days, the reference for longer spans), or
    the publication date when the text named none."""
    part = ""
    if re.fullmatch(_SAME_LAST_YEAR[2:-2], low):
        return _year_back(text, span, dct, reference)
    if low == "that time":
        if reference is None:
            return _unresolved(text, span)
        return reference.model_copy(update={"text": text, "start": span[0], "end": span[1]})
    m = re.fullmatch(rf"(?:the |this |that )?(?:{_EARLY_LATE} )?({_PART_OF_DAY})", low)
    if m:
        unit, delta, part = "day", 0, PARTS_OF_DAY[m[1]]
    elif (m := _ANAPHORIC.fullmatch(low)) is not None:
        unit, delta = m[1] or m[2], 0
    elif (
        m := re.fullmatch(
            rf"(?:the ({_THE_REL}) ({_CALENDAR_UNIT})|"
            rf"the ({_CALENDAR_UNIT}) {_UNIT_BEFORE})",
            low,
        )
    ) is not None:
        rel = m[1] or "previous"
        unit = m[2] or m[3]
        if rel == "next" and unit != "day":
            return None  # "the next year" looks ahead from the publication date
        delta = _NARRATIVE_REL.get(rel, 1)
    else:
        return None
    gran_rank = {"day": 0, "week": 1, "month": 2, "year": 3}
    base: dt.date | None = day if unit == "day" else None
    if (
        base is None
        and reference is not None
        and reference.begin is not None
        and (unit == "year" or gran_rank.get(reference.granularity, 9) <= gran_rank[unit])
    ):
        base = reference.begin
    anchor: Literal["absolute", "publication"] = "publication"
    if base is not None and reference is not None and reference.anchor == "absolute":
        anchor = "absolute"
    base = base or dct
    if base is None:
        return _unresolved(text, span, gran=unit)  # type: ignore[arg-type]
    if unit == "day":
        return day_expr(base + dt.timedelta(days=delta), text, anchor, span, suffix=part)
    if unit == "week":
        return week_expr(base + dt.timedelta(weeks=delta), text, span).model_copy(
            update={"anchor": anchor}
        )
    if unit == "month":
        y, mo = _shift_month(base.year, base.month, delta)
        return month_expr(y, mo, text, anchor, span)
    fiscal = _fiscal_year(reference.value) if reference is not None else None
    if fiscal is not None and reference is not None and base == reference.begin:
        return fiscal_expr(fiscal + delta, text, anchor, span)  # "the following year" of FY2007
    return year_expr(base.year + delta, text, anchor, span)


def _year_back(
    text: str,
    span: tuple[int | None, int | None],
    dct: dt.date | None,
    reference: TimeExpression | None,
) -> TimeExpression:
    """The period of the reference (or of the publication date: its month), one year earlier."""
    if reference is None or reference.begin is None:
        if dct is None:
            return _unresolved(text, span)
        return month_expr(dct.year - 1, dct.month, text, "publication", span)
    b = reference.begin
    gran = reference.granularity
    fiscal = _fiscal_year(reference.value)
    if fiscal is not None:
        return fiscal_expr(fiscal - 1, text, "publication", span)
    if gran == "day":
        return _safe_day(
            b.year - 1,
            b.month,
            min(b.day, 28) if b.month == 2 else b.day,
            text,
            "publication",
            span,
        )
    if gran == "month":
        return month_expr(b.year - 1, b.month, text, "publication", span)
    if gran == "quarter":
        return quarter_expr(b.year - 1, (b.month - 1) // 3 + 1, text, "publication", span)
    if gran == "week":
        return week_expr(b - dt.timedelta(weeks=52), text, span)
    return year_expr(b.year - 1, text, "publication", span)


def normalise_time(
    text: str,
    *,
    dct: dt.date | None,
    tense: Tense = "unknown",
    start: int | None = None,
    end: int | None = None,
    context_date: dt.date | None = None,
    reference: TimeExpression | None = None,
    before: str = "",
    after: str = "",
) -> TimeExpression:
    """Normalise one time expression.

    `dct` is the publication date (None: relative expressions stay unresolved, never resolved
    against today); `tense` is the tense of the governing verb, used to choose between the last
    and the next 'Tuesday' or 'June'. `context_date` is the day the text is talking about: it
    anchors a bare clock time ("18:00 UTC") and "the day", "the same day", "the previous day".
    `reference` is the last anchored expression before this one in the text (see
    :func:`resolve_sentence`): "that year" and "the previous year" refer to it. Without them,
    such expressions are taken from the publication date. `before` and `after` are the texts
    around the expression: words there can complete it ("October" of next year; "60" and 90
    days; "fourth week" in a row; their best "week" since November).

    >>> normalise_time("last week", dct=dt.date(2021, 3, 16)).value
    '2021-W10'
    """
    span = (start, end)
    clean = re.sub(r"\s+", " ", text.strip().rstrip(".,")).replace("’", "'")
    m = _YEAR_SPAN_PARTS.fullmatch(clean)
    if m:
        # "from 2009 to 2011": a stretch of two years (TIMEX3 DURATION P2Y) with its interval.
        first, last = int(m[1] or m[2]), int(m[3])
        if first < last:
            return TimeExpression(
                text=text,
                start=start,
                end=end,
                value=f"P{last - first}Y",
                begin=dt.date(first, 1, 1),
                finish=dt.date(last, 12, 31),
                granularity="year",
                resolved=True,
                anchor="absolute",
            )
    clean = _LEAD.sub("", clean) if not clean.lower().startswith("the ") else clean
    low = clean.lower()
    low_nothe = low[4:] if low.startswith("the ") else low
    tail = _continuation(low, after)
    if tail:
        whole = normalise_time(
            clean + tail,
            dct=dct,
            tense=tense,
            start=start,
            end=end,
            context_date=context_date,
            reference=reference,
        )
        return whole.model_copy(update={"text": text})
    current = _current_unit(low, before, after)
    if current is not None:
        return _current(current, text, span, dct, context_date)
    m = re.fullmatch(rf"an? (?:[a-z]+ly )?([a-z-]+) ({_CALENDAR_UNIT})", low)
    if m and not _not_a_description(m[1]):
        unit_code = _UNIT_CODES[m[2]]
        return TimeExpression(
            text=text,
            start=start,
            end=end,
            value=f"P1{unit_code}",
            resolved=True,
            anchor="absolute",
        )

    vague = _VAGUE_DURATIONS.get(low)
    m = _VAGUE_PLURAL.fullmatch(low) if vague is None else None
    if m:
        vague = f"PX{_UNIT_CODES[m[1].lower().rstrip('s')]}".replace("PXT", "PTX")
    if vague is not None:
        return TimeExpression(
            text=text, start=start, end=end, value=vague, resolved=True, anchor="absolute"
        )
    m = re.fullmatch(r"(\w+) ago", low)
    if m and re.fullmatch(_PLURAL_UNIT, m[1]):
        # "years ago": some time back, with no interval to compare.
        return TimeExpression(
            text=text, start=start, end=end, value="PAST_REF", relative=low, anchor="none"
        )
    recurring = _recurring(low)
    if recurring is not None:
        return TimeExpression(
            text=text, start=start, end=end, value=recurring, resolved=True, anchor="absolute"
        )
    anaphoric = _anaphoric(low, text, span, dct, reference, context_date)
    if anaphoric is not None:
        return anaphoric
    m = re.fullmatch(
        rf"({_CLOCK}(?: \(?{_ZONE}\)?)?(?: {_LOCAL})?),? (?:on )?(.+)", clean, re.IGNORECASE
    )
    if m:
        on_day = normalise_time(m[2], dct=dct, tense=tense, reference=reference)
        if on_day.granularity == "day" and on_day.begin is not None:
            inner = normalise_time(m[1], dct=dct, tense=tense, context_date=on_day.begin)
            return inner.model_copy(update={"text": text, "start": start, "end": end})
    if _HISTORY.fullmatch(low):
        low = "history"  # "our recent history", "recent U.S. history": the past
    if low_nothe in _REFS or low in _REFS:
        ref = _REFS.get(low, _REFS.get(low_nothe, "PRESENT_REF"))
        # Vague references keep their TIMEX3 value but no interval: "currently" must not
        # contradict "on Tuesday".
        return TimeExpression(
            text=text, start=start, end=end, value=ref, resolved=False, relative=low, anchor="none"
        )
    if low in _SETS:
        return TimeExpression(
            text=text, start=start, end=end, value=_SETS[low], resolved=True, anchor="absolute"
        )
    fiscal = _fiscal(low, text, span, dct)
    if fiscal is not None:
        return fiscal

    # ISO and numeric dates are absolute.
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", clean)
    if m:
        try:
            return day_expr(dt.date(int(m[1]), int(m[2]), int(m[3])), text, "absolute", span)
        except ValueError:
            return _unresolved(text, span)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", clean)
    if m:
        year = int(m[3]) + (
            2000 if len(m[3]) == 2 and int(m[3]) < 50 else 1900 if len(m[3]) == 2 else 0
        )
        try:
            return day_expr(dt.date(year, int(m[1]), int(m[2])), text, "absolute", span)
        except ValueError:
            return _unresolved(text, span)

    # Relative days.
    m = re.fullmatch(rf"(?:({_NEAR}) )?({_RELATIVE_DAY})", low)
    m2 = re.fullmatch(rf"({_DAY_AWAY}|last) ({_PART_OF_DAY})", low)
    if m or m2:
        word = m[2] if m else m2[1] if m2 else ""
        part = PARTS_OF_DAY.get(m2[2], "") if m2 else RELATIVE_DAYS[word][1]
        if dct is None:
            return _unresolved(text, span)
        delta = RELATIVE_DAYS.get(word, (0, ""))[0]
        if word == "last":
            delta = -1 if m2 and m2[2] == "night" else 0  # "last night" is yesterday's
        return day_expr(dct + dt.timedelta(days=delta), text, "publication", span, suffix=part)

    # Weekdays, optionally with a date and a part of the day.
    m = re.fullmatch(
        rf"(?:({_NAMED_REL}|{_PERIOD_WORD})[- ])?({_DAY_RE})"
        rf"(?:,? ({_MONTH_RE}) (\d{{1,2}}){ORDINAL_SUFFIX}?(?:,? ({_YEAR_RE}))?)?"
        rf"(?: ({_PART_OF_DAY}))?",
        clean,
        re.IGNORECASE,
    )
    if m:
        suffix = PARTS_OF_DAY.get((m[6] or "").lower(), "")
        if m[3]:
            month = MONTHS[m[3].lower().rstrip(".")]
            day = int(m[4])
            if m[5]:
                return _safe_day(int(m[5]), month, day, text, "absolute", span, suffix)
            if dct is None:
                return _unresolved(text, span, value=f"XXXX-{month:02d}-{day:02d}", gran="day")
            year = _resolve_month(dct, month, _direction(tense, text), day, near=not _signal(text))
            return _safe_day(year, month, day, text, "publication", span, suffix)
        if dct is None:
            return _unresolved(text, span, gran="day")
        weekday = WEEKDAYS[m[2].lower()]
        direction = _direction(tense, text)
        if (m[1] or "").lower() == "this":
            direction = 0 if tense == "unknown" else direction
        return day_expr(
            _resolve_weekday(dct, weekday, direction), text, "publication", span, suffix
        )

    # Month and day, with or without a year.
    m = re.fullmatch(
        rf"(?:(?:the )?({_PERIOD_PART})[- ])?({_MONTH_RE}) (\d{{1,2}}){ORDINAL_SUFFIX}?(?:,? ({_YEAR_RE}))?",
        clean,
        re.IGNORECASE,
    ) or re.fullmatch(
        rf"()(\d{{1,2}}){ORDINAL_SUFFIX}? (?:of )?({_MONTH_RE})(?:,? ({_YEAR_RE}))?",
        clean,
        re.IGNORECASE,
    )
    if m:
        if m[2].isdigit():
            day, month = int(m[2]), MONTHS[m[3].lower().rstrip(".")]
        else:
            month, day = MONTHS[m[2].lower().rstrip(".")], int(m[3])
        if m[4]:
            return _safe_day(int(m[4]), month, day, text, "absolute", span)
        if dct is None:
            return _unresolved(text, span, value=f"XXXX-{month:02d}-{day:02d}", gran="day")
        year = _resolve_month(dct, month, _direction(tense, text), day, near=not _signal(text))
        return _safe_day(year, month, day, text, "publication", span)

    # "the last week of March": the week with most of its days in that month (the week holding
    # the month's 4th day is its first; the one holding its last day but three, its last).
    m = re.fullmatch(
        rf"(?:the )?({_WEEK_ORDINAL}) week of ({_MONTH_RE})(?:,? ({_YEAR_RE}))?",
        clean,
        re.IGNORECASE,
    )
    if m:
        month = MONTHS[m[2].lower().rstrip(".")]
        if m[3]:
            year, week_anchor = int(m[3]), "absolute"
        elif dct is None:
            return _unresolved(text, span, gran="week")
        else:
            year = _resolve_month(dct, month, _direction(tense, text), near=True)
            week_anchor = "publication"
        last = calendar.monthrange(year, month)[1]
        n = ORDINAL_WORDS.get(m[1].lower())
        day = last - 3 if m[1].lower() in {"last", "final"} or n is None else 4 + 7 * (n - 1)
        week = week_expr(dt.date(year, month, day), text, span)
        return week.model_copy(update={"anchor": week_anchor})

    # Month (with year), halves of a month, early/late month.
    m = re.fullmatch(
        rf"(?:(?:the )?({_HALF}) half of |(?:the )?({_PERIOD_PART})[- ]|({_NAMED_REL}) )?"
        rf"({_MONTH_RE})(?:,? (?:of )?({_YEAR_RE}|{_REL_YEAR}))?",
        clean,
        re.IGNORECASE,
    )
    if m:
        month = MONTHS[m[4].lower().rstrip(".")]
        anchor: Literal["absolute", "publication"] = "absolute"
        if m[5] and not m[5][0].isdigit():
            if dct is None:
                return _unresolved(text, span, value=f"XXXX-{month:02d}", gran="month")
            year, anchor = _year_of(m[5], dct) or dct.year, "publication"
        elif m[5]:
            year = int(m[5])
        elif dct is None:
            return _unresolved(text, span, value=f"XXXX-{month:02d}", gran="month")
        else:
            year, anchor = (
                _resolve_month(dct, month, _direction(tense, text), near=not _signal(text)),
                "publication",
            )
        expr = month_expr(year, month, text, anchor, span)
        if m[1]:
            last = calendar.monthrange(year, month)[1]
            first_half = _HALVES[m[1].lower()] == 1
            b = dt.date(year, month, 1 if first_half else 16)
            f = dt.date(year, month, 15 if first_half else last)
            return expr.model_copy(update={"begin": b, "finish": f, "granularity": "half"})
        return expr

    # Quarters and halves of a year.
    m = re.fullmatch(rf"(?:the )?({_QUARTER})[- ]quarter(?: of (.+))?", low)
    if m:
        q = ORDINAL_WORDS[m[1]]
        quarter_year = _year_of(m[2], dct) if m[2] else None
        if quarter_year is None:
            if dct is None:
                return _unresolved(text, span, gran="quarter")
            cur_q = (dct.month - 1) // 3 + 1
            if m[1] in {"last", "final"} and not m[2]:
                # "the last quarter" is the one before the current quarter.
                y, q = (dct.year, cur_q - 1) if cur_q > 1 else (dct.year - 1, 4)
                return quarter_expr(y, q, text, "publication", span)
            qy = dct.year if q <= cur_q or tense != "past" else dct.year - 1
            return quarter_expr(qy, q, text, "publication", span)
        return quarter_expr(
            quarter_year, q, text, "absolute" if m[2] and m[2][0].isdigit() else "publication", span
        )
    m = re.fullmatch(rf"q([1-4])(?: ({_YEAR_RE}))?", low)
    if m:
        if m[2]:
            return quarter_expr(int(m[2]), int(m[1]), text, "absolute", span)
        if dct is None:
            return _unresolved(text, span, gran="quarter")
        return quarter_expr(dct.year, int(m[1]), text, "publication", span)
    m = re.fullmatch(rf"(?:the )?({_HALF}) half of (.+)", low)
    if m:
        half_year = _year_of(m[2], dct)
        if half_year is None:
            return _unresolved(text, span, gran="half")
        year = half_year
        h = _HALVES[m[1]]
        b = dt.date(year, 1 if h == 1 else 7, 1)
        f = dt.date(year, 6 if h == 1 else 12, 30 if h == 1 else 31)
        half_anchor: Literal["absolute", "publication"] = (
            "absolute" if m[2][0].isdigit() else "publication"
        )
        return _date_range("half", b, f, f"{year:04d}-H{h}", text, half_anchor, span)

    # Beginning / end of a year, month or week.
    m = re.fullmatch(rf"(?:the )?(?:very )?({_PERIOD_OF}) of (.+)", low)
    if m:
        rest = {"the year": "this year", "the month": "this month", "the week": "this week"}.get(
            m[2], m[2]
        )
        inner = normalise_time(rest, dct=dct, tense=tense, start=start, end=end)
        return inner.model_copy(update={"text": text})

    # Seasons.
    m = re.fullmatch(
        rf"(?:({_SEASON_REL}|(?:{_AFTER['season']} )?the|{_AFTER['season']}) )?({_SEASON})(?: (?:of )?({_YEAR_RE}))?",
        low,
    )
    if m:
        code = SEASONS[m[2]]
        season_anchor: Literal["absolute", "publication"] = "absolute"
        if m[3]:
            year = int(m[3])
        elif dct is None:
            return _unresolved(text, span, gran="season")
        else:
            year, season_anchor = dct.year, "publication"
            year += _SHIFTS.get(m[1] or "", 0)  # "last summer": -1, "next summer": 1
        starts = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}[code]
        if dct is not None and not m[3] and m[1] not in _WORDS["season_relative"]:
            # A bare season follows the tense: "in summer" of a past-tense sentence in March is
            # last year's summer.
            if tense == "past" and dt.date(year, starts[0], 1) > dct:
                year -= 1
            elif tense == "future" and dt.date(year, starts[1], 28) < dct and code != "WI":
                year += 1
        b = dt.date(year, starts[0], 1)
        fy = year + 1 if code == "WI" else year
        f = dt.date(fy, starts[1], calendar.monthrange(fy, starts[1])[1])
        return _date_range("season", b, f, f"{year:04d}-{code}", text, season_anchor, span)

    # "the next decade", "the past century": a stretch of time counted from now, not the 2020s.
    m = re.fullmatch(rf"(?:the )?{_SPAN_REL} (decade|century)", low)
    if m:
        return TimeExpression(
            text=text,
            start=start,
            end=end,
            value="P10Y" if m[1] == "decade" else "P100Y",
            resolved=True,
            anchor="absolute",
        )
    m = re.fullmatch(rf"the ({_CALENDAR_UNIT}) {_UNIT_BEFORE}", low)
    if m:
        low = f"the previous {m[1]}"
    # Relative weeks, months, years, weekends.
    m = re.fullmatch(
        rf"(?:(?:the )?({_REL})|({_NEAR}) this|the ({_THE_REL})) ({_REL_UNIT}|day)",
        low,
    )
    if m or low_nothe == "weekend":
        if dct is None:
            return _unresolved(text, span)
        if low_nothe == "weekend":
            rel, unit = "", "weekend"
        else:
            assert m is not None
            rel = (m[1] or m[3] or "this").lower()
            unit = m[4]
        delta = _SHIFTS.get(rel, 0)
        if unit == "week":
            return week_expr(dct + dt.timedelta(weeks=delta), text, span)
        if unit == "weekend":
            if delta == 0 and rel == "" and tense == "past" and dct.weekday() < 5:
                delta = -1
            return week_expr(dct + dt.timedelta(weeks=delta), text, span, weekend=True)
        if unit == "month":
            y, mo = _shift_month(dct.year, dct.month, delta)
            return month_expr(y, mo, text, "publication", span)
        if unit == "year":
            return year_expr(dct.year + delta, text, "publication", span)
        if unit == "day":
            return day_expr(dct + dt.timedelta(days=delta), text, "publication", span)
        if unit == "quarter":
            y, mo = _shift_month(dct.year, dct.month, 3 * delta)
            return quarter_expr(y, (mo - 1) // 3 + 1, text, "publication", span)
        if unit == "decade":
            d0 = (dct.year // 10 + delta) * 10
            return _date_range(
                "decade",
                dt.date(d0, 1, 1),
                dt.date(d0 + 9, 12, 31),
                f"{d0 // 10:03d}",
                text,
                "publication",
                span,
            )
        c0 = (dct.year // 100 + delta) * 100
        return _date_range(
            "century",
            dt.date(max(c0, 1), 1, 1),
            dt.date(c0 + 99, 12, 31),
            f"{c0 // 100:02d}",
            text,
            "publication",
            span,
        )

    # Relative weekday/month with last/next is handled above; durations and "X ago".
    dur = _duration(clean, span, dct)
    if dur is not None:
        return dur

    # Years, year ranges ("1957-58": an ISO 8601 interval of years), decades, centuries.
    m = re.fullmatch(rf"({_YEAR_RE})[-–/](\d\d|{_YEAR_RE})", low)
    if m:
        first, second = int(m[1]), int(m[2])
        second += first // 100 * 100 if second < 100 else 0
        if first < second:
            return _date_range(
                "year",
                dt.date(first, 1, 1),
                dt.date(second, 12, 31),
                f"{first:04d}/{second:04d}",
                text,
                "absolute",
                span,
            )
    m = re.fullmatch(rf"(?:({_PERIOD_WORD})[- ])?({_YEAR_RE})", low)
    if m:
        return year_expr(int(m[2]), text, "absolute", span)
    m = re.fullmatch(r"(?:the )?(?:early |mid-|late )?(?:(1[6-9]|20)(\d)0s|'(\d)0s|(\d)0s)", low)
    if m:
        if m[1]:
            d0 = int(m[1]) * 100 + int(m[2]) * 10
        else:
            digit = int(m[3] or m[4])
            century = 1900 if digit >= 3 or dct is None else (dct.year // 100) * 100
            if dct is not None and century + digit * 10 > dct.year:
                century -= 100
            d0 = century + digit * 10
        return _date_range(
            "decade",
            dt.date(d0, 1, 1),
            dt.date(d0 + 9, 12, 31),
            f"{d0 // 10:03d}",
            text,
            "absolute",
            span,
        )
    m = re.fullmatch(r"(?:the )?(\S+) century", low)
    if m:
        word = m[1]
        n = parse_ordinal(word)
        if n:
            c0 = (n - 1) * 100
            return _date_range(
                "century",
                dt.date(max(c0, 1), 1, 1),
                dt.date(c0 + 99, 12, 31),
                f"{n - 1:02d}",
                text,
                "absolute",
                span,
            )
    m = re.fullmatch(r"'(\d\d)", clean)
    if m:
        y2 = int(m[1])
        year = 2000 + y2 if dct is not None and 2000 + y2 <= dct.year else 1900 + y2
        return year_expr(year, text, "absolute", span)

    # Clock times: anchored on the context date or the publication date.
    m = re.fullmatch(
        rf"(\d{{1,2}})(?:[.:](\d{{2}}))?(?: ?([ap])\.?m\.?)?(?: \(?([a-z]{{2,4}})\)?)?(?: {_LOCAL})?",
        low,
    )
    if m and (m[2] or m[3] or m[4]):
        hour, minute = int(m[1]), int(m[2] or 0)
        if m[3] == "p" and hour < 12:
            hour += 12
        if m[3] == "a" and hour == 12:
            hour = 0
        zone = TIME_ZONES.get((m[4] or "").upper(), "")
        clock = f"{hour:02d}:{minute:02d}{zone}"
        if hour > 23 or minute > 59:
            return _unresolved(text, span, value=f"T{clock}")
        anchor = "absolute" if context_date else "publication"
        return _clock_time(text, span, context_date or dct, clock, anchor=anchor)
    m = re.fullmatch(rf"(\d{{2}})(\d{{2}}) {_UTC}", low, re.IGNORECASE)
    if m:
        return _clock_time(text, span, context_date or dct, f"{m[1]}:{m[2]}Z", anchor="publication")

    # Anything else: let dateutil try an absolute date with every field given.
    return _fallback(text, span)


def _current_unit(low: str, before: str, after: str) -> str | None:
    """The unit of a run or record the text reports on ("a third straight session": day), or
    None: "the second consecutive week", "fourth week" in a row, best "week" since November."""
    m = _RUN.fullmatch(low)
    if m is None and not (
        re.fullmatch(_RUN_UNIT, low)
        and _SUPERLATIVE_BEFORE.search(before)
        and re.match(r"\s+since\b", after)
    ):
        return None
    unit = (m[1] or m[2]) if m else low
    unit = unit.split()[-1]
    return _RUN_UNITS.get(unit, unit)


def _current(
    unit: str,
    text: str,
    span: tuple[int | None, int | None],
    dct: dt.date | None,
    day: dt.date | None,
) -> TimeExpression:
    """The day, week, month, quarter or year holding the day the text is about (else the
    publication date)."""
    base = day or dct
    if base is None:
        return _unresolved(text, span, gran=unit)  # type: ignore[arg-type]
    if unit == "day":
        return day_expr(base, text, "publication", span)
    if unit == "week":
        return week_expr(base, text, span)
    if unit == "month":
        return month_expr(base.year, base.month, text, "publication", span)
    if unit == "quarter":
        return quarter_expr(base.year, (base.month - 1) // 3 + 1, text, "publication", span)
    return year_expr(base.year, text, "publication", span)


def _not_a_description(word: str) -> bool:
    """Whether `word` before a unit makes "a ... day" something other than one day described:
    an ordinal or count ("a second day"), a pointer ("a later day", "a certain day")."""
    return (
        parse_ordinal(word) is not None
        or word in _WORDS["pointers"]
        or re.fullmatch(_NOT_A_DESCRIPTION, word) is not None
    )


def _continuation(low: str, after: str) -> str:
    """What of `after` completes the expression `low`, or "": the year of a bare month
    ("October of next year", "June this year"), the unit of a count before another ("between 60
    and 90 days": 60 days)."""
    if not after:
        return ""
    if low.rstrip(".") in MONTHS:
        m = re.match(rf",? (?:of )?{_REL_YEAR}\b", after, re.IGNORECASE)
        return m.group() if m else ""
    if re.fullmatch(_COUNT, low):
        m = re.match(_SHARED_UNIT, after, re.IGNORECASE)
        return f" {m[1]}" if m else ""
    if re.fullmatch(rf"{_RUN_DET}{_RUN_ORD} {_RUN_UNIT}", low):
        m = re.match(r" in a row\b", after, re.IGNORECASE)
        return m.group() if m else ""
    return ""


def _is_clock(text: str) -> bool:
    """A clock time with no day of its own ("15:00 GMT", "3 p.m."): it takes the day in context."""
    low = re.sub(r"\s+", " ", text.strip().lower())
    return bool(
        re.fullmatch(
            r"(?:at |by |until |from )?(?:\d{1,2}(?:[.:]\d{2})?(?: ?[ap]\.?m\.?)?|\d{4})"
            rf"(?: \(?[a-z]{{2,4}}\)?)?(?: {_LOCAL})?",
            low,
        )
        and re.search(r"[:ap]|\d{4} |[a-z]{3}", low)
    )


def _anchors_reference(expr: TimeExpression) -> bool:
    """Whether later anaphora ("the day", "that year") can refer to `expr`: an anchored point or
    stretch of the calendar, not a duration, a set or a vague reference."""
    return (
        expr.resolved
        and expr.begin is not None
        and expr.anchor != "none"
        and not (expr.value or "").startswith(("P", "X"))
    )


@dataclass(frozen=True)
class Discourse:
    """What a text has named so far: its last anchored time expression and its last day."""

    last: TimeExpression | None = None
    day: dt.date | None = None


def resolve_sentence(
    found: Sequence[Found],
    tenses: Sequence[Tense],
    *,
    dct: dt.date | None,
    discourse: Discourse = Discourse(),
    text: str | None = None,
) -> tuple[list[TimeExpression], Discourse]:
    """Normalise the time expressions of one sentence, in order, and return the new discourse.

    `discourse` is what the sentences before named (empty at the start of a document); `text`,
    when given, is the text the offsets of `found` index, whose words just after an expression
    can complete it (see :func:`normalise_time`). A bare
    clock time takes the first day named in its sentence, else the last day named before, else
    the publication date; "the day" is the last day named, "that year" the last anchored time.
    """
    out: list[TimeExpression] = []
    day_context: dt.date | None = None
    before = discourse.day
    around = [
        (text[max(0, f.start - 40) : f.start], text[f.end : f.end + 40]) if text else ("", "")
        for f in found
    ]
    # Clock times and runs ("a third straight session") take the day of their sentence.
    takes_day = [
        _is_clock(f.text) or _current_unit(_plain(f.text), *ctx) is not None
        for f, ctx in zip(found, around, strict=True)
    ]
    for f, tense, ctx, later in zip(found, tenses, around, takes_day, strict=True):
        expr = normalise_time(
            f.text,
            dct=dct,
            tense=tense,
            start=f.start,
            end=f.end,
            reference=discourse.last,
            context_date=discourse.day,
            before=ctx[0],
            after=ctx[1],
        )
        out.append(expr)
        if later or not _anchors_reference(expr):
            continue
        day = expr.begin if expr.granularity == "day" else discourse.day
        discourse = Discourse(last=expr, day=day)
        if expr.granularity == "day":
            day_context = day_context or expr.begin
    day_context = day_context or before
    for i, (f, tense, ctx) in enumerate(zip(found, tenses, around, strict=True)):
        if day_context is not None and takes_day[i]:
            out[i] = normalise_time(
                f.text,
                dct=dct,
                tense=tense,
                start=f.start,
                end=f.end,
                context_date=day_context,
                before=ctx[0],
                after=ctx[1],
            )
    return out, discourse


def _plain(text: str) -> str:
    """`text` lower-cased, its spaces single, as normalise_time reads it."""
    return re.sub(r"\s+", " ", text.strip().rstrip(".,")).replace("’", "'").lower()


def _safe_day(
    year: int,
    month: int,
    day: int,
    text: str,
    anchor: Literal["absolute", "publication"],
    span: tuple[int | None, int | None],
    suffix: str = "",
) -> TimeExpression:
    try:
        return day_expr(dt.date(year, month, day), text, anchor, span, suffix)
    except ValueError:
        return _unresolved(text, span)


_SENTINELS = (dt.datetime(1900, 1, 1), dt.datetime(1904, 2, 29))


def _fallback(text: str, span: tuple[int | None, int | None]) -> TimeExpression:
    """Absolute dates in forms the rules above do not cover; only when year, month and day are all given."""
    results = []
    for default in _SENTINELS:
        try:
            with warnings.catch_warnings():
                # A zone dateutil does not know ("CDT") is left out of the date, which is all
                # we keep; its warning would reach the user's terminal once per such mention.
                warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
                results.append(date_parser.parse(text, default=default, fuzzy=False))
        except (ValueError, OverflowError):
            return _unresolved(text, span)
    a, b = results
    if a.date() == b.date():
        return day_expr(a.date(), text, "absolute", span)
    return _unresolved(text, span)

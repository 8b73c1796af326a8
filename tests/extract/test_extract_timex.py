"""Time expressions: detection in text and normalisation against the publication date and tense."""

from __future__ import annotations

import datetime as dt

import pytest

from factcheck.extract.numbers import parse_number, parse_ordinal
from factcheck.extract.timex import find_time_expressions, normalise_time

# Tuesday 16 March 2021.
DCT = dt.date(2021, 3, 16)


@pytest.mark.parametrize(
    ("text", "tense", "value", "begin", "finish", "granularity"),
    [
        ("Tuesday", "future", "2021-03-16", "2021-03-16", "2021-03-16", "day"),
        ("Sunday", "past", "2021-03-14", "2021-03-14", "2021-03-14", "day"),
        ("Sunday", "future", "2021-03-21", "2021-03-21", "2021-03-21", "day"),
        ("Thursday", "future", "2021-03-18", "2021-03-18", "2021-03-18", "day"),
        ("Thursday", "past", "2021-03-11", "2021-03-11", "2021-03-11", "day"),
        ("Feb. 1", "past", "2021-02-01", "2021-02-01", "2021-02-01", "day"),
        ("Feb. 1", "unknown", "2021-02-01", "2021-02-01", "2021-02-01", "day"),
        ("December 24", "past", "2020-12-24", "2020-12-24", "2020-12-24", "day"),
        ("April 2019", "unknown", "2019-04", "2019-04-01", "2019-04-30", "month"),
        ("January", "past", "2021-01", "2021-01-01", "2021-01-31", "month"),
        ("this week", "unknown", "2021-W11", "2021-03-15", "2021-03-21", "week"),
        ("last week", "past", "2021-W10", "2021-03-08", "2021-03-14", "week"),
        ("next month", "future", "2021-04", "2021-04-01", "2021-04-30", "month"),
        ("last year", "past", "2020", "2020-01-01", "2020-12-31", "year"),
        ("yesterday", "past", "2021-03-15", "2021-03-15", "2021-03-15", "day"),
        ("the first half of April", "future", "2021-04", "2021-04-01", "2021-04-15", "half"),
        ("the first quarter of 2009", "past", "2009-Q1", "2009-01-01", "2009-03-31", "quarter"),
        ("March 16, 2021", "unknown", "2021-03-16", "2021-03-16", "2021-03-16", "day"),
        ("16 March 2021", "unknown", "2021-03-16", "2021-03-16", "2021-03-16", "day"),
        ("2021-03-16", "unknown", "2021-03-16", "2021-03-16", "2021-03-16", "day"),
        ("the 1990s", "past", "199", "1990-01-01", "1999-12-31", "decade"),
        ("the 21st century", "unknown", "20", "2000-01-01", "2099-12-31", "century"),
        ("summer 2019", "past", "2019-SU", "2019-06-01", "2019-08-31", "season"),
        ("2019", "past", "2019", "2019-01-01", "2019-12-31", "year"),
    ],
)
def test_normalise_time_resolves_against_publication_date(
    text: str, tense: str, value: str, begin: str, finish: str, granularity: str
) -> None:
    t = normalise_time(text, dct=DCT, tense=tense)  # type: ignore[arg-type]
    assert (t.value, t.granularity, t.resolved) == (value, granularity, True)
    assert t.begin == dt.date.fromisoformat(begin)
    assert t.finish == dt.date.fromisoformat(finish)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("two years", "P2Y"),
        ("over six decades", "P60Y"),
        ("18 months", "P18M"),
        ("thirty minutes", "PT30M"),
        ("a week", "P1W"),
        ("several years", "PXY"),
        ("almost two and a half years", "P2.5Y"),
        ("the past nine days", "P9D"),
        ("annual", "P1Y"),
    ],
)
def test_durations_are_iso_periods(text: str, value: str) -> None:
    t = normalise_time(text, dct=DCT)
    assert t.value == value
    assert t.begin is None


@pytest.mark.parametrize(
    "text", ["Tuesday", "last week", "next month", "yesterday", "this year", "Feb. 1"]
)
def test_without_publication_date_relative_times_stay_unresolved(text: str) -> None:
    t = normalise_time(text, dct=None, tense="past")
    assert t.resolved is False
    assert t.begin is None and t.finish is None
    assert t.relative == text.lower()
    assert t.anchor == "none"


def test_absolute_dates_resolve_without_publication_date() -> None:
    t = normalise_time("April 2019", dct=None)
    assert (t.value, t.resolved, t.anchor) == ("2019-04", True, "absolute")


def test_vague_present_reference_has_no_interval() -> None:
    t = normalise_time("currently", dct=DCT)
    assert t.value == "PRESENT_REF"
    assert t.begin is None and not t.resolved


def test_clock_time_takes_the_context_date() -> None:
    t = normalise_time("18:00 UTC", dct=DCT, context_date=dt.date(2021, 3, 14))
    assert t.value == "2021-03-14T18:00Z"


def test_ago_counts_back_from_publication() -> None:
    assert normalise_time("three days ago", dct=DCT).value == "2021-03-13"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Talks are to be held Tuesday in Tokyo.", ["Tuesday"]),
        (
            "The meeting, the first since April 2019, comes in the first half of April.",
            ["April 2019", "the first half of April"],
        ),
        (
            "Sales rose in the first quarter of 2009 after the past decade.",
            ["the first quarter of 2009", "the past decade"],
        ),
        ("It released a statement on Sunday, last week.", ["Sunday", "last week"]),
        ("The government may decide in March.", ["March"]),
        ("Officials may march on the capital.", []),
        ("The firm hired 2000 people in 1999.", ["1999"]),
        ("The alliance has lasted over six decades.", ["over six decades"]),
    ],
)
def test_find_time_expressions(sentence: str, expected: list[str]) -> None:
    found = find_time_expressions(sentence)
    assert [f.text for f in found] == expected
    for f in found:
        assert sentence[f.start : f.end] == f.text


def test_find_time_expressions_shifts_offsets() -> None:
    (f,) = find_time_expressions("on Monday", offset=100)
    assert (f.start, f.end) == (103, 109)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,100", 1100),
        ("2.7 billion", 2.7e9),
        ("twenty-five", 25),
        ("six", 6),
        ("three hundred thousand", 300_000),
        ("two and a half", 2.5),
        ("a dozen", 12),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"), [("21st", 21), ("third", 3), ("twenty-first", 21), ("fish", None)]
)
def test_parse_ordinal(text: str, value: int | None) -> None:
    assert parse_ordinal(text) == value


@pytest.mark.parametrize(
    ("text", "dct", "value", "resolved"),
    [
        ("3 p.m.", DCT, f"{DCT.isoformat()}T15:00", True),
        ("1400 GMT", DCT, f"{DCT.isoformat()}T14:00Z", True),
        ("1400 GMT", None, "T14:00Z", False),
        ("25:00", DCT, "T25:00", False),
    ],
)
def test_clock_times(text: str, dct: dt.date | None, value: str, resolved: bool) -> None:
    t = normalise_time(text, dct=dct)
    assert (t.value, t.resolved) == (value, resolved)

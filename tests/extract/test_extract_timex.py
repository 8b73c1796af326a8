"""Time expressions: detection in text and normalisation against the publication date and tense."""

from __future__ import annotations

import datetime as dt

import pytest

from factcheck.extract.numbers import parse_number, parse_ordinal
from factcheck.extract.timex import (
    Discourse,
    Found,
    find_time_expressions,
    normalise_time,
    resolve_sentence,
)

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


# --------------------------------------------------------------------------- issue 18 error classes


def _values(
    sentence: str, *, dct: dt.date | None = DCT, tense: str = "past"
) -> list[tuple[str, str | None]]:
    """(text, value) of each expression found in one sentence, resolved in order."""
    found = find_time_expressions(sentence)
    exprs, _ = resolve_sentence(found, [tense] * len(found), dct=dct)  # type: ignore[list-item]
    return [(f.text, e.value) for f, e in zip(found, exprs, strict=True)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The signal word decides: only "ago" counts back from the publication date.
        ("The ferry had sunk a month earlier.", [("a month", "P1M")]),
        ("Eight years from now the dam will be full.", [("Eight years", "P8Y")]),
        ("Two years after the flood the town was rebuilt.", [("Two years", "P2Y")]),
        ("Prices will rise over the next decade.", [("the next decade", "P10Y")]),
        ("The bridge opened three weeks ago.", [("three weeks ago", "2021-W08")]),
        ("It was the warmest spell of the past century.", [("the past century", "P100Y")]),
    ],
)
def test_durations_and_anchored_dates_follow_the_signal_word(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert _values(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The talks dragged on for days.", [("days", "PXD")]),
        ("The repairs took weeks, then months.", [("weeks", "PXW"), ("months", "PXM")]),
        ("Fuel prices have climbed in recent weeks.", [("recent weeks", "PXW")]),
        ("Tourism has grown over the years.", [("over the years", "PXY")]),
        ("The storm hit the coast years ago.", [("years ago", "PAST_REF")]),
        ("A weeks-long strike ended.", [("weeks-long", "PXW")]),
        # Decades are counted in years (ISO 8601 has no decade unit; D is a day).
        ("A decades-long feud ended.", [("decades-long", "PXY")]),
        ("The mill stood idle for decades.", [("decades", "PXY")]),
    ],
)
def test_vague_plural_durations(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _values(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials recalled a 2010 commando raid on the port.", [("2010", "2010")]),
        ("He lost his 2007 campaign for mayor.", [("2007", "2007")]),
        ("She joined the club for the 1957-58 season.", [("1957-58", "1957/1958")]),
        ("Output in 2010-2011 was flat.", [("2010-2011", "2010/2011")]),
        ("The Harbour Expo 2015 drew crowds.", [("2015", "2015")]),
        # Counts and names stay numbers.
        ("The 2000 workers went on strike.", []),
        ("The Acme 3000 Index fell.", []),
        ("Its 1800 people were moved.", []),
        ("The code 2000-05 was wrong.", []),
    ],
)
def test_years_used_as_modifiers(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _values(sentence) == expected


def test_a_year_range_is_one_interval() -> None:
    t = normalise_time("1957-58", dct=DCT)
    assert (t.begin, t.finish) == (dt.date(1957, 1, 1), dt.date(1958, 12, 31))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The league changes its rules each season.", [("each season", "P1Y")]),
        ("The bakery opens every morning at dawn.", [("every morning", "XXXX-XX-XXTMO")]),
        ("The prize is awarded annually.", [("annually", "P1Y")]),
        ("Inspectors visit twice a year.", [("twice a year", "P1Y")]),
        ("The market is held every two weeks.", [("every two weeks", "P2W")]),
        ("The museum is closed on Mondays.", [("Mondays", "XXXX-WXX-1")]),
        ("Buses run every hour.", [("every hour", "PT1H")]),
    ],
)
def test_set_expressions(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _values(sentence) == expected


def test_anaphoric_days_refer_to_the_day_the_text_named() -> None:
    sentences = [
        "Shares in the port operator fell on Friday.",
        "The index ended the day two points lower.",
        "Dock workers held a meeting that day and met again the next day.",
    ]
    discourse = Discourse()
    got = []
    for s in sentences:
        found = find_time_expressions(s)
        exprs, discourse = resolve_sentence(
            found, ["past"] * len(found), dct=DCT, discourse=discourse
        )
        got += [(f.text, e.value) for f, e in zip(found, exprs, strict=True)]
    assert got == [
        ("Friday", "2021-03-12"),
        ("the day", "2021-03-12"),
        ("that day", "2021-03-12"),
        ("the next day", "2021-03-13"),
    ]


def test_anaphoric_day_without_a_named_day_is_the_publication_date() -> None:
    assert _values("Trading ended the day higher.") == [("the day", "2021-03-16")]


def test_the_previous_year_counts_from_the_year_the_text_named() -> None:
    got = _values("Profit fell in 2015 and rose the following year, as the year before.")
    assert got == [("2015", "2015"), ("the following year", "2016"), ("the year before", "2015")]


def test_same_period_last_year_moves_the_reference_back_a_year() -> None:
    got = _values("Sales rose in February from the same period last year.")
    assert got == [("February", "2021-02"), ("the same period last year", "2020-02")]


@pytest.mark.parametrize(
    ("sentence", "dct", "expected"),
    [
        # March 2009 ends on a Tuesday: its last week is the one of 23-29 March (W13).
        (
            "Sales rebounded in the last week of March.",
            dt.date(2009, 4, 1),
            [("the last week of March", "2009-W13")],
        ),
        # June 2021 starts on a Tuesday: its first week is the one of 31 May - 6 June (W22).
        (
            "The fair opens in the first week of June 2021.",
            DCT,
            [("the first week of June 2021", "2021-W22")],
        ),
        (
            "Crews worked through the second week of January.",
            DCT,
            [("the second week of January", "2021-W02")],
        ),
    ],
)
def test_a_numbered_week_of_a_month(
    sentence: str, dct: dt.date, expected: list[tuple[str, str]]
) -> None:
    assert _values(sentence, dct=dct) == expected
    (t,) = resolve_sentence(find_time_expressions(sentence), ["past"], dct=None)[0]
    assert t.resolved == expected[0][0].endswith("2021") and t.granularity == "week"


@pytest.mark.parametrize(
    ("text", "dct", "tense", "value"),
    [
        # Past tense, but a story dated 20 May 2012 means the coming June, not June 2011.
        ("June", dt.date(2012, 5, 20), "past", "2012-06"),
        ("June", dt.date(2012, 9, 20), "past", "2012-06"),
        ("June", dt.date(2012, 3, 20), "past", "2011-06"),
        ("September 12", dt.date(2012, 9, 8), "past", "2012-09-12"),
        ("September 30", dt.date(2012, 8, 1), "past", "2011-09-30"),
        # A signal word is never overruled by nearness.
        ("last June", dt.date(2012, 5, 20), "past", "2011-06"),
        ("December", dt.date(2012, 1, 10), "future", "2012-12"),
    ],
)
def test_bare_month_year_by_tense_and_nearness(
    text: str, dct: dt.date, tense: str, value: str
) -> None:
    assert normalise_time(text, dct=dct, tense=tense).value == value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The vote closes at 15:00 GMT Saturday.", [("15:00 GMT Saturday", "2021-03-13T15:00Z")]),
        ("Doors open 9 a.m. on Monday.", [("9 a.m. on Monday", "2021-03-15T09:00")]),
        # A clock time takes the day its sentence names, even when written before it.
        (
            "At 10:30 UTC the rocket, delayed from Sunday, lifted off.",
            [("10:30 UTC", "2021-03-14T10:30Z"), ("Sunday", "2021-03-14")],
        ),
    ],
)
def test_compound_clock_times(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _values(sentence) == expected


def test_clock_time_takes_the_day_named_in_an_earlier_sentence() -> None:
    _, discourse = resolve_sentence(
        find_time_expressions("Voting began on Sunday."), ["past"], dct=DCT
    )
    found = find_time_expressions("Polls closed at 18:00 UTC.")
    exprs, _ = resolve_sentence(found, ["past"], dct=DCT, discourse=discourse)
    assert [e.value for e in exprs] == ["2021-03-14T18:00Z"]


@pytest.mark.parametrize(
    "sentence",
    [
        "A 22-year-old student won the race.",
        "She ran a five-minute mile at the meeting.",
        "The vaccine is for children 6 months and older.",
        "The boy is five years old.",
        "Patients aged 40 years were tested.",
        # A count before another takes its unit, but an age stays an age.
        "The twins are two to three years old.",
        "Pupils 13 and 14 years old took part.",
        "Girls 13 to 15 years of age were asked.",
    ],
)
def test_no_durations_from_ages_or_measures(sentence: str) -> None:
    assert _values(sentence) == []
    assert _in_context(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A second ferry sank.", []),
        ("The now-closed mine reopened.", []),
        # No duration (P3D) from an ordinal run: the day reported on.
        (
            "Markets fell on the third consecutive day.",
            [("the third consecutive day", "2021-03-16")],
        ),
        ("Strikes lasted six straight days.", [("six straight days", "P6D")]),
    ],
)
def test_detection_edges(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _values(sentence) == expected


def test_windowed_detection_finds_what_the_full_scan_finds() -> None:
    """Trying the patterns only near trigger words must not lose or change any match."""
    from factcheck.extract import timex

    text = (
        "Less than three and a half consecutive days after the vote, and over the years since "
        "the 1957-58 season, the port reopened at 15:00 GMT Saturday. Q3 results came in the "
        "second half of 2020; the same period of the last year was weaker. Nowadays trading "
        "opens every morning and closes twice a year for a fortnight. It took days, then weeks. "
        + "No time word here at all, only plain prose about a harbour and its cranes. " * 3
        + "The market rose on Mondays in May, and mid-2011 it fell for the time being."
    )
    full = [(m.start(), m.end()) for m in timex._DETECT.finditer(text) if m.end() > m.start()]
    assert [(m.start(), m.end()) for m in timex._matches(text)] == full
    assert len(full) >= 12


@pytest.mark.parametrize("text", ["March 3 2014 10 CDT", "3 March 2014 CDT"])
def test_a_zone_dateutil_does_not_know_gives_no_warning(text: str) -> None:
    # Warnings are errors in the suite: dateutil's UnknownTimezoneWarning reached users' stderr.
    expr = normalise_time(text, dct=DCT)
    assert expr.text == text


# --------------------------------------------------------------------------- issue 18, session 6


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The fleet will grow from 2012 to 2015.", [("from 2012 to 2015", "P3Y")]),
        ("Deliveries follow between 2030 and 2032.", [("between 2030 and 2032", "P2Y")]),
        # Two years named together are two years, not a stretch between them.
        ("Floods came in 2014 and 2016.", [("2014", "2014"), ("2016", "2016")]),
    ],
)
def test_a_range_of_years_is_a_duration_with_its_interval(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert _values(sentence) == expected


def test_a_range_of_years_keeps_its_interval() -> None:
    t = normalise_time("from 2012 to 2015", dct=DCT)
    assert (t.begin, t.finish, t.granularity) == (
        dt.date(2012, 1, 1),
        dt.date(2015, 12, 31),
        "year",
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Revenue for fiscal 2019 beat forecasts.", [("fiscal 2019", "FY2019")]),
        ("In FY18 the council overspent.", [("FY18", "FY2018")]),
        (
            "The financial year 2015/16 closed with a loss.",
            [("The financial year 2015/16", "FY2016")],
        ),
        ("Last fiscal year was weak.", [("Last fiscal year", "FY2020")]),
        # The current fiscal year is the one ending in the publication year; "the same period
        # of the last year" after it is the fiscal year before.
        (
            "Orders doubled at the very start of the financial year against the same period of"
            " the last year.",
            [
                ("the very start of the financial year", "FY2021"),
                ("the same period of the last year", "FY2020"),
            ],
        ),
        (
            "Profit fell in fiscal 2017 and rose the following year.",
            [("fiscal 2017", "FY2017"), ("the following year", "FY2018")],
        ),
        # No fiscal year without "year" or a number, nor without a determiner or a number.
        ("The financial crisis hit 50 banks.", []),
        ("It sold a million units in a single fiscal year.", []),
        ("The current fiscal year was weak.", [("The current fiscal year", "FY2021")]),
    ],
)
def test_fiscal_years(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _values(sentence) == expected


def test_a_fiscal_year_overlaps_its_calendar_year() -> None:
    t = normalise_time("fiscal 2019", dct=DCT)
    assert t.begin is not None and t.finish is not None
    assert t.begin <= dt.date(2019, 1, 1) and t.finish == dt.date(2019, 12, 31)


@pytest.mark.parametrize(
    "sentence",
    [
        "It was the worst flood in recent Dutch history.",
        "This is the strongest quarter in our recent history.",
        "No bank had failed so fast in modern history.",
    ],
)
def test_recent_history_is_the_past(sentence: str) -> None:
    ((_, value),) = _values(sentence, tense="present")
    assert value == "PAST_REF"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The lease ends in March of next year.", [("March of next year", "2022-03")]),
        ("The school reopened in June this year.", [("June this year", "2021-06")]),
        ("Repairs will take between 30 and 45 days.", [("30", "P30D"), ("45 days", "P45D")]),
        ("The audit lasts two to three weeks.", [("two", "P2W"), ("three weeks", "P3W")]),
    ],
)
def test_words_after_an_expression_complete_it(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    found = find_time_expressions(sentence)
    exprs, _ = resolve_sentence(found, ["future"] * len(found), dct=DCT, text=sentence)  # type: ignore[list-item]
    assert [(f.text, e.value) for f, e in zip(found, exprs, strict=True)] == expected


def test_a_span_given_alone_reads_the_words_after_it() -> None:
    # Spans from elsewhere (an annotation) that leave out the words completing them.
    sentence = "The lease ends in March of next year, after between 30 and 45 days of talks."
    spans = [Found(18, 23, "March"), Found(52, 54, "30")]
    assert [sentence[f.start : f.end] for f in spans] == ["March", "30"]
    exprs, _ = resolve_sentence(spans, ["future", "future"], dct=DCT, text=sentence)
    assert [e.value for e in exprs] == ["2022-03", "P30D"]
    assert [e.text for e in exprs] == ["March", "30"]
    alone, _ = resolve_sentence(spans, ["future", "future"], dct=DCT)
    assert [e.value for e in alone] == ["2021-03", None]


def _in_context(sentence: str, tense: str = "past") -> list[tuple[str, str | None]]:
    """(text, value) of each expression of `sentence`, resolved with the words around them."""
    found = find_time_expressions(sentence)
    exprs, _ = resolve_sentence(found, [tense] * len(found), dct=DCT, text=sentence)  # type: ignore[list-item]
    return [(f.text, e.value) for f, e in zip(found, exprs, strict=True)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The latest of a run is the day (week...) the text reports on.
        (
            "Ferries were halted for a second consecutive day.",
            [("a second consecutive day", "2021-03-16")],
        ),
        ("Rents rose for the fifth month in a row.", [("the fifth month", "2021-03")]),
        (
            "The index slipped for a third straight session on Friday.",
            [("a third straight session", "2021-03-12"), ("Friday", "2021-03-12")],
        ),
        (
            "Grain exports had their worst week since October.",
            [("week", "2021-W11"), ("October", "2020-10")],
        ),
        # An ordinal without a run is no run.
        ("A second day of hearings opened.", []),
    ],
)
def test_the_latest_of_a_run_or_a_record(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _in_context(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Traders had an unusually hectic day on Monday.",
            [("an unusually hectic day", "P1D"), ("Monday", "2021-03-15")],
        ),
        ("It was a relatively calm month for the port.", [("a relatively calm month", "P1M")]),
        ("The fair is a family day out.", []),
    ],
)
def test_one_unit_of_time_described_is_a_duration(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert _in_context(sentence) == expected


def test_a_described_unit_is_one_unit_unless_a_word_points_elsewhere() -> None:
    assert normalise_time("a particularly wet week", dct=DCT).value == "P1W"
    assert normalise_time("a busy year", dct=DCT).value == "P1Y"
    assert normalise_time("a second day", dct=DCT).value != "P1D"
    assert normalise_time("a certain day", dct=DCT).value != "P1D"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A day away and its part are one expression, "yesterday" no longer taken alone.
        ("They met yesterday evening.", [("yesterday evening", "2021-03-15TEV")]),
        ("They meet tomorrow night.", [("tomorrow night", "2021-03-17TNI")]),
        # Ordinals and number words are numbers.yaml's: "twenty-third" whole, "dozen", "half".
        ("Life in the twenty-third century.", [("the twenty-third century", "22")]),
        ("Over the past dozen years it grew.", [("the past dozen years", "P12Y")]),
        ("Ties broken a half century ago.", [("a half century ago", "1971")]),
        ("It took more than half an hour.", [("more than half an hour", "PT0.5H")]),
        # "calendar" qualifies a unit in detection as in normalisation (one list, times.yaml).
        ("Pay within 30 calendar days.", [("30 calendar days", "P30D")]),
        # A run's latest is any ordinal from the second: "the fifteenth consecutive day".
        (
            "It was the fifteenth consecutive day.",
            [("the fifteenth consecutive day", "2021-03-16")],
        ),
    ],
)
def test_time_words_come_from_the_data_files(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    found = find_time_expressions(sentence)
    got = [(f.text, normalise_time(f.text, dct=DCT).value) for f in found]
    assert got == expected


def test_every_time_word_of_the_data_files_reaches_a_trigger() -> None:
    """The detector tries its patterns only near a trigger; a word added to times.yaml or
    units.yaml that no trigger covers would never be found."""
    from factcheck.extract import timex
    from factcheck.extract.units import units

    words = [
        *timex.SEASONS,
        *timex.PARTS_OF_DAY,
        *timex.RELATIVE_DAYS,
        *timex._SETS,
        *timex._WORDS["calendar_units"],
        *units().durations,
    ]
    assert words and all(timex._TRIGGER.search(w) for w in words), [
        w for w in words if not timex._TRIGGER.search(w)
    ]
    assert timex.TIME_ZONES["GMT"] == "Z" and timex.TIME_ZONES["JST"] == ""
    assert [f.text for f in find_time_expressions("At 09:00 JST local time.")] == [
        "09:00 JST local time"
    ]

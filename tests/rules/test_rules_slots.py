"""Slot-by-slot comparison: quantities, dates, places, roles and the modality rule, as tables."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.extract.annotate import annotate
from factcheck.extract.timex import normalise_time
from factcheck.extract.units import comparable_quantity, normalise_quantity
from factcheck.models import Claim, Predicate, Span
from factcheck.rules.slots import (
    CompareOptions,
    compare_pair,
    same_predicate,
    slot_value,
)
from factcheck.rules.testing import entity, quantity, time

SPAN = Span(document="a", start=0, end=1, line=1, column=1, end_line=1, end_column=2)


def claim(doc: str = "a", text: str = "Something happened here today.", **slots: Any) -> Claim:
    # The extractor's own step sets the derived fields (stance, places) that the slots compare.
    return annotate(
        Claim(
            id=f"{doc}:0",
            document=doc,
            text=text,
            sentence=text,
            span=SPAN.model_copy(update={"document": doc}),
            what=Predicate(lemma=slots.pop("lemma", "")),
            **slots,
        )
    )


@pytest.mark.parametrize(
    ("qa", "qb", "verdict"),
    [
        ("more_than 60 years", "more_than 6 decades", "agree"),
        ("60 year", "720 months", "agree"),
        ("60 year", "70 year", "conflict"),
        ("more_than 60 people", "65 people", "compatible"),
        ("less_than 10 people", "12 people", "conflict"),
        ("approx 100 people", "95 people", "compatible"),
        ("100 people", "101 people", "agree"),  # within the 2% default tolerance
        ("60 year", "60 percent", "unknown"),  # different units are not paired
    ],
)
def test_quantity_verdicts(qa: str, qb: str, verdict: str) -> None:
    a = claim("a", quantities=[quantity(qa)])
    b = claim("b", quantities=[quantity(qb)])
    assert compare_pair(a, b).verdict("quantity") == verdict


def test_quantity_tolerance_is_an_option() -> None:
    a, b = (
        claim("a", quantities=[quantity("100 people")]),
        claim("b", quantities=[quantity("110 people")]),
    )
    assert compare_pair(a, b).verdict("quantity") == "conflict"
    loose = CompareOptions(quantity_tolerance=0.2)
    assert compare_pair(a, b, options=loose).verdict("quantity") == "agree"


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        ("decades", 6, ("year", 60.0)),
        ("million people", 3, ("people", 3e6)),
        ("thousand", 4, ("", 4000.0)),
        ("%", 5, ("percent", 5.0)),
        ("months", 6, ("year", 0.5)),
        # Money units are the currencies of quantities.yaml: every code, symbol and word.
        ("CNY", 5, ("CNY", 5.0)),
        ("CHF", 5, ("CHF", 5.0)),
        ("USD", 5, ("USD", 5.0)),
        ("yuan", 5, ("CNY", 5.0)),
        ("€", 5, ("EUR", 5.0)),
        ("million dollars", 2, ("USD", 2e6)),
        # Scale words are numbers.yaml's, abbreviations included.
        ("hundred people", 3, ("people", 300.0)),
        ("hundred", 4, ("", 400.0)),
        ("bln dollars", 2, ("USD", 2e9)),
        ("tn yen", 1, ("JPY", 1e12)),
        # ... but "pounds" keeps the unit table's sense.
        ("pounds", 10, ("kg", 4.5359237)),
    ],
)
def test_normalise_quantity(unit: str, value: float, expected: tuple[str, float]) -> None:
    unit_key, normalised = normalise_quantity(quantity({"value": value, "unit": unit}))
    assert unit_key == expected[0]
    assert normalised == pytest.approx(expected[1])


@pytest.mark.parametrize(
    ("text", "q", "comparable"),
    [
        ("the 2-plus-2 talks", "2", False),
        ("the two-plus-two talks", "two", False),
        ("the 2+2 meeting", "2+2", False),
        ("since COVID-19 began", "19", False),
        ("under Article 5 of the treaty", "5", False),
        ("building secure 5G networks", "5", False),
        ("for over 60 years", "60", True),
        ("a 20-year-old burger", "20", True),
    ],
)
def test_numbers_in_names_are_not_quantities(text: str, q: str, comparable: bool) -> None:
    c = claim(text=text, quantities=[quantity({"text": q, "value": 2})])
    assert comparable_quantity(c.quantities[0], c) is comparable


@pytest.mark.parametrize(
    ("ta", "tb", "verdict"),
    [
        ("2021-03", "2021-03-16", "compatible"),
        ("2021-03-16", "2021-03-16", "agree"),
        ("2021-03-16", "2021-03-17", "conflict"),
        ("2021", "2021-03-16", "compatible"),
        ("?next Tuesday", "2021-03-16", "unknown"),
    ],
)
def test_when_verdicts(ta: str, tb: str, verdict: str) -> None:
    assert (
        compare_pair(claim("a", when=[time(ta)]), claim("b", when=[time(tb)])).verdict("when")
        == verdict
    )


@pytest.mark.parametrize(
    ("other", "verdict"),
    [("2010", "compatible"), ("2014", "conflict"), ("?for two years", "unknown")],
)
def test_a_placed_duration_compares_by_its_interval(other: str, verdict: str) -> None:
    # "from 2009 to 2011" is a stretch of two years (P2Y) the text places; a bare duration
    # ("two years", no interval) is no time to compare.
    span = normalise_time("from 2009 to 2011", dct=None)
    pair = compare_pair(claim("a", when=[span]), claim("b", when=[time(other)]))
    assert pair.verdict("when") == verdict
    assert slot_value(claim("a", when=[span]), "when") == "P2Y (2009–2011)"
    bare = normalise_time("two years", dct=None)
    assert (
        compare_pair(claim("a", when=[bare]), claim("b", when=[time("2010")])).verdict("when")
        == "unknown"
    )


@pytest.mark.parametrize(
    ("pa", "pb", "verdict"),
    [
        ("gpe:tokyo", "gpe:tokyo", "agree"),
        ("gpe:tokyo", "gpe:seoul", "conflict"),
        ("gpe:tokyo", "gpe:JP", "compatible"),
        ("gpe:JP", "gpe:KR", "conflict"),
        ("facility:white-house", "gpe:tokyo", "compatible"),
    ],
)
def test_where_verdicts(pa: str, pb: str, verdict: str) -> None:
    a, b = claim("a", where=[entity(pa)]), claim("b", where=[entity(pb)])
    assert compare_pair(a, b).verdict("where") == verdict


@pytest.mark.parametrize(
    ("text_a", "text_b", "verdict"),
    [
        ("The ministers met in Tokyo.", "The ministers met in Seoul.", "conflict"),
        # A place that is the topic of a noun locates no event.
        ("They oppose changing the status quo in Tokyo.", "The ministers met in Seoul.", "unknown"),
        # Items of a list give no single event location.
        ("The band played in Tokyo.", "The band played in Seoul, Busan and Osaka.", "unknown"),
    ],
)
def test_where_reads_event_locations_from_the_sentence(
    text_a: str, text_b: str, verdict: str
) -> None:
    cities = ["Tokyo", "Seoul", "Busan", "Osaka"]
    a = claim("a", text=text_a, where=[entity(f"gpe:{c.lower()}") for c in cities if c in text_a])
    b = claim("b", text=text_b, where=[entity(f"gpe:{c.lower()}") for c in cities if c in text_b])
    assert compare_pair(a, b).verdict("where") == verdict


def test_role_conflict_and_name_variants() -> None:
    motegi = entity("person:toshimitsu-motegi | foreign minister @ gpe:JP")
    hayashi = entity("person:yoshimasa-hayashi | Foreign  Minister @ gpe:JP")
    assert (
        compare_pair(claim("a", who=[motegi]), claim("b", who=[hayashi])).verdict("role")
        == "conflict"
    )
    assert (
        compare_pair(claim("a", who=[motegi]), claim("b", who=[motegi])).verdict("role") == "agree"
    )


@pytest.mark.parametrize("modality", ["hedged", "planned"])
def test_hedged_or_planned_claim_neither_confirms_nor_contradicts(modality: str) -> None:
    a = claim("a", when=[time("2021-03-16")], polarity="positive")
    b = claim("b", when=[time("2021-03-17")], polarity="negative", modality=modality)
    pair = compare_pair(a, b)
    assert pair.neutralised
    assert pair.verdict("when") == "compatible"
    assert pair.verdict("polarity") == "compatible"
    same = compare_pair(a, claim("b", when=[time("2021-03-16")], modality=modality))
    assert same.verdict("when") == "compatible"


def test_attributed_claim_is_compared_with_an_asserted_one() -> None:
    # "The ministry said the talks were on the 17th" against "The talks were on the 16th".
    a = claim("a", when=[time("2021-03-16")], polarity="positive")
    b = claim("b", when=[time("2021-03-17")], modality="reported")
    pair = compare_pair(a, b)
    assert not pair.neutralised
    assert pair.verdict("when") == "conflict"
    same = compare_pair(a, claim("b", when=[time("2021-03-16")], modality="reported"))
    assert same.verdict("when") == "agree"


def test_hedged_and_planned_claims_are_not_one_class() -> None:
    a = claim("a", when=[time("2021-03-16")], modality="hedged")
    assert compare_pair(a, claim("b", when=[time("2021-03-17")], modality="planned")).neutralised


def test_two_hedged_claims_are_compared() -> None:
    a = claim("a", when=[time("2021-03-16")], modality="hedged")
    b = claim("b", when=[time("2021-03-17")], modality="hedged")
    assert compare_pair(a, b).verdict("when") == "conflict"


def test_update_needs_different_publication_dates() -> None:
    a, b = (
        claim("a", quantities=[quantity("10 people")]),
        claim("b", quantities=[quantity("25 people")]),
    )
    dates = {"a": None, "b": None}
    assert compare_pair(a, b, published=dates.get).verdict("quantity") == "conflict"
    import datetime as dt

    dated = {"a": dt.date(2021, 3, 1), "b": dt.date(2021, 3, 3)}
    pair = compare_pair(a, b, published=dated.get)
    assert pair.verdict("quantity") == "update"
    assert "b is the later report" in (pair.slots["quantity"].note or "")


@pytest.mark.parametrize(
    ("la", "lb", "same"),
    [
        ("meet", "meet", True),
        ("visit", "travel", True),
        ("arrest", "detain", True),
        ("meet", "train", False),
        ("", "meet", False),
    ],
)
def test_same_predicate(la: str, lb: str, same: bool) -> None:
    assert same_predicate(claim("a", lemma=la), claim("b", lemma=lb)) is same


@pytest.mark.parametrize(
    ("inferred", "suffix"), [(True, " (inferred from the document)"), (False, "")]
)
def test_the_role_slot_says_when_the_country_was_inferred(inferred: bool, suffix: str) -> None:
    who = entity("person:kenji-sato | foreign minister @ gpe:JP")
    assert who.role is not None
    who = who.model_copy(update={"role": who.role.model_copy(update={"org_inferred": inferred})})
    value = slot_value(claim("a", who=[who]), "role")
    assert value == "Kenji Sato: foreign minister of gpe:JP" + suffix

"""Slot-by-slot comparison: quantities, dates, places, roles and the modality rule, as tables."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.models import Claim, Predicate, Span
from factcheck.rules.slots import (
    CompareOptions,
    comparable_quantity,
    compare_pair,
    effective_modality,
    effective_polarity,
    normalise_quantity,
    same_predicate,
)
from factcheck.rules.testing import entity, quantity, time

SPAN = Span(document="a", start=0, end=1, line=1, column=1, end_line=1, end_column=2)


def claim(doc: str = "a", text: str = "Something happened here today.", **slots: Any) -> Claim:
    return Claim(
        id=f"{doc}:0",
        document=doc,
        text=text,
        sentence=text,
        span=SPAN.model_copy(update={"document": doc}),
        what=Predicate(lemma=slots.pop("lemma", "")),
        **slots,
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


@pytest.mark.parametrize("modality", ["hedged", "reported", "planned"])
def test_non_asserted_claim_neither_confirms_nor_contradicts(modality: str) -> None:
    a = claim("a", when=[time("2021-03-16")], polarity="positive")
    b = claim("b", when=[time("2021-03-17")], polarity="negative", modality=modality)
    pair = compare_pair(a, b)
    assert pair.neutralised
    assert pair.verdict("when") == "compatible"
    assert pair.verdict("polarity") == "compatible"
    same = compare_pair(a, claim("b", when=[time("2021-03-16")], modality=modality))
    assert same.verdict("when") == "compatible"


def test_two_hedged_claims_are_compared() -> None:
    a = claim("a", when=[time("2021-03-16")], modality="hedged")
    b = claim("b", when=[time("2021-03-17")], modality="hedged")
    assert compare_pair(a, b).verdict("when") == "conflict"


@pytest.mark.parametrize(
    ("text", "polarity", "modality"),
    [
        ("The photo is a hoax, experts say", "negative", "asserted"),
        ("The company denies the report", "negative", "asserted"),
        ("Hoax: man found living in an airport", "negative", "asserted"),
        # Cue words as ordinary nouns or verbs, or inside quotes, are no denial.
        ("The answer lies in better training", "positive", "asserted"),
        ("He wrote a book called “The Great Hoax”", "positive", "asserted"),
        ("The myth of Sisyphus inspired the play", "positive", "asserted"),
        ("Their doubts about the plan grew", "positive", "asserted"),
        ("The man reportedly found a spider", "positive", "hedged"),
        ("Apple may sell 19 million watches", "positive", "hedged"),
        ("The talks took place in May", "positive", "asserted"),
        ("The talks took place on Tuesday", "positive", "asserted"),
    ],
)
def test_cue_words(text: str, polarity: str, modality: str) -> None:
    c = claim(text=text)
    assert (effective_polarity(c), effective_modality(c)) == (polarity, modality)


@pytest.mark.parametrize(
    ("text", "kind", "polarity", "modality"),
    [
        # Headline attribution and hedges make the headline's own clause reported or hedged.
        ("Small meteorite strikes Nicaragua, government says", "headline", "positive", "reported"),
        ("Source: three soldiers located at border", "headline", "positive", "reported"),
        ("Jihadi John injured in air strike: reports", "headline", "positive", "reported"),
        ("Microsoft nears deal to buy Mojang : WSJ", "headline", "positive", "reported"),
        ("Rep. Hunter: ten fighters caught at border", "headline", "positive", "reported"),
        ("4-inch iPhone reported to be in development", "headline", "positive", "reported"),
        ("Seth Rogen is rumored to play Woz in biopic", "headline", "positive", "hedged"),
        ("Man reported to police for speeding", "headline", "positive", "asserted"),
        ("Possible audio tape of the shooting", "headline", "positive", "reported"),
        ("Saudi Airline Considering Separating Passengers", "headline", "positive", "reported"),
        ("Attack near Kabul kills five", "headline", "positive", "asserted"),
        ("Baby weighs ten pounds at birth", "headline", "positive", "asserted"),
        ("Apple May Buy Social Network Path", "headline", "positive", "hedged"),
        ("Apple Event Set For 24 May", "headline", "positive", "asserted"),
        ("Apple Watch Goes On Sale In May 2015", "headline", "positive", "asserted"),
        # The same words in an ordinary sentence are left to the extractor's parse.
        ("The government says a meteorite struck Nicaragua.", "statement", "positive", "asserted"),
        ("Source: Reuters", "statement", "positive", "asserted"),
        # Headline negation the parser misses; fixed phrases and contrasts negate nothing.
        ("Islamic State Leader Not Dead", "headline", "negative", "asserted"),
        ("Batmobile NOT Stolen, Prize Remains Unclaimed", "headline", "negative", "asserted"),
        ("Tesla will build its factory in Nevada, not Texas", "headline", "positive", "asserted"),
        ("Not Only Apple Sells Watches", "headline", "positive", "asserted"),
        ("Four Reasons Not To Give Up Hope", "headline", "positive", "asserted"),
        ("Nevada Factory Not Built Yet.", "statement", "positive", "asserted"),
        # Denials and verdicts in headline form.
        ("Pentagon Denies It Killed ISIS Chief", "headline", "negative", "asserted"),
        ("Morin refuses to confirm or deny report", "headline", "positive", "asserted"),
        ("Three-breasted woman outed as fake by police", "headline", "negative", "asserted"),
        ("Cancer Cure Report Totally Fake", "headline", "negative", "asserted"),
        ("Woman with three breasts: real or hoax?", "headline", "positive", "hedged"),
    ],
)
def test_headline_cues(text: str, kind: str, polarity: str, modality: str) -> None:
    # A lemma stands for the parse, so the no-parse fallback of denial() stays out of the way.
    c = claim(text=text, kind=kind, lemma="be")
    assert (effective_polarity(c), effective_modality(c)) == (polarity, modality)


def test_inflected_denial_lemma_counts_as_denial() -> None:
    # A title-case parse can leave "denies" as the lemma.
    c = claim(text="Doctor Denies Taking Selfie", lemma="denies")
    assert effective_polarity(c) == "negative"


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
    ("lemma", "obj", "text", "polarity"),
    [
        ("deny", "report", "The ministry denied the report.", "negative"),
        ("dismiss", "claim", "Police dismissed the claims.", "negative"),
        ("be", "hoax", "The story is a hoax.", "negative"),
        # Dismissing something that is not a report denies nothing.
        (
            "reject",
            "attempt to rule",
            "Apple rejected any attempt to change the rules.",
            "positive",
        ),
        ("lie", "in training", "The answer lies in training.", "positive"),
        ("cast", "long shadow", "The doubt cast a long shadow.", "positive"),
        ("call", "term", "He called “fake news” a modern term.", "positive"),
    ],
)
def test_denial_needs_a_governing_predicate(lemma: str, obj: str, text: str, polarity: str) -> None:
    c = claim(text=text).model_copy(update={"what": Predicate(lemma=lemma, object=obj)})
    assert effective_polarity(c) == polarity


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

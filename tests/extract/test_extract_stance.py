"""Cue step of extraction: denials, falsity labels, hedges and headline attribution set polarity and modality."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.extract.stance import cues, stance, with_stance
from factcheck.models import Claim, Predicate
from tests.conftest import make_claim


def claim(text: str, lemma: str = "", **slots: Any) -> Claim:
    return make_claim("a", text, what=Predicate(lemma=lemma), **slots)


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
    assert (stance(c).polarity, stance(c).modality) == (polarity, modality)


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
    assert (stance(c).polarity, stance(c).modality) == (polarity, modality)


def test_inflected_denial_lemma_counts_as_denial() -> None:
    # A title-case parse can leave "denies" as the lemma.
    c = claim(text="Doctor Denies Taking Selfie", lemma="denies")
    assert stance(c).polarity == "negative"


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
    c = make_claim("a", text, what=Predicate(lemma=lemma, object=obj))
    assert stance(c).polarity == polarity


def test_denial_is_recorded_and_the_step_is_idempotent() -> None:
    once = with_stance(claim(text="The ministry denied the report.", lemma="deny"))
    assert (once.polarity, once.denial) == ("negative", "verb")
    assert with_stance(once) == once
    negated = with_stance(claim(text="He did not deny it.", lemma="deny", polarity="negative"))
    assert negated.denial is None  # the parse's own negation, not a denial


def test_cue_table_is_read_once_from_the_data_file() -> None:
    assert cues() is cues()
    assert "deny" in cues().denial_verbs
    assert cues().hedge.search("The man reportedly left")

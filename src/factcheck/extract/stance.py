"""A claim's final polarity and modality from lexical cues: denials, falsity labels, hedges, headline attribution.

The parse gives each clause a polarity and a modality (`claims.py`); this step adds what the
words say around it: a claim that denies something ("X denies the report", "... is a hoax") is
negative, one with a hedge cue ("reportedly", "may") is hedged, a headline with attribution
("..., officials say") is reported. The extractor applies it to every claim it builds, and the
rule test cases to every claim they build by hand, so rules read `Claim.polarity`,
`Claim.modality` and `Claim.denial` and never look at the text themselves.

The cue words and patterns live once, in `data/cues.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..models import Claim, DenialKind, Modality, Polarity
from .lexicon import read_lexicon

__all__ = ["Cues", "Stance", "cues", "denial", "stance", "with_stance"]


@dataclass(frozen=True)
class Cues:
    """The cue words (lemmas) and compiled patterns of data/cues.yaml."""

    denial_verbs: frozenset[str]
    dismissal_verbs: frozenset[str]
    report_nouns: frozenset[str]
    falsity_words: frozenset[str]
    judging_verbs: frozenset[str]
    doubt_verbs: frozenset[str]
    # Parse-level cues (lemmas) the clause builder reads (extract.claims).
    parse_hedge_adverbs: frozenset[str]
    parse_hedge_modals: frozenset[str]
    parse_hedge_verbs: frozenset[str]
    negating_speech: frozenset[str]
    negating_verbs: frozenset[str]
    label: re.Pattern[str]
    headline_verdict: re.Pattern[str]
    headline_negation: re.Pattern[str]
    not_a_negation: re.Pattern[str]
    headline_reported: re.Pattern[str]
    headline_may: re.Pattern[str]
    headline_source_tag: re.Pattern[str]
    copula_false: re.Pattern[str]
    denial_verb_forms: re.Pattern[str]
    confirm_or_deny: re.Pattern[str]
    quoted: re.Pattern[str]
    hedge: re.Pattern[str]


# The readers a hedge word or denial verb of data/cues.yaml can count for.
_HEDGE_USES = frozenset({"text", "clause-adverb", "clause-modal", "clause-verb"})
_DENIAL_USES = frozenset({"denial", "dismissal", "clause-speech", "clause-negating"})


def _by_use(table: str, rows: dict[str, Any], known: frozenset[str]) -> dict[str, frozenset[str]]:
    """Use -> the words of `table` listed for it; an unknown or missing use names the file."""
    out: dict[str, set[str]] = {use: set() for use in known}
    for word, uses in rows.items():
        if not isinstance(uses, list) or not uses or not set(map(str, uses)) <= known:
            raise ValueError(
                f"data/cues.yaml: {table} {word!r} needs uses from {sorted(known)}, not {uses!r}"
            )
        for use in uses:
            out[str(use)].add(str(word))
    return {use: frozenset(words) for use, words in out.items()}


def _hedge_words(tables: dict[str, Any]) -> dict[str, str]:
    """`{hedge_words}` of the hedge pattern: the hedges read in the text, as whole words."""
    words = _by_use("hedge", tables["hedges"], _HEDGE_USES)["text"]
    return {
        "hedge_words": "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    }


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The cue table, read from data/cues.yaml once per process.

    Each hedge word and denial verb is listed there once with the readers it counts for; the
    per-reader sets (and the hedge pattern's single words) are derived here.
    """
    raw = read_lexicon("cues.yaml", parts=("falsity", "source_nouns"), fill=_hedge_words)
    hedges = _by_use("hedge", raw.pop("hedges"), _HEDGE_USES)
    denials = _by_use("denial verb", raw.pop("denials"), _DENIAL_USES)
    return Cues(
        denial_verbs=denials["denial"],
        dismissal_verbs=denials["dismissal"],
        negating_speech=denials["clause-speech"],
        negating_verbs=denials["clause-negating"],
        parse_hedge_adverbs=hedges["clause-adverb"],
        parse_hedge_modals=hedges["clause-modal"],
        parse_hedge_verbs=hedges["clause-verb"],
        **raw,
    )


@dataclass(frozen=True)
class Stance:
    """What the cues make of a claim: its final polarity and modality, and why it denies."""

    polarity: Polarity
    modality: Modality
    denial: DenialKind | None


def denial(claim: Claim) -> DenialKind | None:
    """Why a claim denies something, or None when it does not.

    "verb": the predicate is a verb of denial ("denies", "refuted"), or a verb of dismissal
    with a report-like object ("dismissed the claims"); "label": the claim calls something
    false ("is a hoax", "exposed as fake") or a headline carries a falsity label ("Hoax: ...").
    Cue words elsewhere (an ordinary noun, a word inside quotes) do not count.
    """
    c = cues()
    lemma = claim.what.lemma.lower()
    if c.denial_verb_forms.fullmatch(lemma):
        lemma = "deny"  # a title-case headline leaves the inflected form as the lemma ("denies")
    obj_words = set(re.findall(r"[a-z]+", (claim.what.object or "").lower()))
    if lemma:
        if lemma in c.denial_verbs:
            return "verb"
        if lemma in c.dismissal_verbs and obj_words & c.report_nouns:
            return "verb"
        if lemma in c.judging_verbs and obj_words & c.falsity_words:
            return "label"
        if lemma in c.doubt_verbs and "doubt" in obj_words | {w.rstrip("s") for w in obj_words}:
            return "verb"  # "casts doubt on the report"
    # Text patterns, with quotations removed: a scare-quoted word is not the claim's own verdict.
    text = c.quoted.sub(" ", claim.text)
    # A label heads or ends the whole sentence ("Hoax: ..."), so it governs every clause of it.
    if c.label.search(claim.sentence) or c.copula_false.search(text):
        return "label"
    headline = claim.kind == "headline" or not claim.sentence.rstrip().endswith((".", "”", '"'))
    # A question ("Real or hoax?") asks rather than calls anything false.
    headline = headline and not claim.sentence.rstrip().endswith("?")
    if headline and c.headline_verdict.search(c.quoted.sub(" ", claim.sentence)):
        return "label"
    if (
        headline
        and c.denial_verb_forms.search(text)
        and not c.denial_verb_forms.match(text)
        and not c.confirm_or_deny.search(text)
    ):
        return "verb"  # "Pentagon Denies It Killed ...": the parse of a headline is unreliable
    if not lemma and c.denial_verb_forms.search(text):
        return "verb"  # no parse to go by: a denial verb form still governs a short claim
    return None


def stance(claim: Claim) -> Stance:
    """The claim's final polarity, modality and denial reason.

    Polarity: negative when the parse negated the predicate, when a headline carries a negation
    the parser misses ("Leader Not Dead"), or when a denial governs the claim (then `denial`
    says why). Modality: the parse's, except that a hedge cue makes an asserted claim hedged and
    headline attribution makes it reported. Applying it to a claim it has already been applied
    to changes nothing.
    """
    c = cues()
    negated = claim.polarity == "negative" or claim.what.negated
    # `denial` is kept for claims whose negation it caused, so a second pass keeps it.
    why = claim.denial if claim.denial is not None else (None if negated else denial(claim))
    polarity: Polarity = "negative" if negated or why is not None else "positive"
    if polarity == "positive" and claim.kind == "headline":
        text = c.quoted.sub(" ", claim.text)
        if c.headline_negation.search(c.not_a_negation.sub(" ", text)):
            polarity = "negative"
    return Stance(polarity=polarity, modality=_modality(claim, c), denial=why)


def _modality(claim: Claim, c: Cues) -> Modality:
    if claim.modality != "asserted":
        return claim.modality
    if c.hedge.search(claim.text):
        return "hedged"
    if claim.kind == "headline":
        sentence = c.quoted.sub(" ", claim.sentence)
        if c.headline_may.search(sentence):
            return "hedged"
        if c.headline_reported.search(sentence) or c.headline_source_tag.search(sentence):
            return "reported"
    return "asserted"


def with_stance(claim: Claim) -> Claim:
    """The claim with its final polarity, modality and denial set (compute, then write)."""
    found = stance(claim)
    if (found.polarity, found.modality, found.denial) == (
        claim.polarity,
        claim.modality,
        claim.denial,
    ):
        return claim
    return claim.model_copy(
        update={"polarity": found.polarity, "modality": found.modality, "denial": found.denial}
    )

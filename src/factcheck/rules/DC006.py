"""DC006: one source says it happened, another that it did not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Claim
from .base import (
    GroupSlotRule,
    RuleContext,
    join_names,
    min_similarity,
    shorten,
)
from .slots import PairComparison, same_predicate


class PolarityDiscrepancy(GroupSlotRule):
    """One source says it happened, another that it did not.

    What it does:
        Compares the polarity of matched claims that assert the same proposition: a negated
        claim ("did not attend") against a positive one with the same predicate (or a synonym),
        or a denial ("denies the report that ...", "... is a hoax") against the claim it denies,
        whose predicate lies inside the denial. Either way the pair's similarity must reach
        `min_similarity` where the matcher recorded one. Where the claim-pair verifier judged the
        pair, its most probable relation must be "conflict" instead: a negation of a side fact
        ("did not say when") does not contradict the main one. A hedged or reported claim against an
        asserted one is not compared, so "X reportedly did not attend" does not contradict
        "X attended". Denial cues count only where they govern the claim (a verb of denial, a
        claim that calls something false), never as ordinary nouns or inside quotes.

    Why it matters:
        A flat contradiction about whether something happened is the strongest discrepancy two
        sources can have.

    Example:
        doc a: "The minister attended the summit."
        doc b: "The minister did not attend the summit."
        -> DC006: b says it did not happen.
    """

    code = "DC006"
    name = "discrepancy.polarity"
    kind = "discrepancy"
    default_severity = "error"
    slot = "polarity"
    topic = "polarity"
    config_keys = (
        min_similarity(0.75, "Pair similarity two claims need to count as the same proposition."),
    )

    def accept_pair(self, ctx: RuleContext, pair: PairComparison) -> bool:
        if pair.relation is not None:
            # A negation counts only when it is about the fact in question: the verifier, which
            # reads both texts whole, must see a contradiction.
            return pair.relation == "conflict"
        if pair.similarity is not None and pair.similarity < float(self.options["min_similarity"]):
            return False
        negative = pair.a if pair.a.polarity == "negative" else pair.b
        # A denial embeds the proposition it denies; its own predicate ("deny", "be") differs.
        if negative.denial is not None:
            return True
        return same_predicate(pair.a, pair.b)

    def describe(self, ctx: RuleContext, claims: Sequence[Claim], pairs: Sequence[Any]) -> str:
        neg = sorted({c.document for c in claims if c.polarity == "negative"})
        pos = sorted({c.document for c in claims if c.polarity == "positive"})
        first = next(c for c in claims if c.polarity == "positive")
        return (
            f"Sources contradict each other: {join_names(pos)} "
            f"{'says' if len(pos) == 1 else 'say'} “{shorten(first.text, 80)}”, while "
            f"{join_names(neg)} {'says' if len(neg) == 1 else 'say'} it did not happen or is false."
        )

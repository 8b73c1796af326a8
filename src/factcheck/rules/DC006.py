"""DC006: one source says it happened, another that it did not."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Claim
from .base import GroupSlotRule, RuleContext, join_names, shorten
from .slots import effective_polarity


class PolarityDiscrepancy(GroupSlotRule):
    """One source says it happened, another that it did not.

    What it does:
        Compares the polarity of matched claims: a negated claim ("did not attend") or a denial
        ("denies", "hoax", "false") against a positive one. A hedged or reported claim against an
        asserted one is not compared, so "X reportedly did not attend" does not contradict
        "X attended".

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

    def describe(self, ctx: RuleContext, claims: Sequence[Claim], pairs: Sequence[Any]) -> str:
        neg = sorted({c.document for c in claims if effective_polarity(c) == "negative"})
        pos = sorted({c.document for c in claims if effective_polarity(c) == "positive"})
        first = next(c for c in claims if effective_polarity(c) == "positive")
        return (
            f"Sources contradict each other: {join_names(pos)} "
            f"{'says' if len(pos) == 1 else 'say'} “{shorten(first.text, 80)}”, while "
            f"{join_names(neg)} {'says' if len(neg) == 1 else 'say'} it did not happen or is false."
        )

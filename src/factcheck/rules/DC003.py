"""DC003: sources place the same event in different places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Claim
from .base import GroupSlotRule, RuleContext, min_similarity, shorten
from .places import event_place
from .slots import PairComparison, same_predicate


class PlaceDiscrepancy(GroupSlotRule):
    """Sources place the same event in different places.

    What it does:
        Compares where matched claims locate their event. Each claim must give one specific
        event location: a place attached to the predicate, a verb or an event noun by a
        locative preposition ("held in X", "met in X", "talks in X", "travel to X"). Places that
        are topics or objects ("the status quo in X", "abuse rights in X") and items of a list
        ("Hong Kong, Taiwan and X") locate nothing. The two places conflict when they differ at
        the same level (two cities, two countries), neither is known to contain the other (a
        capital lies in its country), and the claims are about the same event: dates that do
        not conflict, and the same predicate (or a synonym) or a pair similarity of at least
        `min_similarity`. Aliases never conflict: places are compared by canonical id.

    Why it matters:
        Where something happened is a core fact of a report and easy to get wrong when copying.

    Example:
        doc a: "The ministers met in Tokyo on Tuesday."
        doc b: "The ministers met in Seoul on Tuesday."
        -> DC003: a says Tokyo; b says Seoul.
    """

    code = "DC003"
    name = "discrepancy.place"
    kind = "discrepancy"
    default_severity = "error"
    slot = "where"
    topic = "place"
    config_keys = (
        min_similarity(
            0.8, "Pair similarity at which claims with different predicates count as one event."
        ),
    )

    def accept_pair(self, ctx: RuleContext, pair: PairComparison) -> bool:
        if same_predicate(pair.a, pair.b):
            return True
        return pair.similarity is not None and pair.similarity >= float(
            self.options["min_similarity"]
        )

    def describe(self, ctx: RuleContext, claims: Sequence[Claim], pairs: Sequence[Any]) -> str:
        parts = []
        for c in claims:
            place = event_place(c)
            parts.append(f"{c.document} says {place.name if place else '(none)'}")
        return (
            f"Sources disagree on the place of “{shorten(claims[0].text, 80)}”: {'; '.join(parts)}."
        )

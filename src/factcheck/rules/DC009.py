"""DC009: the claim-pair verifier finds that two sources contradict each other on the same fact."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import ClaimGroup, Finding
from .base import Rule, RuleContext, min_probability, shorten
from .identity import Identity


class VerifiedContradiction(Rule):
    """Sources contradict each other on the same fact.

    What it does:
        Reads the verdict of the claim-pair verifier (a cross-encoder trained on news stance
        and event-coreference data) that the matcher recorded for each matched pair. A pair
        whose most probable relation is "conflict", with a probability of at least
        `min_probability`, is a contradiction when both claims have the same modality class (a
        hedged or reported claim neither confirms nor contradicts an asserted one) and no slot
        of the pair conflicts: a conflicting date, figure, place, person or polarity is already
        reported, with the slot named, by DC001 to DC007. This rule catches what slots cannot
        express: "the talks collapsed" against "the talks ended in agreement".

    Why it matters:
        A contradiction is a contradiction even when it does not reduce to one differing value;
        it is the first thing an editor must resolve.

    Example:
        doc a: "The talks ended with a joint statement on trade."
        doc b: "The talks collapsed without any agreement on trade."
        -> DC009: a and b contradict each other (verifier: conflict 0.91).
    """

    code = "DC009"
    name = "discrepancy.contradiction"
    kind = "discrepancy"
    default_severity = "warning"
    config_keys = (
        min_probability(0.6, "Verifier probability of 'conflict' a pair needs to be reported."),
    )

    per_group = True

    def check_group(self, ctx: RuleContext, group: ClaimGroup) -> Iterable[Finding]:
        floor = float(self.options["min_probability"])
        for pair in ctx.comparison(group).pairs:
            p = pair.p("conflict")
            if p is None or pair.relation != "conflict" or p < floor:
                continue
            if pair.neutralised or pair.conflicts():
                continue
            a, b = sorted((pair.a, pair.b), key=lambda c: (c.document, c.id))
            message = (
                f"Sources contradict each other: {a.document} says “{shorten(a.text, 90)}”, "
                f"while {b.document} says “{shorten(b.text, 90)}” (verifier: conflict {p:.2f})."
            )
            identity = Identity(
                slot=None,
                subject="contradiction",
                value_of={a.id: a.text, b.id: b.text},
            )
            yield self.finding([a, b], message, group=group.id, identity=identity)

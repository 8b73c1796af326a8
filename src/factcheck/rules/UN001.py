"""UN001: a substantive claim that no other independent source makes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from ..models import Claim, ClaimGroup, Finding
from .AG001 import Agreement
from .base import ConfigKey, Rule, RuleContext, at_least_one, join_names, list_of_str, shorten
from .identity import text_identity
from .slots import is_quote


class Unsupported(Rule):
    """A claim that no other independent source makes.

    What it does:
        Reports each substantive claim that no claim of another independent source states too
        (by the agreement rule's same-fact test) or contradicts (documents judged
        near-duplicates, e.g. syndicated copies, count as one source).
        Substantive means: not of a skipped kind (captions and headlines by default: their
        content is restated in the body), at least `min_words` words, at least one filled slot
        (who, when, where or a figure) when `require_slots` is on, and not a direct quotation
        when `skip_quotes` is on (a quote is a record of what someone said, which the source
        itself attests; whether it is true is another matter).

    Why it matters:
        A claim only one outlet makes is the first thing to verify before repeating it.

    Example:
        doc a: "The ministers will also visit Seoul on Wednesday."  (no other source says so)
        -> UN001: only a makes this claim.
    """

    code = "UN001"
    name = "unsupported.single-source"
    kind = "unsupported"
    default_severity = "warning"
    config_keys = (
        ConfigKey(
            "min_words",
            6,
            "Claims shorter than this are not reported.",
            (int,),
            at_least_one,
            "a positive integer",
        ),
        ConfigKey(
            "skip_kinds",
            ["caption", "headline"],
            "Claim kinds never reported.",
            (list,),
            list_of_str,
            "a list of claim kinds",
        ),
        ConfigKey("skip_quotes", True, "Do not report direct quotations.", (bool,)),
        ConfigKey(
            "require_slots", True, "Report only claims with a who, when, where or figure.", (bool,)
        ),
    )

    @staticmethod
    def backed(ctx: RuleContext) -> set[str]:
        """Claims another independent source states too (by AG001's test) or contradicts.

        Being grouped by the matcher is not enough: a group can hold claims on one topic that
        state different facts, and none of those is corroborated by the other.
        """
        agreement = Agreement(options=ctx.settings.rules.get(Agreement.code, {}))
        out: set[str] = set()
        for group in ctx.groups:
            # One group's share depends on that group alone: a rerun reuses unchanged ones.
            compute = partial(Unsupported.backed_in, ctx, group, agreement)
            out.update(ctx.group_value(group, "UN001.backed", compute))
        return out

    @staticmethod
    def backed_in(ctx: RuleContext, group: ClaimGroup, agreement: Agreement) -> list[str]:
        """The claims of one group that another independent source of it states or contradicts."""
        out: set[str] = set()
        for pair in ctx.comparison(group).pairs:
            if ctx.source_of(pair.a.document) == ctx.source_of(pair.b.document):
                continue  # copies of one source back nothing: they are one finding
            if agreement.same_fact(pair, verified=ctx.verified) or (
                pair.conflicts() and not pair.neutralised
            ):
                out.update((pair.a.id, pair.b.id))
        return sorted(out)

    def substantive(self, claim: Claim) -> bool:
        return self.skip_reason(claim) is None

    def skip_reason(self, claim: Claim) -> str | None:
        """Why the rule never reports this claim (None when it is substantive)."""
        if claim.kind in self.options["skip_kinds"]:
            return f"a {claim.kind} (skip_kinds)"
        if claim.word_count < int(self.options["min_words"]):
            return f"fewer than {self.options['min_words']} words (min_words)"
        if self.options["skip_quotes"] and is_quote(claim):
            return "a direct quotation (skip_quotes)"
        if self.options["require_slots"] and not (
            claim.who or claim.where or claim.quantities or any(t.resolved for t in claim.when)
        ):
            return "no who, when, where or figure (require_slots)"
        return None

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        backed = self.backed(ctx)
        lone: dict[str, Claim] = {}
        for claim in sorted(ctx.claims, key=lambda c: c.id):
            if self.substantive(claim) and claim.id not in backed:
                lone[claim.id] = claim
        # Copies of one claim in near-duplicate documents make one finding, not one per copy.
        done: set[str] = set()
        for cid, claim in lone.items():
            if cid in done:
                continue
            copies = sorted(
                {
                    other
                    for group in ctx.groups_of.get(cid, [])
                    for other in group.claims
                    if other in lone
                    and other not in done
                    # copies live in near-duplicate documents of the same source
                    and ctx.source_of(lone[other].document) == ctx.source_of(claim.document)
                }
                | {cid}
            )
            done.update(copies)
            members = [lone[c] for c in copies]
            if ctx.store is None:
                yield self.lone_finding(ctx, claim, members)
                continue

            # The finding reads its claims, their sources, dates and events alone: a rerun
            # takes the stored one where all are unchanged.
            def compute(claim: Claim = claim, members: list[Claim] = members) -> dict[str, Any]:
                return self.lone_finding(ctx, claim, members).model_dump(mode="json")

            stored = ctx.lone_value([cid, *copies], f"{self.code}.lone", compute)
            yield ctx.evented(Finding.model_validate(stored))

    def lone_finding(self, ctx: RuleContext, claim: Claim, copies: list[Claim]) -> Finding:
        """The finding about `claim` and its copies (`claim` among them), with its event."""
        docs = sorted({c.document for c in copies})
        also = f" ({join_names(docs)} are copies of one source)" if len(docs) > 1 else ""
        finding = self.finding(
            copies,
            f"Only one source makes this claim: “{shorten(claim.text, 120)}”{also}."
            + self.event_note(ctx, claim),
            identity=text_identity(copies),
        )
        return ctx.with_event(finding)

    @staticmethod
    def event_note(ctx: RuleContext, claim: Claim) -> str:
        """What the other sources say about the claim's event: a reader weighs a detail no one
        else gives about a widely reported event differently from an event no one else reports."""
        event = ctx.match.event_of(claim.id)
        mine = ctx.source_of(claim.document)
        others = sorted({ctx.source_of(d) for d in event.documents} - {mine}) if event else []
        if not others:
            return ""
        n = len(others)
        return f" {n} other source{'s' if n > 1 else ''} report{'' if n > 1 else 's'} the same event without it."

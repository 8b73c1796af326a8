"""Rule engine: run the selected rules over a match result and return sorted findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from ..models import KIND_ORDER, Claim, ClaimGroup, Document, Finding, MatchResult
from ..review.fingerprint import identity_fingerprint
from ..settings import Settings
from .base import Rule, RuleContext
from .group_results import GroupResults
from .memo import claim_memo
from .registry import instantiate


def run_rules(
    match: MatchResult,
    claims: Sequence[Claim],
    *,
    documents: Sequence[Document],
    settings: Settings,
    store: GroupResults | None = None,
    claim_keys: Mapping[str, str] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Findings of every selected rule (sorted, one per fingerprint) and the codes that ran.

    Rules run in code order over one shared context, so a group is compared slot by slot once
    whatever the number of rules reading it. With a `store` (the last run's per-group
    results), a `per_group` rule's findings about a group that is unchanged are the stored
    ones and the group is not compared again; the findings are those a run without it gives.
    `claim_keys` (claim id -> :func:`~factcheck.pipeline.claim_keys`, for claims as extracted
    and linked) name those claims in the store's keys instead of their serialised form.
    """
    rules = instantiate(settings)
    ctx = RuleContext(
        match=match,
        claims=claims,
        documents=documents,
        settings=settings,
        store=store,
        claim_keys=claim_keys,
    )
    if store is not None:
        context = settings.model_dump_json(exclude={"cache", "use_cache"})
        store.start(f"{context}\0verified={ctx.verified}")
    seen: dict[str, Finding] = {}
    # Rules only read claims, so what is derived from one (its effective polarity, its event
    # places...) is computed once per claim rather than once per pair it appears in.
    with claim_memo():
        for rule in rules:
            for finding in _findings(rule, ctx):
                # Two groups can hold the same claims: one finding per rule and set of claims.
                seen.setdefault(finding.legacy_fingerprint or finding.fingerprint, finding)
    findings = sorted(
        distinct_fingerprints(
            with_event(f, ctx) for f in _without_contested_lone_claims(seen.values())
        ),
        key=lambda f: (-KIND_ORDER[f.kind], f.rule, f.documents, f.fingerprint),
    )
    return findings, [r.code for r in rules]


def _findings(rule: Rule, ctx: RuleContext) -> Iterable[Finding]:
    """A rule's findings; those of a `per_group` rule group by group through `ctx.store`."""
    # A plugin that overrides check() itself is run as it says, per_group or not.
    if ctx.store is None or not rule.per_group or type(rule).check is not Rule.check:
        return rule.check(ctx)

    def judge(group: ClaimGroup) -> list[dict[str, Any]]:
        return [f.model_dump(mode="json") for f in rule.check_group(ctx, group)]

    out: list[Finding] = []
    for group in ctx.groups:
        stored = ctx.group_value(group, rule.code, partial(judge, group))
        out.extend(Finding.model_validate(f) for f in stored)
    return out


def distinct_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """The findings, those that share a fingerprint (two facts alike) told apart by their claims.

    Two findings about different facts can have one identity (the same predicate and values in
    two events); one verdict must not cover both, so each of them also hashes its claim texts.
    """
    out = list(findings)
    count = Counter(f.fingerprint for f in out)
    for n, f in enumerate(out):
        if count[f.fingerprint] > 1:
            texts = sorted(e.text for e in f.evidence)
            fp = identity_fingerprint(f.rule, slot=None, subject=f.fingerprint, values=texts)
            out[n] = f.model_copy(update={"fingerprint": fp})
    return out


def _without_contested_lone_claims(findings: Iterable[Finding]) -> list[Finding]:
    """The findings, less "only one source says this" where another source contradicts it.

    A claim that a discrepancy holds is made by one side and disputed by another: it belongs to
    the discrepancy, not to unsupported (rules run independently, so this is settled here).
    """
    out = list(findings)
    contested = {e.claim for f in out if f.kind == "discrepancy" for e in f.evidence}
    return [
        f
        for f in out
        if not (f.kind == "unsupported" and f.evidence)
        or not all(e.claim in contested for e in f.evidence)
    ]


def with_event(finding: Finding, ctx: RuleContext) -> Finding:
    """The finding with the event its claims concern (:meth:`RuleContext.with_event`)."""
    return ctx.with_event(finding)

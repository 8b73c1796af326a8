"""Rule engine: run the selected rules over a match result and return sorted findings."""

from __future__ import annotations

from collections.abc import Sequence

from ..match.score import MatchResult
from ..models import KIND_ORDER, Claim, Document, Finding
from ..settings import Settings
from .base import RuleContext
from .memo import claim_memo
from .registry import instantiate


def run_rules(
    match: MatchResult,
    claims: Sequence[Claim],
    *,
    documents: Sequence[Document],
    settings: Settings,
) -> tuple[list[Finding], list[str]]:
    """Findings of every selected rule (sorted, one per fingerprint) and the codes that ran.

    Rules run in code order over one shared context, so a group is compared slot by slot once
    whatever the number of rules reading it.
    """
    rules = instantiate(settings)
    ctx = RuleContext(match=match, claims=claims, documents=documents, settings=settings)
    seen: dict[str, Finding] = {}
    # Rules only read claims, so what is derived from one (its effective polarity, its event
    # places...) is computed once per claim rather than once per pair it appears in.
    with claim_memo():
        for rule in rules:
            for finding in rule.check(ctx):
                # Two groups can hold the same claims; one finding per fingerprint keeps reviews sane.
                seen.setdefault(finding.fingerprint, finding)
    findings = sorted(
        seen.values(),
        key=lambda f: (-KIND_ORDER[f.kind], f.rule, f.documents, f.fingerprint),
    )
    return findings, [r.code for r in rules]

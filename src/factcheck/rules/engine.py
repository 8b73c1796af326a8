"""Rule engine (PLACEHOLDER: agreement for every group, unsupported for every lone claim)."""

from __future__ import annotations

from collections.abc import Sequence

from ..fingerprint import fingerprint
from ..match import MatchResult
from ..models import Claim, Document, Evidence, Finding
from ..settings import Settings


def _evidence(claim: Claim) -> Evidence:
    return Evidence(
        document=claim.document, claim=claim.id, start=claim.span.start, end=claim.span.end,
        line=claim.span.line, column=claim.span.column, text=claim.sentence,
    )


def run_rules(
    match: MatchResult, claims: Sequence[Claim], *, documents: Sequence[Document], settings: Settings
) -> tuple[list[Finding], list[str]]:
    by_id = {c.id: c for c in claims}
    findings: list[Finding] = []
    grouped: set[str] = set()
    for group in match.groups:
        members = [by_id[i] for i in group.claims]
        grouped.update(group.claims)
        findings.append(Finding(
            kind="agreement", rule="AG001", name="agreement.same-fact", severity="info",
            message="Sources agree.", group=group.id,
            fingerprint=fingerprint("AG001", [(c.document, c.text) for c in members]),
            documents=sorted({c.document for c in members}), evidence=[_evidence(c) for c in members],
        ))
    for c in claims:
        if c.id not in grouped:
            findings.append(Finding(
                kind="unsupported", rule="UN001", name="unsupported.single-source", severity="warning",
                message="Only one source makes this claim.", documents=[c.document],
                fingerprint=fingerprint("UN001", [(c.document, c.text)]), evidence=[_evidence(c)],
            ))
    return findings, ["AG001", "UN001"]

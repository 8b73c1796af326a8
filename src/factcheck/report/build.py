"""Assemble the Report model from a run's results: sorted, counted, deterministic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import (
    KIND_ORDER,
    Claim,
    Document,
    Finding,
    GeneratedWith,
    RelatedPair,
    Report,
    Summary,
)
from ..rules.base import evidence

if TYPE_CHECKING:
    from ..models import MatchResult


def finding_sort_key(f: Finding) -> tuple[object, ...]:
    """Discrepancies first, then unsupported, then agreements; then by place in the corpus."""
    first = f.evidence[0] if f.evidence else None
    return (
        -KIND_ORDER[f.kind],
        f.rule,
        first.document if first else "",
        first.start if first else 0,
        f.fingerprint,
    )


def summarise(
    findings: Sequence[Finding], documents: Sequence[Document], claims: int, groups: int
) -> Summary:
    by_document: dict[str, dict[str, int]] = {d.id: {} for d in documents}
    for f in findings:
        for doc in f.documents:
            counts = by_document.setdefault(doc, {})
            counts[f.kind] = counts.get(f.kind, 0) + 1
    return Summary(
        documents=len(documents),
        claims=claims,
        groups=groups,
        by_kind=dict(sorted(Counter(f.kind for f in findings).items())),
        by_rule=dict(sorted(Counter(f.rule for f in findings).items())),
        by_document={k: dict(sorted(v.items())) for k, v in sorted(by_document.items())},
    )


def related_pairs(match: MatchResult, claims: Sequence[Claim]) -> list[RelatedPair]:
    """The verifier's "different fact or event" pairs, located in their documents."""
    by_id = {c.id: c for c in claims}
    out = []
    for pair in match.related:
        a, b = by_id.get(pair.a), by_id.get(pair.b)
        if a is None or b is None or pair.relation is None or pair.probabilities is None:
            continue
        out.append(
            RelatedPair(
                relation=pair.relation,
                probability=pair.probabilities[pair.relation],
                similarity=pair.similarity,
                evidence=[evidence(a), evidence(b)],
            )
        )
    return sorted(out, key=lambda r: [(e.document, e.start, e.claim) for e in r.evidence])


def build_report(
    *,
    documents: Sequence[Document],
    claims: Sequence[Claim],
    match: MatchResult,
    findings: Sequence[Finding],
    generated_with: GeneratedWith,
) -> Report:
    ordered = sorted(findings, key=finding_sort_key)
    return Report(
        generated_with=generated_with,
        documents=sorted((d.record() for d in documents), key=lambda d: d.id),
        sources=sorted(match.sources, key=lambda s: s.id),
        findings=ordered,
        related=related_pairs(match, claims),
        summary=summarise(ordered, documents, len(claims), len(match.groups)),
    )

"""Assemble the Report model from a run's results: sorted, counted, deterministic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import (
    KIND_ORDER,
    Claim,
    ClaimOutcome,
    ClaimPlace,
    Document,
    Finding,
    GeneratedWith,
    RelatedPair,
    Report,
    Summary,
)
from ..rules.base import evidence
from ..rules.UN001 import Unsupported
from ..settings import Settings

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


def claim_outcomes(
    claims: Sequence[Claim],
    findings: Sequence[Finding],
    related: Sequence[RelatedPair],
    *,
    settings: Settings,
    rules: Sequence[str] | None = None,
    match: MatchResult | None = None,
) -> list[ClaimOutcome]:
    """Each claim's one place: a discrepancy, an agreement, unsupported, or related.

    A claim several findings hold goes to the strongest (discrepancy, then agreement, then
    unsupported); one that only a "different fact or event" pair holds is related; the rest are
    unsupported, with the reason the unsupported rule does not report them.
    """
    holder: dict[str, Finding] = {}
    for kind in ("discrepancy", "agreement", "unsupported"):
        for f in findings:
            if f.kind == kind:
                for e in f.evidence:
                    holder.setdefault(e.claim, f)
    nearest: dict[str, tuple[float, str, RelatedPair]] = {}
    for pair in related:
        a, b = (e.claim for e in pair.evidence)
        for mine, other in ((a, b), (b, a)):
            best = nearest.get(mine)
            if best is None or (-pair.similarity, other) < (-best[0], best[1]):
                nearest[mine] = (pair.similarity, other, pair)
    lone = Unsupported(options=settings.rules.get(Unsupported.code, {}))
    generated_rules = list(rules) if rules is not None else [Unsupported.code]
    out = []
    for claim in sorted(claims, key=lambda c: (c.document, c.span.start, c.id)):
        held = holder.get(claim.id)
        note: str | None = None
        place: ClaimPlace
        if held is not None:
            place = held.kind  # a finding's kind names the place its claims end in
        elif claim.id in nearest:
            _, other, pair = nearest[claim.id]
            place = "related"
            note = (
                f"a {pair.relation} fact or event than {other} "
                f"(verifier {pair.probability:.2f}, similarity {pair.similarity:.2f})"
                if pair.relation in ("different", "unrelated")
                else f"judged against {other}: {pair.relation}"
            )
        else:
            place = "unsupported"
            reason = lone.skip_reason(claim)
            note = f"not reported: {reason or _why_unreported(generated_rules)}"
        out.append(
            ClaimOutcome(
                claim=claim.id,
                document=claim.document,
                line=claim.span.line,
                place=place,
                finding=held.fingerprint if held is not None else None,
                note=note,
                event=event.id if match and (event := match.event_of(claim.id)) else None,
            )
        )
    return out


def _why_unreported(rules: Sequence[str]) -> str:
    if Unsupported.code not in rules:
        return f"the unsupported rule ({Unsupported.code}) did not run"
    return "another source's claim is paired with it, but no rule reported the pair"


def build_report(
    *,
    documents: Sequence[Document],
    claims: Sequence[Claim],
    match: MatchResult,
    findings: Sequence[Finding],
    generated_with: GeneratedWith,
    settings: Settings | None = None,
) -> Report:
    ordered = sorted(findings, key=finding_sort_key)
    related = related_pairs(match, claims)
    outcomes = claim_outcomes(
        claims,
        ordered,
        related,
        settings=settings or Settings(),
        rules=generated_with.rules,
        match=match,
    )
    summary = summarise(ordered, documents, len(claims), len(match.groups))
    summary.by_place = dict(sorted(Counter(o.place for o in outcomes).items()))
    return Report(
        generated_with=generated_with,
        documents=sorted((d.record() for d in documents), key=lambda d: d.id),
        sources=sorted(match.sources, key=lambda s: s.id),
        findings=ordered,
        related=related,
        claims=outcomes,
        summary=summary,
    )

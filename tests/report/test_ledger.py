"""The claim ledger: each claim's one place in the report, by precedence, with reasons."""

from __future__ import annotations

from factcheck.models import Finding, RelatedPair
from factcheck.report.build import claim_outcomes
from factcheck.rules.base import evidence
from factcheck.settings import Settings
from tests.conftest import make_claim


def _finding(kind: str, fp: str, *claims: object) -> Finding:
    return Finding(
        kind=kind,  # type: ignore[arg-type]
        rule={"agreement": "AG001", "discrepancy": "DC001", "unsupported": "UN001"}[kind],
        name="x",
        severity="info",
        message="m",
        fingerprint=fp,
        evidence=[evidence(c) for c in claims],  # type: ignore[arg-type]
    )


def test_strongest_finding_wins_and_every_claim_is_placed_once() -> None:
    a = make_claim("a", "The ministers met in Tokyo on Tuesday.", index=0)
    b = make_claim("b", "The ministers met in Osaka on Tuesday.", index=0)
    c = make_claim("b", "The ministers will visit Seoul on Wednesday next week.", index=1)
    d = make_claim("c", "Trade between the two countries grew last year.", index=0)
    e = make_claim("c", "Fine.", index=1)
    findings = [
        _finding("agreement", "ag", a, b),
        _finding("discrepancy", "dc", a, b),
        _finding("unsupported", "un", c),
    ]
    related = [
        RelatedPair(
            relation="different",
            probability=0.9,
            similarity=0.6,
            evidence=[evidence(c), evidence(d)],
        )
    ]
    out = {
        o.claim: o for o in claim_outcomes([a, b, c, d, e], findings, related, settings=Settings())
    }
    assert len(out) == 5
    assert (out[a.id].place, out[a.id].finding) == ("discrepancy", "dc")
    assert (out[b.id].place, out[b.id].finding) == ("discrepancy", "dc")
    assert (out[c.id].place, out[c.id].finding) == ("unsupported", "un")
    assert out[d.id].place == "related" and c.id in (out[d.id].note or "")
    assert out[e.id].place == "unsupported" and out[e.id].finding is None
    assert "min_words" in (out[e.id].note or "")


def test_skip_reason_follows_the_rule_options() -> None:
    e = make_claim("c", "Fine.", index=1)
    settings = Settings.model_validate(
        {"rules": {"UN001": {"min_words": 1, "require_slots": False}}}
    )
    (only,) = claim_outcomes([e], [], [], settings=settings, rules=["AG001", "UN001"])
    assert only.place == "unsupported"
    assert only.note and "no rule reported the pair" in only.note
    (off,) = claim_outcomes([e], [], [], settings=settings, rules=["AG001"])
    assert off.note and "UN001" in off.note and "did not run" in off.note

"""Pairs the verifier sets apart as a different fact or event reach the report: none vanishes."""

from __future__ import annotations

import jsonschema

from factcheck.models import ClaimPair, GeneratedWith, MatchResult
from factcheck.report.build import build_report
from factcheck.report.render import MD_RELATED_LIMIT, render_markdown
from factcheck.schema import schema_for
from tests.conftest import make_claim, make_document

GENERATED = GeneratedWith(factcheck="0.1.0", models={}, rules=[])
PROBS = {"agree": 0.1, "conflict": 0.05, "discuss": 0.05, "different": 0.75, "unrelated": 0.05}


def _report(n: int):  # type: ignore[no-untyped-def]
    claims = [
        make_claim("a", f"The ministers met in Tokyo in 20{i:02d}.", index=i) for i in range(n)
    ]
    claims += [make_claim("b", "The ministers met virtually in 2021.")]
    related = [
        ClaimPair(a=f"a:{i}", b="b:0", similarity=0.7, relation="different", probabilities=PROBS)
        for i in range(n)
    ]
    documents = [make_document("a", "x"), make_document("b", "y")]
    match = MatchResult(groups=[], related=related)
    return build_report(
        documents=documents, claims=claims, match=match, findings=[], generated_with=GENERATED
    )


def test_related_pairs_are_listed_with_their_evidence() -> None:
    report = _report(2)
    assert [(r.relation, r.probability) for r in report.related] == [("different", 0.75)] * 2
    assert [[e.claim for e in r.evidence] for r in report.related] == [
        ["a:0", "b:0"],
        ["a:1", "b:0"],
    ]
    assert report.related[0].evidence[1].text == "The ministers met virtually in 2021."
    jsonschema.validate(report.model_dump(mode="json"), schema_for("report"))


def test_markdown_lists_related_pairs_collapsed_and_capped() -> None:
    md = render_markdown(_report(MD_RELATED_LIMIT + 3))
    assert f"## Related, different fact or event ({MD_RELATED_LIMIT + 3})" in md
    assert "<details>" in md and "3 more in report.json" in md
    assert "The ministers met virtually in 2021." in md


def test_no_section_without_related_pairs() -> None:
    assert "Related, different fact" not in render_markdown(_report(0))


def test_html_lists_related_pairs_escaped() -> None:
    from factcheck.report.render import render_html

    report = _report(1)
    hostile = report.related[0].evidence[1].model_copy(update={"text": "<script>alert(1)</script>"})
    pair = report.related[0].model_copy(
        update={"evidence": [report.related[0].evidence[0], hostile]}
    )
    html = render_html(report.model_copy(update={"related": [pair]}))
    assert "Related, different fact or event (1)" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html

"""A review follows its finding when a joining document changes which claim's subject is picked.

An agreement or a lone claim is identified by one of its claims' texts (the first in sorted
order), a discrepancy by the claims' usual predicate: a new document whose text sorts first,
or whose predicate tips the majority, changes the fingerprint. The review made before must
still apply (every claim's reading is an alias), and the gate must not fail on it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console

from factcheck.gate.evaluate import evaluate
from factcheck.models import Finding, Review, ReviewsFile
from factcheck.review.session import ReviewSession
from factcheck.review.store import (
    ReviewIndex,
    aliases,
    match_reviews,
    migrate_reviews,
    now_utc,
    record_verdict,
    save_reviews,
    stale_reviews,
    with_reviews,
)
from factcheck.rules.testing import build_case, run_case
from tests.gate.test_gate import make_report, write_docs

# Sentences written for this test. The joining one sorts before the others once normalised.
MET = {"what": "meet", "where": ["gpe:tokyo"], "when": ["2021-03-16"]}
FIRST = {"doc": "m", "text": "The ministers met in Tokyo on 16 March 2021.", **MET}
SECOND = {"doc": "n", "text": "The two ministers met in Tokyo on 16 March 2021.", **MET}
JOINING = {"doc": "j", "text": "Alliance ministers met in Tokyo on 16 March 2021.", **MET}


def findings_of(rule: str, claims: list[dict[str, Any]], **case: Any) -> list[Finding]:
    return run_case({"rule": rule, "claims": claims, **case})


def report_of(tmp_path: Path, rule: str, claims: list[dict[str, Any]], **case: Any):  # type: ignore[no-untyped-def]
    """The rule's findings on the case's corpus, in a report whose documents are files."""
    spec = {"rule": rule, "claims": claims, **case}
    _, _, documents, _ = build_case(spec)
    records = write_docs(tmp_path, {f"{d.id}.txt": d.text for d in documents})
    return make_report(records, run_case(spec))


def reviewed(finding: Finding, verdict: str = "confirmed") -> ReviewsFile:
    out, outcome, _ = record_verdict(
        ReviewsFile(), finding.fingerprint, verdict, reviewer="ana", finding=finding, note="ok"
    )  # type: ignore[arg-type]
    assert outcome == "recorded"
    return out


def test_an_agreement_joined_by_a_text_that_sorts_first_keeps_its_review(tmp_path: Path) -> None:
    (before,) = findings_of("AG001", [FIRST, SECOND], similarity=0.9)
    reviews = reviewed(before)
    report = report_of(tmp_path, "AG001", [FIRST, SECOND, JOINING], similarity=0.9)
    (after,) = report.findings
    # The joining text is picked now, so the fingerprint moved: that is what is tested here.
    assert after.fingerprint != before.fingerprint and after.documents == ["j", "m", "n"]
    assert before.fingerprint in aliases(after)

    index = ReviewIndex.of(reviews, report.findings)
    review = index.review_of(after)
    assert review is not None and review.verdict == "confirmed" and review.note == "ok"
    assert stale_reviews(reviews, report) == []
    # The report says it gained evidence, and so does the review screen.
    (status,) = with_reviews(report, index.by_fingerprint).reviews
    assert status.fingerprint == after.fingerprint and status.new_evidence == ["j"]
    save_reviews(tmp_path / "reviews.json", reviews)
    console = Console(file=io.StringIO(), width=100)
    session = ReviewSession(
        report,
        reviews_path=tmp_path / "reviews.json",
        reviewer="bob",
        console=console,
        ask=lambda prompt: "q",
        include_agreements=True,
    )
    assert session.queue == [after]  # to look at again: it gained evidence
    session.run()
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "current verdict: confirmed by ana: ok" in shown
    assert "new evidence since the review: j" in shown

    # Writing migrates the review to the current fingerprint, keeping what the reviewer saw.
    migrated, moved = migrate_reviews(reviews, report.findings)
    assert moved == [(before.fingerprint, after.fingerprint)]
    (kept,) = migrated.reviews
    assert kept.fingerprint == after.fingerprint and kept.documents == ["m", "n"]


# Copies of one source (a and its edited syndication c) make one lone-claim finding.
LONE = {"doc": "a", "text": "The delegation will travel to Seoul on 17 March 2021.",
        "where": ["gpe:seoul"], "when": ["2021-03-17"]}  # fmt: skip
COPY = {**LONE, "doc": "c", "text": "A delegation will travel to Seoul on 17 March 2021."}


def test_a_reviewed_lone_claim_joined_by_a_copy_does_not_fail_the_gate(tmp_path: Path) -> None:
    (before,) = findings_of("UN001", [LONE])
    report = report_of(tmp_path / "docs", "UN001", [LONE, COPY], sources=[["a", "c"]])
    (after,) = report.findings
    assert after.documents == ["a", "c"] and after.fingerprint != before.fingerprint

    def gate(reviews: ReviewsFile) -> Any:
        return evaluate(
            report,
            reviews=ReviewIndex.of(reviews, report.findings),
            changed={tmp_path / "docs" / "c.txt"},
            fail_on="unsupported",
        )

    # Unreviewed, the copy's lone claim fails the gate (fail on unsupported) ...
    assert [i.finding.fingerprint for i in gate(ReviewsFile()).failing] == [after.fingerprint]
    # ... reviewed under the fingerprint it had before the copy joined, it passes, noted.
    result = gate(reviewed(before))
    (item,) = result.items
    assert result.passed and item.status == "confirmed" and item.new_evidence == ("c",)


def test_a_discrepancy_whose_predicate_majority_tips_keeps_its_review() -> None:
    # Two claims, two predicates: the tie goes to 'hold'; a third on the majority value with
    # 'take place' makes that the usual predicate. The set of values is unchanged.
    tokyo = {"doc": "a", "text": "The talks were held in Tokyo.", "what": "hold",
             "where": ["gpe:tokyo"]}  # fmt: skip
    osaka = {"doc": "b", "text": "The talks took place in Osaka.", "what": "take place",
             "where": ["gpe:osaka"]}  # fmt: skip
    again = {**osaka, "doc": "c", "text": "The meeting took place in Osaka."}
    (before,) = findings_of("DC003", [tokyo, osaka], similarity=0.9)
    (after,) = findings_of("DC003", [tokyo, osaka, again], similarity=0.9)
    assert before.identity is not None and after.identity is not None
    assert (before.identity.subject, after.identity.subject) == ("hold", "take")
    assert before.identity.values == after.identity.values
    assert after.fingerprint != before.fingerprint
    assert match_reviews({before.fingerprint: _review(before)}, [after])[after.fingerprint]


def test_a_new_value_is_still_a_new_finding() -> None:
    tokyo = {"doc": "a", "text": "The talks were held in Tokyo.", "what": "hold",
             "where": ["gpe:tokyo"]}  # fmt: skip
    osaka = {"doc": "b", "text": "The talks were held in Osaka.", "what": "hold",
             "where": ["gpe:osaka"]}  # fmt: skip
    kyoto = {"doc": "c", "text": "The talks took place in Kyoto.", "what": "take place",
             "where": ["gpe:kyoto"]}  # fmt: skip
    (before,) = findings_of("DC003", [tokyo, osaka], similarity=0.9)
    (after,) = findings_of("DC003", [tokyo, osaka, kyoto], similarity=0.9)
    assert after.fingerprint != before.fingerprint
    assert before.fingerprint not in aliases(after)
    assert match_reviews({before.fingerprint: _review(before)}, [after]) == {}


def _review(finding: Finding) -> Review:
    return Review(
        fingerprint=finding.fingerprint, verdict="dismissed", time=now_utc(), documents=[]
    )


def test_an_alias_two_findings_share_matches_neither() -> None:
    (agreement,) = findings_of("AG001", [FIRST, SECOND, JOINING], similarity=0.9)
    old = aliases(agreement)[0]
    twin = agreement.model_copy(update={"fingerprint": "f" * 20, "documents": ["x"]})
    reviews = {old: _review(agreement)}
    assert match_reviews(reviews, [agreement]) == {agreement.fingerprint: reviews[old]}
    # One verdict never covers two findings: with both present it is matched to none.
    assert match_reviews(reviews, [agreement, twin]) == {}
    # A finding whose own fingerprint it is keeps it, whatever aliases others have.
    owner = agreement.model_copy(update={"fingerprint": old})
    assert match_reviews(reviews, [owner, agreement]) == {old: reviews[old]}


def test_a_review_of_a_finding_merged_into_another_is_not_stale(tmp_path: Path) -> None:
    # Two reviewed agreements; a joining document links them into one. One review applies,
    # the other is not listed as stale: its claim is still in the finding.
    tokyo = {"what": "meet", "where": ["gpe:tokyo"]}
    left = [{"doc": "m", "text": "The ministers met in Tokyo.", **tokyo},
            {"doc": "n", "text": "Ministers met in Tokyo.", **tokyo}]  # fmt: skip
    right = [{"doc": "p", "text": "The ministers gathered in Tokyo.", **tokyo},
             {"doc": "q", "text": "Ministers gathered in Tokyo.", **tokyo}]  # fmt: skip
    bridge = {"doc": "j", "text": "All the ministers met and gathered in Tokyo.", **tokyo}
    apart = findings_of("AG001", [*left, *right], pairs=[[0, 1, 0.9], [2, 3, 0.9]])
    assert len(apart) == 2
    reviews = ReviewsFile(reviews=[_review(f) for f in apart])
    # The bridge restates all four (an agreement is no chain: each claim must restate at least
    # half of the others).
    pairs = [[0, 1, 0.9], [2, 3, 0.9], [0, 4, 0.9], [1, 4, 0.9], [2, 4, 0.9], [3, 4, 0.9]]
    report = report_of(tmp_path, "AG001", [*left, *right, bridge], pairs=pairs)
    (merged,) = report.findings
    assert set(merged.documents) == {"j", "m", "n", "p", "q"}
    assert ReviewIndex.of(reviews, report.findings).review_of(merged) is not None
    assert stale_reviews(reviews, report) == []


def test_a_migrated_review_still_applies_when_the_joining_document_goes(tmp_path: Path) -> None:
    # Reviewed with m and n; j joins and sorts first, a write moves the review to the new
    # fingerprint; j is deleted again and the fingerprint goes back: the review follows.
    (before,) = findings_of("AG001", [FIRST, SECOND], similarity=0.9)
    (joined,) = findings_of("AG001", [FIRST, SECOND, JOINING], similarity=0.9)
    migrated, moved = migrate_reviews(reviewed(before), [joined])
    assert moved == [(before.fingerprint, joined.fingerprint)]
    (kept,) = migrated.reviews
    assert kept.fingerprint == joined.fingerprint and kept.aliases == [before.fingerprint]
    # Another verdict on it keeps those keys.
    again, outcome, _ = record_verdict(
        migrated, joined.fingerprint, "dismissed", reviewer="ana", finding=joined, note="moved"
    )
    assert outcome == "recorded" and again.reviews[0].aliases == [before.fingerprint]

    report = report_of(tmp_path, "AG001", [FIRST, SECOND], similarity=0.9)
    (back,) = report.findings
    assert back.fingerprint == before.fingerprint and joined.fingerprint not in aliases(back)
    review = ReviewIndex.of(again, report.findings).review_of(back)
    assert review is not None and review.note == "moved"
    assert stale_reviews(again, report) == []
    # The next write moves it back, and it keeps the fingerprint it had with j as a key.
    (home,) = migrate_reviews(again, report.findings)[0].reviews
    assert home.fingerprint == before.fingerprint and home.aliases == [joined.fingerprint]

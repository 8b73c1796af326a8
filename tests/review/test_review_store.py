"""The review store never loses a verdict: locked merges, concurrent writers, history, migration, baselines."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from factcheck.cli import main
from factcheck.io import write_model
from factcheck.models import Report
from factcheck.review.store import (
    adopt_baseline,
    load_reviews,
    migrate_reviews,
    new_documents,
    save_reviews,
    stale_reviews,
    update_reviews,
)
from tests.gate.test_gate import two_doc_report
from tests.review.test_reviews import review

WRITERS = 8


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(tmp_path)
    report, _, _ = two_doc_report(Path("seeds"))
    write_model("reports/report.json", report)
    return report


def _confirm(n: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    code = main(["-q", "review", "--confirm", f"{n:04d}beef", "--force", "--reviewer", f"r{n}"])
    raise SystemExit(code)


def test_eight_concurrent_writers_keep_all_eight_verdicts(report: Report) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    procs = [ctx.Process(target=_confirm, args=(n, barrier)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    reviews = load_reviews("reports/reviews.json").reviews
    assert sorted(r.fingerprint for r in reviews) == [f"{n:04d}beef" for n in range(WRITERS)]
    assert {r.reviewer for r in reviews} == {f"r{n}" for n in range(WRITERS)}


def test_update_merges_with_what_is_on_disk_now(report: Report) -> None:
    path = Path("reports/reviews.json")
    save_reviews(path, load_reviews(path))
    stale_copy = load_reviews(path)  # what a slow writer read a while ago
    assert main(["review", "--dismiss", "aaaa1111", "--force"]) == 0  # someone else writes

    def add(current):  # type: ignore[no-untyped-def]
        assert current != stale_copy  # the change sees the file as it is now
        return current.model_copy(update={"reviews": [*current.reviews, review("bbbb2222")]}), None

    update_reviews(path, add)
    assert [r.fingerprint for r in load_reviews(path).reviews] == ["aaaa1111", "bbbb2222"]


def test_changing_another_reviewers_verdict_needs_force_and_keeps_history(
    report: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    place = report.findings[0].fingerprint
    assert main(["review", "--dismiss", place, "--note", "same meeting", "--reviewer", "ann"]) == 0
    capsys.readouterr()
    assert main(["review", "--confirm", place, "--reviewer", "bob"]) == 2
    err = capsys.readouterr().err
    assert "already dismissed by ann" in err and "same meeting" in err and "--force" in err
    (record,) = load_reviews("reports/reviews.json").reviews
    assert (record.verdict, record.reviewer, record.history) == ("dismissed", "ann", [])

    assert main(["review", "--confirm", place, "--reviewer", "bob", "--force"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"confirmed {place}"]
    (record,) = load_reviews("reports/reviews.json").reviews
    assert (record.verdict, record.reviewer) == ("confirmed", "bob")
    assert [(h.verdict, h.reviewer, h.note) for h in record.history] == [
        ("dismissed", "ann", "same meeting")
    ]
    # The same verdict again says so instead of pretending to record it.
    assert main(["review", "--confirm", place, "--reviewer", "carl"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"confirmed {place} (unchanged)"]


def test_reviews_under_scheme_one_fingerprints_migrate(report: Report) -> None:
    place = report.findings[0]
    assert place.legacy_fingerprint
    old = review(place.legacy_fingerprint, "dismissed", "reviewed before scheme 2")
    reviews = load_reviews("reports/reviews.json").model_copy(update={"reviews": [old]})
    assert stale_reviews(reviews, report) == []
    migrated, moved = migrate_reviews(reviews, report.findings)
    assert moved == [(place.legacy_fingerprint, place.fingerprint)]
    (record,) = migrated.reviews
    assert (record.fingerprint, record.note) == (place.fingerprint, "reviewed before scheme 2")
    assert record.documents == place.documents

    # The next write through the CLI migrates the file.
    save_reviews("reports/reviews.json", reviews)
    lone = report.findings[1].fingerprint
    assert main(["review", "--confirm", lone]) == 0
    on_disk = {r.fingerprint for r in load_reviews("reports/reviews.json").reviews}
    assert on_disk == {place.fingerprint, lone}


def test_new_documents_since_the_review(report: Report) -> None:
    place = report.findings[0]
    seen = review(place.fingerprint).model_copy(update={"documents": place.documents[:1]})
    assert new_documents(seen, place) == place.documents[1:]
    assert new_documents(seen.model_copy(update={"documents": []}), place) == []
    assert new_documents(None, place) == []


def test_accept_all_adopts_a_baseline_without_touching_existing_verdicts(
    report: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    place, lone = report.findings[0].fingerprint, report.findings[1].fingerprint
    assert main(["review", "--dismiss", place, "--reviewer", "ann"]) == 0
    assert main(["review", "--accept-all"]) == 2  # needs a note
    assert main(["review", "--accept-all", "--note", "baseline 2026-12", "--reviewer", "ci"]) == 0
    assert "1 finding(s) marked confirmed" in capsys.readouterr().err
    records = {r.fingerprint: r for r in load_reviews("reports/reviews.json").reviews}
    assert records[place].verdict == "dismissed"
    assert (records[lone].verdict, records[lone].note) == ("confirmed", "baseline 2026-12")
    assert main(["gate", "--help"]) == 0  # smoke: the CLI still loads
    _, marked = adopt_baseline(
        load_reviews("reports/reviews.json"), report.findings, note="x", reviewer="y"
    )
    assert marked == [f for f in report.findings if f.kind == "agreement"]


def test_confirming_again_after_new_evidence_records_the_documents_seen(report: Report) -> None:
    place = report.findings[0]
    earlier = review(place.fingerprint, "confirmed", "real").model_copy(
        update={"documents": place.documents[:1]}
    )
    save_reviews(
        "reports/reviews.json",
        load_reviews("reports/reviews.json").model_copy(update={"reviews": [earlier]}),
    )
    assert main(["review", "--confirm", place.fingerprint, "--reviewer", "bob"]) == 0
    (record,) = load_reviews("reports/reviews.json").reviews
    assert (record.verdict, record.note, record.documents) == ("confirmed", "real", place.documents)
    assert [h.reviewer for h in record.history] == ["ann"]

"""A reviewed finding's status in report.json, report.md and report.html, and the evidence it gained since."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema

from factcheck.models import MatchResult, Review
from factcheck.pipeline import RunResult
from factcheck.report.write import render_reports
from factcheck.schema import schema_for

from .test_readable import _disputed


def _rendered(reviewed_documents: list[str]) -> tuple[str, dict[str, str]]:
    docs, report = _disputed(3)  # d1 and d2 say Alice Ray, d0 says Bob Kay
    f = report.findings[0]
    review = Review(
        fingerprint=f.fingerprint,
        verdict="confirmed",
        note="Kay left office in May",
        reviewer="Desk editor",
        time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        documents=reviewed_documents,
    )
    result = RunResult(report=report, documents=docs, claims=[], match=MatchResult(groups=[]))
    return f.fingerprint, render_reports(result, reviews={f.fingerprint: review})


def test_a_reviewed_finding_that_gained_evidence_says_so_in_every_report() -> None:
    fingerprint, out = _rendered(["d0", "d1"])  # d2 joined the finding after the review
    data = json.loads(out["report.json"])
    jsonschema.validate(data, schema_for("report"))
    assert data["reviews"] == [
        {
            "fingerprint": fingerprint,
            "verdict": "confirmed",
            "note": "Kay left office in May",
            "reviewer": "Desk editor",
            "time": "2026-01-01T00:00:00Z",
            "new_evidence": ["d2"],
        }
    ]
    md = out["report.md"]
    assert (
        "· reviewed: confirmed (“Kay left office in May”); new evidence since the review: d2.txt"
        in md
    )
    assert (
        "Reviewed: **confirmed** by Desk editor (“Kay left office in May”); "
        "new evidence since the review: d2.txt" in md
    )
    page = out["report.html"]
    assert "· new evidence since the review: d2.txt</span>" in page  # conflicts at a glance
    assert "<br><strong>new evidence since the review: d2.txt</strong>" in page  # the finding


def test_a_review_that_saw_every_document_names_no_new_evidence() -> None:
    _, out = _rendered(["d0", "d1", "d2"])
    assert json.loads(out["report.json"])["reviews"][0]["new_evidence"] == []
    assert "Reviewed: **confirmed** by Desk editor" in out["report.md"]
    assert all("new evidence" not in out[name] for name in ("report.md", "report.html"))


def test_without_a_reviews_file_the_report_lists_no_reviews() -> None:
    docs, report = _disputed(3)
    result = RunResult(report=report, documents=docs, claims=[], match=MatchResult(groups=[]))
    out = render_reports(result)
    assert json.loads(out["report.json"])["reviews"] == []
    assert "Reviewed:" not in out["report.md"] and "reviewed:" not in out["report.md"]

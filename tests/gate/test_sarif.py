"""SARIF 2.1.0 output: valid against the official schema, with rules, regions, fingerprints, suppressions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factcheck.cli import main
from factcheck.gate.evaluate import evaluate
from factcheck.gate.sarif import rule_descriptors, to_sarif
from factcheck.models import Report, ReviewsFile
from factcheck.review.store import save_reviews, set_verdict
from tests.gate.test_gate import fake_pipeline, reviews_of, two_doc_report

__all__ = ["fake_pipeline"]  # a fixture shared with test_gate

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def validate(sarif: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)


@pytest.fixture
def sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], Report, list[str]]:
    monkeypatch.chdir(tmp_path)
    report, place, lone = two_doc_report(Path("seeds"))
    decision = evaluate(
        report,
        reviews=reviews_of(**{lone.fingerprint: "dismissed"}),
        fail_on="unsupported",
        changed={tmp_path / "seeds" / "b.txt"},
        root=tmp_path,
    )
    out = to_sarif(report, decision, notes={lone.fingerprint: "rain is not news"})
    return out, report, [place.fingerprint, lone.fingerprint]


def test_sarif_validates_against_the_official_schema(
    sarif: tuple[dict[str, Any], Report, list[str]],
) -> None:
    validate(sarif[0])


def test_sarif_results_carry_rule_level_region_and_fingerprint(
    sarif: tuple[dict[str, Any], Report, list[str]],
) -> None:
    out, _, (place, lone) = sarif
    (run,) = out["runs"]
    assert out["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    results = {r["partialFingerprints"]["factcheck/v1"]: r for r in run["results"]}
    assert set(results) == {place, lone}  # the agreement is left out
    r = results[place]
    assert (r["ruleId"], r["level"]) == ("DC003", "error")
    assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == "DC003"
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "seeds/b.txt"
    assert loc["region"] == {
        "startLine": 5,
        "startColumn": 1,
        "endLine": 5,
        "endColumn": 41,
        "snippet": {"text": "The talks were held in Osaka on Tuesday."},
    }
    related = r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert related == "seeds/a.txt"
    assert "suppressions" not in r
    assert results[lone]["level"] == "warning"
    assert results[lone]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "rain is not news"}
    ]


def test_rule_descriptors_cover_every_finding_rule(
    sarif: tuple[dict[str, Any], Report, list[str]],
) -> None:
    _, report, _ = sarif
    ids = [d["id"] for d in rule_descriptors(report)]
    assert ids == sorted(set(ids))
    assert {"AG001", "DC003", "UN001"} <= set(ids)
    for d in rule_descriptors(report):
        assert d["shortDescription"]["text"]


def test_gate_cli_writes_valid_sarif(
    fake_pipeline: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    report = fake_pipeline["report"]
    assert isinstance(report, Report)
    lone = fake_pipeline["lone"]
    save_reviews(
        "reviews.json",
        set_verdict(ReviewsFile(), lone.fingerprint, "dismissed", note="fine", reviewer="r"),
    )  # type: ignore[attr-defined]
    assert (
        main(
            [
                "gate",
                "seeds/",
                "--sarif",
                "out/gate.sarif",
                "--reviews",
                "reviews.json",
                "--fail-on",
                "unsupported",
            ]
        )
        == 1
    )
    data = json.loads(Path("out/gate.sarif").read_text())
    validate(data)
    levels = sorted((r["ruleId"], "suppressions" in r) for r in data["runs"][0]["results"])
    assert levels == [("DC003", False), ("UN001", True)]

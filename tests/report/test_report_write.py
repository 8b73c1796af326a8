"""Tests for write_reports: all three reports written atomically, report.json valid against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from factcheck.models import MatchResult, Report
from factcheck.pipeline import RunResult
from factcheck.report import write as write_module
from factcheck.report.write import write_reports
from factcheck.schema import schema_for
from factcheck.settings import Settings

from .test_render import evidence, finding, make_doc, make_report, sample


def result() -> RunResult:
    docs, report = sample()
    return RunResult(report=report, documents=docs, claims=[], match=MatchResult(groups=[]))


def test_write_reports_writes_json_markdown_and_html(tmp_path: Path) -> None:
    out = tmp_path / "new" / "reports"
    paths = write_reports(result(), out)
    assert paths == [out / "report.json", out / "report.md", out / "report.html"]
    assert all(p.is_file() for p in paths)
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Consistency report\n")
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    # No temporary files left beside them.
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]


def test_report_json_validates_against_the_report_schema(tmp_path: Path) -> None:
    write_reports(result(), tmp_path)
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema_for("report"), cls=jsonschema.Draft202012Validator)
    assert Report.model_validate(data) == result().report


def test_report_json_that_breaks_the_schema_is_caught() -> None:
    # Guards the test above: the schema really constrains findings.
    data = json.loads(result().report.model_dump_json())
    data["findings"][0]["kind"] = "rumour"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema_for("report"), cls=jsonschema.Draft202012Validator)


def test_write_reports_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_reports(result(), tmp_path / "one")]
    second = [p.read_bytes() for p in write_reports(result(), tmp_path / "two")]
    assert first == second


def test_a_render_error_leaves_previous_reports_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "report.json").write_text("old json", encoding="utf-8")
    (tmp_path / "report.md").write_text("old md", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template failed")

    monkeypatch.setattr(write_module, "render_html", broken)
    with pytest.raises(RuntimeError, match="template failed"):
        write_reports(result(), tmp_path)
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "old json"
    assert (tmp_path / "report.md").read_text(encoding="utf-8") == "old md"
    assert not (tmp_path / "report.html").exists()


def test_write_reports_takes_context_chars_from_settings(tmp_path: Path) -> None:
    filler = " ".join(["filler"] * 200)
    doc = make_doc("d", f"{filler} The claim. {filler}")
    report = make_report(
        [doc], [finding("unsupported", "UN001", "m", [evidence(doc, "The claim.")])]
    )
    run = RunResult(report=report, documents=[doc], claims=[], match=MatchResult(groups=[]))
    narrow = write_reports(run, tmp_path / "a", settings=Settings(report_context_chars=80))[2]
    wide = write_reports(run, tmp_path / "b", settings=Settings())[2]
    assert narrow.read_text(encoding="utf-8").count("filler") < 20
    assert wide.read_text(encoding="utf-8").count("filler") > 80

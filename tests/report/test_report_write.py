"""Tests for write_reports: all three reports written atomically, report.json valid against its schema."""

from __future__ import annotations

import csv
import json
import os
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


def test_write_reports_writes_json_markdown_html_and_csv(tmp_path: Path) -> None:
    out = tmp_path / "new" / "reports"
    paths = write_reports(result(), out)
    names = ["report.json", "report.md", "report.html", "report.csv", "sources.csv"]
    assert paths == [out / name for name in names]
    assert all(p.is_file() for p in paths)
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Consistency report\n")
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    # One row per finding with its sources and claims; a column per source in sources.csv.
    with (out / "report.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["rule"] for r in rows] == ["DC001", "UN001", "AG001"]
    assert rows[0]["sources"] == "Wire\nTalks | Tokyo"
    assert rows[0]["claims"].startswith("The talks were held on Tuesday in Tokyo.")
    assert rows[0]["locations"] == "corpus/a.txt:3\ncorpus/b.txt:3"
    with (out / "sources.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["kind", "rule", "message", "Wire", "Talks | Tokyo", "<i>Hostile</i> title"]
    assert table[1][3:] == ["16 March 2021", "17 March 2021", ""]
    # No temporary files left beside them.
    assert sorted(p.name for p in out.iterdir()) == sorted(names)


def test_csv_cells_never_start_a_formula() -> None:
    from factcheck.report.spreadsheet import render_csv

    _, report = sample()
    f = report.findings[1].model_copy(update={"message": "=HYPERLINK(1)"})
    text = render_csv(report.model_copy(update={"findings": [f]}))
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


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

    monkeypatch.setattr(write_module, "render_html_chunks", broken)
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


# ----------------------------------------------------------------- the three files as one set


def old_set(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    old = {name: f"old {name}" for name in write_module.REPORT_FILES}
    for name, text in old.items():
        (folder / name).write_text(text, encoding="utf-8")
    return old


def contents(folder: Path) -> dict[str, str]:
    return {n: (folder / n).read_text(encoding="utf-8") for n in write_module.REPORT_FILES}


class Killed(BaseException):
    """Stands in for kill -9: nothing after it runs, no except clause of ours catches it."""


def test_a_crash_before_the_commit_leaves_the_old_set_and_the_next_run_tidies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = old_set(tmp_path)
    real = write_module._write_synced
    calls: list[Path] = []

    def dies_on_the_third(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise Killed
        real(path, data)

    monkeypatch.setattr(write_module, "_write_synced", dies_on_the_third)
    with pytest.raises(Killed):
        write_reports(result(), tmp_path)
    assert contents(tmp_path) == old
    # Leftovers of that crash and of earlier versions' per-file writes...
    (tmp_path / ".report.json.abc123.tmp").write_text("half", encoding="utf-8")
    assert any(p.name.startswith(".report.tmp-") for p in tmp_path.iterdir())
    monkeypatch.setattr(write_module, "_write_synced", real)
    write_reports(result(), tmp_path)
    # ... are gone after the next run, which wrote the new set whole.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(write_module.REPORT_FILES)
    assert contents(tmp_path)["report.md"].startswith("# Consistency report")


def test_a_crash_between_the_moves_is_rolled_forward_by_the_next_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_set(tmp_path)
    real = os.replace
    moves: list[str] = []

    def dies_after_the_first(src: str | Path, dst: str | Path) -> None:
        if moves:
            raise Killed
        moves.append(str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", dies_after_the_first)
    with pytest.raises(Killed):
        write_reports(result(), tmp_path)
    monkeypatch.setattr(os, "replace", real)
    assert (tmp_path / write_module.PENDING).is_dir()  # the new set is committed, not yet moved
    write_module.settle_reports(tmp_path)  # what `factcheck review` does before reading
    new = contents(tmp_path)
    assert new["report.json"].startswith("{") and new["report.md"].startswith("# Consistency")
    assert new["report.html"].startswith("<!doctype html>")
    assert not (tmp_path / write_module.PENDING).exists()


@pytest.mark.parametrize(
    ("errno_", "reason"), [(28, "No space left on device"), (30, "Read-only file system")]
)
def test_an_os_error_while_writing_is_one_line_and_keeps_the_old_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errno_: int, reason: str
) -> None:
    from factcheck.errors import OutputError

    old = old_set(tmp_path)
    real = write_module._write_synced

    def fails_on_html(path: Path, data: bytes) -> None:
        if path.name == "report.html":
            raise OSError(errno_, reason, str(path))
        real(path, data)

    monkeypatch.setattr(write_module, "_write_synced", fails_on_html)
    with pytest.raises(OutputError) as info:
        write_reports(result(), tmp_path)
    assert str(info.value) == (
        f"{tmp_path}: cannot write the reports: {reason}; the previous reports are unchanged [E091]"
    )
    assert contents(tmp_path) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(write_module.REPORT_FILES)


def test_check_output_folder_creates_nothing_and_refuses_a_file(tmp_path: Path) -> None:
    from factcheck.errors import OutputError

    write_module.check_output_folder(tmp_path / "new" / "reports")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"cannot write to the output folder: Not a directory"):
        write_module.check_output_folder(tmp_path / "file" / "reports")


def test_a_format_that_fails_to_render_leaves_the_old_set_and_no_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Formats are rendered one at a time into the staging folder; one failing after others were
    # written must neither commit a partial set nor leave the staging folder behind.
    old = old_set(tmp_path)

    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("template error")

    monkeypatch.setattr(write_module, "render_html_chunks", broken)
    with pytest.raises(ValueError, match="template error"):
        write_reports(result(), tmp_path)
    assert contents(tmp_path) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(write_module.REPORT_FILES)


def test_sources_csv_is_written_row_by_row_as_it_renders_whole() -> None:
    from factcheck.report.spreadsheet import render_sources_csv, sources_csv_rows

    report = result().report
    rows = list(sources_csv_rows(report))
    assert len(rows) == len(report.findings) + 1
    assert "".join(rows) == render_sources_csv(report)

"""The command line: every command documented, bad input gives one line and exit 2, reports validate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factcheck.cli import cli, main
from factcheck.schema import schema_for

COMMANDS = sorted(cli.commands)


def test_expected_commands_exist() -> None:
    assert {"report", "extract", "schema", "rules", "gate", "review"} <= set(COMMANDS)


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage:" in out
    assert (cli.commands[command].help or "").strip(), f"{command} has no docstring"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "factcheck" in capsys.readouterr().out


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--bogus", "x"]) == 2


def test_missing_path_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope"
    assert main(["report", str(missing), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_python_dash_m_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "factcheck", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "report" in proc.stdout


CORPUS = {
    "alpha.txt": (
        "Ministers meet in Lisbon\n\nMarch 3, 2024\n\n"
        "The transport ministers of Portugal and Spain met in Lisbon on Monday to discuss a new "
        "high-speed rail link. The two governments agreed to fund the line jointly.\n"
    ),
    "beta.txt": (
        "Rail deal agreed\n\nMarch 4, 2024\n\n"
        "Portugal and Spain agreed on Monday to jointly fund a new high-speed rail line, after "
        "their transport ministers met in Lisbon.\n"
    ),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_report_writes_three_files_that_validate(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert main(["--quiet", "report", str(corpus), "-o", str(out)]) == 0
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema_for("report"))
    assert {d["id"] for d in data["documents"]} == {"alpha", "beta"}
    assert (out / "report.md").read_text(encoding="utf-8").startswith("#")
    assert "<html" in (out / "report.html").read_text(encoding="utf-8").lower()


@pytest.mark.slow
def test_bad_document_leaves_previous_reports_intact(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert main(["--quiet", "report", str(corpus), "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (corpus / "gamma.txt").write_bytes(b"\x00\x01\x02binary\x00")
    assert main(["--quiet", "report", str(corpus), "-o", str(out)]) == 2
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_extract_json_validates(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(corpus / "alpha.txt"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, schema_for("claims"))
    assert data["claims"], "no claims extracted"
    for claim in data["claims"]:
        jsonschema.validate(claim, schema_for("claim"))


@pytest.mark.slow
def test_extract_links_entities_across_documents_as_the_report_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import factcheck.pipeline as pipeline

    seen: list[int] = []
    original = pipeline.link_entities

    def spy(claims: Any) -> Any:
        seen.append(len(claims))
        return original(claims)

    # extract goes through the report's own extraction step (pipeline.corpus_claims).
    monkeypatch.setattr(pipeline, "link_entities", spy)
    (tmp_path / "a.txt").write_text(
        "Antony Blinken visited Tokyo on Tuesday for talks.\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text(
        "Blinken said the talks in Tokyo went well.\n", encoding="utf-8"
    )
    assert main(["extract", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert seen == [len(data["claims"])]  # one corpus-level pass over every claim
    people = {e["id"] for c in data["claims"] for e in c["who"] if e["kind"] == "person"}
    assert people == {"person:antony-blinken"}


@pytest.mark.slow
def test_extract_anchors_an_undated_document_as_the_report_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from factcheck.pipeline import run
    from factcheck.settings import Settings

    (tmp_path / "undated.txt").write_text(
        "The harbour authority closed the northern pier on Tuesday after a storm.\n",
        encoding="utf-8",
    )
    (tmp_path / "dated.md").write_text(
        "---\npublished: 2021-03-18\n---\n"
        "The harbour authority shut the northern pier on Tuesday because of a storm.\n",
        encoding="utf-8",
    )
    assert main(["extract", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    printed = {c["id"]: [(t["value"], t["anchor"]) for t in c["when"]] for c in data["claims"]}
    # The undated document's "Tuesday" takes the date the dated source gives it, marked inferred.
    assert printed["undated:0"] == [("2021-03-16", "inferred")]
    # What extract prints is what the report's rules read.
    result = run([tmp_path], settings=Settings())
    assert printed == {c.id: [(t.value, t.anchor) for t in c.when] for c in result.claims}

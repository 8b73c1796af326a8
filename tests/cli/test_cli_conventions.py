"""CLI conventions a ruff user expects: global options after the subcommand, --output-format,
--select/--ignore, and config files that fail loudly (exit 2 with file and line)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from factcheck import pipeline
from factcheck.cli import main
from factcheck.models import Claim, Document


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two documents, extraction stubbed (no model loads), no config file above the folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("Tokyo hosted the talks on Monday.\n")
    (root / "b.txt").write_text("Officials met in Paris on Tuesday.\n")

    def extract_claims(documents: list[Document], **_: object) -> list[Claim]:
        return []

    monkeypatch.setattr(pipeline, "extract_claims", extract_claims)
    return root


def test_global_options_work_after_the_subcommand(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = corpus.parent / "out"
    assert main(["report", str(corpus), "-o", str(out), "--no-cache", "-q"]) == 0
    assert capsys.readouterr().out == ""  # -q after the subcommand silences the summary
    config = corpus.parent / "custom.toml"
    config.write_text("summary_top = 'many'\n")
    assert main(["report", str(corpus), "-o", str(out), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "custom.toml" in err and "summary_top" in err


def test_output_format_json_and_csv_print_the_report(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = corpus.parent / "out"
    assert main(["-q", "report", str(corpus), "-o", str(out), "--output-format", "json"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["summary"]["documents"] == 2
    assert printed == (out / "report.json").read_text(encoding="utf-8")
    assert main(["report", str(corpus), "-o", str(out), "--output-format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:4] == ["kind", "rule", "name", "severity"]
    assert main(["report", str(corpus), "-o", str(out), "--output-format", "sarif"]) == 2


def test_select_and_ignore_on_the_command_line(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = corpus.parent / "out"
    args = ["-q", "report", str(corpus), "-o", str(out), "--output-format", "json"]
    assert main([*args, "--select", "DC,AG001", "--ignore", "DC004"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["generated_with"]["settings"]["select"] == ["DC", "AG001"]
    assert report["generated_with"]["settings"]["ignore"] == ["DC004"]
    assert "UN001" not in report["generated_with"]["rules"]
    assert "DC004" not in report["generated_with"]["rules"]


@pytest.mark.parametrize("name", ["pyproject.toml", "factcheck.toml"])
@pytest.mark.parametrize("named", [False, True])
def test_a_config_that_is_not_toml_is_exit_2_with_file_and_line(
    corpus: Path, capsys: pytest.CaptureFixture[str], name: str, named: bool
) -> None:
    config = corpus.parent / name
    config.write_text("[tool.factcheck]\nselect = [\n")
    args = ["--config", str(config)] if named else []
    assert main(["report", str(corpus), "-o", str(corpus.parent / "out"), *args]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and name in err[0] and "line 2" in err[0] and "[E020]" in err[0]


def test_factcheck_toml_takes_a_tool_factcheck_table(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus.parent / "factcheck.toml").write_text('[tool.factcheck]\nignore = ["UN001"]\n')
    out = corpus.parent / "out"
    assert main(["-q", "report", str(corpus), "-o", str(out), "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["generated_with"]["settings"]["ignore"] == ["UN001"]
    (corpus.parent / "factcheck.toml").write_text('ignore = ["UN001"]\n[tool.factcheck]\n')
    assert main(["report", str(corpus), "-o", str(out)]) == 2
    assert "both in [tool.factcheck] and outside it (ignore)" in capsys.readouterr().err


def test_config_is_searched_from_the_corpus_upward(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from elsewhere: the factcheck.toml beside the corpus is the one that counts.
    (corpus / "factcheck.toml").write_text('ignore = ["UN001"]\n')
    elsewhere = corpus.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "factcheck.toml").write_text('ignore = ["AG001"]\n')
    monkeypatch.chdir(elsewhere)
    out = corpus.parent / "out"
    assert main(["-q", "report", str(corpus), "-o", str(out), "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["generated_with"]["settings"]["ignore"] == ["UN001"]
    # Without one on the corpus's way up, the working directory's applies.
    (corpus / "factcheck.toml").unlink()
    assert main(["-q", "report", str(corpus), "-o", str(out), "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["generated_with"]["settings"]["ignore"] == ["AG001"]

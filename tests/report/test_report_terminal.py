"""Tests for the terminal summary: counts, top discrepancies with file:line, plain when not a tty."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from factcheck.report.render import render_markdown
from factcheck.report.terminal import print_summary, top_discrepancies

from .test_render import evidence, finding, make_doc, make_report, sample


def capture(report: object, *, width: int = 100, terminal: bool = False, **kwargs: object) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=terminal,
        color_system="standard" if terminal else None,
    )
    print_summary(report, console=console, **kwargs)  # type: ignore[arg-type]
    return buf.getvalue()


def test_summary_on_stdout_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = sample()
    print_summary(report, written=[Path("reports/report.json"), Path("reports/report.md")])
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert out.startswith("factcheck: 3 documents, 0 claims, 0 matched groups, 3 findings\n")
    assert re.search(r"Discrepancies\s+1\n", out) and re.search(r"Agreements\s+1\n", out)
    assert re.search(r"DC001\s+discrepancy\.date\s+1\n", out)
    # Per document, named by its source (outlet, title or file name): discrepancies,
    # unsupported, agreements.
    assert re.search(r"<i>Hostile</i> title\s+0\s+1\s+0\n", out)
    assert "Top discrepancies (1 of 1)" in out
    assert (
        " 1. DC001 error discrepancy.date\n    Sources disagree on the date of the talks.\n" in out
    )
    assert "    corpus/a.txt:3\n    corpus/b.txt:3\n" in out
    assert out.endswith("Wrote:\n  reports/report.json\n  reports/report.md\n")


def test_summary_in_a_terminal_has_colour() -> None:
    _, report = sample()
    assert "\x1b[" in capture(report, terminal=True)


def test_summary_fits_a_narrow_terminal_but_keeps_paths_whole() -> None:
    _, report = sample()
    long_path = "very/long/folder/name/for/the/corpus/" + "x" * 40 + ".txt"
    report.documents[0].path = long_path
    out = capture(report, width=40, written=[Path(long_path)])
    for line in out.splitlines():
        if long_path not in line:
            assert len(line) <= 40, line
    assert f"    {long_path}:3" in out.splitlines()
    assert f"  {long_path}" in out.splitlines()


def test_top_discrepancies_most_severe_first_and_capped() -> None:
    doc = make_doc("d", "One fact. Two fact. Three fact.")
    findings = [
        finding(
            "discrepancy", "DC001", "warn one", [evidence(doc, "One fact.")], severity="warning"
        ),
        finding(
            "discrepancy", "DC002", "error two", [evidence(doc, "Two fact.")], severity="error"
        ),
        finding(
            "discrepancy", "DC003", "info three", [evidence(doc, "Three fact.")], severity="info"
        ),
    ]
    report = make_report([doc], findings)
    assert [f.message for f in top_discrepancies(report, 2)] == ["error two", "warn one"]
    out = capture(report, top=2)
    assert "Top discrepancies (2 of 3)" in out
    assert "error two" in out and "warn one" in out and "info three" not in out


def test_document_table_is_capped_to_the_most_affected() -> None:
    docs = [make_doc(f"doc{i}", f"Fact number {i}.") for i in range(5)]
    findings = [finding("discrepancy", "DC001", "m", [evidence(docs[3], "Fact number 3.")])]
    out = capture(make_report(docs, findings), top=2)
    assert re.search(r"doc3\.txt\s+1", out)
    assert "doc4" not in out
    assert "... and 3 more documents (see report.md)" in out


def test_rich_markup_in_messages_is_printed_literally() -> None:
    doc = make_doc("d", "Claim [bold]here[/bold].")
    report = make_report(
        [doc],
        [
            finding(
                "discrepancy",
                "DC001",
                "Says [red]x[/red]",
                [evidence(doc, "Claim [bold]here[/bold].")],
            )
        ],
    )
    out = capture(report)
    assert "Says [red]x[/red]" in out


def test_summary_without_findings() -> None:
    out = capture(make_report([], []))
    assert out.startswith("factcheck: 0 documents, 0 claims, 0 matched groups, 0 findings")
    assert "Top discrepancies" not in out and "Wrote:" not in out


def test_counts_read_as_words_one_document_and_thousands() -> None:
    _, report = sample()
    summary = report.summary.model_copy(update={"documents": 1, "claims": 19264, "groups": 1})
    out = capture(report.model_copy(update={"summary": summary}))
    assert out.startswith("factcheck: 1 document, 19,264 claims, 1 matched group, 3 findings\n")
    md = render_markdown(report.model_copy(update={"summary": summary}))
    assert "1 document, 19,264 claims, 1 group of matching claims; 3 findings." in md

"""What the gate prints and writes: escaped lines for hostile file names, output formats, the PR summary."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factcheck.cli import main
from factcheck.gate.annotations import backslash_controls, escape_controls, safe_line
from factcheck.gate.evaluate import evaluate
from factcheck.gate.sarif import sarif_uri, to_sarif
from factcheck.gate.summary import markdown_summary
from factcheck.models import Report, SkippedFile
from tests.gate.test_gate import finding, make_report, reviews_of, write_docs
from tests.gate.test_sarif import SCHEMA

# File names a pull request could add: line breaks followed by workflow commands, percent
# escapes, the property separators, URI delimiters; terminal escape sequences (clear the
# screen and colour, an OSC 8 hyperlink ended by BEL, the one-character C1 CSI, DEL, TAB).
HOSTILE = [
    "evil\n::error file=x.txt,line=1::pwned.txt",
    "x\r\n::stop-commands::token.txt",
    "::warning::starts-with-colons.txt",
    "100%0A sure, a:b #frag?q=1 [x].txt",
    "\x1b[2J\x1b[31mred\x1b[0m.txt",
    "\x1b]8;;x.invalid\x07link\x1b]8;;\x07.txt",
    "csi\u009b31m del\x7f tab\t.txt",
]
# Control characters other than the line feed that ends a line: none may reach a CI log.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
TEXT = "Talks\n\nMarch 16, 2021\n\nThe talks were held in {} on Tuesday.\n"


# RFC 3986 URI-reference, strictly: only unreserved, sub-delims, ":", "@", "/", "?", "#" and
# percent-encoded octets; a relative reference's first segment holds no ":".
def uri_reference(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if re.search(r"%(?![0-9A-Fa-f]{2})", value) or re.search(
        r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]", value
    ):
        return False
    first = value.split("/", 1)[0]
    return ":" not in first or bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", value))


CHECKER = jsonschema.FormatChecker()
CHECKER.checks("uri-reference")(uri_reference)
CHECKER.checks("uri")(
    lambda v: not isinstance(v, str) or bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", v))
)


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    """A corpus of one clean and several hostile-named documents, all contradicting `clean`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    names = {"clean.txt": "Tokyo"} | {name: f"City{n}" for n, name in enumerate(HOSTILE)}
    docs = write_docs(Path("seeds"), {name: TEXT.format(v) for name, v in names.items()})
    findings = []
    for d in docs[1:]:
        place = names[Path(d.path).name]
        findings.append(
            finding(
                "discrepancy",
                "DC003",
                [
                    ("clean", TEXT.format("Tokyo"), "The talks were held in Tokyo on Tuesday."),
                    (d.id, TEXT.format(place), f"The talks were held in {place} on Tuesday."),
                ],
                values=["Tokyo", place],
                message=f"{d.id} says {place}; clean says Tokyo.",
            )
        )
    report = make_report(docs, findings)
    monkeypatch.setattr("factcheck.cli.gate._run_pipeline", lambda paths, **_: report)
    return report


def no_commands(text: str) -> None:
    for line in text.splitlines():
        assert not line.startswith("::"), line


def test_plain_lines_never_start_workflow_commands(
    hostile: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gate", "seeds/"]) == 1
    captured = capsys.readouterr()
    no_commands(captured.out)
    no_commands(captured.err)
    assert len(captured.out.splitlines()) == len(hostile.findings)  # one line per finding
    assert "evil%0A::error file=x.txt" in captured.out


def test_annotations_escape_properties_and_messages(
    hostile: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    # The hostile documents are the change, so each annotation sits on one of them.
    assert (
        main(["gate", "seeds/", *(f"seeds/{n}" for n in HOSTILE), "--output-format", "github"]) == 1
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(hostile.findings)
    for line in lines:
        m = re.match(r"^::error (?P<props>[^:]*)::(?P<msg>.*)$", line)
        assert m, line  # exactly one command per line, properties free of ':'
        for prop in m["props"].split(","):
            key, _, value = prop.partition("=")
            assert key in {"file", "line", "col", "endLine", "endColumn", "title"}
            assert "\n" not in value and "\r" not in value
    assert any(
        "file=seeds/evil%0A%3A%3Aerror file=x.txt%2Cline=1%3A%3Apwned.txt" in x for x in lines
    )
    assert any("100%250A sure%2C a%3Ab" in x for x in lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.txt:1: fine", "a.txt:1: fine"),
        ("::error::x", " ::error::x"),
        ("a\n::error::x", "a%0A::error::x"),
        ("50% off\r", "50%25 off%0D"),
        ("a\x1b[31mred\x1b[0m", "a%1B[31mred%1B[0m"),
        ("\x00\x07\t\x7f\u0085\u009b|é", "%00%07%09%7F%C2%85%C2%9B|é"),
        ("caf\udce9.txt", "caf%E9.txt"),  # a name that is not UTF-8, as os.fsdecode gives it
        ("::\x1b[2Jx", " ::%1B[2Jx"),
    ],
)
def test_safe_line(text: str, expected: str) -> None:
    assert safe_line(text) == expected


def test_control_characters_escaped_for_error_lines_and_tables() -> None:
    assert (
        backslash_controls("a\x1b[31m\x9b\x7f\udce9\n\r.txt") == "a\\x1b[31m\\x9b\\x7f\\xe9\n\r.txt"
    )
    assert escape_controls("50% \x1b") == "50% %1B"  # no `%` escape outside workflow commands


def test_no_control_character_reaches_the_log(
    hostile: Report, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ESC and the other C0 and C1 controls of file names are escaped in every line printed:
    the plain lines, the annotations, the summary line and notes on stderr, the Markdown
    summary, and error lines."""
    changed = [f"seeds/{n}" for n in HOSTILE]
    out = {}
    for fmt in ("text", "github"):
        assert main(["gate", "seeds/", *changed, "--summary", "s.md", "--output-format", fmt]) == 1
        captured = capsys.readouterr()
        for text in (captured.out, captured.err):
            assert not CONTROL.search(text), CONTROL.search(text)
        assert len(captured.out.splitlines()) == len(hostile.findings)
        out[fmt] = captured.out.splitlines()
    red = "seeds/%1B[2J%1B[31mred%1B[0m.txt"
    assert any(line.startswith(f"{red}:5: ") for line in out["text"])
    assert any(line.startswith(f"::error file={red},line=5,") for line in out["github"])
    link = "seeds/%1B]8;;x.invalid%07link%1B]8;;%07.txt"
    assert any(line.startswith(f"{link}:5: ") for line in out["text"])
    assert any("file=seeds/csi%C2%9B31m del%7F tab%09.txt," in line for line in out["github"])
    summary = Path("s.md").read_text(encoding="utf-8")
    assert not CONTROL.search(summary.replace("\n", "")) and "%1B[31mred" in summary
    # Error lines name the file Python-style, ESC as \x1b.
    assert main(["gate", "seeds/", "seeds/\x1b[2Jgone\x9b.txt"]) == 2
    err = capsys.readouterr().err
    assert "seeds/\\x1b[2Jgone\\x9b.txt: path does not exist [E001]" in err
    assert not CONTROL.search(err)
    # A file the run skipped (keep_going), named in the exit-2 line.
    skipped = SkippedFile(path="seeds/\x1b[31mempty.txt", code="E002", reason="file is empty")
    monkeypatch.setattr(
        "factcheck.cli.gate._run_pipeline",
        lambda paths, **_: hostile.model_copy(update={"skipped": [skipped]}),
    )
    assert main(["gate", "seeds/"]) == 2
    err = capsys.readouterr().err
    assert "seeds/%1B[31mempty.txt (file is empty [E002])" in err and not CONTROL.search(err)


def test_sarif_uris_are_percent_encoded_and_valid(hostile: Report, tmp_path: Path) -> None:
    assert main(["-q", "gate", "seeds/", "--sarif", "out.sarif"]) == 1
    sarif: dict[str, Any] = json.loads(Path("out.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA, format_checker=CHECKER).validate(sarif)
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for loc in [*r["locations"], *r.get("relatedLocations", [])]
    ]
    assert all(uri_reference(u) for u in uris)
    assert "seeds/evil%0A%3A%3Aerror%20file%3Dx.txt%2Cline%3D1%3A%3Apwned.txt" in uris
    assert sarif_uri("a b/c#d?e%f:g") == "a%20b/c%23d%3Fe%25f%3Ag"
    # The checker itself refuses what the old output held.
    assert not uri_reference("seeds/a b.txt") and not uri_reference("x\n::error")


def test_output_formats(hostile: Report, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "gate", "seeds/", "--output-format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False and data["failing"] == len(hostile.findings)
    assert data["rule"].startswith("fail on unreviewed discrepancies")
    assert main(["-q", "gate", "seeds/", "--output-format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"


def test_sarif_can_hold_the_failing_results_only(tmp_path: Path) -> None:
    docs = write_docs(tmp_path, {"a.txt": TEXT.format("Tokyo"), "b.txt": TEXT.format("Osaka")})
    place = finding(
        "discrepancy",
        "DC003",
        [
            ("a", TEXT.format("Tokyo"), "The talks were held in Tokyo on Tuesday."),
            ("b", TEXT.format("Osaka"), "The talks were held in Osaka on Tuesday."),
        ],
        values=["Tokyo", "Osaka"],
    )
    lone = finding(
        "unsupported", "UN001", [("b", TEXT.format("Osaka"), "Talks")], severity="warning"
    )
    report = make_report(docs, [place, lone])
    decision = evaluate(report, reviews=reviews_of())
    every = to_sarif(report, decision)["runs"][0]["results"]
    failing = to_sarif(report, decision, only_failing=True)["runs"][0]["results"]
    assert len(every) == 2 and [r["ruleId"] for r in failing] == ["DC003"]


def test_markdown_summary_goes_to_the_step_summary_small_and_collapsed(
    hostile: Report, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    step = tmp_path / "step-summary.md"
    step.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    assert main(["-q", "gate", "seeds/"]) == 1
    text = step.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### factcheck gate: ❌ fails")  # appended
    assert text.count("<details>") == len(hostile.findings)
    assert "\n::" not in text and "<script" not in text
    assert main(["-q", "gate", "seeds/", "--summary", "named.md"]) == 1
    assert Path("named.md").read_text(encoding="utf-8").startswith("### factcheck gate")


def test_markdown_summary_is_cut_under_64_kib(tmp_path: Path) -> None:
    text = TEXT.format("Tokyo") + ("Filler sentence. " * 50 + "\n") * 5
    docs = write_docs(tmp_path, {"a.txt": text, "b.txt": TEXT.format("Osaka")})
    findings = [
        finding(
            "discrepancy",
            "DC003",
            [
                ("a", text, "The talks were held in Tokyo on Tuesday."),
                ("b", TEXT.format("Osaka"), "The talks were held in Osaka on Tuesday."),
            ],
            values=["Tokyo", f"Osaka {n}"],
            message=f"Finding {n}: " + "long message " * 30,
        )
        for n in range(2000)
    ]
    decision = evaluate(make_report(docs, findings), reviews=reviews_of())
    summary = markdown_summary(decision, rule="fail on x")
    assert len(summary.encode("utf-8")) < 64 * 1024
    assert re.search(r"_\d+ more finding\(s\) left out", summary)


def test_markdown_summary_counts_every_byte_and_puts_failing_first(tmp_path: Path) -> None:
    docs = write_docs(tmp_path, {"a.txt": TEXT.format("Tokyo"), "b.txt": TEXT.format("Osaka")})
    findings = [
        finding(
            "discrepancy",
            "DC003",
            [
                ("a", TEXT.format("Tokyo"), "The talks were held in Tokyo on Tuesday."),
                ("b", TEXT.format("Osaka"), "The talks were held in Osaka on Tuesday."),
            ],
            values=["Tokyo", f"Osaka {n}"],
            message="m" * (7 * n % 290 + 1),
        )
        for n in range(40)
    ]
    decision = evaluate(
        make_report(docs, findings), reviews=reviews_of(), changed=[tmp_path / "b.txt"]
    )
    # Every other finding passes: two sections, each with its header and table head.
    decision.items = [replace(i, failing=n % 2 == 0) for n, i in enumerate(decision.items)]
    failing = {i.finding.fingerprint for i in decision.failing}
    for limit in range(1500, 9000, 7):  # sizes where a section's header or the note tips it
        summary = markdown_summary(decision, rule="fail on x", limit=limit)
        assert len(summary.encode("utf-8")) < limit, limit
        shown = re.findall(r"<summary>DC003 <code>(\w+)</code>", summary)
        # A passing finding is shown only when every failing one is.
        assert failing <= set(shown) or not set(shown) - failing, limit


def test_the_example_workflow_uses_pr_sized_output() -> None:
    import shlex

    import yaml

    from factcheck.cli.gate import gate
    from tests.conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "factcheck.yml").read_text())
    (run,) = [
        s["run"] for s in workflow["jobs"]["gate"]["steps"] if "factcheck gate" in s.get("run", "")
    ]
    assert "${{" not in run  # expressions reach the script through env only (no injection)
    args = shlex.split(run.replace("$BASE_REF", "main"))[2:]
    assert {"--output-format", "github", "--sarif-failing-only"} <= set(args)
    ctx = gate.make_context("gate", args)  # every option in the example exists
    assert ctx.params["output_format"] == "github" and ctx.params["sarif_failing_only"]

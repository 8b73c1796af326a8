"""End to end in a temporary git repository holding the seeds: gate, annotate, review, gate again.

Covers blame on the outlier: a document that agrees passes, one that contradicts fails on its
own lines, one that joins the majority of a reviewed conflict passes with the review kept
(and noted as new evidence), one that brings a third value fails; one that restates an
agreement in words that sort first keeps the agreement's review."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.cli import main
from factcheck.review.store import load_reviews
from tests.conftest import SEEDS
from tests.gate.test_gate import commit_all, init_repo

pytestmark = pytest.mark.slow

# New documents written for this test: plain news sentences about the seeds' events, one
# sentence per line so that an annotation's line says which sentence it is about.
AGREEING = """Blinken and Austin hold security talks in Tokyo

March 16, 2021

Secretary of State Antony Blinken and Defense Secretary Lloyd Austin held security talks in Tokyo on Tuesday with their Japanese counterparts.
The ministers reaffirmed the alliance between Japan and the United States.
"""
CONTRADICTING = """Security talks held in Osaka

March 16, 2021

The Japan-U.S. two-plus-two security talks were held in Osaka on Tuesday.
Foreign Minister Taro Kono represented Japan at the talks with Secretary of State Antony Blinken.
Blinken and Austin arrived in Japan on Friday for the talks.
"""
# Lines of CONTRADICTING that contradict the seeds: place, office-holder, date.
CONTRADICTING_LINES = {5, 6, 7}
# Names the foreign minister as three seeds do (the fourth names another): the majority.
JOINING = """Motegi welcomes Blinken

March 16, 2021

Foreign Minister Toshimitsu Motegi welcomed Secretary of State Antony Blinken to Tokyo on Tuesday.
"""
# Restates facts several seeds agree on, in words that sort before theirs: the agreement's
# subject (its first claim text in sorted order) becomes this document's claim.
RESTATING = """Ministers head to Seoul next

March 16, 2021

After their visit to Japan, Blinken and Austin will travel to Seoul on Wednesday for talks with South Korean officials.
"""
FAILING = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): .* \[(?P<rule>\w+) (?P<fp>[0-9a-f]+)\]$")
ANNOTATION = re.compile(r"^::(?:error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_repo(tmp_path_factory.mktemp("e2e") / "corpus")
    (root / "seeds").mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, root / "seeds" / seed.name)
    (root / ".gitignore").write_text("out/\n")
    commit_all(root, "seeds")
    return root


@contextlib.contextmanager
def inside(repo: Path, **env: str) -> Iterator[None]:
    with contextlib.chdir(repo), pytest.MonkeyPatch.context() as mp:
        mp.delenv("GITHUB_ACTIONS", raising=False)
        for key, value in env.items():
            mp.setenv(key, value)
        yield


# Every run writes to the same out/, so the cache there makes later runs cheap.
GATE = ["gate", "seeds/", "--since", "HEAD", "-o", "out"]


def test_agreeing_document_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = repo / "seeds" / "agreeing.txt"
    new.write_text(AGREEING, encoding="utf-8")
    try:
        with inside(repo):
            code = main(GATE)
        captured = capsys.readouterr()
        assert code == 0, captured.out + captured.err
        assert "in 1 changed document(s)" in captured.err
    finally:
        new.unlink()


def test_contradicting_document_fails_until_reviewed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "seeds" / "contradicting.txt").write_text(CONTRADICTING, encoding="utf-8")
    with inside(repo, GITHUB_ACTIONS="true"):
        code = main([*GATE, "--sarif", "out/gate.sarif"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1, out

    failing = [m for m in map(FAILING.match, out) if m]
    annotations = [m for m in map(ANNOTATION.match, out) if m]
    assert failing and len(annotations) == len(failing)
    # Only the new document is blamed, and at least one annotation sits on a contradicting line.
    assert {m["file"] for m in failing} == {"seeds/contradicting.txt"}
    assert {m["file"] for m in annotations} == {"seeds/contradicting.txt"}
    assert {int(m["line"]) for m in annotations} & CONTRADICTING_LINES
    assert any(m["rule"].startswith("DC") for m in failing)
    sarif = json.loads((repo / "out" / "gate.sarif").read_text())
    assert {r["partialFingerprints"]["factcheck/v1"] for r in sarif["runs"][0]["results"]} >= {
        m["fp"] for m in failing
    }

    fingerprints = sorted({m["fp"] for m in failing})
    with inside(repo):
        dismiss = [arg for fp in fingerprints for arg in ("--dismiss", fp)]
        assert (
            main(["review", "--report", "out/report.json", *dismiss, "--note", "test: dismissed"])
            == 0
        )
        assert main(GATE) == 0

        confirm = [arg for fp in fingerprints for arg in ("--confirm", fp)]
        assert (
            main(["review", "--report", "out/report.json", *confirm, "--note", "real conflict"])
            == 0
        )
        assert main(GATE) == 0
        assert main([*GATE, "--fail-on-confirmed"]) == 1
    verdicts = {
        r.fingerprint: r.verdict for r in load_reviews(repo / "reports" / "reviews.json").reviews
    }
    assert verdicts == dict.fromkeys(fingerprints, "confirmed")
    assert subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split() == ["??", "reports/", "??", "seeds/contradicting.txt"]


@pytest.fixture
def clean(repo: Path) -> Path:
    """The repository with only the seeds: documents and reviews earlier tests left are removed."""
    seeds = {p.name for p in SEEDS.glob("*.txt")}
    for p in (repo / "seeds").iterdir():
        if p.name not in seeds:
            p.unlink()
    (repo / "reports" / "reviews.json").unlink(missing_ok=True)
    return repo


def person_in_role(report_path: Path) -> dict[str, object]:
    (f,) = [f for f in json.loads(report_path.read_text())["findings"] if f["rule"] == "DC004"]
    return dict(f)


def test_joining_the_majority_of_a_reviewed_conflict_passes_and_keeps_the_review(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = clean / "reports" / "reviews.json"
    new = clean / "seeds" / "joining.txt"
    try:
        with inside(clean):
            assert main(GATE) == 0  # nothing changed
            seeds = person_in_role(clean / "out" / "report.json")
            fp = str(seeds["fingerprint"])
            note = ["--note", "Hayashi is right for 2022; 001 is an old story"]
            assert main(["review", "--report", "out/report.json", "--dismiss", fp, *note]) == 0
            capsys.readouterr()
            new.write_text(JOINING, encoding="utf-8")
            code = main([*GATE, "--output-format", "github"])
            captured = capsys.readouterr()
            assert code == 0, captured.out + captured.err
            joined = person_in_role(clean / "out" / "report.json")
            written = json.loads((clean / "out" / "report.json").read_text())
            md = (clean / "out" / "report.md").read_text(encoding="utf-8")
        # Same fingerprint, one more document: the review still applies, and the gate says so.
        assert joined["fingerprint"] == fp
        assert set(joined["documents"]) == {*seeds["documents"], "joining"}  # type: ignore[misc]
        gained = "new evidence since the review: Motegi welcomes Blinken"  # the source by title
        assert gained in captured.err
        assert "match no finding any more" not in captured.err
        # A notice, not a failure, in the annotations; and the reports written by -o say so too.
        notices = [line for line in captured.out.splitlines() if fp in line]
        assert len(notices) == 1 and notices[0].startswith("::notice file=seeds/joining.txt,")
        assert notices[0].endswith(f"; dismissed; {gained}")
        status = {r["fingerprint"]: r for r in written["reviews"]}
        assert status[fp]["verdict"] == "dismissed" and status[fp]["new_evidence"] == ["joining"]
        assert f"· reviewed: dismissed (“{note[1]}”); {gained}" in md
    finally:
        new.unlink(missing_ok=True)
        reviews.unlink(missing_ok=True)


def test_a_third_value_fails_on_the_new_document_with_the_sources_it_contradicts(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = clean / "seeds" / "third.txt"
    new.write_text(
        "Kono meets Blinken\n\nMarch 16, 2021\n\n"
        "Foreign Minister Taro Kono represented Japan at the talks with Secretary of State "
        "Antony Blinken on Tuesday.\n",
        encoding="utf-8",
    )
    try:
        with inside(clean):
            code = main([*GATE, "--sarif", "out/third.sarif", "--output-format", "text"])
        out = capsys.readouterr().out.splitlines()
        assert code == 1, out
        failing = [m for m in map(FAILING.match, out) if m]
        dc004 = [m for m in failing if m["rule"] == "DC004"]
        assert dc004 and {m["file"] for m in dc004} == {"seeds/third.txt"}
        sarif = json.loads((clean / "out" / "third.sarif").read_text())
        (result,) = [
            r
            for r in sarif["runs"][0]["results"]
            if r["ruleId"] == "DC004" and r["properties"]["failing"]
        ]
        related = {
            loc["physicalLocation"]["artifactLocation"]["uri"] for loc in result["relatedLocations"]
        }
        assert related and all(u.startswith("seeds/") and u != "seeds/third.txt" for u in related)
    finally:
        new.unlink()


def test_a_restatement_that_sorts_first_keeps_the_agreements_review(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = clean / "seeds" / "restating.txt"
    try:
        with inside(clean):
            assert main(GATE) == 0
            before = json.loads((clean / "out" / "report.json").read_text())
            baseline = ["--accept-all", "--all", "--note", "baseline"]
            assert main(["review", "--report", "out/report.json", *baseline]) == 0
            capsys.readouterr()
            new.write_text(RESTATING, encoding="utf-8")
            code = main(GATE)
            captured = capsys.readouterr()
            after = json.loads((clean / "out" / "report.json").read_text())
        assert code == 0, captured.out + captured.err
        assert "match no finding any more" not in captured.err
        known = {f["fingerprint"] for f in before["findings"]}
        joined = [
            f
            for f in after["findings"]
            if f["kind"] == "agreement" and "restating" in f["documents"]
        ]
        # The case under test: an agreement whose subject is now the new document's claim, so
        # its fingerprint is one the baseline never had ...
        moved = [f for f in joined if f["fingerprint"] not in known]
        assert moved and all(f["identity"]["subject"].startswith("after their") for f in moved)
        # ... and still its review, with the new document as new evidence.
        status = {r["fingerprint"]: r for r in after["reviews"]}
        for f in joined:
            review = status[f["fingerprint"]]
            assert review["verdict"] == "confirmed" and review["note"] == "baseline"
            assert review["new_evidence"] == ["restating"]
    finally:
        new.unlink(missing_ok=True)

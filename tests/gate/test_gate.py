"""The gate's decision, git change detection, annotations and CLI, on hand-built reports (fast)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from factcheck.cli import main
from factcheck.errors import InputError
from factcheck.gate.annotations import github_annotation
from factcheck.gate.evaluate import evaluate
from factcheck.gate.git import changed_since, split_paths, unstaged_note
from factcheck.models import (
    DocumentRecord,
    Evidence,
    Finding,
    GeneratedWith,
    Report,
    Review,
    ReviewsFile,
    SkippedFile,
    Summary,
)
from factcheck.review.fingerprint import (
    fingerprint,
    identity_fingerprint,
    normalise_text,
    text_fingerprint,
)
from factcheck.review.store import ReviewIndex, now_utc

# --------------------------------------------------------------------------- builders
# Other gate test modules import these: one way to build reports by hand.

DOC_A = "Talks in Tokyo\n\nMarch 16, 2021\n\nThe talks were held in Tokyo on Tuesday.\nBoth sides agreed.\n"
DOC_B = "Osaka report\n\nMarch 17, 2021\n\nThe talks were held in Osaka on Tuesday.\nRain fell.\n"


def write_docs(folder: Path, docs: dict[str, str]) -> list[DocumentRecord]:
    """Write documents under `folder` and return their records (paths relative to the cwd)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for name, text in docs.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        records.append(
            DocumentRecord(
                id=path.stem,
                path=str(path),
                format="txt",
                content_hash="0" * 64,
                encoding="utf-8",
                characters=len(text),
            )
        )
    return records


def evidence(doc_id: str, text: str, sentence: str) -> Evidence:
    start = text.index(sentence)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Evidence(
        document=doc_id,
        claim=f"{doc_id}:{line}",
        start=start,
        end=start + len(sentence),
        line=line,
        column=column,
        text=sentence,
    )


def finding(
    kind: str,
    rule: str,
    items: Sequence[tuple[str, str, str]],
    *,
    severity: str = "error",
    message: str | None = None,
    values: Sequence[str] | None = None,
    slot: str = "where",
) -> Finding:
    """A finding over (doc id, doc text, sentence) items, fingerprinted as the rules do.

    With `values` (one per item: the value its claim gives of `slot`), the finding has a
    disputed slot, as a discrepancy rule makes it; without, it is identified by its texts.
    """
    name = {
        "discrepancy": "discrepancy.place",
        "unsupported": "unsupported.single-source",
        "agreement": "agreement.same-fact",
    }[kind]
    ev = [evidence(d, t, s) for d, t, s in items]
    identity = None
    if values is not None:
        value_of = {e.claim: normalise_text(v) for e, v in zip(ev, values, strict=True)}
        identity = {
            "slot": slot,
            "subject": "hold",
            "values": sorted(set(value_of.values())),
            "value_of": value_of,
        }
        fp = identity_fingerprint(rule, slot=slot, subject="hold", values=values)
    else:
        fp = text_fingerprint(rule, [s for _, _, s in items])
    return Finding.model_validate(
        {
            "kind": kind,
            "rule": rule,
            "name": name,
            "severity": severity,
            "message": message or f"{kind} between sources",
            "fingerprint": fp,
            "legacy_fingerprint": fingerprint(rule, [(d, s) for d, _, s in items]),
            "identity": identity,
            "documents": sorted({d for d, _, _ in items}),
            "evidence": ev,
        }
    )


def make_report(documents: Sequence[DocumentRecord], findings: Sequence[Finding]) -> Report:
    return Report(
        generated_with=GeneratedWith(factcheck="test", rules=sorted({f.rule for f in findings})),
        documents=list(documents),
        findings=list(findings),
        summary=Summary(),
    )


def reviews_of(**verdicts: str) -> ReviewIndex:
    return ReviewIndex.of(
        ReviewsFile(
            reviews=[
                Review(fingerprint=fp, verdict=v, time=now_utc())
                for fp, v in verdicts.items()  # type: ignore[arg-type]
            ]
        )
    )


def two_doc_report(folder: Path) -> tuple[Report, Finding, Finding]:
    docs = write_docs(folder, {"a.txt": DOC_A, "b.txt": DOC_B})
    place = finding(
        "discrepancy",
        "DC003",
        [
            ("a", DOC_A, "The talks were held in Tokyo on Tuesday."),
            ("b", DOC_B, "The talks were held in Osaka on Tuesday."),
        ],
        message="Sources disagree on where the talks were held: Tokyo or Osaka.",
        values=["Tokyo", "Osaka"],
    )
    lone = finding("unsupported", "UN001", [("b", DOC_B, "Rain fell.")], severity="warning")
    agree = finding(
        "agreement",
        "AG001",
        [("a", DOC_A, "Both sides agreed."), ("b", DOC_B, "Rain fell.")],
        severity="info",
    )
    return make_report(docs, [place, lone, agree]), place, lone


# --------------------------------------------------------------------------- decision table


@pytest.mark.parametrize(
    ("kind", "severity", "verdict", "fail_on", "unreviewed", "confirmed", "fails"),
    [
        ("discrepancy", "error", None, "discrepancy", False, False, True),
        ("discrepancy", "warning", None, "discrepancy", False, False, True),
        ("discrepancy", "info", None, "discrepancy", False, False, False),
        ("discrepancy", "error", "dismissed", "discrepancy", False, False, False),
        ("discrepancy", "error", "dismissed", "discrepancy", True, True, False),
        ("discrepancy", "error", "confirmed", "discrepancy", False, False, False),
        ("discrepancy", "error", "confirmed", "discrepancy", False, True, True),
        ("discrepancy", "error", "confirmed", "discrepancy", True, False, False),
        ("discrepancy", "info", "confirmed", "discrepancy", False, True, False),
        ("discrepancy", "info", "confirmed", "discrepancy", True, True, False),
        ("unsupported", "warning", None, "discrepancy", False, False, False),
        ("unsupported", "warning", None, "unsupported", False, False, True),
        ("unsupported", "info", None, "unsupported", False, False, False),
        ("unsupported", "warning", None, "discrepancy", True, False, True),
        ("unsupported", "info", None, "discrepancy", True, False, True),
        ("unsupported", "warning", "confirmed", "unsupported", True, True, True),
        ("unsupported", "warning", "confirmed", "discrepancy", False, True, False),
        ("agreement", "error", None, "unsupported", True, True, False),
    ],
)
def test_which_findings_fail(
    tmp_path: Path,
    kind: str,
    severity: str,
    verdict: str | None,
    fail_on: str,
    unreviewed: bool,
    confirmed: bool,
    fails: bool,
) -> None:
    docs = write_docs(tmp_path, {"a.txt": DOC_A})
    f = finding(kind, "XX001", [("a", DOC_A, "Both sides agreed.")], severity=severity)
    index = reviews_of(**({f.fingerprint: verdict} if verdict else {}))
    result = evaluate(
        make_report(docs, [f]),
        reviews=index,
        fail_on=fail_on,  # type: ignore[arg-type]
        fail_on_unreviewed=unreviewed,
        fail_on_confirmed=confirmed,
    )
    assert [i.failing for i in result.items] == [fails]
    assert result.passed is not fails


def test_only_findings_involving_changed_documents_are_in_scope(tmp_path: Path) -> None:
    report, place, _ = two_doc_report(tmp_path / "corpus")
    changed_a = evaluate(report, reviews=reviews_of(), changed={tmp_path / "corpus" / "a.txt"})
    assert changed_a.changed_documents == ["a"]
    # The unsupported claim lives in b only; the discrepancy and the agreement touch a.
    assert {i.finding.fingerprint for i in changed_a.items} == {
        place.fingerprint,
        report.findings[2].fingerprint,
    }
    assert [i.finding.fingerprint for i in changed_a.failing] == [place.fingerprint]
    nothing = evaluate(report, reviews=reviews_of(), changed=set())
    assert nothing.items == [] and nothing.passed


@pytest.mark.parametrize(
    ("changed", "documents"),
    [
        ("a.meta.json", ["a"]),
        ("b.meta.json", ["b"]),
        ("c.meta.json", []),  # no document c
        ("a.txt.meta.json", []),  # not how sidecars are named
        ("meta/a.meta.json", []),  # a sidecar sits next to its document
    ],
)
def test_a_changed_sidecar_changes_its_document(
    tmp_path: Path, changed: str, documents: list[str]
) -> None:
    report, place, _ = two_doc_report(tmp_path / "corpus")
    result = evaluate(report, reviews=reviews_of(), changed={tmp_path / "corpus" / changed})
    assert result.changed_documents == documents
    assert [i.finding.fingerprint for i in result.failing] == (
        [place.fingerprint] if documents else []
    )


@pytest.mark.parametrize(
    ("changed", "expected_line"), [("a.txt", "a.txt:5:"), ("b.txt", "b.txt:5:")]
)
def test_annotation_points_at_evidence_in_the_changed_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: str, expected_line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    report, place, _ = two_doc_report(Path("corpus"))
    result = evaluate(report, reviews=reviews_of(), changed={tmp_path / "corpus" / changed})
    (item,) = result.failing
    assert item.line() == (
        f"corpus/{expected_line} Sources disagree on where the talks were held: Tokyo or Osaka. "
        f"[DC003 {place.fingerprint}]"
    )
    assert item.location is not None
    assert (item.location.column, item.location.end_line, item.location.end_column) == (1, 5, 41)
    assert [e.document for e, _ in item.related] == ["b" if changed == "a.txt" else "a"]


def test_locations_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    report, _, _ = two_doc_report(Path("corpus"))
    result = evaluate(report, reviews=reviews_of(), root=tmp_path)
    assert {i.location.path for i in result.items if i.location} >= {"sub/corpus/a.txt"}


def test_end_of_region_falls_back_to_the_sentence_when_the_file_is_gone(tmp_path: Path) -> None:
    report, _, _ = two_doc_report(tmp_path)
    (tmp_path / "a.txt").unlink()
    (tmp_path / "b.txt").unlink()
    item = evaluate(report, reviews=reviews_of()).failing[0]
    assert item.location is not None
    assert (item.location.line, item.location.end_line, item.location.end_column) == (5, 5, 41)


# --------------------------------------------------------------------------- annotations


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        (
            "seeds/a.txt",
            "Plain message.",
            "::error file=seeds/a.txt,line=5,col=1,endLine=5,endColumn=41,"
            "title=DC003 discrepancy.place::Plain message. [DC003 {fp}]",
        ),
        (
            "seeds/a,b:c.txt",
            "100% sure\r\nnot: really, no",
            "::error file=seeds/a%2Cb%3Ac.txt,line=5,col=1,endLine=5,endColumn=41,"
            "title=DC003 discrepancy.place::100%25 sure%0D%0Anot: really, no [DC003 {fp}]",
        ),
    ],
)
def test_github_annotation_is_escaped(
    tmp_path: Path, path: str, message: str, expected: str
) -> None:
    report, place, _ = two_doc_report(tmp_path)
    item = evaluate(report, reviews=reviews_of(), changed={tmp_path / "a.txt"}).failing[0]
    item = type(item)(
        place.model_copy(update={"message": message}),
        item.status,
        item.failing,
        item.evidence,
        type(item.location)(path, 5, 1, 5, 41),  # type: ignore[misc]
    )
    assert github_annotation(item) == expected.format(fp=place.fingerprint)


# --------------------------------------------------------------------------- paths and git


def test_split_paths_treats_files_inside_a_folder_argument_as_changed(tmp_path: Path) -> None:
    write_docs(tmp_path / "seeds", {"a.txt": DOC_A, "b.txt": DOC_B})
    write_docs(tmp_path / "other", {"c.txt": DOC_A})
    seeds = tmp_path / "seeds"
    corpus, named = split_paths([seeds, seeds / "b.txt", tmp_path / "other" / "c.txt"])
    assert corpus == [seeds, tmp_path / "other" / "c.txt"]
    assert named == {(seeds / "b.txt").resolve(), (tmp_path / "other" / "c.txt").resolve()}
    assert split_paths([seeds / "a.txt", seeds / "b.txt"]) == (
        [seeds / "a.txt", seeds / "b.txt"],
        set(),
    )
    assert split_paths([seeds]) == ([seeds], set())
    # A folder inside a folder argument is named too (its documents are the change); it stays
    # a corpus path, read once; a folder beside the others is only a corpus path.
    (seeds / "sub").mkdir()
    corpus, named = split_paths([seeds, seeds / "sub", tmp_path / "other"])
    assert corpus == [seeds, seeds / "sub", tmp_path / "other"]
    assert named == {(seeds / "sub").resolve()}
    assert split_paths([seeds, seeds]) == ([seeds], set())


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def init_repo(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Gate Tester")
    git(repo, "config", "user.email", "gate@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def test_changed_since_lists_added_modified_renamed_deleted_and_untracked(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write_docs(
        repo / "seeds", {"keep.txt": "k\n", "edit.txt": "e\n", "move.txt": "m\n", "gone.txt": "g\n"}
    )
    commit_all(repo, "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "seeds" / "edit.txt").write_text("edited\n")
    git(repo, "mv", "seeds/move.txt", "seeds/moved.txt")
    git(repo, "rm", "-q", "seeds/gone.txt")
    (repo / "seeds" / "added.txt").write_text("a\n")
    commit_all(repo, "change")
    (repo / "seeds" / "untracked new.txt").write_text("u\n")
    (repo / "seeds" / "keep.txt").write_text("uncommitted edit\n")
    root, changed = changed_since(base, cwd=repo / "seeds")
    assert root == repo.resolve()
    # A rename is listed under both names; a deleted document matches no document in a report.
    assert {p.relative_to(root).as_posix() for p in changed} == {
        "seeds/edit.txt",
        "seeds/move.txt",
        "seeds/moved.txt",
        "seeds/gone.txt",
        "seeds/added.txt",
        "seeds/untracked new.txt",
        "seeds/keep.txt",
    }


# Names a pull request can add: CR, LF and CRLF inside (git's -z output keeps them), a name
# that is not UTF-8 (Linux file names are bytes).
ODD_NAMES = [
    "cr\r::warning::x.txt",
    "lf\n::error::y.txt",
    "crlf\r\nz.txt",
    os.fsdecode(b"caf\xe9.txt"),
]


def test_changed_since_keeps_line_breaks_and_bytes_in_file_names(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write_docs(repo / "seeds", {"base.txt": "b\n"})
    commit_all(repo, "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    committed, untracked = ODD_NAMES[:2], ODD_NAMES[2:]
    for name in committed:
        (repo / "seeds" / name).write_text("c\n")
    commit_all(repo, "odd names")
    for name in untracked:
        (repo / "seeds" / name).write_text("u\n")
    _, changed = changed_since(base, cwd=repo)
    # Each name is the file on disk: a changed document never counts as unchanged.
    on_disk = {p.resolve() for p in (repo / "seeds").iterdir() if p.name != "base.txt"}
    assert changed == on_disk and all(p.exists() for p in changed)
    assert len(changed) == len(ODD_NAMES)


def test_changed_since_lists_sidecars_added_modified_deleted_and_moved_away(
    tmp_path: Path,
) -> None:
    repo = init_repo(tmp_path / "repo")
    names = ("add", "edit", "drop", "move", "keep")
    docs = write_docs(repo / "seeds", {f"{n}.txt": f"{n}\n" for n in names})
    for name in ("edit", "drop", "move", "keep"):
        (repo / "seeds" / f"{name}.meta.json").write_text('{"date": "2021-03-16"}\n')
    commit_all(repo, "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "seeds" / "add.meta.json").write_text('{"date": "2021-03-17"}\n')
    (repo / "seeds" / "edit.meta.json").write_text('{"date": "2021-03-18"}\n')
    git(repo, "rm", "-q", "seeds/drop.meta.json")
    git(repo, "mv", "seeds/move.meta.json", "seeds/elsewhere.meta.json")
    commit_all(repo, "sidecars")
    root, changed = changed_since(base, cwd=repo)
    assert {p.relative_to(root).as_posix() for p in changed} == {
        "seeds/add.meta.json",
        "seeds/edit.meta.json",
        "seeds/drop.meta.json",
        "seeds/move.meta.json",
        "seeds/elsewhere.meta.json",
    }
    result = evaluate(make_report(docs, []), reviews=reviews_of(), changed=changed)
    assert result.changed_documents == [
        "add",
        "drop",
        "edit",
        "move",
    ]


def test_changed_since_starts_from_the_merge_base(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write_docs(repo / "seeds", {"a.txt": "a\n"})
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "seeds" / "mine.txt").write_text("m\n")
    commit_all(repo, "feature")
    git(repo, "checkout", "-q", "main")
    (repo / "seeds" / "a.txt").write_text("main moved on\n")
    commit_all(repo, "main")
    git(repo, "checkout", "-q", "feature")
    _, changed = changed_since("main", cwd=repo)
    assert {p.name for p in changed} == {"mine.txt"}


def test_changed_since_says_when_there_is_no_merge_base(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    repo = init_repo(tmp_path / "repo")
    write_docs(repo / "seeds", {"a.txt": "a\n"})
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "--orphan", "unrelated")  # as a shallow clone lacks the base
    (repo / "seeds" / "a.txt").write_text("rewritten\n")
    commit_all(repo, "unrelated")
    with caplog.at_level("WARNING", logger="factcheck.gate"):
        _, changed = changed_since("main", cwd=repo)
    assert {p.name for p in changed} == {"a.txt"}
    (record,) = caplog.records
    assert "--since 'main' has no merge base with HEAD" in record.getMessage()
    assert "fetch-depth: 0" in record.getMessage()
    caplog.clear()
    with caplog.at_level("WARNING", logger="factcheck.gate"):
        changed_since("HEAD", cwd=repo)
    assert caplog.records == []


@pytest.mark.parametrize("rev", ["no-such-branch", "HEAD~5", "--output={tmp}/leak"])
def test_bad_revision_is_one_line_e061_naming_it(tmp_path: Path, rev: str) -> None:
    rev = rev.format(tmp=tmp_path)  # an option smuggled in as a revision must not run
    repo = init_repo(tmp_path / "repo")
    (repo / "x.txt").write_text("x\n")
    commit_all(repo, "one")
    with pytest.raises(InputError) as info:
        changed_since(rev, cwd=repo)
    assert info.value.code == "E061"
    assert f"--since {rev!r} is not a commit" in str(info.value)
    assert "\n" not in str(info.value) and "fatal" not in str(info.value)
    assert not (tmp_path / "leak").exists()


def test_outside_git_is_e060(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        changed_since("HEAD", cwd=tmp_path)
    assert info.value.code == "E060"


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def fake_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The gate CLI over a hand-built report: the pipeline is replaced, everything else is real."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    report, place, lone = two_doc_report(Path("seeds"))
    calls: list[list[Path]] = []

    def fake(paths: Sequence[Path], **_: object) -> Report:
        calls.append(list(paths))
        return report

    monkeypatch.setattr("factcheck.cli.gate._run_pipeline", fake)
    return {"report": report, "place": place, "lone": lone, "calls": calls}


def test_gate_cli_fails_with_file_line_and_passes_once_dismissed(
    fake_pipeline: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    place = fake_pipeline["place"]
    assert isinstance(place, Finding)
    assert main(["gate", "seeds/"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"seeds/a.txt:5: {place.message} [DC003 {place.fingerprint}]"
    ]
    assert "1 failing finding" in captured.err
    assert (
        main(
            [
                "review",
                "--report",
                "none.json",
                "--force",
                "--dismiss",
                place.fingerprint,
                "--note",
                "different meetings",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["gate", "seeds/"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["review", "--force", "--dismiss", "00000000gone"]) == 0
    capsys.readouterr()
    assert main(["gate", "seeds/"]) == 0
    assert (
        "1 review(s) in reports/reviews.json match no finding any more" in capsys.readouterr().err
    )


def test_gate_cli_prints_github_annotations_in_actions(
    fake_pipeline: dict[str, object],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["gate", "seeds/", "seeds/b.txt", "--fail-on", "unsupported"]) == 1
    out = capsys.readouterr().out.splitlines()
    # The level follows the severity: the discrepancy is an error, the lone claim a warning.
    assert [line.split(",")[0] for line in out if line.startswith("::")] == [
        "::error file=seeds/b.txt",
        "::warning file=seeds/b.txt",
    ]
    assert fake_pipeline["calls"] == [[Path("seeds/")]]


@pytest.mark.parametrize("args", [["seeds/c.txt"], ["--changed", "seeds/c.txt"]])
def test_gate_cli_changed_file_not_in_the_corpus_is_exit_2(
    fake_pipeline: dict[str, object], capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    Path("seeds/c.txt").write_text("Unrelated text here.\n")
    assert main(["gate", "seeds/", *args]) == 2
    err = capsys.readouterr().err
    assert "c.txt: changed file is not a document of the corpus" in err and "[E062]" in err


@pytest.mark.parametrize(
    ("code", "named", "every"),
    # Unreadable: an input error; all page furniture: no claims, so the findings decide.
    [("E002", 2, 2), ("E011", 0, 1)],
)
def test_gate_cli_a_file_skipped_under_keep_going_is_exit_2(
    fake_pipeline: dict[str, object],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    named: int,
    every: int,
) -> None:
    report = fake_pipeline["report"]
    assert isinstance(report, Report)
    Path("seeds/c.txt").write_text("")
    skipped = SkippedFile(path="seeds/c.txt", code=code, reason="file is empty")
    monkeypatch.setattr(
        "factcheck.cli.gate._run_pipeline",
        lambda paths, **_: report.model_copy(update={"skipped": [skipped]}),
    )
    # Named as the change, it is a file of the corpus that could not be read, not a stranger.
    assert main(["gate", "seeds/", "seeds/c.txt"]) == named
    err = capsys.readouterr().err
    assert "E062" not in err
    said = "1 file(s) could not be read and were skipped (keep_going)"
    assert (said in err) == (named == 2)
    assert main(["gate", "seeds/"]) == every  # an unchanged one too: the gate cannot vouch


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gate", "seeds/", "--since", "no-such-rev"], "needs a git repository; none here [E060]"),
        (["gate", "seeds/", "seeds/nosuch-typo.txt"], "nosuch-typo.txt: path does not exist"),
        (["gate", "seeds/", "--changed", "missing.txt"], "missing.txt: path does not exist [E001]"),
        (["gate", "seeds/", "--reviews", "bad.json"], "bad.json: invalid JSON file"),
        (["gate", "seeds/", "--fail-on", "agreement"], "Invalid value for '--fail-on'"),
    ],
)
def test_gate_cli_usage_and_input_errors_exit_2(
    fake_pipeline: dict[str, object],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    Path("bad.json").write_text("{not json")
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert fake_pipeline["calls"] == []


def test_gate_cli_since_in_a_repository(
    fake_pipeline: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_repo(tmp_path)
    git(tmp_path, "add", "seeds/a.txt")
    git(tmp_path, "commit", "-q", "-m", "a")
    # b.txt is untracked, so it is new since HEAD: the discrepancy is shown in b, not a.
    assert main(["gate", "seeds/", "--since", "HEAD"]) == 1
    assert capsys.readouterr().out.startswith("seeds/b.txt:5: ")
    commit_all(tmp_path, "b")
    assert main(["gate", "seeds/", "--since", "HEAD"]) == 0


def test_gate_cli_since_counts_a_sidecar_change_as_its_document_changing(
    fake_pipeline: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_repo(tmp_path)
    commit_all(tmp_path, "documents")
    sidecar = tmp_path / "seeds" / "b.meta.json"
    for change in ("add", "modify", "delete"):
        if change == "delete":
            sidecar.unlink()
        else:
            sidecar.write_text(f'{{"title": "{change}"}}\n')
        assert main(["gate", "seeds/", "--since", "HEAD"]) == 1, change
        captured = capsys.readouterr()
        assert captured.out.startswith("seeds/b.txt:5: "), change
        assert "in 1 changed document(s)" in captured.err
        commit_all(tmp_path, change)
        assert main(["gate", "seeds/", "--since", "HEAD"]) == 0, change
        capsys.readouterr()


@pytest.mark.parametrize("args", [["seeds/a.meta.json"], ["--changed", "seeds/a.meta.json"]])
def test_gate_cli_named_sidecar_counts_as_its_document(
    fake_pipeline: dict[str, object], capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    Path("seeds/a.meta.json").write_text('{"date": "2021-03-16"}\n')
    assert main(["gate", "seeds/", *args]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("seeds/a.txt:5: ")
    assert "in 1 changed document(s)" in captured.err


def test_gate_cli_a_changed_folder_means_every_document_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    docs = write_docs(Path("seeds"), {"a.txt": DOC_A}) + write_docs(
        Path("seeds/sub/deeper"), {"b.txt": DOC_B}
    )
    place = finding(
        "discrepancy",
        "DC003",
        [
            ("a", DOC_A, "The talks were held in Tokyo on Tuesday."),
            ("b", DOC_B, "The talks were held in Osaka on Tuesday."),
        ],
        values=["Tokyo", "Osaka"],
    )
    report = make_report(docs, [place])
    monkeypatch.setattr("factcheck.cli.gate._run_pipeline", lambda paths, **_: report)
    for args in (["seeds/sub/"], ["--changed", "seeds/sub"], ["--changed", "seeds/sub/deeper/"]):
        assert main(["gate", "seeds/", *args]) == 1, args
        captured = capsys.readouterr()
        # b is the change and brings the other value: blamed there, not on a.
        assert captured.out.splitlines() == [
            f"seeds/sub/deeper/b.txt:5: {place.message} [DC003 {place.fingerprint}]"
        ], args
        assert "in 1 changed document(s)" in captured.err, args
    # A folder with no document of the corpus, inside it or outside it: exit 2, as a file.
    Path("seeds/empty").mkdir()
    Path("notes").mkdir()
    Path("notes/todo.txt").write_text("Not a document of the corpus.\n")
    for args in (["seeds/empty/"], ["--changed", "seeds/empty"], ["--changed", "notes"]):
        assert main(["gate", "seeds/", *args]) == 2, args
        err = capsys.readouterr().err
        folder = args[-1].rstrip("/")
        assert f"{folder}: changed file is not a document of the corpus" in err, args
        assert "[E062]" in err, args


def test_gate_cli_a_changed_file_whose_name_is_not_utf_8_counts(
    fake_pipeline: dict[str, object],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report keeps such a name as `caf\\xe9.txt`; the changed file must still match it
    (before, it counted as unchanged under --since and as no document when named)."""
    report = fake_pipeline["report"]
    assert isinstance(report, Report)
    raw = os.fsdecode(b"seeds/caf\xe9.txt")
    Path("seeds/b.txt").rename(raw)
    shown = "seeds/caf\\xe9.txt"
    docs = [d.model_copy(update={"path": shown}) if d.id == "b" else d for d in report.documents]
    renamed = report.model_copy(update={"documents": docs})
    monkeypatch.setattr("factcheck.cli.gate._run_pipeline", lambda paths, **_: renamed)
    assert main(["gate", "seeds/", raw]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{shown}:5: ")
    assert "in 1 changed document(s)" in captured.err
    init_repo(tmp_path)
    git(tmp_path, "add", "seeds/a.txt")
    git(tmp_path, "commit", "-q", "-m", "a")
    assert main(["gate", "seeds/", "--since", "HEAD"]) == 1  # untracked, so changed
    assert capsys.readouterr().out.startswith(f"{shown}:5: ")


@pytest.mark.parametrize(
    ("config", "args", "said"),
    [
        (None, [], '(default fail_on = "discrepancy")'),
        (None, ["--fail-on", "unsupported"], "(--fail-on unsupported)"),
        ("factcheck.toml", [], '(fail_on = "unsupported" in factcheck.toml)'),
        ("factcheck.toml", ["--fail-on", "discrepancy"], "(--fail-on discrepancy)"),
        ("pyproject.toml", [], '(fail_on = "unsupported" in pyproject.toml [tool.factcheck])'),
    ],
)
def test_gate_cli_summary_names_where_the_failing_level_came_from(
    fake_pipeline: dict[str, object],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    config: str | None,
    args: list[str],
    said: str,
) -> None:
    init_repo(tmp_path)  # the config search stops at the repository root
    if config == "factcheck.toml":
        Path(config).write_text('fail_on = "unsupported"\n')
    elif config == "pyproject.toml":
        Path(config).write_text('[tool.factcheck]\nfail_on = "unsupported"\n')
    assert main(["gate", "seeds/", *args]) == 1
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if x.startswith("factcheck gate: ")]
    assert said in line, line
    if "--fail-on" not in args:
        assert "--fail-on" not in line  # no flag claimed that was not given
    assert main(["-q", "gate", "seeds/", *args, "--output-format", "json"]) == 1
    assert said in json.loads(capsys.readouterr().out)["rule"]


# --------------------------------------------------------------------------- pre-commit notes


def test_unstaged_note_names_a_reviews_file_that_is_not_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "x.txt").write_text("x\n")
    commit_all(repo, "one")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "home"))
    path = Path("reports/reviews.json")
    assert unstaged_note(path) is None  # no reviews file: nothing to say
    path.parent.mkdir()
    path.write_text("{}\n")
    assert "is not staged" in (unstaged_note(path) or "")
    git(repo, "add", str(path))
    assert unstaged_note(path) is None
    path.write_text('{"a": 1}\n')
    assert "has unstaged changes" in (unstaged_note(path) or "")
    # What a pre-commit run sees: the change set aside in a patch named after its pid.
    git(repo, "checkout", "--", str(path))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / f"patch1-{os.getppid()}").write_text(
        "diff --git a/reports/reviews.json b/reports/reviews.json\n"
    )
    assert "pre-commit sets them aside" in (unstaged_note(path) or "")

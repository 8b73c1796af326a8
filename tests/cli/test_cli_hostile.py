"""The hostile-input and hostile-environment matrix (issue 16), through `factcheck report`.

Each case asserts the exit code, the one line on stderr, and that the reports of an earlier
run are intact when the run fails. Claim extraction is stubbed (no claims, no model): these
cases are about files, folders and the disk, which the real models never see. A read-only
folder and a full disk are real tmpfs mounts where the machine allows them (root in CI), else
the same errors are raised where the writes happen.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from factcheck import pipeline
from factcheck.cli import main
from factcheck.models import Claim, Document
from factcheck.report import write as write_module

REPORTS = write_module.REPORT_FILES


@pytest.fixture
def extraction(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stub the extraction stage; the list records the documents it was asked for."""
    calls: list[str] = []

    def extract_claims(documents: list[Document], **_: object) -> list[Claim]:
        calls.extend(d.id for d in documents)
        return []

    monkeypatch.setattr(pipeline, "extract_claims", extract_claims)
    return calls


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # no config file above the test folder is picked up
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Tokyo hosted the talks on Monday.\n")
    (root / "sub" / "b.txt").write_text("Officials met in Paris on Tuesday.\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("A private note, never to be published.\n")
    return root


Run = Callable[..., tuple[int, list[str]]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Run:
    """`run(corpus, out, *options)`: the exit code and the lines a person sees, errors first.

    Warnings go through logging (printed one per line on stderr by a plain run; pytest's log
    capture takes them here).
    """

    def report(corpus: Path, out: Path, *args: str) -> tuple[int, list[str]]:
        caplog.clear()
        code = main(["-q", "report", str(corpus), "-o", str(out), "--no-cache", *args])
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        return code, capsys.readouterr().err.splitlines() + warnings

    return report


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in REPORTS}


def earlier(run: Run, corpus: Path, out: Path) -> dict[str, bytes]:
    assert run(corpus, out)[0] == 0
    return snapshot(out)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[bool]:
    """A real tmpfs at `folder` when mount is allowed here; yields whether it is mounted."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
            timeout=30,
        )
        mounted = done.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        mounted = False
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


# ------------------------------------------------------------------- runs that stop, exit 2


def loop(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus / "x.txt").symlink_to(corpus / "y.txt")
    (corpus / "y.txt").symlink_to(corpus / "x.txt")


def unreadable_folder(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permission bits do not stop root (CI runs as root): the denial is raised where it happens.
    real = os.scandir

    def scandir(path: str | int) -> object:
        if not isinstance(path, int) and Path(path).name == "sub":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def unreadable_file(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "b.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def bad_codec(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus.parent / "factcheck.toml").write_text('fallback_encoding = "no-such-codec"\n')


def too_large(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus.parent / "factcheck.toml").write_text("max_document_bytes = 20\n")


STOPS: dict[str, tuple[Callable[[Path, pytest.MonkeyPatch], None], str]] = {
    "symlink loop": (loop, r"corpus/x\.txt: symlink loop: the link never reaches a file \[E012\]"),
    "unreadable folder": (
        unreadable_folder,
        r"corpus/sub: cannot read folder: Permission denied \[E013\]",
    ),
    "unreadable file": (
        unreadable_file,
        r"sub/b\.txt: cannot read file: Permission denied \[E013\]",
    ),
    "unknown fallback codec": (
        bad_codec,
        r"factcheck\.toml: invalid configuration: fallback_encoding: Value error, "
        r"unknown text encoding 'no-such-codec' \[E020\]",
    ),
    "document over the limit": (too_large, r"a\.txt: file is 34 bytes, over the limit .* \[E005\]"),
}


@pytest.mark.parametrize("case", sorted(STOPS))
def test_a_run_that_cannot_go_on_is_one_line_exit_2_and_keeps_the_reports(
    case: str,
    corpus: Path,
    extraction: list[str],
    monkeypatch: pytest.MonkeyPatch,
    run: Run,
) -> None:
    out = corpus.parent / "out"
    before = earlier(run, corpus, out)
    setup, message = STOPS[case]
    setup(corpus, monkeypatch)
    del extraction[:]
    code, err = run(corpus, out)
    assert code == 2
    assert len(err) == 1 and err[0].startswith("factcheck: error: "), err
    assert re.search(message, err[0]), err[0]
    assert snapshot(out) == before
    assert extraction == []  # stopped before any model would have loaded


def test_a_verifier_that_cannot_load_stops_the_run_before_any_extraction(
    corpus: Path, extraction: list[str], run: Run
) -> None:
    out = corpus.parent / "out"
    before = earlier(run, corpus, out)
    (corpus.parent / "factcheck.toml").write_text('verifier = "no-such-folder"\n')
    del extraction[:]
    code, err = run(corpus, out)
    assert code == 3  # a model that cannot load (E030)
    assert len(err) == 1 and err[0].startswith("factcheck: error: no-such-folder: "), err
    assert "the verifier folder lacks model.onnx" in err[0] and err[0].endswith("[E030]")
    assert extraction == []  # found before the corpus was parsed, not after
    assert snapshot(out) == before


def test_a_broken_pyproject_found_automatically_is_exit_2(
    corpus: Path, extraction: list[str], run: Run
) -> None:
    (corpus.parent / "pyproject.toml").write_text("[tool.factcheck\nbroken = \n")
    code, err = run(corpus, corpus.parent / "out")
    assert code == 2 and len(err) == 1 and "pyproject.toml" in err[0]
    assert "line 1" in err[0] and "[E020]" in err[0]
    assert extraction == []


def test_an_output_folder_that_cannot_be_written_fails_before_any_work(
    corpus: Path,
    extraction: list[str],
    monkeypatch: pytest.MonkeyPatch,
    run: Run,
) -> None:
    out = corpus.parent / "out"
    with tmpfs(out, "1m") as mounted:
        before = earlier(run, corpus, out)
        remounted = (
            mounted
            and subprocess.run(["mount", "-o", "remount,ro", str(out)], timeout=30).returncode == 0
        )
        if not remounted:

            def read_only(*args: object, **kwargs: object) -> object:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))

            monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
        del extraction[:]
        code, err = run(corpus, out)
        assert code == 2
        assert err == [
            f"factcheck: error: {out}: cannot write to the output folder: "
            "Read-only file system [E090]"
        ]
        assert extraction == []  # nothing ran: no document was handed to the models
        assert snapshot(out) == before


def fill(folder: Path, *, leave: int = 0) -> None:
    """Fill the disk under `folder`, then free `leave` bytes again (room for a probe, not for
    a set of reports)."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as fh:
        for _ in range(1024):
            fh.write(b"\0" * 4096)
            fh.flush()
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("before the run", "cannot write to the output folder: No space left on device [E090]"),
        (
            "while writing",
            "cannot write the reports: No space left on device; "
            "the previous reports are unchanged [E091]",
        ),
    ],
)
def test_a_full_disk_is_one_line_exit_2_and_keeps_the_reports(
    when: str,
    message: str,
    corpus: Path,
    extraction: list[str],
    monkeypatch: pytest.MonkeyPatch,
    run: Run,
) -> None:
    out = corpus.parent / "out"
    with tmpfs(out, "256k") as mounted:
        before = earlier(run, corpus, out)
        (corpus / "c.txt").write_text("Ministers met again in Rome on Friday.\n")
        del extraction[:]
        if mounted:
            # A real full disk: nothing free before the run; during it, room for the output
            # check's one-byte probe but not for the reports.
            fill(out, leave=0 if when == "before the run" else 8192)
        else:
            # No tmpfs here: the same errors are raised where the writes happen.
            real = write_module._write_synced

            def no_space(path: Path, data: bytes) -> None:
                if path.name == "report.html":
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
                real(path, data)

            def full_probe(*args: object, **kwargs: object) -> object:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            if when == "before the run":
                monkeypatch.setattr(tempfile, "TemporaryFile", full_probe)
            else:
                monkeypatch.setattr(write_module, "_write_synced", no_space)
        code, err = run(corpus, out)
        assert code == 2
        assert err == [f"factcheck: error: {out}: {message}"]
        assert snapshot(out) == before
        assert sorted(p.name for p in out.iterdir() if p.name != "filler") == sorted(REPORTS)
        assert extraction == ([] if when == "before the run" else ["a", "c", "sub/b"])


# ------------------------------------------------------------------- runs that go on, exit 0


def test_symlinks_out_of_the_corpus_are_named_once_and_never_published(
    corpus: Path, extraction: list[str], run: Run
) -> None:
    (corpus / "link.txt").symlink_to(corpus.parent / "outside" / "secret.txt")
    out = corpus.parent / "out"
    code, err = run(corpus, out)
    assert code == 0
    assert err == [
        f"{corpus}: not following 1 symlink(s) that lead outside it: link.txt "
        "(set follow_symlinks = true or pass --follow-symlinks to read them)"
    ]
    assert all("secret" not in (out / name).read_text(encoding="utf-8") for name in REPORTS)
    assert sorted(extraction) == ["a", "sub/b"]  # the outside file never reached extraction

    del extraction[:]
    code, err = run(corpus, out, "--follow-symlinks")
    assert code == 0 and err == []
    assert sorted(extraction) == ["a", "link", "sub/b"]
    assert '"id": "link"' in (out / "report.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setup", "warning"),
    [
        (unreadable_folder, r"corpus/sub: cannot read folder: Permission denied \[E013\]; skipped"),
        (unreadable_file, r"sub/b\.txt: cannot read file: Permission denied \[E013\]; skipped"),
    ],
)
def test_keep_going_reports_what_it_could_not_read_and_goes_on(
    setup: Callable[[Path, pytest.MonkeyPatch], None],
    warning: str,
    corpus: Path,
    extraction: list[str],
    monkeypatch: pytest.MonkeyPatch,
    run: Run,
) -> None:
    setup(corpus, monkeypatch)
    out = corpus.parent / "out"
    code, err = run(corpus, out, "--keep-going")
    assert code == 2  # the reports are written, and the exit code still says the input was bad
    # The run's last line (on stderr, even with -q) says why the exit code is 2; the warning
    # names what was skipped.
    assert len(err) == 2 and re.search(warning, err[1]), err
    assert err[0].startswith("factcheck: 1 file(s) or folder(s) could not be read and were skipped")
    err = err[1:]
    assert extraction == ["a"]
    # The reports name what was left out, and why.
    [skipped] = json.loads((out / "report.json").read_text(encoding="utf-8"))["skipped"]
    assert skipped["code"] == "E013" and skipped["reason"].startswith("cannot read ")
    assert f"{skipped['path']}: {skipped['reason']} [E013]" in err[0]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "### Skipped files (1)" in md and f"{skipped['reason']} [E013]" in md
    assert f"{skipped['reason']} [E013]" in (out / "report.html").read_text(encoding="utf-8")


def test_a_document_that_is_all_furniture_is_a_warning_and_the_run_goes_on(
    corpus: Path, extraction: list[str], run: Run
) -> None:
    (corpus / "video.txt").write_text("VIDEO: Watch the full briefing\n")
    code, err = run(corpus, corpus.parent / "out")
    assert code == 0
    assert err == [
        f"{corpus / 'video.txt'}: document has no article text left after removing page "
        "furniture [E011]; skipped"
    ]
    assert sorted(extraction) == ["a", "sub/b"]
    report = json.loads((corpus.parent / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == [
        {
            "path": str(corpus / "video.txt"),
            "code": "E011",
            "reason": "document has no article text left after removing page furniture",
        }
    ]


def test_a_file_name_that_is_not_utf8_is_reported_escaped_with_a_stable_id(
    corpus: Path, extraction: list[str], run: Run
) -> None:
    (corpus / os.fsdecode(b"caf\xe9.txt")).write_text("The cafe opened on Monday.\n")
    out = corpus.parent / "out"
    assert run(corpus, out) == (0, [])
    first = snapshot(out)
    assert '"id": "caf\\\\xe9"' in first["report.json"].decode("utf-8")
    assert run(corpus, out) == (0, [])
    assert snapshot(out) == first


def test_the_gate_checks_its_output_folder_first_too(
    corpus: Path, extraction: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus.parent / "file").write_text("a file where a folder should be\n")
    out = corpus.parent / "file" / "reports"
    code = main(["-q", "gate", str(corpus), "-o", str(out)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and extraction == []
    assert err == [
        f"factcheck: error: {out}: cannot write to the output folder: Not a directory [E090]"
    ]

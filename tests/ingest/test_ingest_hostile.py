"""Ingest under hostile input: symlinks, loops, unreadable files and folders, odd file names, furniture."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.ingest import collect_paths, load_corpus, load_documents
from factcheck.settings import Settings

TEXT = "Tokyo hosted the talks on Monday.\n"
# A file name that is not UTF-8 (Latin-1 "café"), as the filesystem allows.
LATIN1_NAME = os.fsdecode(b"caf\xe9.txt")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(TEXT)
    (root / "sub").mkdir()
    (root / "sub" / "b.txt").write_text("Officials met in Paris.\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("A private note that must not be published.\n")
    return root


def names(paths: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_symlinks_leaving_the_folder_are_left_out_with_one_warning(
    corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (corpus / "link.txt").symlink_to(corpus.parent / "outside" / "secret.txt")
    (corpus / "dir").symlink_to(corpus.parent / "outside")
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")  # inside: read (once)
    (corpus / "subdir").symlink_to(corpus / "sub")  # inside: its files are read where they are
    with caplog.at_level(logging.WARNING, logger="factcheck.ingest"):
        found = collect_paths([corpus])
    assert names(found, corpus) == ["a.txt", "sub/b.txt"]
    [record] = caplog.records
    assert record.getMessage().count("\n") == 0
    assert "not following 2 symlink(s)" in record.getMessage()
    assert "dir, link.txt" in record.getMessage() and "--follow-symlinks" in record.getMessage()


def test_follow_symlinks_reads_them(corpus: Path, caplog: pytest.LogCaptureFixture) -> None:
    (corpus / "link.txt").symlink_to(corpus.parent / "outside" / "secret.txt")
    (corpus / "dir").symlink_to(corpus.parent / "outside")
    (corpus.parent / "outside" / "back").symlink_to(corpus.parent / "outside")  # a folder cycle
    found = collect_paths([corpus], follow_symlinks=True)
    # The same outside file by two links is read once, and the cycle is walked once.
    assert names(found, corpus) == ["a.txt", "dir/secret.txt", "sub/b.txt"]
    assert not caplog.records


@pytest.mark.parametrize(
    ("name", "where"), [("x.txt", "folder"), ("x.txt", "explicit"), ("x", "folder")]
)
def test_a_symlink_loop_is_a_one_line_error(corpus: Path, name: str, where: str) -> None:
    # "x" has no document suffix, but it could be a folder: a loop is an error either way.
    other = corpus / f"y{Path(name).suffix}"
    (corpus / name).symlink_to(other)
    other.symlink_to(corpus / name)
    with pytest.raises(InputError) as info:
        collect_paths([corpus] if where == "folder" else [corpus / name])
    assert info.value.code == "E012" and "symlink loop" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_dangling_symlink_is_an_error_and_keep_going_skips_it(
    corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (corpus / "gone.txt").symlink_to(corpus / "nowhere.txt")
    (corpus / "gone.pdf").symlink_to(corpus / "nowhere.pdf")  # not a document: ignored
    with pytest.raises(InputError, match=r"gone\.txt: path does not exist \[E001\]"):
        collect_paths([corpus])
    assert names(collect_paths([corpus], keep_going=True), corpus) == ["a.txt", "sub/b.txt"]
    assert "gone.txt" in caplog.text and "skipped" in caplog.text


def unreadable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    # Permission bits do not stop root (CI runs as root), so the denial is simulated.
    real = os.scandir

    def scandir(path: str | os.PathLike[str] | int) -> object:
        if not isinstance(path, int) and Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_is_an_error_never_skipped_silently(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    unreadable(monkeypatch, corpus / "sub")
    with pytest.raises(InputError) as info:
        collect_paths([corpus])
    assert str(info.value) == f"{corpus / 'sub'}: cannot read folder: Permission denied [E013]"
    assert names(collect_paths([corpus], keep_going=True), corpus) == ["a.txt"]
    assert "cannot read folder" in caplog.text and "skipped" in caplog.text


def test_an_unreadable_file_is_an_error_and_keep_going_goes_on(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(InputError, match=r"a\.txt: cannot read file: Permission denied \[E013\]"):
        load_documents([corpus], settings=Settings())
    docs = load_documents([corpus], settings=Settings(keep_going=True))
    assert [d.id for d in docs] == ["sub/b"]
    assert "a.txt: cannot read file" in caplog.text
    read = load_corpus([corpus], settings=Settings(keep_going=True))
    assert [d.id for d in read.documents] == ["sub/b"]
    assert [(k.path, k.code, k.reason) for k in read.skipped] == [
        (str(corpus / "a.txt"), "E013", "cannot read file: Permission denied")
    ]


def test_a_file_name_that_is_not_utf8_is_shown_escaped_with_a_stable_id(tmp_path: Path) -> None:
    (tmp_path / LATIN1_NAME).write_text(TEXT)
    first = load_documents([tmp_path], settings=Settings())
    again = load_documents([tmp_path], settings=Settings())
    assert [d.id for d in first] == [d.id for d in again] == ["caf\\xe9"]
    assert first[0].path == str(tmp_path / "caf\\xe9.txt")
    assert '"caf\\\\xe9"' in first[0].record().model_dump_json()  # serialises: no surrogates


def test_a_document_that_is_all_furniture_is_a_warning_and_the_rest_goes_on(
    corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (corpus / "video.txt").write_text("VIDEO: Watch the full briefing\n")
    docs = load_documents([corpus], settings=Settings())
    assert [d.id for d in docs] == ["a", "sub/b"]
    [record] = [r for r in caplog.records if "video.txt" in r.getMessage()]
    assert record.levelno == logging.WARNING and "[E011]; skipped" in record.getMessage()

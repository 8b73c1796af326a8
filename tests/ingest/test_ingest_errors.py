"""Ingest: bad input raises InputError with the right code and names the file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.ingest import collect_paths, document_from_text, load_documents, read_document
from factcheck.settings import Settings


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(content)
    return p


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "E002"),
        ("blank.txt", b"  \n\t\r\n  ", "E002"),
        ("nul.txt", b"Some text\x00with a NUL byte.", "E003"),
        ("controls.txt", bytes(range(1, 9)) * 20 + b"text", "E003"),
        ("front.md", b"---\ntitle: [unclosed\n---\nBody text.\n", "E006"),
        ("front2.md", b"---\ntitle: T\nBody text without a closing line.\n", "E006"),
        ("front3.txt", b"---\n- a list\n---\nBody text.\n", "E006"),
        ("front4.txt", b"---\nflavour: mint\n---\nBody text.\n", "E006"),
        ("front5.txt", b"---\npublished: last week\n---\nBody text.\n", "E006"),
        ("bad.json", b'{"text": "unterminated', "E007"),
        ("list.json", b'["text"]', "E007"),
        ("notext.json", b'{"title": "No body"}', "E007"),
        ("wrongtype.json", b'{"text": 42}', "E007"),
        ("badkey.json", b'{"text": "Body.", "colour": "red"}', "E007"),
        ("baddate.json", b'{"text": "Body.", "published": "not a date"}', "E007"),
        ("badurl.json", b'{"text": "Body.", "url": "nowhere"}', "E007"),
        ("onlyscript.html", b"<html><script>var a = 1;</script></html>", "E011"),
        ("onlyfurniture.txt", b"Loading\n\nSearch\n", "E011"),
        ("notes.csv", b"a,b\n", "E008"),
    ],
)
def test_bad_documents(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as info:
        read_document(path, settings=Settings())
    assert info.value.code == code
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_path() -> None:
    with pytest.raises(InputError) as info:
        collect_paths(["/no/such/folder"])
    assert info.value.code == "E001" and "/no/such/folder" in str(info.value)
    with pytest.raises(InputError) as info:
        read_document(Path("/no/such/file.txt"), settings=Settings())
    assert info.value.code == "E001"


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        collect_paths([tmp_path])
    assert info.value.code == "E009"


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"word " * 100)
    with pytest.raises(InputError) as info:
        read_document(path, settings=Settings(max_document_bytes=100))
    assert info.value.code == "E005" and "500 bytes" in str(info.value)


def test_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path, "same.txt", b"One text.")
    write(tmp_path, "same.md", b"Other text.")
    with pytest.raises(InputError) as info:
        load_documents([tmp_path], settings=Settings())
    assert info.value.code == "E010" and "'same'" in str(info.value)


def test_ids_are_paths_under_the_corpus_root(tmp_path: Path) -> None:
    # Two story.txt in different folders are two documents, named by their folder.
    for folder in ("kyodo", "nhk"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder, "story.txt", f"A story from {folder}.".encode())
    write(tmp_path, "lead.txt", b"The lead story.")
    docs = load_documents([tmp_path], settings=Settings())
    assert [d.id for d in docs] == ["kyodo/story", "lead", "nhk/story"]
    # A file given by itself keeps its name.
    alone = load_documents([tmp_path / "nhk" / "story.txt"], settings=Settings())
    assert [d.id for d in alone] == ["story"]


def test_fallback_encoding_with_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path, "latin.txt", "The caf\u00e9 \u201cquoted\u201d text.".encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="factcheck.ingest"):
        doc = read_document(path, settings=Settings())
    assert doc.text == "The caf\u00e9 \u201cquoted\u201d text."
    assert doc.encoding == "cp1252"
    assert len(doc.warnings) == 1 and "not valid UTF-8" in doc.warnings[0]
    assert any("fallback" in r.message for r in caplog.records)


@pytest.mark.parametrize(
    ("content", "fallback"),
    [
        (b"Bad \x81\x8d\x8f\x90 bytes in cp1252.", "cp1252"),  # undefined in cp1252
        (b"Bad \xc3\x28 text \x85\x99 here.", "latin-1"),  # decodes, but to C1 control garbage
    ],
)
def test_undecodable(tmp_path: Path, content: bytes, fallback: str) -> None:
    path = write(tmp_path, "bad.txt", content)
    with pytest.raises(InputError) as info:
        read_document(path, settings=Settings(fallback_encoding=fallback))
    assert info.value.code == "E004"


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.txt", "Wide text here.\n".encode("utf-16"))
    assert read_document(path, settings=Settings()).text == "Wide text here."


def test_malformed_sidecar(tmp_path: Path) -> None:
    write(tmp_path, "doc.txt", b"Body text.")
    sidecar = write(tmp_path, "doc.meta.json", b'{"published": "soon"}')
    with pytest.raises(InputError) as info:
        read_document(tmp_path / "doc.txt", settings=Settings())
    assert info.value.code == "E007" and str(sidecar) in str(info.value)


def test_document_from_empty_text() -> None:
    with pytest.raises(InputError) as info:
        document_from_text("   ", id="blank")
    assert info.value.code == "E002" and "<blank>" in str(info.value)


def test_unsupported_suffix_lists_the_format_table(tmp_path: Path) -> None:
    from factcheck.ingest.formats import FORMATS, SUFFIXES

    bad = tmp_path / "a.pdf"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_documents([bad], settings=Settings())
    assert info.value.code == "E008"
    assert "(expected .txt, .md, .html, .htm or .json)" in str(info.value)
    assert {f.name for f in FORMATS} == set(SUFFIXES.values()) == {"txt", "md", "html", "json"}

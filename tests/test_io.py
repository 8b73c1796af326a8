"""Atomic writes: a failed write leaves the previous file intact and no temporary files behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.io import atomic_write_text, dumps_json, read_model
from factcheck.models import ReviewsFile


def test_atomic_write_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]


def test_failed_write_keeps_old_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.json"
    target.write_text("old")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_dumps_json_is_canonical() -> None:
    assert dumps_json({"b": 1, "a": "é"}) == '{\n  "a": "é",\n  "b": 1\n}\n'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "invalid JSON"),
        ('{"version": "1", "reviews": [{"fingerprint": "x"}]}', "does not match its schema"),
        ('{"version": "1", "extra": 1}', "does not match its schema"),
    ],
)
def test_read_model_errors_name_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "reviews.json"
    path.write_text(content)
    with pytest.raises(InputError, match=expected) as info:
        read_model(path, ReviewsFile)
    assert str(path) in str(info.value)


def test_read_model_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_model(tmp_path / "none.json", ReviewsFile)


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    old = os.umask(0o022)
    try:
        atomic_write_text(target, "x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_model_json_in_pieces_joins_to_exactly_model_json() -> None:
    from pydantic import BaseModel

    from factcheck.io import model_json, model_json_chunks

    class Row(BaseModel):
        name: str
        values: list[float]
        nested: dict[str, list[int]]

    model = Row(name="café ✓", values=[0.5, 1e-9, 3.0], nested={"b": [2], "a": [1, 3]})
    pieces = list(model_json_chunks(model, size=8))
    assert len(pieces) > 3  # really in pieces, not one string
    assert "".join(pieces) == model_json(model)
    assert list(model_json_chunks(model)) == [model_json(model)]

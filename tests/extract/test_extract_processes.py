"""How many parsing processes extract_many uses for a corpus (no model is loaded)."""

from __future__ import annotations

import pytest

import factcheck.extract as fx
from factcheck.extract import Extractor
from factcheck.models import Document
from factcheck.settings import Settings


def docs(n: int, chars: int) -> list[Document]:
    text = "x" * chars
    return [
        Document(
            id=f"d{i}",
            path=f"d{i}.txt",
            format="txt",
            content_hash="x",
            encoding="utf-8",
            characters=chars,
            text=text,
            original=text,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("n", "chars_each", "expected"),
    [
        (1, 10_000_000, 1),  # one document: nothing to share
        (fx.BATCH_SIZE, 100_000, 1),  # one batch: nothing to share
        (200, 100, 1),  # many tiny documents: under the break-even
        (200, fx.MULTIPROCESS_MIN_CHARS // 100, 2),  # a large corpus
    ],
)
def test_processes_follow_the_break_even(
    n: int, chars_each: int, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fx.os, "cpu_count", lambda: 8)
    assert Extractor(settings=Settings()).processes_for(docs(n, chars_each)) == expected


def test_one_cpu_means_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fx.os, "cpu_count", lambda: 1)
    assert Extractor(settings=Settings()).processes_for(docs(400, 10_000)) == 1


def test_extract_many_of_nothing_loads_no_model() -> None:
    ex = Extractor(settings=Settings(spacy_model="no_such_spacy_model_xyz"))
    assert list(ex.extract_many([])) == []

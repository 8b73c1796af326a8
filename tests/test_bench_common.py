"""The matching benchmarks' shared preamble (bench/common.py): backend option, per-backend cache, claims."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import get_args

import numpy as np
import pytest
from bench.common import ClaimSource, add_matching_options, open_embedder, settings_from

from factcheck.cache import Cache
from factcheck.models import Claim, Document
from factcheck.settings import Settings
from tests.conftest import make_claim, make_document

BACKENDS = get_args(Settings.model_fields["embedding_backend"].annotation)


def parse(*argv: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    add_matching_options(ap)
    return ap.parse_args(argv)


def test_backend_defaults_to_the_settings_default() -> None:
    settings = settings_from(parse())
    assert settings.embedding_backend == Settings().embedding_backend
    assert settings.similarity_threshold == Settings().similarity_threshold


@pytest.mark.parametrize("backend", BACKENDS)
def test_backend_and_threshold_reach_the_settings(backend: str) -> None:
    settings = settings_from(parse("--embedding-backend", backend, "--threshold", "0.7"))
    assert (settings.embedding_backend, settings.similarity_threshold) == (backend, 0.7)


def test_unknown_backend_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("--embedding-backend", "tensorrt")
    assert "invalid choice" in capsys.readouterr().err


def test_one_cache_file_keeps_each_backends_vectors_apart(tmp_path: Path) -> None:
    path = tmp_path / "bench.sqlite"
    ids = {}
    for backend in BACKENDS:
        settings = settings_from(parse("--embedding-backend", backend))
        with open_embedder(settings, path) as (cache, embedder):
            assert embedder.settings.embedding_backend == backend
            ids[backend] = embedder.model_id
            assert cache.get_embeddings(embedder.model_id, ["h"]) == {}
            cache.put_embeddings(embedder.model_id, {"h": np.ones(4, dtype=np.float32)})
    assert len(set(ids.values())) == len(BACKENDS)
    with Cache(path) as cache:
        for model_id in ids.values():
            assert set(cache.get_embeddings(model_id, ["h"])) == {"h"}


class CountingExtract:
    """Stands in for Extractor.extract: one claim per document, or an error for doc ids 'bad*'."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, doc: Document) -> list[Claim]:
        self.calls.append(doc.id)
        if doc.id.startswith("bad"):
            raise ValueError("no parse")
        return [make_claim(doc.id, doc.text)]


def source_with(cache: Cache | None) -> tuple[ClaimSource, CountingExtract]:
    source = ClaimSource(Settings(), cache)
    extract = CountingExtract()
    source.extractor.extract = extract  # type: ignore[method-assign]
    return source, extract


def test_claims_are_extracted_once_and_failures_count_as_none() -> None:
    source, extract = source_with(None)
    good, bad = make_document("good", "The bridge reopened."), make_document("bad", "x")
    assert [c.id for c in source.claims(good)] == ["good:0"]
    assert source.claims(good) == source.claims(good)
    assert source.claims(bad) == []
    assert extract.calls == ["good", "bad"]
    assert source.failures == ["bad: ValueError: no parse"]


def test_claims_are_cached_across_runs_but_failures_are_not(tmp_path: Path) -> None:
    good, bad = make_document("good", "The bridge reopened."), make_document("bad", "x")
    with Cache(tmp_path / "bench.sqlite") as cache:
        first, _ = source_with(cache)
        expected = first.claims(good)
        first.claims(bad)
        second, extract = source_with(cache)
        assert second.claims(good) == expected
        assert second.claims(bad) == []
    assert extract.calls == ["bad"]

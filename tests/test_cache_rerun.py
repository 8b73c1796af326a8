"""Tests that a rerun over unchanged documents does no model work and a new document costs only itself."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from factcheck import pipeline
from factcheck.cache import open_cache
from factcheck.extract import Extractor
from factcheck.ingest import load_documents
from factcheck.match.embed import Embedder
from factcheck.match.score import match_claims
from factcheck.progress import Progress
from factcheck.settings import Settings


class FakeModel:
    """Stands in for sentence-transformers: hashed bag of words, unit length."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def get_sentence_embedding_dimension(self) -> int:
        return 32

    def encode(self, texts: list[str], **_: Any) -> np.ndarray:
        self.texts.extend(texts)
        out = np.zeros((len(texts), 32), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 32] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture
def counters(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    state: dict[str, Any] = {"loads": 0, "model": FakeModel(), "extracted": []}

    def fake_load(self: Embedder) -> FakeModel:
        if self._model is None:
            state["loads"] += 1
            self._model = state["model"]
        return state["model"]

    original = Extractor.extract_many

    def counting_extract_many(self: Extractor, docs: Any) -> Any:
        docs = list(docs)
        state["extracted"].extend(d.id for d in docs)
        return original(self, docs)

    monkeypatch.setattr(Embedder, "_load", fake_load)
    monkeypatch.setattr(Extractor, "extract_many", counting_extract_many)
    import factcheck.extract as extract_module

    if hasattr(extract_module, "load_pipeline"):
        real_load = extract_module.load_pipeline
        state["spacy_loads"] = 0

        def counting_load(*args: Any, **kwargs: Any) -> Any:
            state["spacy_loads"] += 1
            return real_load(*args, **kwargs)

        monkeypatch.setattr(extract_module, "load_pipeline", counting_load)
    return state


def run_once(folder: Path, output: Path, settings: Settings) -> dict[str, int]:
    documents = load_documents([folder], settings=settings)
    with open_cache(settings, output=output) as cache:
        claims = pipeline.extract_claims(
            documents, settings=settings, cache=cache, progress=Progress(enabled=False)
        )
        embedder = Embedder(settings=settings, cache=cache)
        match_claims(claims, documents=documents, settings=settings, embedder=embedder)
        return cache.stats()


def write_docs(folder: Path, names: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(
            f"The council of {name} approved the new budget on Monday. "
            f"Officials in {name} said the plan adds twelve new bus routes.\n",
            encoding="utf-8",
        )


def test_second_run_does_no_model_work(tmp_path: Path, counters: dict[str, Any]) -> None:
    settings = Settings()
    write_docs(tmp_path / "docs", ["alpha", "beta", "gamma"])
    run_once(tmp_path / "docs", tmp_path / "out", settings)
    assert counters["loads"] == 1
    assert sorted(counters["extracted"]) == ["alpha", "beta", "gamma"]
    first_texts = len(counters["model"].texts)
    counters["extracted"].clear()

    stats = run_once(tmp_path / "docs", tmp_path / "out", settings)
    assert counters["loads"] == 1  # no new model load
    assert counters["extracted"] == []
    assert len(counters["model"].texts) == first_texts
    assert stats["claims_hits"] == 3 and stats["claims_misses"] == 0
    assert stats["embeddings_misses"] == 0


def test_second_run_loads_no_spacy(tmp_path: Path, counters: dict[str, Any]) -> None:
    settings = Settings()
    write_docs(tmp_path / "docs", ["alpha", "beta"])
    run_once(tmp_path / "docs", tmp_path / "out", settings)
    before = counters.get("spacy_loads", 0)
    run_once(tmp_path / "docs", tmp_path / "out", settings)
    assert counters.get("spacy_loads", 0) == before


def test_adding_a_document_extracts_and_embeds_only_it(
    tmp_path: Path, counters: dict[str, Any]
) -> None:
    settings = Settings()
    write_docs(tmp_path / "docs", ["alpha", "beta"])
    run_once(tmp_path / "docs", tmp_path / "out", settings)
    counters["extracted"].clear()
    counters["model"].texts.clear()

    write_docs(tmp_path / "docs", ["delta"])
    run_once(tmp_path / "docs", tmp_path / "out", settings)
    assert counters["extracted"] == ["delta"]
    assert counters["model"].texts and all("delta" in t for t in counters["model"].texts)


def test_copied_file_reuses_claims_under_its_own_id(
    tmp_path: Path, counters: dict[str, Any]
) -> None:
    settings = Settings()
    write_docs(tmp_path / "docs", ["alpha"])
    run_once(tmp_path / "docs", tmp_path / "out", settings)
    (tmp_path / "docs" / "copy.txt").write_bytes((tmp_path / "docs" / "alpha.txt").read_bytes())
    counters["extracted"].clear()
    documents = load_documents([tmp_path / "docs"], settings=settings)
    with open_cache(settings, output=tmp_path / "out") as cache:
        claims = pipeline.extract_claims(
            documents, settings=settings, cache=cache, progress=Progress(enabled=False)
        )
    assert counters["extracted"] == []
    copied = [c for c in claims if c.document == "copy"]
    assert copied and all(c.id.startswith("copy:") and c.span.document == "copy" for c in copied)


# ---------------------------------------------------------------- whole-run results


@pytest.fixture
def tail_calls(counters: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts matching and rule-engine runs inside pipeline.run (the fake model embeds)."""
    calls = {"match": 0, "rules": 0}
    real_match, real_rules = pipeline.match_claims, pipeline.run_rules

    def match(*args: Any, **kwargs: Any) -> Any:
        calls["match"] += 1
        return real_match(*args, **kwargs)

    def rules(*args: Any, **kwargs: Any) -> Any:
        calls["rules"] += 1
        return real_rules(*args, **kwargs)

    monkeypatch.setattr(pipeline, "match_claims", match)
    monkeypatch.setattr(pipeline, "run_rules", rules)
    return calls


def test_rerun_reuses_matching_and_rules_and_reports_the_same(
    tmp_path: Path, tail_calls: dict[str, int]
) -> None:
    write_docs(tmp_path / "docs", ["alpha", "beta", "gamma"])
    first = pipeline.run([tmp_path / "docs"], settings=Settings(), output=tmp_path / "out")
    assert tail_calls == {"match": 1, "rules": 1}
    assert first.cache_stats["results_misses"] == 1
    second = pipeline.run([tmp_path / "docs"], settings=Settings(), output=tmp_path / "out")
    assert tail_calls == {"match": 1, "rules": 1}
    assert second.cache_stats["results_hits"] == 1
    assert second.report.model_dump_json() == first.report.model_dump_json()
    assert second.match.groups == first.match.groups
    assert second.match.sources == first.match.sources


@pytest.mark.parametrize("change", ["setting", "document-edited", "document-added", "model"])
def test_any_changed_input_recomputes_the_results(
    tmp_path: Path, tail_calls: dict[str, int], change: str
) -> None:
    write_docs(tmp_path / "docs", ["alpha", "beta"])
    settings = Settings()
    pipeline.run([tmp_path / "docs"], settings=settings, output=tmp_path / "out")
    if change == "setting":
        settings = Settings(similarity_threshold=0.6)
    elif change == "document-edited":
        path = tmp_path / "docs" / "beta.txt"
        path.write_text(path.read_text(encoding="utf-8") + "It rained.\n", encoding="utf-8")
    elif change == "document-added":
        write_docs(tmp_path / "docs", ["delta"])
    else:
        settings = Settings(embedding_backend="onnx")
    again = pipeline.run([tmp_path / "docs"], settings=settings, output=tmp_path / "out")
    assert tail_calls == {"match": 2, "rules": 2}
    assert again.cache_stats["results_misses"] == 1


def test_result_key_follows_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    before = pipeline.result_key([], [], settings=settings, model_id="m")
    assert before == pipeline.result_key([], [], settings=settings, model_id="m")
    assert before != pipeline.result_key([], [], settings=settings, model_id="other")
    monkeypatch.setattr(pipeline, "code_digest", lambda: "edited code")
    assert before != pipeline.result_key([], [], settings=settings, model_id="m")


def test_code_digest_covers_plugin_rule_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import sys

    from factcheck.rules import registry

    module = tmp_path / "my_rules.py"
    module.write_text(
        "from factcheck.rules.UN001 import Unsupported\n\nclass Mine(Unsupported):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = importlib.import_module("my_rules").Mine
    builtin = registry.all_rules()
    monkeypatch.setattr(pipeline, "all_rules", lambda: {**builtin, "XX001": plugin})
    pipeline.code_digest.cache_clear()
    try:
        first = pipeline.code_digest()
        module.write_text(module.read_text() + "# edited\n")
        pipeline.code_digest.cache_clear()
        assert pipeline.code_digest() != first
    finally:
        pipeline.code_digest.cache_clear()
        sys.modules.pop("my_rules", None)


def test_unreadable_stored_result_is_recomputed(tmp_path: Path, tail_calls: dict[str, int]) -> None:
    import sqlite3

    write_docs(tmp_path / "docs", ["alpha", "beta"])
    first = pipeline.run([tmp_path / "docs"], settings=Settings(), output=tmp_path / "out")
    with sqlite3.connect(tmp_path / "out" / ".cache" / "factcheck.sqlite") as conn:
        conn.execute("UPDATE results SET data = ?", (b'{"groups": "not a list"}',))
    again = pipeline.run([tmp_path / "docs"], settings=Settings(), output=tmp_path / "out")
    assert tail_calls == {"match": 2, "rules": 2}
    assert again.report.model_dump_json() == first.report.model_dump_json()


def test_only_the_newest_results_are_kept(tmp_path: Path) -> None:
    from factcheck.cache import Cache

    with Cache(tmp_path / "c.sqlite") as cache:
        for i in range(7):
            cache.put_result(f"k{i}", b"x" * 10)
        assert cache.get_result("k6") == b"x" * 10
        assert cache.get_result("k0") is None
        kept = [k for k in (f"k{i}" for i in range(7)) if cache.get_result(k) is not None]
    assert len(kept) == 4


def test_same_text_laid_out_differently_keeps_its_own_lines(
    tmp_path: Path, counters: dict[str, Any]
) -> None:
    # Both files normalise to the same text, but b.txt has a blank line more before the
    # claims: its cached claims must point at its own lines, not at a.txt's.
    folder = tmp_path / "docs"
    folder.mkdir()
    body = (
        "The council approved the budget on Monday.\n\nOfficials said the plan adds bus routes.\n"
    )
    (folder / "a.txt").write_text(body, encoding="utf-8")
    (folder / "b.txt").write_text("\n\n" + body, encoding="utf-8")
    settings = Settings()

    def lines() -> dict[str, list[int]]:
        documents = load_documents([folder], settings=settings)
        with open_cache(settings, output=tmp_path / "out") as cache:
            claims = pipeline.extract_claims(
                documents, settings=settings, cache=cache, progress=Progress(enabled=False)
            )
        out: dict[str, list[int]] = {}
        for c in claims:
            out.setdefault(c.document, []).append(c.span.line)
        return out

    fresh = lines()
    assert fresh["b"] == [line + 2 for line in fresh["a"]]
    assert lines() == fresh  # second run: from the cache


def test_a_stored_result_keeps_the_claims_events() -> None:
    # The claims ledger names each claim's event: a rerun from the stored result read none
    # (the report of a rerun differed from the run that stored it).
    from factcheck.models import ClaimEvent

    event = ClaimEvent(id="e1", claims=["a:0", "b:0"], documents=["a", "b"])
    stored = pipeline._StoredResult(groups=[], sources=[], events=[event], findings=[], rules=[])
    loaded = pipeline._load_result(stored.model_dump_json().encode())
    assert loaded is not None
    match, _, _ = loaded
    assert match.events == [event] and match.event_of("b:0") == event

"""Progress: plain lines on a non-terminal, a bar on a terminal, nothing when off; model loading is a step."""

from __future__ import annotations

import io
import re
from typing import ClassVar

import pytest

import factcheck.progress as progress_module
from factcheck.match.score import match_claims
from factcheck.progress import Progress
from factcheck.settings import Settings
from tests.conftest import make_claim, make_document
from tests.match.test_match import StubEmbedder


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_shows_nothing() -> None:
    out = io.StringIO()
    p = Progress(enabled=False, stream=out)
    with p.step("Loading"), p.task("Extracting claims", total=3, unit="documents") as advance:
        advance(3)
    assert out.getvalue() == "" and not p.enabled


def test_a_non_terminal_gets_a_few_plain_lines() -> None:
    out = io.StringIO()
    p = Progress(stream=out)
    assert p.mode == "lines"
    with p.step("Loading the spaCy model en_core_web_sm-3.8.0"):
        pass
    with p.task("Extracting claims", total=1200, unit="documents") as advance:
        for _ in range(1200):
            advance(1)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Loading the spaCy model en_core_web_sm-3.8.0 ..."
    assert lines[1].startswith("Loading the spaCy model en_core_web_sm-3.8.0: done in ")
    assert lines[2] == "Extracting claims: 1,200 documents ..."
    assert lines[3].startswith("Extracting claims: 1,200 documents in ")
    assert len(lines) == 4  # no line per item, no control characters
    assert "\x1b" not in out.getvalue() and "\r" not in out.getvalue()


def test_a_long_stage_says_it_is_alive_at_most_every_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter(float(t) for t in range(0, 1000, 20))  # 20 s per call
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: next(clock))
    out = io.StringIO()
    with Progress(stream=out).task("Embedding claims", total=4, unit="claims") as advance:
        for _ in range(4):
            advance(1)
    # The start; one line at 40 s (none at 20 s or 60 s, under 30 s after the last); the end.
    assert out.getvalue().splitlines() == [
        "Embedding claims: 4 claims ...",
        "Embedding claims: 2 of 4 claims (40 s)",
        "Embedding claims: 4 claims in 100.0 s",
    ]


def test_a_terminal_gets_the_bar() -> None:
    out = Tty()
    p = Progress(stream=out)
    assert p.mode == "bar"
    with p.task("Extracting claims", total=2, unit="documents") as advance:
        advance(2)
    with p.step("Loading the embedding model"):
        pass
    assert (
        "Extracting claims" in out.getvalue() and "\x1b[" in out.getvalue()
    )  # drawn, then cleared


class LoadingEmbedder(StubEmbedder):
    """Needs its model for every text, and records that matching loaded it first."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def needs_model(self, texts):  # type: ignore[no-untyped-def]
        return True

    def load(self) -> None:
        self.calls.append("load")

    def encode(self, texts, *, advance=None):  # type: ignore[no-untyped-def]
        self.calls.append("encode")
        return super().encode(texts, advance=advance)


def test_matching_shows_the_embedding_model_load_as_a_step() -> None:
    out = io.StringIO()
    embedder = LoadingEmbedder()
    claims = [
        make_claim("a", "The bridge reopened to traffic after repairs."),
        make_claim("b", "The bridge reopened to traffic on Monday."),
    ]
    docs = [make_document("a", claims[0].text), make_document("b", claims[1].text)]
    match_claims(
        claims,
        documents=docs,
        settings=Settings(verifier="off"),
        embedder=embedder,
        progress=Progress(stream=out),
    )
    assert embedder.calls == ["load", "encode"]
    lines = out.getvalue().splitlines()
    assert lines[0] == "Loading the embedding model all-MiniLM-L6-v2 (onnx-int8) ..."
    assert lines[2] == "Embedding claims: 2 claims ..."


class FakeExtractor:
    """Records that the pipeline loads it, as a step, before it extracts anything."""

    model_id = "en_fake-1.0"
    calls: ClassVar[list[str]] = []

    def __init__(self, *, settings: Settings) -> None:
        del settings

    @staticmethod
    def describe_model(settings: Settings) -> str:
        return FakeExtractor.model_id

    def load(self) -> None:
        self.calls.append("load")

    def extract_many(self, docs):  # type: ignore[no-untyped-def]
        self.calls.append("extract")
        for _ in docs:
            yield []


def test_extraction_shows_loading_the_spacy_model_as_a_step_only_when_it_parses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import factcheck.pipeline as pipeline
    from factcheck.cache import Cache

    monkeypatch.setattr(pipeline, "Extractor", FakeExtractor)
    FakeExtractor.calls = []
    out = io.StringIO()
    docs = [make_document("a", "The ferry resumed on Monday.")]
    cache = Cache(None)
    pipeline.extract_claims(docs, settings=Settings(), cache=cache, progress=Progress(stream=out))
    assert FakeExtractor.calls == ["load", "extract"]
    lines = out.getvalue().splitlines()
    assert lines[0] == "Loading the spaCy model en_fake-1.0 ..."
    assert lines[2] == "Extracting claims: 1 document ..."
    # A rerun finds the claims in the cache: no model is loaded, no step is shown.
    FakeExtractor.calls = []
    out = io.StringIO()
    pipeline.extract_claims(docs, settings=Settings(), cache=cache, progress=Progress(stream=out))
    assert FakeExtractor.calls == ["extract"] and "Loading" not in out.getvalue()


def test_a_stage_whose_one_item_takes_long_still_says_it_is_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setattr(progress_module, "PLAIN_INTERVAL_S", 0.05)
    out = io.StringIO()
    with Progress(stream=out).task("Extracting claims", total=1, unit="documents") as advance:
        deadline = time.monotonic() + 30
        # No item completes meanwhile (one long document): the line comes all the same.
        while len(out.getvalue().splitlines()) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        advance(1)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Extracting claims: 1 document ..."
    assert re.fullmatch(r"Extracting claims: 0 of 1 document \(\d+ s\)", lines[1]), lines
    assert lines[-1].startswith("Extracting claims: 1 document in ")

"""Shared pytest fixtures and builders: settings, hand-built documents and claims, real models (loaded once)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from factcheck.models import Claim, Document, Predicate, Span
from factcheck.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCHEMAS = ROOT / "schemas"
CLAIM_TEXT = "A claim written for the test."


def make_document(doc_id: str, text: str) -> Document:
    """A plain-text Document whose text is already clean (no furniture, no front matter)."""
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        format="txt",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        encoding="utf-8",
        characters=len(text),
        text=text,
        original=text,
    )


def make_claim(doc_id: str, text: str = CLAIM_TEXT, *, index: int = 0, **slots: Any) -> Claim:
    """Claim `doc_id:index` spanning line 1 of its document; `slots` (who, what, when, ...) as given."""
    slots.setdefault("what", Predicate(lemma=""))
    return Claim(
        id=f"{doc_id}:{index}",
        document=doc_id,
        text=text,
        sentence=text,
        span=Span(
            document=doc_id,
            start=0,
            end=len(text),
            line=1,
            column=1,
            end_line=1,
            end_column=len(text) + 1,
        ),
        **slots,
    )


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def extractor():  # type: ignore[no-untyped-def]
    """The real spaCy-based extractor, loaded once for the whole session."""
    from factcheck.extract import Extractor

    return Extractor(settings=Settings())


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The real sentence-transformers embedder, loaded once, without a cache."""
    from factcheck.match.embed import Embedder

    return Embedder(settings=Settings())

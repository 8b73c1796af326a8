"""Shared pytest fixtures: settings, and session-scoped real models (loaded once per run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from factcheck.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCHEMAS = ROOT / "schemas"


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
    from factcheck.embed import Embedder

    return Embedder(settings=Settings())

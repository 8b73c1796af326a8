"""Shared preamble of the matching benchmarks (FNC-1, ECB+): options, Settings, cache and claims."""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import get_args

# Set before factcheck loads sentence-transformers: a benchmark never downloads a model.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

from factcheck.cache import Cache
from factcheck.extract import EXTRACTOR_VERSION, Extractor
from factcheck.match.embed import Embedder
from factcheck.match.score import Weights
from factcheck.match.verify import Verifier, load_verifier
from factcheck.models import Claim, Document
from factcheck.settings import Settings

DEFAULT_CACHE = Path("/tmp/factcheck-bench-cache.sqlite")
# The backends Settings accepts, read from its type so that a new one is offered here too.
BACKENDS: tuple[str, ...] = get_args(Settings.model_fields["embedding_backend"].annotation)
# Pair scores from the cosine alone, for the sweep's "cosine" columns.
NO_SLOTS = Weights(**{f.name: 0.0 for f in dataclasses.fields(Weights)})
SWEEP = np.arange(0.40, 0.81, 0.05)


def add_matching_options(ap: argparse.ArgumentParser) -> None:
    """--threshold, --cache and --embedding-backend, which every matching harness takes."""
    ap.add_argument(
        "--threshold", type=float, default=None, help="override settings.similarity_threshold"
    )
    ap.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="embedding/claims cache shared between bench runs (embeddings are kept per backend)",
    )
    ap.add_argument(
        "--embedding-backend",
        choices=BACKENDS,
        default=Settings().embedding_backend,
        help="how the sentence-transformers model runs (default: %(default)s, the Settings default)",
    )
    ap.add_argument(
        "--verifier",
        default=Settings().verifier,
        help="claim-pair verifier: 'builtin', a folder, or 'off' (default: %(default)s)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Default Settings with the options of add_matching_options applied."""
    overrides: dict[str, object] = {
        "embedding_backend": args.embedding_backend,
        "verifier": args.verifier,
    }
    if args.threshold is not None:
        overrides["similarity_threshold"] = args.threshold
    return Settings.model_validate(overrides)


def load_verifier_for(settings: Settings) -> Verifier | None:
    """The verifier the settings name, as the pipeline loads it (None when it is off)."""
    return None if settings.verifier == "off" else load_verifier(settings.verifier)


@contextmanager
def open_embedder(settings: Settings, path: Path) -> Iterator[tuple[Cache, Embedder]]:
    """The SQLite cache at `path` and an Embedder that reads and fills it.

    Embeddings are stored under the Embedder's model_id, which names the backend, so runs with
    different backends share the file without reading each other's vectors.
    """
    with Cache(path) as cache:
        yield cache, Embedder(settings=settings, cache=cache)


class ClaimSource:
    """Claims of each document, extracted once; an extractor failure is noted and counts as none.

    With a cache, claims are also kept across runs, keyed by content and extractor version.
    """

    def __init__(self, settings: Settings, cache: Cache | None = None) -> None:
        self.extractor = Extractor(settings=settings)
        self.cache = cache
        self.version = f"bench:{EXTRACTOR_VERSION}:{self.extractor.model_id}"
        self.failures: list[str] = []
        self._claims: dict[str, list[Claim]] = {}

    def claims(self, doc: Document) -> list[Claim]:
        if doc.id not in self._claims:
            found = None
            if self.cache is not None:
                found = self.cache.get_claims(doc.content_hash, self.version, document=doc.id)
            if found is None:
                found = self._extract(doc)
            self._claims[doc.id] = found
        return self._claims[doc.id]

    def _extract(self, doc: Document) -> list[Claim]:
        try:
            claims = self.extractor.extract(doc)
        except Exception as exc:  # the benchmarks measure matching; note and go on
            failure = f"{doc.id}: {type(exc).__name__}: {exc}"
            print(f"# extractor failed on {failure}", file=sys.stderr)
            self.failures.append(failure)
            return []
        if self.cache is not None:
            self.cache.put_claims(doc.content_hash, self.version, claims)
        return claims


def models_line(source: ClaimSource, embedder: Embedder) -> str:
    """Which extractor, embedding model and backend produced the figures."""
    return (
        f"extractor {source.extractor.model_id}, model {embedder.model_id}, "
        f"embedding backend {embedder.settings.embedding_backend}"
    )


def machine_line(elapsed: float) -> str:
    """Header line: date, machine, cores and wall-clock seconds."""
    return (
        f"# {time.strftime('%Y-%m-%d')} on {platform.node()} ({os.cpu_count()} cores), "
        f"{elapsed:.0f}s"
    )

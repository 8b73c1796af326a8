"""Cache of extracted claims and embeddings (PLACEHOLDER: keeps nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .models import Claim
from .settings import Settings


class Cache:
    """Claims keyed by document content hash and pipeline version; embeddings by model and text."""

    def get_claims(self, content_hash: str, version: str, *, document: str) -> list[Claim] | None:
        return None

    def put_claims(self, content_hash: str, version: str, claims: list[Claim]) -> None:
        return None

    def get_embeddings(self, model_id: str, text_hashes: list[str]) -> dict[str, bytes]:
        return {}

    def put_embeddings(self, model_id: str, items: dict[str, bytes]) -> None:
        return None

    def stats(self) -> dict[str, int]:
        return {}

    def close(self) -> None:
        return None


@contextmanager
def open_cache(settings: Settings, *, output: str | Path | None = None) -> Iterator[Cache]:
    cache = Cache()
    try:
        yield cache
    finally:
        cache.close()

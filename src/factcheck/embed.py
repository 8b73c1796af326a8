"""Sentence embeddings (PLACEHOLDER: bag-of-words hashing, no model)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .cache import Cache
from .settings import Settings


class Embedder:
    def __init__(self, *, settings: Settings, cache: Cache | None = None) -> None:
        self.settings = settings
        self.model_id = "placeholder-hashing"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 256] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

"""Sentence embeddings with sentence-transformers, loaded offline and lazily, cached per text."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import Cache
from ..errors import Errors, ModelLoadError
from ..settings import DEFAULT_EMBEDDING_MODEL, Settings
from .backends import resolve_model

if TYPE_CHECKING:  # numpy loads with the first vector: a fully cached run never needs it
    import numpy as np

__all__ = ["DEFAULT_MODEL", "Embedder", "text_hash"]

log = logging.getLogger(__name__)

DEFAULT_MODEL = DEFAULT_EMBEDDING_MODEL
# Files whose sizes identify a model folder's weights and configuration (cheap: no hashing of GBs).
_ID_SUFFIXES = (".json", ".safetensors", ".bin", ".onnx", ".txt", ".model")


def text_hash(text: str) -> str:
    """Cache key of a text: sha256 of its UTF-8 bytes, shortened (collisions are negligible)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# Bump when the ONNX backends' numbers change for the same model (export recipe, how texts are
# run), so that vectors cached by the older path are not mixed with new ones.
# 2: one text per ONNX Runtime call (int8 vectors used to depend on their batch).
ONNX_ENCODING_VERSION = 2


def _model_id(name: str, folder: Path | None, backend: str) -> str:
    """Name plus a digest of file names and sizes: changes when the weights or config change."""
    if backend != "torch":
        backend = f"{backend}.{ONNX_ENCODING_VERSION}"
    if folder is None:
        return f"{name}|{backend}"
    parts = []
    if folder.is_dir():
        for f in sorted(folder.rglob("*")):
            if f.is_file() and f.suffix in _ID_SUFFIXES:
                parts.append(f"{f.relative_to(folder).as_posix()}:{f.stat().st_size}")
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    label = DEFAULT_MODEL if name == DEFAULT_MODEL else folder.name
    return f"{label}@{digest}|{backend}"


class Embedder:
    """L2-normalised float32 sentence vectors, from the cache when a text was seen before.

    The model loads on the first text that is not cached, so a fully cached run loads none.

    >>> emb = Embedder(settings=Settings())            # doctest: +SKIP
    >>> emb.encode(["The talks ended."]).shape         # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, *, settings: Settings, cache: Cache | None = None) -> None:
        self.settings = settings
        self.cache = cache
        self._name, self._folder = resolve_model(settings.embedding_model)
        self.model_id = _model_id(
            settings.embedding_model, self._folder, settings.embedding_backend
        )
        self._model: Any = None
        self._memo: dict[str, np.ndarray] = {}
        self.loads = 0  # how many times a model was loaded (tests count it)
        self.encoded = 0  # texts run through the model

    @property
    def dimension(self) -> int | None:
        """Vector size if known without loading the model."""
        if self._model is not None:
            return int(self._model.get_sentence_embedding_dimension())
        for vec in self._memo.values():
            return int(vec.shape[0])
        return None

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        # Never reach the network: set before sentence_transformers / transformers import.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        where = self._folder if self._folder is not None else "settings.embedding_model"
        try:
            if self.settings.embedding_backend == "torch":
                model = self._load_torch(where)
            else:
                # ONNX export and parity checks live with the backends module (imported late:
                # it pulls in torch, which a fully cached run never needs).
                from .backends import load_encoder

                model = load_encoder(
                    self._name, backend=self.settings.embedding_backend, export_dir=None
                )
        except ModelLoadError:
            raise
        except Exception as exc:  # the loader raises many kinds; all mean "cannot load"
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if self._folder is None:
                detail = f"not a local folder and not in the local model cache ({detail}); nothing is downloaded"
            raise ModelLoadError.make(
                Errors.E030, path=where, model=self.settings.embedding_model, detail=detail
            ) from None
        self._model = model
        self.loads += 1
        log.debug("loaded embedding model %s", self.model_id)
        return model

    def _load_torch(self, where: Path | str) -> Any:
        from .backends import sentence_transformer_class

        model_class = sentence_transformer_class(model=self.settings.embedding_model, path=where)
        return model_class(self._name, device="cpu", local_files_only=True)

    def load(self) -> None:
        """Load the model now (encode loads it when it first needs it)."""
        self._load()

    def needs_model(self, texts: Sequence[str]) -> bool:
        """Whether encoding `texts` needs the model: some are neither seen nor in the cache.

        The vectors found in the cache are kept, so `encode` does not look them up again.
        """
        return bool(self._recall(texts)) and self._model is None

    def _recall(self, texts: Sequence[str]) -> dict[str, str]:
        """Text hash -> text of the texts with no vector yet, after a look in the cache."""
        todo: dict[str, str] = {}
        for text in texts:
            key = text_hash(text)
            if key not in self._memo:
                todo.setdefault(key, text)
        if todo and self.cache is not None:
            found = self.cache.get_embeddings(self.model_id, list(todo))
            for key, vec in found.items():
                self._memo[key] = _unit(vec)
                del todo[key]
        return todo

    def encode(
        self, texts: Sequence[str], *, advance: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """One unit-length float32 row per text; `advance(n)` is called as texts get done."""
        import numpy as np

        keys = [text_hash(t) for t in texts]
        todo = self._recall(texts)
        done = len(texts) - len(todo)
        if advance is not None and done:
            advance(done)
        if todo:
            model = self._load()
            items = list(todo.items())
            step = max(self.settings.batch_size * 4, 256)
            for i in range(0, len(items), step):
                chunk = items[i : i + step]
                vecs = model.encode(
                    [t for _, t in chunk],
                    batch_size=self.settings.batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
                vecs = np.asarray(vecs, dtype=np.float32)
                fresh = {key: vecs[j] for j, (key, _) in enumerate(chunk)}
                self._memo.update(fresh)
                self.encoded += len(chunk)
                if self.cache is not None:
                    self.cache.put_embeddings(self.model_id, fresh)
                if advance is not None:
                    advance(len(chunk))
        if not texts:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        return np.stack([self._memo[k] for k in keys]).astype(np.float32, copy=False)


def _unit(vec: np.ndarray) -> np.ndarray:
    import numpy as np

    norm = float(np.linalg.norm(vec))
    return (vec / norm).astype(np.float32) if norm > 0 else vec.astype(np.float32)

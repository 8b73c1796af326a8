"""Event clusters: fact groups and lone claims that concern one real-world event, linked by a fitted model."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..models import Claim
from .greedy import Replay, agglomerate
from .pair_score import DEFAULT_WEIGHTS, anchors, entity_ids, score_pair, times_relation

__all__ = [
    "CANDIDATE_FLOOR",
    "EVENT_FEATURES",
    "EventModel",
    "cluster_events",
    "document_profiles",
    "event_id",
    "load_event_model",
    "pair_features",
]

# What the model reads about two claims of different documents. A fact group says "same
# fact"; an event also holds the different facts reported about one happening, so the model
# leans on what the two *documents* share (their claims' mean embedding and the proper names
# and numbers they use) as well as on the two claims themselves.
EVENT_FEATURES: tuple[str, ...] = (
    "cosine",
    "match_score",
    "document_cosine",
    "shared_who",
    "claim_anchor_overlap",
    "document_anchor_overlap",
    "times_overlap",
    "times_disjoint",
    "same_predicate",
)
# Claim pairs below this cosine are never candidates (the matcher's neighbour table gives the rest).
CANDIDATE_FLOOR = 0.2
FILE = Path(__file__).resolve().parents[1] / "data" / "events.json"


@dataclass(frozen=True)
class DocumentProfile:
    """What the event model reads about a whole document: its claims' mean direction and names."""

    centroid: np.ndarray
    anchors: frozenset[str]


def document_profiles(claims: Sequence[Claim], vectors: np.ndarray) -> dict[str, DocumentProfile]:
    """Each document's profile from its claims (rows of `vectors`, unit length, in claim order)."""
    rows: dict[str, list[int]] = {}
    for n, c in enumerate(claims):
        rows.setdefault(c.document, []).append(n)
    out = {}
    for doc, idx in rows.items():
        mean = np.asarray(vectors[idx], dtype=np.float64).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        out[doc] = DocumentProfile(
            centroid=mean / norm if norm > 0 else mean,
            anchors=frozenset().union(*(anchors(claims[i].text) for i in idx)),
        )
    return out


def _overlap(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def pair_features(
    a: Claim,
    b: Claim,
    cosine: float,
    profiles: Mapping[str, DocumentProfile],
    *,
    match_score: float | None = None,
) -> list[float]:
    """The model's inputs for one pair of claims of different documents (see `EVENT_FEATURES`).

    `match_score` is the pair's `score_pair` score with the default weights, when the caller
    has it already (it is computed otherwise).
    """
    pa, pb = profiles[a.document], profiles[b.document]
    relation = times_relation(a, b)
    la, lb = a.what.lemma.lower(), b.what.lemma.lower()
    if match_score is None:
        match_score = score_pair(a, b, cosine, weights=DEFAULT_WEIGHTS).score
    return [
        cosine,
        match_score,
        float(pa.centroid @ pb.centroid),
        float(bool(entity_ids(a) & entity_ids(b))),
        _overlap(anchors(a.text), anchors(b.text)),
        _overlap(pa.anchors, pb.anchors),
        float(relation == "overlap"),
        float(relation == "disjoint"),
        float(bool(la) and la == lb),
    ]


@dataclass(frozen=True)
class EventModel:
    """Logistic regression over standardised `EVENT_FEATURES`: P(two claims concern one event).

    `threshold` is the probability an edge needs to start a merge, and `link` the share of it
    the mean over all cross-document member pairs of the merged cluster must keep (average
    link, so one strong pair cannot chain two events together). Both were chosen on the
    training topics, like the weights (`bench/fit_events.py`).
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    link: float
    about: Mapping[str, object]

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(EVENT_FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "link": self.link,
            "about": dict(self.about),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], *, where: str = "events.json") -> EventModel:
        features = data.get("features")
        if features != list(EVENT_FEATURES):
            raise ValueError(
                f"{where}: the event model reads {features}, this version computes "
                f"{list(EVENT_FEATURES)}; refit it with bench/fit_events.py"
            )

        def floats(key: str) -> tuple[float, ...]:
            value = data.get(key)
            if not isinstance(value, list) or len(value) != len(EVENT_FEATURES):
                raise ValueError(
                    f"{where}: '{key}' must be a list of {len(EVENT_FEATURES)} numbers"
                )
            return tuple(float(v) for v in value)

        about = data.get("about", {})
        return cls(
            weights=floats("weights"),
            bias=float(data["bias"]),  # type: ignore[arg-type]
            mean=floats("mean"),
            scale=floats("scale"),
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            link=float(data["link"]),  # type: ignore[arg-type]
            about=about if isinstance(about, dict) else {},
        )


@cache
def load_event_model(path: Path = FILE) -> EventModel:
    """The shipped event model (fitted by `bench/fit_events.py`; read once per process)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read the event model: {exc}") from exc
    return EventModel.from_json(data, where=str(path))


def event_id(claim_ids: Sequence[str]) -> str:
    """Deterministic event id from its (sorted) claim ids."""
    return "e" + hashlib.sha1("\n".join(sorted(claim_ids)).encode()).hexdigest()[:12]


def cluster_events(
    units: Sequence[Sequence[int]],
    edges: Sequence[tuple[int, int, float]],
    *,
    document: Sequence[str],
    threshold: float,
    link: float,
    replay: Replay | None = None,
) -> list[list[int]]:
    """Merge `units` (fact groups and lone claims: every item in exactly one) into events.

    `edges` are (i, j, p) between items of different documents, p the probability that they
    concern one event; a pair that is not an edge counts as 0. Edges are taken strongest first;
    two clusters merge when the edge reaches `threshold` and the mean p over all their
    cross-document member pairs stays at least `link * threshold`. The result does not depend
    on the order of `units` or `edges`. With a `replay`, merges the last run tested on the
    same clusters are taken from it (:class:`~factcheck.match.greedy.Replay`).
    """
    n = len(document)
    adj: list[dict[int, float]] = [{} for _ in range(n)]
    for i, j, p in edges:
        adj[i][j] = max(p, adj[i].get(j, 0.0))
        adj[j][i] = adj[i][j]

    # A cluster is tested against many others between two merges: its member set and its
    # documents are kept by (first item, size), which name one cluster for the whole run.
    sets: dict[tuple[int, int], set[int]] = {}
    counts: dict[tuple[int, int], Counter[str]] = {}

    def member_set(c: list[int]) -> set[int]:
        key = (c[0], len(c))
        hit = sets.get(key)
        if hit is None:
            hit = sets[key] = set(c)
        return hit

    def documents(c: list[int]) -> Counter[str]:
        key = (c[0], len(c))
        hit = counts.get(key)
        if hit is None:
            hit = counts[key] = Counter(document[m] for m in c)
        return hit

    def mean_link(a: list[int], b: list[int]) -> float:
        small, big = (a, b) if len(a) <= len(b) else (b, a)
        inside = member_set(big)
        total = sum(p for m in small for o, p in adj[m].items() if o in inside)
        docs_a, docs_b = documents(a), documents(b)
        cross = len(a) * len(b) - sum(k * docs_b.get(d, 0) for d, k in docs_a.items())
        return total / cross if cross else 0.0

    def test(a: list[int], b: list[int]) -> bool:
        return mean_link(a, b) >= link * threshold

    ordered = sorted(edges, key=lambda e: (-e[2], min(e[0], e[1]), max(e[0], e[1])))
    return agglomerate(n, ordered, test, start=units, stop=threshold, replay=replay)

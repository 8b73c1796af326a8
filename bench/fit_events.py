"""Fit the event model (src/factcheck/data/events.json) on ECB+ training topics; report the dev topics.

Two claims of different documents are a positive pair when their sentences hold mentions of
one cross-document event chain (ECB+ topics 1-35 less the literature's development topics 2,
5, 12, 18, 21, 23, 34 and 35, which are held out and only scored). Candidates are every
cross-document claim pair with cosine >= `CANDIDATE_FLOOR`, as the matcher's neighbour table
gives them. A logistic regression over `EVENT_FEATURES` is fitted by full-batch gradient
descent (deterministic: same data, same weights); the merge threshold and the average-link
share are then chosen by grouped pairwise F1 on the training topics, and the held-out topics
are scored with them (pairs and clusters, sentence-pair level like bench_ecbplus.py).

    nice .venv/bin/python bench/fit_events.py            # fit, print figures, write events.json
    nice .venv/bin/python bench/fit_events.py --dry-run  # print figures only
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

import common
from ecb_util import DEFAULT_ECBPLUS, DEV_TOPICS, load_topic, validated_sentences
from factcheck.match.events import (
    CANDIDATE_FLOOR,
    EVENT_FEATURES,
    FILE,
    EventModel,
    cluster_events,
    document_profiles,
    pair_features,
)
from factcheck.models import Claim
from factcheck.settings import Settings
from fnc1_util import make_document

Key = tuple[str, int]  # (document, sentence number)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
LINKS = (0.25, 0.5, 0.75)


@dataclass
class Topic:
    claims: list[Claim]
    sentence: list[Key]
    pairs: list[tuple[int, int]]
    x: np.ndarray
    y: np.ndarray
    gold: set[tuple[Key, Key]]


def load(root: Path, settings: Settings, cache: Path) -> dict[int, Topic]:
    selected = validated_sentences(root / "ECBplus_coreference_sentences.csv")
    out: dict[int, Topic] = {}
    with common.open_embedder(settings, cache) as (_, embedder):
        source = common.ClaimSource(settings)
        for topic in range(1, 36):
            docs = load_topic(root, topic, selected, events_only=True)
            claims: list[Claim] = []
            sentence: list[Key] = []
            for d in docs:
                numbers = sorted(d.sentences)
                text = "\n".join(d.sentences[s] for s in numbers) + "\n"
                for c in source.claims(make_document(d.name, text)):
                    claims.append(c)
                    sentence.append((d.name, numbers[c.span.line - 1]))
            if len(claims) < 2:
                continue
            chains = {(d.name, s): d.chains.get(s, set()) for d in docs for s in d.sentences}
            vectors = embedder.encode([c.text for c in claims])
            profiles = document_profiles(claims, vectors)
            sims = vectors @ vectors.T
            pairs, x, y = [], [], []
            for i, j in combinations(range(len(claims)), 2):
                if claims[i].document == claims[j].document or sims[i, j] < CANDIDATE_FLOOR:
                    continue
                pairs.append((i, j))
                x.append(pair_features(claims[i], claims[j], float(sims[i, j]), profiles))
                y.append(float(bool(chains[sentence[i]] & chains[sentence[j]])))
            keys = sorted(chains)
            gold = {
                (a, b) for a, b in combinations(keys, 2) if a[0] != b[0] and chains[a] & chains[b]
            }
            out[topic] = Topic(claims, sentence, pairs, np.array(x), np.array(y), gold)
            print(f"# topic {topic}: {len(docs)} documents, {len(claims)} claims", flush=True)
    return out


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, steps: int = 4000) -> np.ndarray:
    """Binary logistic regression by full-batch gradient descent; the last column is the bias."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y) + l2 * w
        grad[-1] -= l2 * w[-1]  # the bias is not shrunk
        w -= 0.5 * grad
    return w


def prf(pred: set[tuple[Key, Key]], gold: set[tuple[Key, Key]]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def predicted(
    t: Topic, model: EventModel, *, cluster: bool, threshold: float, link: float
) -> set[tuple[Key, Key]]:
    probs = [model.probability(row) for row in t.x]
    if not cluster:
        return {
            tuple(sorted((t.sentence[i], t.sentence[j])))  # type: ignore[misc]
            for (i, j), p in zip(t.pairs, probs, strict=True)
            if p >= threshold
        }
    edges = [(i, j, p) for (i, j), p in zip(t.pairs, probs, strict=True)]
    units = [[i] for i in range(len(t.claims))]
    docs = [c.document for c in t.claims]
    out: set[tuple[Key, Key]] = set()
    for members in cluster_events(units, edges, document=docs, threshold=threshold, link=link):
        for a, b in combinations(sorted({t.sentence[m] for m in members}), 2):
            if a[0] != b[0]:
                out.add((a, b))
    return out


def score(
    topics: dict[int, Topic], ids: list[int], model: EventModel, **kw: object
) -> tuple[float, float, float]:
    pred: set[tuple[Key, Key]] = set()
    gold: set[tuple[Key, Key]] = set()
    for t in ids:
        pred |= predicted(topics[t], model, **kw)  # type: ignore[arg-type]
        gold |= topics[t].gold
    return prf(pred, gold)


def model_card(
    model: EventModel,
    figures: dict[str, object],
    pairs: tuple[float, float, float],
    clusters: tuple[float, float, float],
    dev: list[int],
) -> str:
    weights = "\n".join(
        f"| {f} | {w:+.3f} |" for f, w in zip(EVENT_FEATURES, model.weights, strict=True)
    )
    return f"""# Event model card (`events.json`)

Generated by `bench/fit_events.py`; do not edit by hand.

**What it does:** P(two claims of different documents concern one real-world event), a
logistic regression over {len(EVENT_FEATURES)} features of the two claims and their
documents. The matcher merges fact groups and lone claims into event clusters with it
(average link: threshold {model.threshold}, link share {model.link}); findings and claims
carry the cluster's id (`event.id`, `claims[].event`).

**Data:** {model.about.get("data")}. {model.about.get("training_pairs")} candidate pairs
(cross-document claim pairs with cosine >= {CANDIDATE_FLOOR}), positive when their sentences
hold mentions of one cross-document event chain; {model.about.get("training_positive_share")}
of them are.

**Split:** the held-out topics {", ".join(map(str, dev))} are never fitted on; the threshold
and link share are chosen on the training topics too.

**Held-out figures** (sentence pairs, as `bench/bench_ecbplus.py` counts them):
- pairs at p >= {model.threshold}: precision {pairs[0]:.3f}, recall {pairs[1]:.3f}, F1 {pairs[2]:.3f}
- event clusters: precision {clusters[0]:.3f}, recall {clusters[1]:.3f}, F1 {clusters[2]:.3f}

**Weights** (on standardised features; bias {model.bias:+.3f}):

| feature | weight |
|---|---|
{weights}

**Limits:** ECB+ documents here are a few validated sentences each; on long articles the
document-level features (mean direction, shared names) are smoother. Publication dates are
not a feature (ECB+ has none): the rules read them (`DC004`'s update window).
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_ECBPLUS)
    ap.add_argument("--cache", type=Path, default=common.DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=FILE)
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = ap.parse_args(argv)

    settings = Settings()
    topics = load(args.data, settings, args.cache)
    train = [t for t in topics if t not in DEV_TOPICS]
    dev = [t for t in topics if t in DEV_TOPICS]
    x = np.vstack([topics[t].x for t in train])
    y = np.concatenate([topics[t].y for t in train])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    w = fit(np.hstack([(x - mean) / scale, np.ones((len(x), 1))]), y)
    about = {
        "data": "ECB+ topics 1-35 less the development topics "
        + ", ".join(map(str, DEV_TOPICS))
        + " (CC BY 3.0)",
        "training_pairs": len(y),
        "training_positive_share": round(float(y.mean()), 4),
    }
    model = EventModel(
        weights=tuple(float(v) for v in w[:-1]),
        bias=float(w[-1]),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        threshold=0.5,
        link=0.5,
        about=about,
    )
    grid = {
        (th, li): score(topics, train, model, cluster=True, threshold=th, link=li)
        for th in THRESHOLDS
        for li in LINKS
    }
    threshold, link = max(grid, key=lambda k: (round(grid[k][2], 4), -k[0], -k[1]))
    print("\n| threshold | link | train clusters P | R | F1 |\n|---|---|---|---|---|")
    for (th, li), (p, r, f) in grid.items():
        print(f"| {th:.2f} | {li:.2f} | {p:.3f} | {r:.3f} | {f:.3f} |")
    pairs = score(topics, dev, model, cluster=False, threshold=threshold, link=link)
    clusters = score(topics, dev, model, cluster=True, threshold=threshold, link=link)
    figures = {
        "chosen_threshold": threshold,
        "chosen_link": link,
        "dev_topics_pairs_f1": round(pairs[2], 3),
        "dev_topics_clusters": {
            "precision": round(clusters[0], 3),
            "recall": round(clusters[1], 3),
            "f1": round(clusters[2], 3),
        },
    }
    model = replace(model, threshold=threshold, link=link, about={**about, **figures})
    print(
        "\nweights: " + ", ".join(f"{f} {v:+.2f}" for f, v in zip(EVENT_FEATURES, w, strict=False))
    )
    print(
        f"held-out dev topics {' '.join(map(str, dev))}: pairs at p >= {threshold} "
        f"P {pairs[0]:.3f} R {pairs[1]:.3f} F1 {pairs[2]:.3f}; clusters (link {link}) "
        f"P {clusters[0]:.3f} R {clusters[1]:.3f} F1 {clusters[2]:.3f}"
    )
    if not args.dry_run:
        args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        card = args.out.with_name("EVENT_MODEL_CARD.md")
        card.write_text(model_card(model, figures, pairs, clusters, dev), encoding="utf-8")
        print(f"wrote {args.out} and {card}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

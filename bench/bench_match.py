"""FNC-1 matching benchmark: does the matcher pair a headline with its body when related, and not when unrelated?

Each stance pair becomes two documents: the headline (one claim) and the article body
(its extracted claims). A pair counts as matched when a group joins the headline with a body
claim. Reports precision / recall / F1 of related-vs-unrelated, the share of unrelated pairs
with nothing paired, recall per stance, and a threshold sweep (with and without slot evidence)
computed from the same candidate scores.

    nice .venv/bin/python bench/bench_match.py --sample 2000
    nice .venv/bin/python bench/bench_match.py --sample 2000 --embedding-backend onnx-int8
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

import common
from factcheck.match.embed import Embedder
from factcheck.match.score import DEFAULT_WEIGHTS, Weights, match_claims, score_pair
from factcheck.models import Claim
from fnc1_util import DEFAULT_FNC1, make_document, read_bodies, read_stances, sample


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_scores(
    head: list[Claim], body: list[Claim], embedder: Embedder, weights: Weights
) -> float:
    """Highest pair score between a headline claim and a body claim (what the threshold meets)."""
    if not head or not body:
        return -1.0
    hv = embedder.encode([c.text for c in head])
    bv = embedder.encode([c.text for c in body])
    sims = hv @ bv.T
    best = -1.0
    for i, h in enumerate(head):
        for j, b in enumerate(body):
            best = max(best, score_pair(h, b, float(sims[i, j]), weights=weights).score)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stances", type=Path, default=DEFAULT_FNC1 / "train_stances.csv")
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--sample", type=int, default=2000, help="stance pairs to use (fixed seed)")
    ap.add_argument("--seed", type=int, default=13)
    common.add_matching_options(ap)
    args = ap.parse_args(argv)

    settings = common.settings_from(args)
    pairs = sample(read_stances(args.stances), args.sample, seed=args.seed)
    bodies = read_bodies(args.bodies)
    t0 = time.perf_counter()
    with common.open_embedder(settings, args.cache) as (cache, embedder):
        source = common.ClaimSource(settings, cache)
        gold, pred = [], []
        scores: list[float] = []
        cos_only: list[float] = []
        per_stance: Counter[str] = Counter()
        per_stance_hit: Counter[str] = Counter()
        heads: dict[str, str] = {}
        for k, pair in enumerate(pairs):
            hid = heads.setdefault(pair.headline, f"h{len(heads)}")
            docs = [
                make_document(hid, pair.headline),
                make_document(f"b{pair.body_id}", bodies[pair.body_id]),
            ]
            head, body = (source.claims(d) for d in docs)
            result = match_claims(
                [*head, *body], documents=docs, settings=settings, embedder=embedder
            )
            head_ids = {c.id for c in head}
            matched = any(
                head_ids & set(g.claims) and len(set(g.claims) - head_ids) > 0
                for g in result.groups
            )
            related = pair.stance != "unrelated"
            gold.append(related)
            pred.append(matched)
            per_stance[pair.stance] += 1
            per_stance_hit[pair.stance] += matched
            scores.append(best_scores(head, body, embedder, DEFAULT_WEIGHTS))
            cos_only.append(best_scores(head, body, embedder, common.NO_SLOTS))
            if (k + 1) % 500 == 0:
                print(
                    f"  {k + 1}/{len(pairs)} pairs, {time.perf_counter() - t0:.0f}s",
                    file=sys.stderr,
                )
        elapsed = time.perf_counter() - t0
        stats = cache.stats()

    if source.failures:
        print(
            f"# extractor failed on {len(source.failures)} documents (counted as having no claims): "
            f"{source.failures[:3]}"
        )
    p, r, f = prf(pred, gold)
    unrelated = [not m for m, g in zip(pred, gold, strict=True) if not g]
    print(
        f"# FNC-1 matching: {len(pairs)} pairs (seed {args.seed}), {common.models_line(source, embedder)}"
    )
    print(f"{common.machine_line(elapsed)}, embeddings encoded {embedder.encoded}, cache {stats}")
    print(
        f"threshold {settings.similarity_threshold}: precision {p:.3f} recall {r:.3f} F1 {f:.3f}; "
        f"unrelated with nothing paired {np.mean(unrelated):.3f}"
    )
    print(
        "recall per stance: "
        + ", ".join(
            f"{s} {per_stance_hit[s] / per_stance[s]:.3f} (n={per_stance[s]})"
            for s in sorted(per_stance)
        )
    )
    print("\nthreshold sweep on the best headline-body pair score (same candidates):")
    print(
        "| threshold | P (slots) | R (slots) | F1 (slots) | unrelated clean (slots) | P (cosine) | R (cosine) | F1 (cosine) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for t in common.SWEEP:
        ps = [s >= t for s in scores]
        pc = [s >= t for s in cos_only]
        a, b, c = prf(ps, gold)
        x, y, z = prf(pc, gold)
        clean = np.mean([not q for q, g in zip(ps, gold, strict=True) if not g])
        print(
            f"| {t:.2f} | {a:.3f} | {b:.3f} | {c:.3f} | {clean:.3f} | {x:.3f} | {y:.3f} | {z:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

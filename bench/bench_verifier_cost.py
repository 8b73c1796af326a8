"""Where the verifier's cost goes, and whether a cheaper first stage could take its place.

Three measurements, each in one process:
1. CPU time per pair of the shipped int8 cross-encoder at batch sizes 1 to 64 (64 tokens);
2. on two disjoint blocks of FNC-1 bodies, run through the real pipeline with the verifier: how
   many candidate pairs it judges, and how many of them it accepts as one fact;
3. a screen fitted on the first block (logistic regression over the pair's cosine, slot score,
   slot evidence, lengths and the two claim embeddings' products and differences, i.e. nothing
   a cross-encoder must compute) and scored on the second: the share of pairs it would still
   pass to the verifier to keep 95 / 98 / 99 % of the pairs the verifier accepts.

    nice .venv/bin/python bench/bench_verifier_cost.py --fit 0:400 --test 800:1200
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

import factcheck.match.score as score_module
from factcheck import pipeline
from factcheck.match.embed import Embedder
from factcheck.match.verify import load_verifier
from factcheck.settings import Settings
from fnc1_util import DEFAULT_FNC1, read_bodies

EVIDENCE = (
    "who",
    "where",
    "predicate",
    "quantity",
    "when",
    "when-disjoint",
    "anchors",
    "anchors-disjoint",
)


def per_pair_cost(length: int = 64) -> None:
    verifier = load_verifier("builtin", workers=1)
    session, names, _ = verifier.load()
    ids = np.random.RandomState(0).randint(1000, 20000, size=(64, length)).astype(np.int64)
    for batch in (1, 4, 16, 64):
        feed = {
            "input_ids": ids[:batch],
            "attention_mask": np.ones((batch, length), np.int64),
            "token_type_ids": np.zeros((batch, length), np.int64),
        }
        session.run(["logits"], {n: feed[n] for n in names})
        start, done = time.process_time(), 0
        while time.process_time() - start < 3:
            session.run(["logits"], {n: feed[n] for n in names})
            done += batch
        ms = (time.process_time() - start) / done * 1000
        print(f"  batch {batch:2d}, {length} tokens: {ms:.2f} ms CPU per pair")


def judged_pairs(bodies: dict[str, str], block: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every pair the verifier judged on one block of bodies, with its features and verdict."""
    lo, hi = (int(x) for x in block.split(":"))
    ids = sorted(bodies, key=int)[lo:hi]
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    verdicts: dict[tuple[str, str], tuple[float, ...]] = {}
    score_pair, verify = score_module.score_pair, score_module._verify

    def recording_score(a, b, cosine, **kw):  # type: ignore[no-untyped-def]
        out = score_pair(a, b, cosine, **kw)
        seen[(min(a.text, b.text), max(a.text, b.text))] = {
            "a": a.id,
            "b": b.id,
            "cos": cosine,
            "score": out.score,
            "evidence": out.evidence,
        }
        return out

    def recording_verify(verifier, pairs, **kw):  # type: ignore[no-untyped-def]
        start = time.process_time()
        out = verify(verifier, pairs, **kw)
        print(f"  verifier: {len(pairs)} pairs, {time.process_time() - start:.1f} s CPU")
        verdicts.update({tuple(p): v.probabilities for p, v in zip(pairs, out, strict=True)})
        return out

    score_module.score_pair, score_module._verify = recording_score, recording_verify
    try:
        with tempfile.TemporaryDirectory(prefix="factcheck-vcost-") as tmp:
            folder = Path(tmp) / "docs"
            folder.mkdir()
            for i in ids:
                (folder / f"body{int(i):05d}.txt").write_text(bodies[i].strip() + "\n", "utf-8")
            start = time.process_time()
            result = pipeline.run([folder], settings=Settings(), output=Path(tmp) / "out")
            print(
                f"  block {block}: {len(result.claims)} claims, {time.process_time() - start:.1f} s CPU in all"
            )
    finally:
        score_module.score_pair, score_module._verify = score_pair, verify
    rows = [dict(r, p=verdicts[k]) for k, r in seen.items() if k in verdicts]
    return rows, {c.id: c.text for c in result.claims}


def features(
    rows: list[dict[str, Any]], texts: dict[str, str], embedder: Embedder
) -> tuple[np.ndarray, np.ndarray]:
    ids = sorted({r["a"] for r in rows} | {r["b"] for r in rows})
    at = {c: n for n, c in enumerate(ids)}
    vectors = embedder.encode([texts[i] for i in ids])
    a = vectors[[at[r["a"]] for r in rows]]
    b = vectors[[at[r["b"]] for r in rows]]
    slots = np.array(
        [[r["cos"], r["score"] - r["cos"], *(e in r["evidence"] for e in EVIDENCE)] for r in rows],
        dtype=float,
    )
    words = np.array([[len(texts[r["a"]].split()), len(texts[r["b"]].split())] for r in rows])
    lengths = np.log(np.stack([words.min(1), words.max(1)], 1))
    accepted = np.array([sum(r["p"][:3]) >= Settings().verifier_same_fact for r in rows])
    return np.hstack([slots, lengths, a * b, np.abs(a - b)]), accepted


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-3, steps: int = 3000) -> np.ndarray:
    w = np.zeros(x.shape[1] + 1)
    xb = np.hstack([x, np.ones((len(x), 1))])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        w -= 0.5 * (xb.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0])
    return w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fnc1", type=Path, default=DEFAULT_FNC1)
    ap.add_argument("--fit", default="0:400", help="bodies (sorted by id) the screen is fitted on")
    ap.add_argument("--test", default="800:1200", help="held-out bodies it is scored on")
    args = ap.parse_args(argv)
    print("1. per-pair cost of the int8 verifier (one thread)")
    per_pair_cost()
    bodies = read_bodies(args.fnc1 / "train_bodies.csv")
    print("2. candidate pairs judged and accepted")
    blocks = [judged_pairs(bodies, b) for b in (args.fit, args.test)]
    embedder = Embedder(settings=Settings())
    (x1, y1), (x2, y2) = (features(rows, texts, embedder) for rows, texts in blocks)
    for name, y in (("fit", y1), ("test", y2)):
        print(f"  {name}: {len(y)} judged, {int(y.sum())} accepted ({y.mean():.1%})")
    print("3. a screen before the verifier (held-out block)")
    mu, sd = x1.mean(0), x1.std(0) + 1e-6
    for name, cols in (("slots and cosine", slice(0, 12)), ("+ embeddings", slice(None))):
        w = fit((x1 - mu)[:, cols] / sd[cols], y1)
        z = np.hstack([(x2 - mu)[:, cols] / sd[cols], np.ones((len(x2), 1))]) @ w
        p = 1 / (1 + np.exp(-z))
        for recall in (0.95, 0.98, 0.99):
            cut = np.quantile(p[y2], 1 - recall)
            print(
                f"  {name}: keep {recall:.0%} of accepted pairs -> verify {(p >= cut).mean():.1%} of pairs"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

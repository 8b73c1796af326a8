"""Fit the stance combination (verifier verdict + slot evidence) on held-out dev pairs and score it.

    .venv/bin/python bench/fit_stance.py --out src/factcheck/data/verifier

The verifier never trained on these pairs: they are the validation part of its split (FNC-1
pairs whose headline and body are both held out, Emergent's held-out claims). A quarter of
their groups (the same "cal:" quarter that fits the verifier's temperature) fits the weights;
the figures are on the other three quarters, next to the verifier's own argmax on the same
pairs. Claims come from the real extractor; a headline's evidence is the 3 claims of the body
nearest to it by the shipped embedder, read in body order. Fixed data, fixed iterations:
the same weights on every run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

from factcheck.extract import Extractor
from factcheck.match.embed import Embedder
from factcheck.match.stance import FEATURES, FILE, STANCES, evidence_text, features
from factcheck.match.verify import LABELS, load_verifier
from factcheck.models import Claim, Predicate
from factcheck.settings import Settings
from fnc1_util import make_document
from verifier_data import DATA, emergent_pairs, fnc_score, is_validation, macro_f1, norm

TO_FNC = {"agree": "agree", "conflict": "disagree", "discuss": "discuss", "unrelated": "unrelated"}


def fnc_rows(root: Path) -> list[tuple[str, str, str]]:
    csv.field_size_limit(sys.maxsize)
    with (root / "fnc1" / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(
            dict.fromkeys((r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh))
        )
    return [
        (h, b, s) for h, b, s in rows if is_validation("h:" + norm(h)) and is_validation("b:" + b)
    ]


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1e-2, steps: int = 3000) -> np.ndarray:
    """Multinomial logistic regression by full-batch gradient descent (deterministic)."""
    w = np.zeros((len(STANCES), x.shape[1]))
    onehot = np.eye(len(STANCES))[y]
    lr = 0.5
    for step in range(steps):
        z = x @ w.T
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot).T @ x / len(x) + l2 * w
        grad[:, -1] -= l2 * w[:, -1]  # the bias is not shrunk
        w -= lr * grad
        if step in (0, steps - 1):
            loss = -np.log(np.maximum((p * onehot).sum(axis=1), 1e-12)).mean()
            print(f"fit step {step + 1}: log-loss {loss:.4f}", flush=True)
    return w


def argmax_of_verdict(probs: Sequence[float]) -> str:
    p = dict(zip(LABELS, probs, strict=True))
    q = {
        "agree": p["agree"],
        "conflict": p["conflict"],
        "discuss": p["discuss"],
        "unrelated": p["unrelated"] + p["different"],
    }
    return max(STANCES, key=lambda s: (q[s], -STANCES.index(s)))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=None, help="write stance.json into this folder")
    ap.add_argument("--top-k", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None, help="FNC-1 pairs (smoke runs)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    settings = Settings()
    extractor = Extractor(settings=settings)
    embedder = Embedder(settings=settings)
    verifier = load_verifier("builtin")

    rows = fnc_rows(args.data)[: args.limit] if args.limit else fnc_rows(args.data)
    csv.field_size_limit(sys.maxsize)
    with (args.data / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    em = [
        p
        for p in emergent_pairs(args.data, negatives_per_claim=2, seed=13)
        if is_validation(p.group)
    ]
    texts = sorted({h for h, _, _ in rows} | {p.claim for p in em} | {p.evidence for p in em})
    docs = [make_document(f"t{i}", t) for i, t in enumerate(texts)]
    body_ids = sorted({b for _, b, _ in rows})
    docs += [make_document(f"body{b}", bodies[b]) for b in body_ids]
    claims_of: dict[str, list[Claim]] = {}
    for doc, found in zip(docs, extractor.extract_many(docs), strict=True):
        claims_of[doc.id] = found
    print(f"extracted {len(docs)} texts in {time.perf_counter() - t0:.0f}s", flush=True)
    text_id = {t: f"t{i}" for i, t in enumerate(texts)}

    def lone(text: str) -> Claim:
        """A short text as one claim: its first extracted claim's slots, the whole text."""
        found = claims_of[text_id[text]]
        base = found[0] if found else None
        if base is None:
            return Claim(
                id=text_id[text] + ":0",
                document=text_id[text],
                text=text,
                sentence=text,
                span=make_document("x", text).locate(0, len(text)),
                what=Predicate(lemma=""),
            )
        return base.model_copy(update={"text": text})

    all_claims = [c for cs in claims_of.values() for c in cs]
    vec = dict(
        zip((c.id for c in all_claims), embedder.encode([c.text for c in all_claims]), strict=True)
    )
    head_vec = dict(zip(texts, embedder.encode(texts), strict=True))
    items: list[tuple[str, str, Claim, list[Claim]]] = []  # (corpus, gold, claim, evidence)
    for h, b, s in rows:
        body = claims_of[f"body{b}"]
        ranked = sorted(body, key=lambda c: (-float(head_vec[h] @ vec[c.id]), c.span.start))
        items.append(("fnc1", {"disagree": "conflict"}.get(s, s), lone(h), ranked[: args.top_k]))
    for p in em:
        items.append(("emergent", p.label, lone(p.claim), [lone(p.evidence)]))
    groups = ["h:" + norm(h) for h, _, _ in rows] + [p.group for p in em]
    pairs = [(c.text, evidence_text(ev)) if ev else (c.text, "") for _, _, c, ev in items]
    t1 = time.perf_counter()
    verdicts = verifier.verify(pairs)
    print(f"verified {len(pairs)} pairs in {time.perf_counter() - t1:.0f}s", flush=True)
    x = np.array(
        [features(c, ev, v) for (_, _, c, ev), v in zip(items, verdicts, strict=True)], dtype=float
    )
    y = np.array([STANCES.index(g) for _, g, _, _ in items])
    cal = np.array([is_validation("cal:" + g) for g in groups])
    mean, scale = x[cal].mean(axis=0), x[cal].std(axis=0)
    mean[-1], scale[-1] = 0.0, 1.0  # the bias column stays 1
    scale[scale < 1e-9] = 1.0
    u = (x - mean) / scale
    w = fit(u[cal], y[cal])
    z = u @ w.T
    combined = [STANCES[k] for k in z.argmax(axis=1)]
    alone = [argmax_of_verdict(v.probabilities) for v in verdicts]
    figures: dict[str, object] = {"fit_pairs": int(cal.sum()), "test_pairs": int((~cal).sum())}
    for corpus in ("fnc1", "emergent"):
        idx = [i for i, it in enumerate(items) if it[0] == corpus and not cal[i]]
        gold = [items[i][1] for i in idx]
        for name, pred in (("verifier", alone), ("combined", combined)):
            pr = [pred[i] for i in idx]
            if corpus == "fnc1":
                g4, p4 = [TO_FNC[g] for g in gold], [TO_FNC[p] for p in pr]
                labs = ["agree", "disagree", "discuss", "unrelated"]
                figures[f"{corpus}/{name}"] = {
                    "pairs": len(idx),
                    "weighted_score": round(100 * fnc_score(g4, p4), 1),
                    "macro_f1": round(macro_f1(g4, p4, labs), 3),
                    "disagree_f1": round(macro_f1(g4, p4, ["disagree"]), 3),
                }
            else:
                keep = [k for k, g in enumerate(gold) if g != "unrelated"]
                g3 = [gold[k] for k in keep]
                # Emergent is scored over its three stances, as the literature does.
                three = []
                for k in keep:
                    i = idx[k]
                    row = (
                        z[i]
                        if name == "combined"
                        else np.log(np.maximum(np.array(verdicts[i].probabilities[:3]), 1e-6))
                    )
                    three.append(("agree", "conflict", "discuss")[int(np.argmax(row[:3]))])
                figures[f"{corpus}/{name}"] = {
                    "pairs": len(keep),
                    "accuracy": round(
                        float(np.mean([a == b for a, b in zip(g3, three, strict=True)])), 3
                    ),
                }
    figures["seconds"] = round(time.perf_counter() - t0)
    print(json.dumps(figures, indent=2), flush=True)
    if args.out is not None:
        about = {
            "features": list(FEATURES),
            "stances": list(STANCES),
            "weights": [[round(float(v), 6) for v in row] for row in w],
            "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale],
            "verifier": verifier.model_id,
            "top_k": args.top_k,
            "figures": figures,
        }
        (args.out / FILE).write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out / FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

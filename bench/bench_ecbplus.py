"""ECB+ cross-document event matching: pairwise precision / recall / F1 of sentence pairs on the dev topics.

Each validated sentence of a document is put on its own line; the extractor turns the
documents into claims and the matcher runs once per topic over both halves of the topic (the
other half's different real event gives the hard negatives). A predicted pair is two sentences
from different documents whose claims share a fact group (first line) or an event cluster
(second line: `MatchResult.events`, what the gold chains are about); a gold pair is two sentences from
different documents with mentions in the same cross-document event chain.

    nice .venv/bin/python bench/bench_ecbplus.py --topics 2 5 12 18 21 23 34 35
    nice .venv/bin/python bench/bench_ecbplus.py --topics 2 --embedding-backend onnx-int8
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

import common
from ecb_util import DEFAULT_ECBPLUS, DEV_TOPICS, load_topic, validated_sentences
from factcheck.match.score import DEFAULT_WEIGHTS, match_claims, score_pair
from factcheck.models import Claim
from fnc1_util import make_document

Key = tuple[str, int]  # (document, sentence number)


def prf(pred: set[tuple[Key, Key]], gold: set[tuple[Key, Key]]) -> tuple[float, float, float]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_ECBPLUS)
    ap.add_argument("--topics", type=int, nargs="+", default=list(DEV_TOPICS))
    ap.add_argument(
        "--all-chains",
        action="store_true",
        help="count entity/time/place chains too, not only events",
    )
    common.add_matching_options(ap)
    args = ap.parse_args(argv)

    settings = common.settings_from(args)
    selected = validated_sentences(args.data / "ECBplus_coreference_sentences.csv")
    gold: set[tuple[Key, Key]] = set()
    pred: set[tuple[Key, Key]] = set()
    pred_events: set[tuple[Key, Key]] = set()
    # Best score per cross-document sentence pair among candidate claim pairs, for the sweep.
    best: dict[str, dict[tuple[Key, Key], float]] = {"slots": {}, "cosine": {}}
    all_pairs = 0
    t0 = time.perf_counter()
    verifier = common.load_verifier_for(settings)
    with common.open_embedder(settings, args.cache) as (_, embedder):
        # Only embeddings go to the cache: claims are extracted afresh on every run, as before.
        source = common.ClaimSource(settings)
        for topic in args.topics:
            docs = load_topic(args.data, topic, selected, events_only=not args.all_chains)
            documents, claims = [], []
            sentence_of: dict[str, Key] = {}
            for d in docs:
                numbers = sorted(d.sentences)
                text = "\n".join(d.sentences[s] for s in numbers) + "\n"
                doc = make_document(d.name, text)
                documents.append(doc)
                for c in source.claims(doc):
                    claims.append(c)
                    sentence_of[c.id] = (d.name, numbers[c.span.line - 1])
            keys = [(d.name, s) for d in docs for s in sorted(d.sentences)]
            chains = {(d.name, s): d.chains.get(s, set()) for d in docs for s in d.sentences}
            for a, b in combinations(keys, 2):
                if a[0] == b[0]:
                    continue
                all_pairs += 1
                if chains[a] & chains[b]:
                    gold.add((min(a, b), max(a, b)))
            result = match_claims(
                claims,
                documents=documents,
                settings=settings,
                embedder=embedder,
                verifier=verifier,
            )
            for found, groups in ((pred, result.groups), (pred_events, result.events)):
                for g in groups:
                    sents = sorted({sentence_of[c] for c in g.claims})
                    for a, b in combinations(sents, 2):
                        if a[0] != b[0]:
                            found.add((a, b))
            vecs = embedder.encode([c.text for c in claims])
            sims = vecs @ vecs.T
            for i, j in zip(*np.triu_indices(len(claims), 1), strict=True):
                ci: Claim = claims[i]
                cj: Claim = claims[j]
                if ci.document == cj.document or sims[i, j] < 0.3:
                    continue
                a, b = sorted((sentence_of[ci.id], sentence_of[cj.id]))
                for name, w in (("slots", DEFAULT_WEIGHTS), ("cosine", common.NO_SLOTS)):
                    s = score_pair(ci, cj, float(sims[i, j]), weights=w).score
                    if s > best[name].get((a, b), -1.0):
                        best[name][(a, b)] = s
        elapsed = time.perf_counter() - t0

    p, r, f = prf(pred, gold)
    print(
        f"# ECB+ topics {' '.join(map(str, args.topics))}: {all_pairs} cross-document sentence pairs, "
        f"{len(gold)} gold ({'all' if args.all_chains else 'event'} chains); {common.models_line(source, embedder)}; "
        f"verifier {verifier.model_id if verifier else 'off'}"
    )
    print(common.machine_line(elapsed))
    print(
        f"matcher at threshold {settings.similarity_threshold}: precision {p:.3f} recall {r:.3f} F1 {f:.3f} "
        f"({len(pred)} predicted pairs)"
    )
    p, r, f = prf(pred_events, gold)
    print(
        f"event clusters (fact groups and lone claims linked by the event model): precision {p:.3f} "
        f"recall {r:.3f} F1 {f:.3f} ({len(pred_events)} predicted pairs)"
    )
    print(
        "\nthreshold sweep on the best pair score per sentence pair (all pairs, no top-k, no grouping):"
    )
    print(
        "| threshold | P (slots) | R (slots) | F1 (slots) | P (cosine) | R (cosine) | F1 (cosine) |"
    )
    print("|---|---|---|---|---|---|---|")
    for t in common.SWEEP:
        row = []
        for name in ("slots", "cosine"):
            predicted = {k for k, s in best[name].items() if s >= t}
            row.extend(prf(predicted, gold))
        print(f"| {t:.2f} | " + " | ".join(f"{x:.3f}" for x in row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

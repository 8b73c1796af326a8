"""Figures of the shipped claim-pair verifier on the validation parts of the benchdata dev splits (not run by CI)."""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

from factcheck.match.embed import Embedder
from factcheck.match.verify import BUILTIN, load_verifier
from factcheck.settings import Settings
from verifier_data import (
    DATA,
    LABELS,
    build,
    describe,
    ecb_is_validation,
    ecb_story_pairs,
    evaluate,
)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--verifier", default=BUILTIN, help="verifier folder (default: the shipped one)"
    )
    ap.add_argument(
        "--seed", type=int, default=13, help="the training seed (it fixes the split's samples)"
    )
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--headline-pairs",
        type=int,
        default=6,
        help="also score claim-against-claim pairs of Emergent headlines (per claim; 0: none)",
    )
    ap.add_argument(
        "--fnc-story",
        type=int,
        default=4,
        help="also score two FNC-1 bodies' sentences on one held-out story (per story and kind; "
        "0: none)",
    )
    ap.add_argument(
        "--ecb-story",
        type=int,
        default=0,
        help="also score ECB+ dev-topic sentence pairs of one real event with no event chain in "
        "common (per topic; 0: none): a probe, its labels are only as complete as ECB+'s chains",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    embedder = Embedder(settings=Settings())
    _, val = build(
        args.data,
        encode=lambda texts: embedder.encode(texts),
        seed=args.seed,
        headline_pairs_per_claim=args.headline_pairs,
        fnc_story_pairs_per_story=args.fnc_story,
    )
    print(
        f"validation {len(val)} pairs (built in {time.perf_counter() - t0:.0f}s):\n{describe(val)}"
    )
    if args.ecb_story:
        val += [
            p
            for p in ecb_story_pairs(args.data, per_topic=args.ecb_story, seed=args.seed)
            if ecb_is_validation(p)
        ]
    verifier = load_verifier(args.verifier, workers=args.workers)
    t1 = time.perf_counter()
    verdicts = verifier.verify([(v.claim, v.evidence) for v in val])
    seconds = time.perf_counter() - t1
    figures = evaluate(val, [v.probabilities for v in verdicts])
    story = [i for i, v in enumerate(val) if v.source == "ecbstory"]
    if story:
        # Cross-document pairs of one story that share no annotated event: how many the
        # verifier calls one fact, by cosine band (the candidates a run judges sit at 0.55+).
        a = embedder.encode([val[i].claim for i in story])
        b = embedder.encode([val[i].evidence for i in story])
        cos = (a * b).sum(axis=1)
        same = np.array([verdicts[i].same_fact >= 0.5 for i in story])
        figures["ecb_story"] = {
            f"cosine>={low}": {
                "pairs": int(m.sum()),
                "judged_same_fact": round(float(same[m].mean()), 3),
            }
            for low in (0.0, 0.6)
            if (m := cos >= low).any()
        }
    figures["speed"] = {
        "pairs_per_second": round(len(val) / seconds, 1),
        "workers": args.workers,
        "labels": list(LABELS),
    }
    print(json.dumps(figures, indent=2, sort_keys=True))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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

from factcheck.match.embed import Embedder
from factcheck.match.verify import BUILTIN, load_verifier
from factcheck.settings import Settings
from verifier_data import DATA, LABELS, build, describe, evaluate


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
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    embedder = Embedder(settings=Settings())
    _, val = build(
        args.data,
        encode=lambda texts: embedder.encode(texts),
        seed=args.seed,
        headline_pairs_per_claim=args.headline_pairs,
    )
    print(
        f"validation {len(val)} pairs (built in {time.perf_counter() - t0:.0f}s):\n{describe(val)}"
    )
    verifier = load_verifier(args.verifier, workers=args.workers)
    t1 = time.perf_counter()
    verdicts = verifier.verify([(v.claim, v.evidence) for v in val])
    seconds = time.perf_counter() - t1
    figures = evaluate(val, [v.probabilities for v in verdicts])
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

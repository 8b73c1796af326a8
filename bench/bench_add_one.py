"""Adding one document to N FNC-1 bodies, in one process: CPU time of the run and of each stage.

The first call builds the corpus and runs it cold into `--work`/base (its cache is kept); a
call with `--prime` reruns the same corpus with this code from that cache first (the rule and
pair memos are keyed by the code, so after an edit the first rerun is not an incremental
one). Each repeat then copies the base cache, adds one document (a copy of the body after the
N, as bench_scale.py does) and times `pipeline.run` with the CPU time spent in each stage.

    nice .venv/bin/python bench/bench_add_one.py --limit 300 --work /tmp/add300 --prime --repeat 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import factcheck.match.score as score
from factcheck import pipeline
from factcheck.settings import Settings
from fnc1_util import DEFAULT_FNC1, read_bodies

SPENT: dict[str, float] = defaultdict(float)
STAGES: dict[Any, tuple[str, ...]] = {
    pipeline: (
        "load_corpus",
        "extract_claims",
        "link_entities",
        "claim_keys",
        "result_key",
        "anchor_undated",
        "run_rules",
        "build_report",
    ),
    score: (
        "source_clusters",
        "_neighbours",
        "_pair_values",
        "_verify",
        "by_component",
        "_events",
        "_build_groups",
    ),
}


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def inner(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - t

    return inner


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--work", type=Path, required=True, help="folder kept between calls")
    ap.add_argument("--verifier", default=Settings().verifier)
    ap.add_argument("--prime", action="store_true", help="rerun the base corpus first")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    settings = Settings(verifier=args.verifier)
    bodies = read_bodies(args.bodies)
    ids = sorted(bodies, key=int)
    chosen, extra = ids[: args.limit], ids[args.limit % len(ids)]
    folder, base, out = args.work / "docs", args.work / "base", args.work / "out"
    if not base.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for i in chosen:
            (folder / f"body{int(i):05d}.txt").write_text(bodies[i].strip() + "\n", "utf-8")
        t = time.process_time()
        pipeline.run([folder], settings=settings, output=out)
        print(f"cold run over {len(chosen)}: {time.process_time() - t:.1f}s CPU", flush=True)
        shutil.copytree(out, base)
    if args.prime:
        t = time.process_time()
        pipeline.run([folder], settings=settings, output=base)
        print(f"rerun of the base with this code: {time.process_time() - t:.1f}s CPU", flush=True)
    for module, names in STAGES.items():
        for name in names:
            if hasattr(module, name):
                setattr(module, name, _timed(name, getattr(module, name)))
    added = folder / "added.txt"
    for _ in range(args.repeat):
        SPENT.clear()
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(base, out)
        added.write_text(bodies[extra].strip() + " (added copy for the benchmark)\n", "utf-8")
        t, wall = time.process_time(), time.perf_counter()
        try:
            result = pipeline.run([folder], settings=settings, output=out)
        finally:
            added.unlink()
        cpu = time.process_time() - t
        stages = ", ".join(f"{k} {v:.2f}" for k, v in sorted(SPENT.items(), key=lambda kv: -kv[1]))
        print(
            f"RESULT add_one docs={len(chosen)} verifier={args.verifier}: {cpu:.2f}s CPU "
            f"({time.perf_counter() - wall:.1f}s wall, load {os.getloadavg()[0]:.1f}); "
            f"stages (CPU s, nested ones counted in their callers too): {stages}; "
            f"groups judged {result.cache_stats.get('rule_groups_judged')}, "
            f"reused {result.cache_stats.get('rule_groups_reused')}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Incremental runs: the cost of adding one document to N FNC-1 bodies against checking it alone.

Every run is a fresh `factcheck report` process (process start, model load, its own work):

1. cold: N bodies, empty cache;
2. add: the same folder plus one document, with the cache of run 1;
3. alone: that one document in a folder of its own, empty cache;
4. cold after: the N + 1 documents, empty cache, whose report.json must equal run 2's.

The excess of run 2 over run 3 is what the corpus costs the incremental run; the issue-17
target is at most 3 % of run 1. Each run's cost is its CPU time (user + system, the process
and its children), which a shared machine's load inflates far less than the wall clock; the
wall clock is printed beside it. `--skip-cold-after` leaves out run 4 (and the check).

    nice .venv/bin/python bench/bench_incremental.py --limit 200
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fnc1_util import DEFAULT_FNC1, read_bodies


def report(folder: Path, out: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one `factcheck report folder -o out`
    process, start to exit."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", "report", str(folder), "-o", str(out), "-q"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):  # 1: findings at the failing level
        raise SystemExit(f"factcheck report {folder} failed ({done.returncode}):\n{done.stderr}")
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--limit", type=int, default=200, help="documents in the corpus")
    ap.add_argument("--skip-cold-after", action="store_true", help="leave out run 4")
    args = ap.parse_args(argv)
    bodies = read_bodies(args.bodies)
    ids = sorted(bodies, key=int)
    chosen, extra = ids[: args.limit], ids[args.limit % len(ids)]
    added = bodies[extra].strip() + " (added for the benchmark)\n"
    with tempfile.TemporaryDirectory(prefix="factcheck-incremental-") as tmp:
        root = Path(tmp)
        corpus, single = root / "corpus", root / "single"
        corpus.mkdir()
        single.mkdir()
        for i in chosen:
            (corpus / f"body{int(i):05d}.txt").write_text(
                bodies[i].strip() + "\n", encoding="utf-8"
            )
        print(
            f"# {time.strftime('%Y-%m-%d %H:%M')}, {len(chosen)} FNC-1 bodies, load {os.getloadavg()[0]:.1f}"
        )
        cold, cold_wall = report(corpus, root / "out")
        print(f"  cold run over {len(chosen)}: {cold:.1f}s CPU ({cold_wall:.1f}s wall)", flush=True)
        (corpus / "added.txt").write_text(added, encoding="utf-8")
        add, add_wall = report(corpus, root / "out")
        print(f"  run after adding one document: {add:.1f}s CPU ({add_wall:.1f}s wall)", flush=True)
        (single / "added.txt").write_text(added, encoding="utf-8")
        alone, alone_wall = report(single, root / "out-single")
        print(f"  that document alone: {alone:.1f}s CPU ({alone_wall:.1f}s wall)", flush=True)
        same: bool | str = "not checked"
        if not args.skip_cold_after:
            after, after_wall = report(corpus, root / "out-cold")
            print(
                f"  cold run over {len(chosen) + 1}: {after:.1f}s CPU ({after_wall:.1f}s wall)",
                flush=True,
            )
            same = all(
                (root / "out" / name).read_bytes() == (root / "out-cold" / name).read_bytes()
                for name in ("report.json", "report.md", "report.csv", "sources.csv")
            )
        excess = add - alone
        print(
            f"RESULT incremental docs={len(chosen)} CPU: cold={cold:.1f}s add_one={add:.1f}s "
            f"alone={alone:.1f}s excess={excess:.1f}s ({100 * excess / cold:.1f}% of cold; "
            f"target <= 3%) add_one/cold={add / cold:.3f}; reports equal to a cold run: {same}; "
            f"load {os.getloadavg()[0]:.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

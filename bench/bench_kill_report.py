"""kill -9 a real `factcheck report` while it writes its reports; after each kill the folder, settled as a reader does, must hold one whole earlier set."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from factcheck.report.write import REPORT_FILES, settle_reports

# Runs `factcheck` with each step of the report write slowed (0.25 s per file written and per
# rename) and a marker file touched when writing starts, so a kill lands inside the write.
SLOW_WRITE = """
import os, sys, time
from pathlib import Path
from factcheck.report import write as w
marker = Path(os.environ["FACTCHECK_BENCH_MARKER"])
real_write, real_replace, real_rename = w._write_synced, os.replace, os.rename
def slow_write(path, data):
    marker.touch(); time.sleep(0.25); real_write(path, data)
def slow_replace(*a, **k):
    time.sleep(0.25); real_replace(*a, **k)
def slow_rename(*a, **k):
    time.sleep(0.25); real_rename(*a, **k)
w._write_synced, w.os.replace, w.os.rename = slow_write, slow_replace, slow_rename
from factcheck.cli import main
sys.exit(main(sys.argv[1:]))
"""

PLACES = ["Tokyo", "Osaka", "Kyoto"]


def write_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"d{i}.txt").write_text(
            f"Ministers met in {PLACES[i]} on Monday, officials said.\n"
            f"The talks lasted {i + 2} days, the ministry said.\n",
            encoding="utf-8",
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="factcheck-kill-"))
    corpora = {"A": base / "A", "B": base / "B"}
    write_corpus(corpora["A"], 2)
    write_corpus(corpora["B"], 3)
    out, marker = base / "out", base / "writing"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "FACTCHECK_BENCH_MARKER": str(marker)}

    def start(corpus: Path) -> subprocess.Popen[bytes]:
        marker.unlink(missing_ok=True)
        command = [sys.executable, "-c", SLOW_WRITE, "-q", "report", str(corpus), "-o", str(out)]
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def current() -> dict[str, bytes]:
        return {name: (out / name).read_bytes() for name in REPORT_FILES}

    sets: dict[str, dict[str, bytes]] = {}
    for name, corpus in corpora.items():
        assert start(corpus).wait() == 0
        sets[name] = current()
    seen = {"A": 0, "B": 0}
    leftovers = 0
    try:
        for n in range(args.trials):
            proc = start(corpora["A" if n % 2 else "B"])
            while not marker.exists() and proc.poll() is None:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 3.2))  # the write takes about 3 s here
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            settle_reports(out)
            now = current()
            match = [name for name, files in sets.items() if files == now]
            if len(match) != 1:
                mixed = {f: [k for k in sets if sets[k][f] == now[f]] for f in REPORT_FILES}
                raise SystemExit(f"trial {n}: not one whole set: {mixed}")
            seen[match[0]] += 1
            leftovers += any(p.name.startswith(".report") for p in out.iterdir())
        assert start(corpora["A"]).wait() == 0
        left = sorted(p.name for p in out.iterdir() if p.name.startswith(".report"))
        print(
            f"{args.trials} kills inside the write: always one whole set "
            f"(A {seen['A']}, B {seen['B']}); {leftovers} left temporary folders, "
            f"removed by the next run: {not left}"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

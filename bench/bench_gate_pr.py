"""The gate's output on a pull request of FNC-1 bodies: SARIF size and results (all, failing only), annotation levels, summary size."""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from factcheck.gate.summary import MAX_SUMMARY_BYTES
from fnc1_util import DEFAULT_FNC1, read_bodies

FACTCHECK = [sys.executable, "-m", "factcheck"]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def gate(repo: Path, *args: str) -> tuple[int, str, str, float]:
    t = time.perf_counter()
    done = subprocess.run(
        [*FACTCHECK, "-q", "gate", "corpus/", "--since", "HEAD", "-o", "out", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""},
    )
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_FNC1)
    ap.add_argument("--bodies", type=int, default=40, help="bodies in all (file order)")
    ap.add_argument("--changed", type=int, default=20, help="of them, added by the pull request")
    args = ap.parse_args()

    bodies = list(read_bodies(args.data / "train_bodies.csv").items())[: args.bodies]
    with tempfile.TemporaryDirectory(prefix="factcheck-gate-pr-") as tmp:
        repo = Path(tmp)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "user.email", "bench@example.invalid")
        git(repo, "config", "user.name", "bench")
        (repo / "corpus").mkdir()
        (repo / ".gitignore").write_text("out/\n*.sarif\nsummary.md\n")
        base = len(bodies) - args.changed
        for body_id, text in bodies[:base]:
            (repo / "corpus" / f"body{body_id}.txt").write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base")
        for body_id, text in bodies[base:]:  # the pull request: untracked new documents
            (repo / "corpus" / f"body{body_id}.txt").write_text(text, encoding="utf-8")

        code, _, err, first = gate(repo, "--sarif", "all.sarif", "--summary", "summary.md")
        _, _, _, again = gate(repo, "--sarif", "failing.sarif", "--sarif-failing-only")
        _, github, _, _ = gate(repo, "--output-format", "github")
        _, as_json, _, _ = gate(repo, "--output-format", "json")

        decision = json.loads(as_json)
        print(f"corpus: {len(bodies)} FNC-1 bodies, {args.changed} added by the change")
        print(
            f"gate exit {code}; first run {first:.0f} s (models, cache cold), rerun {again:.1f} s"
        )
        print(f"in scope: {len(decision['findings'])}, failing: {decision['failing']}")
        kinds = collections.Counter(
            (f["kind"], f["severity"], f["failing"]) for f in decision["findings"]
        )
        for (kind, severity, failing), n in sorted(kinds.items()):
            print(f"  {kind} {severity} {'failing' if failing else 'not failing'}: {n}")
        for name in ("all.sarif", "failing.sarif"):
            sarif = json.loads((repo / name).read_text())
            results = sarif["runs"][0]["results"]
            levels = collections.Counter(r["level"] for r in results)
            size = (repo / name).stat().st_size
            print(f"{name}: {size:,} bytes, {len(results)} results, levels {dict(levels)}")
        summary = (repo / "summary.md").read_bytes()
        cut = re.search(rb"_(\d+) more finding\(s\) left out", summary)
        print(
            f"summary.md: {len(summary):,} bytes (limit {MAX_SUMMARY_BYTES:,}), "
            f"{summary.count(b'<details>')} finding(s) shown, "
            f"{int(cut.group(1)) if cut else 0} left out"
        )
        print(f"rule stated: {decision['rule']}")
        levels = collections.Counter(line.split(" ", 1)[0] for line in github.splitlines())
        print(f"github annotations: {dict(levels)}")
        if code not in (0, 1):
            print(err, file=sys.stderr)


if __name__ == "__main__":
    main()

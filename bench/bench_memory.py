"""Memory benchmark: peak RSS of `factcheck report` on many small documents or on FNC-1 bodies.

    nice .venv/bin/python bench/bench_memory.py --small 10000
    nice .venv/bin/python bench/bench_memory.py --bodies 1683
    nice .venv/bin/python bench/bench_memory.py --small 10000 --stages

Writes the documents to a temporary folder (small documents: the paragraphs of FNC-1 bodies,
one file each, 1-3 sentences; bodies: whole FNC-1 article bodies), runs `factcheck report` on
them in a fresh process with a fresh cache (a cold run: parsing, embedding, the verifier, rules
and reports), then again over the same cache (a warm run), and samples the resident memory of
the process and of its spaCy worker processes every 0.1 s. Prints one RESULT line per run:
wall time, peak RSS of the main process (VmHWM, exact) and the sampled peak of the whole tree.
With --stages, one cold run in this process instead, with the peak RSS of each stage (VmHWM
reset at each stage's start through /proc/self/clear_refs), to show where the peak is reached.
The settings are the defaults (as a user runs it: the verifier builtin) unless --verifier names
another (written to a factcheck.toml beside the documents, which the run finds above them).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fnc1_util import DEFAULT_FNC1, read_bodies

ROOT = Path(__file__).resolve().parents[1]


def small_documents(bodies: dict[str, str], n: int) -> list[str]:
    """The first `n` paragraphs of more than 40 characters of the bodies, in body order."""
    out: list[str] = []
    for key in sorted(bodies, key=int):
        for para in bodies[key].split("\n"):
            if len(para.strip()) > 40:
                out.append(para.strip())
                if len(out) == n:
                    return out
    return out


def _status(pid: int, field: str) -> int:
    """A /proc/PID/status field in KiB (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it, from /proc."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def run_report(corpus: Path, out: Path) -> dict[str, float]:
    """Wall seconds, the main process's VmHWM and the sampled peak RSS of its tree, in MiB."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    # The main process reports its own high-water mark as it exits (VmHWM is exact, unlike
    # sampling); the tree total is sampled, since worker processes come and go.
    code = (
        "import sys\n"
        "from factcheck.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('VMHWM', hwm, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    argv = [sys.executable, "-c", code, "report", str(corpus), "-o", str(out), "-q", "--keep-going"]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            total = sum(_status(p, "VmRSS") for p in descendants(proc.pid))
            peak_tree = max(peak_tree, total)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"factcheck report failed ({proc.returncode}):\n{err[-2000:]}")
    hwm = next(int(line.split()[1]) for line in err.splitlines() if line.startswith("VMHWM"))
    return {"wall_s": wall, "main_mib": hwm / 1024, "tree_mib": peak_tree / 1024}


class StagePeaks:
    """Peak RSS of each stage (MiB): the kernel's high-water mark, reset as a stage starts.

    A stage's peak includes the stages inside it: before a reset, the mark so far is folded
    into every stage still open.
    """

    def __init__(self) -> None:
        self.peak: dict[str, float] = {}
        self.open: list[list[Any]] = []  # [name, peak so far]

    @staticmethod
    def _hwm() -> float:
        return _status(os.getpid(), "VmHWM") / 1024

    @staticmethod
    def _reset() -> None:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")

    def _fold(self) -> None:
        hwm = self._hwm()
        for frame in self.open:
            frame[1] = max(frame[1], hwm)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._fold()
        self._reset()
        begin = self._hwm()
        self.open.append([name, begin])
        try:
            yield
        finally:
            self._fold()
            _, peak = self.open.pop()
            self.peak[name] = max(self.peak.get(name, 0.0), peak)
            now = _status(os.getpid(), "VmRSS") / 1024
            print(
                f"  stage {name}: {begin:.0f} MiB at the start, peak {peak:.0f} MiB, {now:.0f} MiB at the end",
                flush=True,
            )

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def measured(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return fn(*args, **kwargs)

        return measured


def run_stages(corpus: Path, out: Path, *, verifier: str | None = None) -> None:
    """One cold run in this process, with each stage's peak RSS."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from bench_ray import wrapped_stages
    from factcheck import pipeline
    from factcheck.settings import Settings

    peaks = StagePeaks()
    start = time.perf_counter()
    with wrapped_stages(peaks.wrap):
        settings = Settings() if verifier is None else Settings(verifier=verifier)
        result = pipeline.run([corpus], settings=settings, output=out)
        # What `factcheck report` does next: render and write every report file, each
        # format's renderer a stage of its own; report.json, report.html and sources.csv are
        # rendered in pieces while they are written, so their peaks are the writes'
        # (`_write_synced`; `render_html_chunks` is only the page's set-up before that).
        from factcheck.report import write

        renderers = ("render_markdown", "render_html_chunks", "render_csv")
        saved = {name: getattr(write, name) for name in (*renderers, "_write_synced")}
        try:
            for name, fn in saved.items():
                setattr(write, name, peaks.wrap(name, fn))
            with peaks.stage("write reports"):
                write.write_reports(result, out, settings=settings)
        finally:
            for name, fn in saved.items():
                setattr(write, name, fn)
    wall = time.perf_counter() - start
    print(
        f"RESULT stages docs={len(result.documents)} claims={len(result.claims)} "
        f"wall={wall:.1f}s peak_rss_main={_status(os.getpid(), 'VmHWM') / 1024:.0f}MiB (since the "
        "last reset) " + " ".join(f"{name}={mib:.0f}MiB" for name, mib in peaks.peak.items()),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--small", type=int, help="this many small documents (FNC-1 paragraphs)")
    group.add_argument("--bodies", type=int, help="this many FNC-1 bodies (all: 1683)")
    ap.add_argument("--fnc1", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--no-warm", action="store_true", help="skip the second (cached) run")
    ap.add_argument(
        "--verifier", help="the verifier setting ('off', a model folder); default: the default"
    )
    ap.add_argument(
        "--stages", action="store_true", help="one cold run in this process, peak RSS per stage"
    )
    args = ap.parse_args(argv)
    bodies = read_bodies(args.fnc1)
    if args.small is not None:
        texts, kind = small_documents(bodies, args.small), "small documents (FNC-1 paragraphs)"
    else:
        keys = sorted(bodies, key=int)[: args.bodies]
        texts, kind = [bodies[k].strip() for k in keys], "FNC-1 bodies"
    del bodies
    with tempfile.TemporaryDirectory(prefix="factcheck-memory-") as tmp:
        corpus, out = Path(tmp) / "docs", Path(tmp) / "out"
        corpus.mkdir()
        if args.verifier is not None:
            (Path(tmp) / "factcheck.toml").write_text(
                f"verifier = {json.dumps(args.verifier)}\n", encoding="utf-8"
            )
        for i, text in enumerate(texts):
            (corpus / f"doc{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
        chars = sum(len(t) for t in texts)
        setting = f", verifier {args.verifier}" if args.verifier is not None else ""
        print(f"# {len(texts)} {kind}, {chars:,} characters{setting}", flush=True)
        if args.stages:
            run_stages(corpus, out, verifier=args.verifier)
            return 0
        runs = ["cold"] if args.no_warm else ["cold", "warm"]
        for name in runs:
            r = run_report(corpus, out)
            print(
                f"RESULT {name} docs={len(texts)} wall={r['wall_s']:.1f}s "
                f"peak_rss_main={r['main_mib']:.0f}MiB peak_rss_tree={r['tree_mib']:.0f}MiB "
                f"load={os.getloadavg()[0]:.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

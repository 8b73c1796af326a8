"""Ray engine benchmark: the local engine and Ray with 1 and 2 workers side by side, per-stage costs, sizing model.

    nice .venv/bin/python bench/bench_ray.py --limit 120 --cost-docs 0 --ann-sizes
    nice .venv/bin/python bench/bench_ray.py --limit 200 --cost-docs 200 --skip-engines --ann-sizes

Writes FNC-1 article bodies to a temporary folder as .txt files, then measures in one run, side
by side on the same files and settings, each first run with a fresh cache: the local engine;
the Ray engine (a local Ray instance) with 1 and 2 worker actors, each followed by a rerun over
the same cache (the central step with its results cached) and a rerun with the central step's
own results removed from the cache (matching, the verifier, rules and report computed again
from cached claims and vectors: the central step's real cost). Each run gives wall time, CPU
time of the whole process tree (Ray's daemons and actors included) and a hash of the rendered
reports, which must equal the local engine's. Then the CPU cost per document of each stage of
a cold run on one core (ingest, extraction, embedding, verifier, matching, rules, report),
memory per claim in the central step, and optionally the approximate top-k self-join of
factcheck.match.ann on random 384-d vectors. From these it writes a sizing model.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import functools
import gc
import hashlib
import math
import os
import platform
import sqlite3
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_memory import descendants
from factcheck import pipeline
from factcheck.cache import cache_path
from factcheck.engines.distributed import run_distributed
from factcheck.extract import Extractor
from factcheck.match import ann
from factcheck.match.embed import Embedder
from factcheck.match.verify import Verifier
from factcheck.models import Claim
from factcheck.report.write import render_reports
from factcheck.settings import Settings

DEFAULT_BODIES = (
    Path(__file__).resolve().parents[2] / "shared" / "benchdata" / "fnc1" / "train_bodies.csv"
)
DOCS_PER_DAY = 1_000_000
DIM = 384


@dataclass
class Timed:
    seconds: float
    cpu: float  # CPU seconds of this process and of every process under it (Ray, spaCy workers)
    stats: dict[str, int]
    digest: str  # sha256 over the rendered report files


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float | None:
    """utime + stime of one process from /proc (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class TreeCPU:
    """CPU seconds of this process plus its descendants (Ray's processes, spaCy workers).

    The descendants are polled every `interval` seconds through /proc and the last value seen
    for each process counts, so a process that ends loses at most its last interval: a lower
    bound, close for processes that live seconds or more (Ray's workers and daemons do).
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.seen: dict[int, float] = {}
        self.base: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _sample(self) -> None:
        for pid in descendants(os.getpid())[1:]:
            cpu = _cpu_of(pid)
            if cpu is not None:
                self.seen[pid] = max(cpu, self.seen.get(pid, 0.0))

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> TreeCPU:
        self._sample()
        self.base = dict(self.seen)
        self._self0 = time.process_time()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.total = (
            time.process_time()
            - self._self0
            + sum(cpu - self.base.get(pid, 0.0) for pid, cpu in self.seen.items())
        )


def report_digest(result: pipeline.RunResult, settings: Settings) -> str:
    rendered = render_reports(result, settings=settings)
    h = hashlib.sha256()
    for name in sorted(rendered):
        h.update(name.encode() + b"\0" + rendered[name].encode("utf-8") + b"\0")
    return h.hexdigest()


def write_bodies(csv_path: Path, folder: Path, limit: int) -> int:
    csv.field_size_limit(sys.maxsize)
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:limit]
    for row in rows:
        (folder / f"body{int(row['Body ID']):05d}.txt").write_text(
            row["articleBody"], encoding="utf-8"
        )
    return len(rows)


# Tables of what the central step computes (matching and rule results, verifier verdicts,
# incremental state); claims and embeddings, which the workers compute, stay.
CENTRAL_TABLES = ("results", "verdicts", "state")


def forget_central_results(settings: Settings, out: Path) -> None:
    """Remove the central step's own results from the cache under `out`, keeping claims and vectors."""
    path = cache_path(settings, output=out)
    assert path is not None and path.is_file(), path
    con = sqlite3.connect(path)
    try:
        for table in CENTRAL_TABLES:
            with contextlib.suppress(sqlite3.OperationalError):  # a table this version lacks
                con.execute(f"DELETE FROM {table}")
        con.commit()
    finally:
        con.close()


@dataclass
class EngineRuns:
    """A first run with a fresh cache, a rerun, and a rerun without the central step's results."""

    first: Timed
    cached: Timed
    central: Timed


def time_engine(corpus: Path, scratch: Path, workers: int | None, verifier: str) -> EngineRuns:
    """The local engine (`workers` None) or Ray with `workers` actors, three runs on one cache."""
    out = Path(tempfile.mkdtemp(dir=scratch))
    settings = Settings(verifier=verifier, ray_workers=workers)

    def once() -> Timed:
        with TreeCPU() as cpu:
            start = time.perf_counter()
            if workers is None:
                result = pipeline.run([corpus], settings=settings, output=out)
            else:
                result = run_distributed([corpus], settings=settings, output=out)
            seconds = time.perf_counter() - start
        return Timed(seconds, cpu.total, result.cache_stats, report_digest(result, settings))

    first = once()
    cached = once()
    forget_central_results(settings, out)
    return EngineRuns(first, cached, once())


# Stages of a cold run, timed where pipeline.run calls them (exclusive CPU time: a stage's own
# time less that of the stages called inside it). Model loading is a stage of its own, paid once
# per process (per worker actor under Ray), not per document.
STAGES = {
    "ingest": "reading and cleaning the documents",
    "extract": "spaCy parse, claim slots, entity linking",
    "embed": "MiniLM int8 embedding of the claim texts",
    "verify": "claim-pair verifier (int8 ONNX) on candidate pairs",
    "match": "neighbour search, pair scores, groups, events, near-duplicates",
    "rules": "rules over the groups",
    "report": "building the report",
    "load": "loading spaCy, the embedder and the verifier (once per process)",
}


@dataclass
class StageClock:
    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    stack: list[float] = field(default_factory=list)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.process_time()
        self.stack.append(0.0)
        try:
            yield
        finally:
            spent = time.process_time() - start
            inner = self.stack.pop()
            self.cpu[name] += spent - inner
            if self.stack:
                self.stack[-1] += spent

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name):
                return fn(*args, **kwargs)

        return timed


def stage_targets() -> list[tuple[Any, str, str]]:
    """(owner, attribute, stage) for each function `pipeline.run` calls for a stage."""
    return [
        (pipeline, "load_corpus", "ingest"),
        (pipeline, "extract_claims", "extract"),
        (pipeline, "link_entities", "extract"),
        (pipeline, "match_claims", "match"),
        (pipeline, "run_rules", "rules"),
        (pipeline, "build_report", "report"),
        (Embedder, "encode", "embed"),
        (Verifier, "verify", "verify"),
        (Extractor, "load", "load"),
        (Embedder, "_load", "load"),
        (Verifier, "load", "load"),
    ]


@contextlib.contextmanager
def wrapped_stages(
    wrap: Callable[[str, Callable[..., Any]], Callable[..., Any]],
) -> Iterator[None]:
    """Replace each stage's functions by `wrap(stage, function)` for the duration."""
    targets = stage_targets()
    saved = [(owner, attr, owner.__dict__[attr]) for owner, attr, _ in targets]
    try:
        for owner, attr, name in targets:
            setattr(owner, attr, wrap(name, getattr(owner, attr)))
        yield
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)


@contextlib.contextmanager
def stage_clock() -> Iterator[StageClock]:
    """Wrap the functions pipeline.run calls for each stage with CPU-time accounting."""
    clock = StageClock()
    with wrapped_stages(clock.wrap):
        yield clock


def per_document_costs(corpus: Path, limit: int, verifier: str) -> dict[str, float]:
    """CPU seconds per document of each stage of a cold run on one core (fresh cache)."""
    cores = os.sched_getaffinity(0)
    # One core: the embedder's and the verifier's threads and ONNX Runtime follow the mask.
    os.sched_setaffinity(0, {min(cores)})
    try:
        return _per_document_costs(corpus, limit, verifier)
    finally:
        os.sched_setaffinity(0, cores)


def _per_document_costs(corpus: Path, limit: int, verifier: str) -> dict[str, float]:
    # CPU time, not wall time: on one core it is the stage's cost, and unlike the wall clock it
    # does not grow when other jobs share the machine. One parsing process, so spaCy's time is
    # this process's.
    settings = Settings(spacy_processes=1, verifier=verifier)
    with tempfile.TemporaryDirectory(prefix="bench-ray-costs-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for path in sorted(corpus.glob("*.txt"))[:limit]:
            (folder / path.name).write_bytes(path.read_bytes())
        start = time.process_time()
        with stage_clock() as clock:
            result = pipeline.run([folder], settings=settings, output=Path(tmp) / "out")
        total = time.process_time() - start
    docs, claims = result.documents, result.claims
    n = len(docs)
    # Memory the central step holds per claim (pydantic objects), measured on a fresh copy.
    payload = [c.model_dump_json() for c in claims]
    del result
    gc.collect()
    tracemalloc.start()
    copies = [Claim.model_validate_json(p) for p in payload]
    claim_bytes = tracemalloc.get_traced_memory()[0] / max(1, len(copies))
    tracemalloc.stop()
    del copies
    return {
        "documents": n,
        "claims_per_doc": len(claims) / n,
        "chars_per_doc": sum(len(d.text) for d in docs) / n,
        **{f"{name}_s": cpu / n for name, cpu in clock.cpu.items()},
        "other_s": (total - sum(clock.cpu.values())) / n,
        "total_cpu": total,
        "claim_bytes": claim_bytes,
    }


def time_ann(sizes: list[int], k: int) -> list[tuple[int, float]]:
    rng = np.random.default_rng(0)
    out = []
    for n in sizes:
        x = rng.standard_normal((n, DIM), dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        start = time.perf_counter()
        ann.ann_topk(x, k=k)
        out.append((n, time.perf_counter() - start))
        del x
        gc.collect()
    return out


def sizing(
    costs: dict[str, float],
    efficiency: float,
    ann_times: list[tuple[int, float]],
    *,
    headroom: float,
    machine_gb: float,
) -> dict[str, Any]:
    worker_s = costs["ingest_s"] + costs["extract_s"] + costs["embed_s"]
    # The central step at the measured corpus size, CPU on one core per document: matching, the
    # verifier over candidate pairs, rules and report.
    central_s = costs["verify_s"] + costs["match_s"] + costs["rules_s"] + costs["report_s"]
    rate_needed = DOCS_PER_DAY / 86_400
    workers = math.ceil(rate_needed * worker_s / (headroom * efficiency))
    central_cores = math.ceil(rate_needed * central_s / headroom)
    claims_day = DOCS_PER_DAY * costs["claims_per_doc"]
    vec_gb_day = claims_day * DIM * 4 / 1e9
    obj_gb_day = claims_day * costs["claim_bytes"] / 1e9
    model: dict[str, Any] = {
        "worker_s": worker_s,
        "central_s": central_s,
        "rate_needed": rate_needed,
        "efficiency": efficiency,
        "workers": workers,
        "central_cores": central_cores,
        "claims_day": claims_day,
        "vec_gb_day": vec_gb_day,
        "obj_gb_day": obj_gb_day,
        # Days of claims that one machine can hold in the central step (vectors + claim
        # objects, half the memory left for everything else).
        "days_fit": machine_gb * 0.5 / (vec_gb_day + obj_gb_day),
    }
    if len(ann_times) >= 2:
        (n1, t1), (n2, t2) = ann_times[0], ann_times[-1]
        exponent = math.log(t2 / t1) / math.log(n2 / n1) if n2 != n1 else 1.5
        model["ann_exponent"] = exponent
        model["ann_day_s"] = t2 * (claims_day / n2) ** exponent
    return model


def engine_lines(runs: dict[int | None, EngineRuns], n: int) -> list[str]:
    local = runs[None].first.digest if None in runs else None
    lines = [
        "| engine | first run wall s | first run CPU s | docs/s | CPU s/doc | central step wall s | central step CPU s | cached rerun wall s | reports identical to local |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for w, r in runs.items():
        name = "local" if w is None else f"ray, {w} worker{'s' if w > 1 else ''}"
        same = {r.first.digest, r.cached.digest, r.central.digest}
        if w is None:
            verdict = "(reference)" if len(same) == 1 else "**no: its own reruns differ**"
        else:
            verdict = "**yes**" if same == {local} else "**no**"
        lines.append(
            f"| {name} | {r.first.seconds:.1f} | {r.first.cpu:.1f} | {n / r.first.seconds:.2f} | "
            f"{r.first.cpu / n:.3f} | {r.central.seconds:.1f} | {r.central.cpu:.1f} | "
            f"{r.cached.seconds:.1f} | {verdict} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_BODIES)
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument(
        "--cost-docs", type=int, default=60, help="Documents for the per-stage costs (0: skip)."
    )
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="Ray worker counts.")
    ap.add_argument("--skip-engines", action="store_true", help="Only the per-stage costs.")
    ap.add_argument(
        "--verifier",
        default=Settings().verifier,
        help="claim-pair verifier: builtin, a folder or off (default: %(default)s)",
    )
    ap.add_argument("--ann-sizes", type=int, nargs="*", default=[50_000, 200_000])
    ap.add_argument("--headroom", type=float, default=0.5, help="Target worker utilisation.")
    ap.add_argument(
        "--efficiency",
        type=float,
        default=None,
        help="Ray parallel efficiency for the sizing model (default: measured 1 -> 2 workers)",
    )
    ap.add_argument("--machine-gb", type=float, default=128.0, help="RAM of the matching machine.")
    ap.add_argument("--out", type=Path, default=None, help="Append the results (Markdown) here.")
    args = ap.parse_args(argv)

    costs: dict[str, float] | None = None
    runs: dict[int | None, EngineRuns] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        scratch = Path(tmp)
        corpus = scratch / "corpus"
        corpus.mkdir()
        n = write_bodies(args.bodies, corpus, args.limit)
        print(f"{n} documents", flush=True)
        if not args.skip_engines:
            for w in [None, *args.workers]:
                runs[w] = r = time_engine(corpus, scratch, w, args.verifier)
                print(
                    f"{'local' if w is None else f'ray {w} worker(s)'}: first {r.first.seconds:.1f}s "
                    f"wall {r.first.cpu:.1f}s CPU, cached {r.cached.seconds:.1f}s, central step "
                    f"{r.central.seconds:.1f}s wall {r.central.cpu:.1f}s CPU, reports "
                    f"{r.first.digest[:12]} {r.cached.digest[:12]} {r.central.digest[:12]}",
                    flush=True,
                )
        # After the engines, so that the local engine's first run loads its models as Ray's
        # workers do (spaCy's pipeline stays cached in this process afterwards).
        if args.cost_docs:
            costs = per_document_costs(corpus, args.cost_docs, args.verifier)
            print("per-document costs", costs, flush=True)
    ann_times = time_ann(args.ann_sizes, Settings().top_k) if args.ann_sizes else []
    print("ann", ann_times, flush=True)
    # The distributed stage alone: first run minus the central step computed again from the
    # cached claims and vectors (what the first run did after the workers finished).
    stage = {w: max(1e-9, r.first.seconds - r.central.seconds) for w, r in runs.items()}
    stage_cpu = {w: r.first.cpu - r.central.cpu for w, r in runs.items()}
    efficiency = args.efficiency
    if efficiency is None:
        efficiency = stage[1] / (2 * stage[2]) if 1 in runs and 2 in runs else 1.0

    command = " ".join(argv if argv is not None else sys.argv[1:])
    lines = [
        f"## Ray engine ({dt.date.today().isoformat()}, {platform.node()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end)",
        "",
        f"Command: `nice .venv/bin/python bench/bench_ray.py {command}`",
    ]
    if runs:
        lines += [
            "",
            f"Corpus: {n} FNC-1 article bodies, verifier {args.verifier}; the engines one after "
            "the other in one run on the same files and settings, each first run with a fresh "
            "cache; Ray runs start a local Ray instance each. CPU: this process and every process "
            "under it (Ray's daemons and worker actors, spaCy's parsing processes), polled from "
            "/proc. *Central step*: the rerun with the matching and rule results and the "
            "verifier's verdicts removed from the cache (claims and vectors kept). *Reports "
            "identical*: the rendered report.json, .md, .html, .csv and sources.csv of the first "
            "run, the cached rerun and the central-step rerun all hash the same as the local "
            "engine's first run.",
            "",
            *engine_lines(runs, n),
            "",
            "Distributed stage (first run less the central step): "
            + ", ".join(
                f"{'local' if w is None else f'{w} worker(s)'} {stage[w]:.1f} s wall, "
                f"{stage_cpu[w]:.1f} s CPU"
                for w in runs
            )
            + ".",
        ]
        if 1 in runs and 2 in runs:
            lines += [
                "",
                f"Scaling 1 -> 2 workers (distributed stage, wall): x{stage[1] / stage[2]:.2f} "
                f"(parallel efficiency {stage[1] / (2 * stage[2]):.0%}).",
            ]
    if costs is not None:
        worker = costs["ingest_s"] + costs["extract_s"] + costs["embed_s"]
        central = costs["verify_s"] + costs["match_s"] + costs["rules_s"] + costs["report_s"]
        lines += [
            "",
            f"Per-document CPU cost of a cold run on one core ({costs['documents']:.0f} documents, "
            f"{costs['chars_per_doc']:.0f} characters and {costs['claims_per_doc']:.1f} claims "
            f"each, verifier {args.verifier}, total {costs['total_cpu']:.1f} s CPU):",
            "",
            "| stage | what | ms/doc |",
            "|---|---|---:|",
            *[
                f"| {name} | {what} | {costs[name + '_s'] * 1e3:.1f} |"
                for name, what in STAGES.items()
                if name != "load"
            ],
            f"| **worker stages** | ingest + extract + embed | **{worker * 1e3:.1f}** |",
            f"| **central stages** | verify + match + rules + report | **{central * 1e3:.1f}** |",
            f"| rest | cache, result keys, serialising the stored result | {costs['other_s'] * 1e3:.1f} |",
            f"| load (per process, not per document) | {STAGES['load']} | {costs['load_s'] * costs['documents']:.1f} s |",
            "",
            f"Central-step memory per claim (pydantic Claim objects): {costs['claim_bytes'] / 1024:.1f} KiB; "
            f"per vector: {DIM * 4 / 1024:.1f} KiB (384-d float32).",
        ]
    if ann_times:
        lines += [
            "",
            "Approximate top-k self-join (factcheck.match.ann.ann_topk, k=10, random unit vectors):",
            "",
            "| claims | seconds |",
            "|---:|---:|",
            *[f"| {size:,} | {secs:.1f} |" for size, secs in ann_times],
        ]
    model = None
    if costs is not None:
        model = sizing(
            costs, efficiency, ann_times, headroom=args.headroom, machine_gb=args.machine_gb
        )
        lines += [
            "",
            "### Sizing model (computed by the script from the figures above)",
            "",
            f"- 1M documents/day = {model['rate_needed']:.1f} docs/s. Worker stages "
            f"{model['worker_s'] * 1e3:.0f} ms/doc/core, Ray parallel efficiency {efficiency:.0%}"
            f"{' (given)' if args.efficiency is not None else ''}, target utilisation "
            f"{args.headroom:.0%}: **{model['workers']} worker cores** ({model['rate_needed']:.1f} x "
            f"{model['worker_s']:.3f} / ({args.headroom} x {efficiency:.2f})).",
            f"- Central stages at this corpus size: {model['central_s'] * 1e3:.0f} ms/doc/core, "
            f"so **{model['central_cores']} central cores** at {args.headroom:.0%} utilisation "
            f"({model['rate_needed']:.1f} x {model['central_s']:.3f} / {args.headroom}); they grow "
            "with the corpus a new document is matched against (candidate pairs for the verifier, "
            "the top-k search).",
            f"- Claims per day: {model['claims_day'] / 1e6:.1f}M. Vectors: {model['vec_gb_day']:.1f} GB/day "
            f"(384-d float32); claim objects in the central step: {model['obj_gb_day']:.0f} GB/day. "
            f"One {args.machine_gb:.0f} GB matching machine (half its memory for claims and "
            f"vectors) holds **{model['days_fit']:.2f} days** of claims"
            + (
                f"; the top-k self-join over one day's claims would take about "
                f"{model['ann_day_s'] / 60:.0f} min (fitted growth n^{model['ann_exponent']:.2f})."
                if "ann_day_s" in model
                else "."
            ),
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    if model is not None:
        print("sizing", model)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

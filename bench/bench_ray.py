"""Ray engine benchmark: throughput with 1 and 2 workers vs the local engine, per-document costs, sizing model.

    nice .venv/bin/python bench/bench_ray.py --limit 200 --out bench/RESULTS-ray.md

Writes FNC-1 article bodies to a temporary folder as .txt files, then measures in one run, side
by side, each first run with a fresh cache: the local engine; the Ray engine (a local Ray
instance) with 1 and 2 worker actors, each followed by a rerun over the same cache (the
central step with its results cached) and a rerun with the central step's own results removed
from the cache (matching, the verifier, rules and report computed again from cached claims and
vectors: the central step's real cost). Then per-document costs on one core (ingest,
extraction, embedding), memory per claim in the central step, and the approximate top-k
self-join of factcheck.match.ann on random 384-d vectors. From these it writes a sizing model.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import gc
import math
import os
import platform
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import numpy as np

from factcheck import pipeline
from factcheck.cache import cache_path
from factcheck.engines.distributed import run_distributed
from factcheck.extract import Extractor
from factcheck.ingest import load_documents
from factcheck.match import ann
from factcheck.match.embed import Embedder
from factcheck.models import Claim
from factcheck.settings import Settings

DEFAULT_BODIES = (
    Path(__file__).resolve().parents[2] / "shared" / "benchdata" / "fnc1" / "train_bodies.csv"
)
DOCS_PER_DAY = 1_000_000
DIM = 384


@dataclass
class Timed:
    seconds: float
    stats: dict[str, int]


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


def time_engine(corpus: Path, scratch: Path, workers: int | None) -> EngineRuns:
    """The local engine (`workers` None) or Ray with `workers` actors, three runs on one cache."""
    out = Path(tempfile.mkdtemp(dir=scratch))
    settings = Settings() if workers is None else Settings(ray_workers=workers)

    def once() -> Timed:
        start = time.perf_counter()
        if workers is None:
            result = pipeline.run([corpus], settings=settings, output=out)
        else:
            result = run_distributed([corpus], settings=settings, output=out)
        return Timed(time.perf_counter() - start, result.cache_stats)

    first = once()
    cached = once()
    forget_central_results(settings, out)
    return EngineRuns(first, cached, once())


def per_document_costs(corpus: Path, limit: int) -> dict[str, float]:
    """Seconds per document on one core for each worker stage, models loaded beforehand."""
    cores = os.sched_getaffinity(0)
    # One core: the embedder's worker threads and ONNX Runtime follow the affinity mask.
    os.sched_setaffinity(0, {min(cores)})
    try:
        return _per_document_costs(corpus, limit)
    finally:
        os.sched_setaffinity(0, cores)


def _per_document_costs(corpus: Path, limit: int) -> dict[str, float]:
    # CPU time, not wall time: on one core it is the stage's cost, and unlike the wall clock it
    # does not grow when other jobs share the machine.
    settings = Settings(spacy_processes=1)
    files = sorted(corpus.glob("*.txt"))[:limit]
    start = time.process_time()
    docs = load_documents(files, settings=settings)
    ingest = time.process_time() - start
    extractor = Extractor(settings=settings)
    list(extractor.extract_many(docs[:1]))  # load spaCy outside the timing
    start = time.process_time()
    claims = [c for batch in extractor.extract_many(docs) for c in batch]
    extract = time.process_time() - start
    embedder = Embedder(settings=settings)
    embedder.encode([claims[0].text])
    start = time.process_time()
    embedder.encode([c.text for c in claims])
    embed = time.process_time() - start
    n = len(docs)
    # Memory the central step holds per claim (pydantic objects), measured on a fresh copy.
    payload = [c.model_dump_json() for c in claims]
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
        "ingest_s": ingest / n,
        "extract_s": extract / n,
        "embed_s": embed / n,
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
    ray_rates: dict[int, float],
    central_s_per_doc: float,
    ann_times: list[tuple[int, float]],
    *,
    headroom: float,
    machine_gb: float,
) -> dict[str, Any]:
    worker_s = costs["ingest_s"] + costs["extract_s"] + costs["embed_s"]
    rate_needed = DOCS_PER_DAY / 86_400
    efficiency = ray_rates[2] / (2 * ray_rates[1]) if 1 in ray_rates and 2 in ray_rates else 1.0
    workers = math.ceil(rate_needed * worker_s / (headroom * efficiency))
    # The central step at the measured corpus size: matching, the verifier over candidate pairs,
    # rules and report, per document (wall seconds on this machine's cores).
    central_cores = math.ceil(rate_needed * central_s_per_doc * (os.cpu_count() or 1) / headroom)
    claims_day = DOCS_PER_DAY * costs["claims_per_doc"]
    vec_gb_day = claims_day * DIM * 4 / 1e9
    obj_gb_day = claims_day * costs["claim_bytes"] / 1e9
    (n1, t1), (n2, t2) = ann_times[0], ann_times[-1]
    exponent = math.log(t2 / t1) / math.log(n2 / n1) if n2 != n1 else 1.5
    ann_day_s = t2 * (claims_day / n2) ** exponent
    # Days of claims that one machine can hold in the central step (vectors + claim objects,
    # half the memory left for everything else).
    days_fit = machine_gb * 0.5 / (vec_gb_day + obj_gb_day)
    return {
        "worker_s": worker_s,
        "rate_needed": rate_needed,
        "efficiency": efficiency,
        "workers": workers,
        "central_s_per_doc": central_s_per_doc,
        "central_cores": central_cores,
        "claims_day": claims_day,
        "vec_gb_day": vec_gb_day,
        "obj_gb_day": obj_gb_day,
        "ann_exponent": exponent,
        "ann_day_s": ann_day_s,
        "days_fit": days_fit,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_BODIES)
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--cost-docs", type=int, default=60, help="Documents for the per-stage costs.")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--ann-sizes", type=int, nargs="+", default=[50_000, 200_000])
    ap.add_argument("--headroom", type=float, default=0.5, help="Target worker utilisation.")
    ap.add_argument("--machine-gb", type=float, default=128.0, help="RAM of the matching machine.")
    ap.add_argument("--out", type=Path, default=None, help="Append the results (Markdown) here.")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        scratch = Path(tmp)
        corpus = scratch / "corpus"
        corpus.mkdir()
        n = write_bodies(args.bodies, corpus, args.limit)
        print(f"{n} documents", flush=True)
        costs = per_document_costs(corpus, args.cost_docs)
        print("per-document costs", costs, flush=True)
        runs: dict[int | None, EngineRuns] = {}
        for w in [None, *args.workers]:
            runs[w] = r = time_engine(corpus, scratch, w)
            print(
                f"{'local' if w is None else f'ray {w} worker(s)'}: first {r.first.seconds:.1f}s, "
                f"cached {r.cached.seconds:.1f}s, central step {r.central.seconds:.1f}s",
                flush=True,
            )
    ann_times = time_ann(args.ann_sizes, Settings().top_k)
    print("ann", ann_times, flush=True)
    # The distributed stage alone: first run minus the central step computed again from the
    # cached claims and vectors (what the first run did after the workers finished).
    stage = {w: max(1e-9, r.first.seconds - r.central.seconds) for w, r in runs.items()}
    stage_rates = {w: n / stage[w] for w in args.workers}
    central = min(r.central.seconds for r in runs.values())
    model = sizing(
        costs,
        stage_rates,
        central / n,
        ann_times,
        headroom=args.headroom,
        machine_gb=args.machine_gb,
    )

    lines = [
        f"## Ray engine ({dt.date.today().isoformat()}, {platform.node()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end)",
        "",
        f"Command: `nice .venv/bin/python bench/bench_ray.py {' '.join(argv if argv is not None else sys.argv[1:])}`",
        f"Corpus: {n} FNC-1 article bodies ({costs['chars_per_doc']:.0f} characters, "
        f"{costs['claims_per_doc']:.1f} claims per document in the first {costs['documents']:.0f}); "
        "the engines one after the other in one run, each first run with a fresh cache; Ray runs "
        "start a local Ray instance each. *Central step*: the rerun with the matching and rule "
        "results and the verifier's verdicts removed from the cache (claims and vectors kept).",
        "",
        "| engine | first run s | docs/s end to end | ingest-extract-embed stage s | docs/s in the stage | central step s | cached rerun s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for w, r in runs.items():
        name = "local" if w is None else f"ray, {w} worker{'s' if w > 1 else ''}"
        lines.append(
            f"| {name} | {r.first.seconds:.1f} | {n / r.first.seconds:.2f} | {stage[w]:.1f} | "
            f"{n / stage[w]:.2f} | {r.central.seconds:.1f} | {r.cached.seconds:.1f} |"
        )
    lines += [
        "",
        f"Ray against local, first run: 1 worker x{runs[None].first.seconds / runs[args.workers[0]].first.seconds:.2f}"
        + (
            f", 2 workers x{runs[None].first.seconds / runs[2].first.seconds:.2f}"
            if 2 in runs
            else ""
        )
        + " (above 1: Ray faster).",
    ]
    if 1 in stage_rates and 2 in stage_rates:
        lines += [
            "",
            f"Scaling 1 -> 2 workers (distributed stage): x{stage_rates[2] / stage_rates[1]:.2f} "
            f"(parallel efficiency {model['efficiency']:.0%}).",
        ]
    lines += [
        "",
        "Per-document cost on one core (models loaded beforehand):",
        "",
        "| stage | ms/doc |",
        "|---|---:|",
        f"| ingest | {costs['ingest_s'] * 1e3:.1f} |",
        f"| extraction (spaCy + claim slots) | {costs['extract_s'] * 1e3:.1f} |",
        f"| embedding (MiniLM int8, claim texts) | {costs['embed_s'] * 1e3:.1f} |",
        f"| **worker total** | **{model['worker_s'] * 1e3:.1f}** |",
        f"| central step (matching, verifier, rules, report; all {os.cpu_count()} cores, {n} documents) "
        f"| {model['central_s_per_doc'] * 1e3:.1f} wall |",
        "",
        f"Central-step memory per claim (pydantic Claim objects): {costs['claim_bytes'] / 1024:.1f} KiB; "
        f"per vector: {DIM * 4 / 1024:.1f} KiB (384-d float32).",
        "",
        "Approximate top-k self-join (factcheck.match.ann.ann_topk, k=10, random unit vectors):",
        "",
        "| claims | seconds |",
        "|---:|---:|",
        *[f"| {size:,} | {secs:.1f} |" for size, secs in ann_times],
        "",
        f"Fitted growth: time ~ n^{model['ann_exponent']:.2f}.",
        "",
        "### Sizing model (computed by the script from the figures above)",
        "",
        f"- 1M documents/day = {model['rate_needed']:.1f} docs/s. Worker cost {model['worker_s'] * 1e3:.0f} ms/doc/core, "
        f"measured Ray parallel efficiency {model['efficiency']:.0%}, target utilisation {args.headroom:.0%}: "
        f"**{model['workers']} worker cores** ({model['rate_needed']:.1f} x {model['worker_s']:.3f} / "
        f"({args.headroom} x {model['efficiency']:.2f})).",
        f"- Central step at this corpus size: {model['central_s_per_doc'] * 1e3:.0f} ms/doc on "
        f"{os.cpu_count()} cores, so about **{model['central_cores']} central cores** at {args.headroom:.0%} "
        "utilisation; it grows with the corpus a new document is matched against (candidate pairs "
        "for the verifier, the top-k search below).",
        f"- Claims per day: {model['claims_day'] / 1e6:.1f}M. Vectors: {model['vec_gb_day']:.1f} GB/day (384-d float32); "
        f"claim objects in the central step: {model['obj_gb_day']:.0f} GB/day.",
        f"- One {args.machine_gb:.0f} GB matching machine (half its memory for claims and vectors) holds "
        f"**{model['days_fit']:.2f} days** of claims; the top-k self-join over one day's claims would take "
        f"about {model['ann_day_s'] / 60:.0f} min (extrapolated with the fitted exponent).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    print("sizing", model)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

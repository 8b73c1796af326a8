"""Embedding backends compared in one run on FNC-1 bodies: speed, peak memory, agreement with fp32, matching F1.

Usage (from the repository root; not run by CI):

    nice .venv/bin/python bench/bench_backends.py [--limit 5000] [--pairs 2000] [--docs 40]

Speed is measured in one process with every backend loaded, encoding the same sentences in
interleaved chunks (rotating the order), so that load from other processes on a shared machine
falls on all backends alike; warm-up is excluded. Peak RSS and end-to-end documents per second
come from one subprocess per backend (ru_maxrss is per process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from factcheck.backends import BACKENDS, default_export_dir, load_sentence_transformer
from factcheck.settings import Settings
from fnc1_util import DEFAULT_FNC1, read_bodies, read_stances

_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]])\s+|\n\s*\n")


def split_sentences(text: str) -> list[str]:
    """A plain splitter: enough to feed sentence-sized texts to the encoder."""
    return [s.strip() for s in _SPLIT.split(text) if len(s.split()) >= 3]


def corpus(bodies: dict[str, str], limit: int, seed: int) -> tuple[list[str], list[str]]:
    """Sentences of bodies taken in a seeded order until `limit`, and the ids of the bodies taken whole."""
    ids = sorted(bodies)
    random.Random(seed).shuffle(ids)
    sentences: list[str] = []
    whole: list[str] = []
    for body_id in ids:
        parts = split_sentences(bodies[body_id])
        if len(sentences) + len(parts) > limit:
            break
        sentences.extend(parts)
        whole.append(body_id)
    return sentences, whole


def best_f1(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Best F1 of the positive class over every threshold, and that threshold."""
    order = np.argsort(-scores)
    s, y = scores[order], labels[order]
    tp = np.cumsum(y)
    fp = np.cumsum(1 - y)
    precision = tp / (tp + fp)
    recall = tp / max(int(y.sum()), 1)
    f1 = np.where(
        precision + recall > 0, 2 * precision * recall / (precision + recall + 1e-12), 0.0
    )
    i = int(np.argmax(f1))
    return float(f1[i]), float(s[i])


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, unlike ru_maxrss, does not carry over the
    parent's peak through fork and exec, which would give every worker the parent's figure."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    """One backend in its own process: load time, isolated speed and peak RSS, or end-to-end docs/s."""
    backend = args.worker
    if args.docs_dir:
        from factcheck.pipeline import run

        with tempfile.TemporaryDirectory() as out:
            settings = Settings(
                embedding_backend=backend,
                batch_size=args.batch_size,
                cache=str(Path(out) / "c.sqlite"),
            )
            n = len(list(Path(args.docs_dir).glob("*.txt")))
            t0 = time.perf_counter()
            run([args.docs_dir], settings=settings, output=out)
            docs_per_s = n / (time.perf_counter() - t0)
        print(json.dumps({"docs_per_s": docs_per_s, "peak_rss_mb_pipeline": peak_rss_mb()}))
        return
    sentences = json.loads(Path(args.sentences_file).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    model = load_sentence_transformer(
        "all-MiniLM-L6-v2", backend=backend, export_dir=args.export_dir, num_threads=args.threads
    )
    load_s = time.perf_counter() - t0
    model.encode(sentences[: args.batch_size], batch_size=args.batch_size)
    t0 = time.perf_counter()
    model.encode(sentences, batch_size=args.batch_size)
    sps = len(sentences) / (time.perf_counter() - t0)
    print(json.dumps({"load_s": load_s, "isolated_sps": sps, "peak_rss_mb_embed": peak_rss_mb()}))


def interleaved_speed(
    models: dict[str, Any], sentences: Sequence[str], *, batch_size: int, chunk: int
) -> tuple[dict[str, float], dict[str, float], dict[str, np.ndarray]]:
    """Sentences/s (wall) and sentences per CPU-second per backend, and each backend's vectors."""
    names = list(models)
    for m in models.values():  # warm-up: first-call allocations and graph set-up
        m.encode(list(sentences[:batch_size]), batch_size=batch_size)
    wall = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)
    parts: dict[str, list[np.ndarray]] = {n: [] for n in names}
    for k, start in enumerate(range(0, len(sentences), chunk)):
        piece = list(sentences[start : start + chunk])
        rotation = names[k % len(names) :] + names[: k % len(names)]
        for name in rotation:
            t, c = time.perf_counter(), time.process_time()
            vec = models[name].encode(piece, batch_size=batch_size, convert_to_numpy=True)
            wall[name] += time.perf_counter() - t
            cpu[name] += time.process_time() - c
            parts[name].append(vec)
    n = len(sentences)
    return (
        {k: n / v for k, v in wall.items()},
        {k: n / v for k, v in cpu.items()},
        {k: np.concatenate(v) for k, v in parts.items()},
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--stances", type=Path, default=DEFAULT_FNC1 / "train_stances.csv")
    ap.add_argument("--limit", type=int, default=5000, help="body sentences for the speed part")
    ap.add_argument(
        "--pairs", type=int, default=2000, help="headline-body pairs for the matching proxy"
    )
    ap.add_argument(
        "--docs", type=int, default=40, help="bodies for the end-to-end pipeline run (0: skip)"
    )
    ap.add_argument(
        "--rss-sentences", type=int, default=1000, help="sentences each subprocess encodes"
    )
    ap.add_argument("--batch-size", type=int, default=Settings().batch_size)
    ap.add_argument("--threads", type=int, default=None, help="default: every available core")
    ap.add_argument("--chunk", type=int, default=250, help="sentences per interleaved chunk")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--export-dir", type=Path, default=default_export_dir())
    ap.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    ap.add_argument("--sentences-file", help=argparse.SUPPRESS)
    ap.add_argument("--docs-dir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    if "torch" not in args.backends:
        ap.error("--backends must include torch: it is the reference")

    bodies = read_bodies(args.bodies)
    sentences, whole = corpus(bodies, args.limit, args.seed)
    # Length-sorted input would flatter padding-sensitive backends; keep the corpus order.
    print(f"{len(sentences)} sentences from {len(whole)} bodies", file=sys.stderr)

    # Load every backend (the first ONNX load exports, once, and is timed apart).
    models: dict[str, Any] = {}
    load_s: dict[str, float] = {}
    for b in args.backends:
        t0 = time.perf_counter()
        models[b] = load_sentence_transformer(
            "all-MiniLM-L6-v2", backend=b, export_dir=args.export_dir, num_threads=args.threads
        )
        load_s[b] = time.perf_counter() - t0
        print(f"loaded {b} in {load_s[b]:.1f}s", file=sys.stderr)

    sps, cpu_sps, vectors = interleaved_speed(
        models, sentences, batch_size=args.batch_size, chunk=args.chunk
    )
    ref = vectors["torch"]
    agreement = {}
    for b, v in vectors.items():
        cos = (v * ref).sum(axis=1)
        agreement[b] = {
            "mean": float(cos.mean()),
            "min": float(cos.min()),
            "p1": float(np.percentile(cos, 1)),
        }

    # Matching proxy: does the headline's best-matching body sentence tell related from unrelated?
    taken = set(whole)
    pairs = [p for p in read_stances(args.stances) if p.body_id in taken]
    pairs = random.Random(args.seed).sample(pairs, min(args.pairs, len(pairs)))
    labels = np.array([p.stance != "unrelated" for p in pairs], dtype=np.int64)
    spans: dict[str, tuple[int, int]] = {}
    offset = 0
    for body_id in whole:
        n = len(split_sentences(bodies[body_id]))
        spans[body_id] = (offset, offset + n)
        offset += n
    headlines = sorted({p.headline for p in pairs})
    matching = {}
    for b, model in models.items():
        hv = dict(zip(headlines, model.encode(headlines, batch_size=args.batch_size), strict=True))
        scores = np.array(
            [
                float(
                    (vectors[b][spans[p.body_id][0] : spans[p.body_id][1]] @ hv[p.headline]).max()
                )
                for p in pairs
            ]
        )
        f1, threshold = best_f1(scores, labels)
        matching[b] = {"f1": f1, "threshold": threshold}
    del models

    # Peak memory and end-to-end speed, one process per backend.
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sentence_file = Path(tmp) / "sentences.json"
        sentence_file.write_text(json.dumps(sentences[: args.rss_sentences]), encoding="utf-8")
        docs_dir = Path(tmp) / "docs"
        if args.docs:
            docs_dir.mkdir()
            for body_id in whole[: args.docs]:
                (docs_dir / f"fnc1-{body_id}.txt").write_text(bodies[body_id], encoding="utf-8")
        for b in args.backends:
            results[b] = {}
            modes = [["--sentences-file", str(sentence_file)]]
            if args.docs:
                modes.append(["--docs-dir", str(docs_dir)])
            for mode in modes:
                cmd = [
                    sys.executable,
                    __file__,
                    "--worker",
                    b,
                    *mode,
                    "--batch-size",
                    str(args.batch_size),
                    "--export-dir",
                    str(args.export_dir),
                ]
                if args.threads:
                    cmd += ["--threads", str(args.threads)]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                results[b].update(json.loads(out.strip().splitlines()[-1]))
            print(f"worker {b}: {results[b]}", file=sys.stderr)

    figures = {
        "sentences": len(sentences),
        "pairs": len(pairs),
        "related": int(labels.sum()),
        "batch_size": args.batch_size,
        "threads": args.threads or len(os.sched_getaffinity(0)),
        "load_s": load_s,
        "sps": sps,
        "sps_per_cpu_s": cpu_sps,
        "agreement": agreement,
        "matching": matching,
        "workers": results,
    }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(render(figures))
    return 0


def render(f: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    base = f["sps"]["torch"]
    base_f1 = f["matching"]["torch"]["f1"]
    lines = [
        f"{f['sentences']} FNC-1 body sentences, batch size {f['batch_size']}, {f['threads']} threads; "
        f"matching proxy on {f['pairs']} headline-body pairs ({f['related']} related).",
        "",
        "| backend | sentences/s | speed-up | sentences/CPU-s | load s | peak RSS MB (embed) "
        "| docs/s end-to-end | peak RSS MB (pipeline) | cosine vs fp32 mean / p1 / min "
        "| proxy F1 | ΔF1 vs torch (points) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for b, sps in f["sps"].items():
        w = f["workers"].get(b, {})
        a = f["agreement"][b]
        m = f["matching"][b]
        docs = w.get("docs_per_s")
        lines.append(
            f"| {b} | {sps:.0f} | {sps / base:.2f}x | {f['sps_per_cpu_s'][b]:.0f} | {w.get('load_s', 0):.1f} "
            f"| {w.get('peak_rss_mb_embed', 0):.0f} | {'-' if docs is None else f'{docs:.2f}'} "
            f"| {w.get('peak_rss_mb_pipeline', 0):.0f} "
            f"| {a['mean']:.4f} / {a['p1']:.4f} / {a['min']:.4f} | {m['f1']:.4f} "
            f"| {100 * (m['f1'] - base_f1):+.2f} |"
        )
    lines += [
        "",
        "load s: a later load, export reused (subprocess). First load in this run, export included "
        "if there was none: " + ", ".join(f"{b} {s:.1f}s" for b, s in f["load_s"].items()) + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

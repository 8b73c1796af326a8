"""Embedding backends compared in one run on FNC-1 bodies: speed, memory, agreement with fp32, matching F1.

Usage (from the repository root; not run by CI; takes 15-30 minutes with the harnesses):

    .venv/bin/python bench/bench_backends.py [--limit 3000] [--rounds 3] [--docs 40]
        [--match-sample 500] [--ecb-topics 2 5 12 18 21 23 34 35]

Speed: each round runs every backend in a fresh subprocess (the order rotates between rounds)
that loads the model as factcheck does (`backends.load_encoder`) and encodes the same body
sentences once after a short warm-up; the table gives the median over rounds, and the speed-up
is the median of the per-round ratios to torch, so that load from other processes on a shared
machine falls on every backend alike. The same subprocess reports load time and peak RSS.
Quality: cosine with torch fp32 of the same sentences, a matching proxy (best headline-body
sentence cosine, related vs unrelated), and the real FNC-1 and ECB+ matching harnesses
(bench_match.py, bench_ecbplus.py) run per backend. End to end: `pipeline.run` over --docs
bodies per backend, in its own subprocess, model loading included.
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
from factcheck.match.backends import BACKENDS, default_export_dir, load_encoder
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
    """One backend in its own process: load time, speed and peak RSS, or end-to-end docs/s."""
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
    model = load_encoder(
        "all-MiniLM-L6-v2", backend=backend, export_dir=args.export_dir, num_threads=args.threads
    )
    load_s = time.perf_counter() - t0
    model.encode(sentences[: args.batch_size], batch_size=args.batch_size)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    model.encode(sentences, batch_size=args.batch_size)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        json.dumps(
            {
                "load_s": load_s,
                "sps": len(sentences) / wall,
                "sps_per_cpu_s": len(sentences) / cpu,
                "peak_rss_mb_embed": peak_rss_mb(),
            }
        )
    )


def run_worker(backend: str, mode: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Run this script as a worker for `backend` and return the JSON line it prints."""
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        backend,
        *mode,
        "--batch-size",
        str(args.batch_size),
        "--export-dir",
        str(args.export_dir),
    ]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


_PRF = re.compile(r"precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)")


def run_harness(script: str, backend: str, extra: list[str]) -> dict[str, float]:
    """Precision, recall and F1 from the first result line of a matching harness."""
    cmd = [sys.executable, str(Path(__file__).with_name(script)), "--embedding-backend", backend]
    out = subprocess.run([*cmd, *extra], check=True, capture_output=True, text=True).stdout
    found = _PRF.search(out)
    if found is None:
        raise RuntimeError(f"{script} printed no precision/recall/F1 line:\n{out}")
    p, r, f = (float(x) for x in found.groups())
    return {"precision": p, "recall": r, "f1": f}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--stances", type=Path, default=DEFAULT_FNC1 / "train_stances.csv")
    ap.add_argument("--limit", type=int, default=3000, help="body sentences for the speed part")
    ap.add_argument("--rounds", type=int, default=3, help="speed rounds (fresh process each)")
    ap.add_argument(
        "--pairs", type=int, default=2000, help="headline-body pairs for the matching proxy"
    )
    ap.add_argument(
        "--docs", type=int, default=40, help="bodies for the end-to-end pipeline run (0: skip)"
    )
    ap.add_argument(
        "--match-sample", type=int, default=500, help="bench_match.py --sample (0: skip)"
    )
    ap.add_argument(
        "--ecb-topics",
        type=int,
        nargs="*",
        default=[2, 5, 12, 18, 21, 23, 34, 35],
        help="bench_ecbplus.py --topics (none: skip)",
    )
    ap.add_argument("--batch-size", type=int, default=Settings().batch_size)
    ap.add_argument("--threads", type=int, default=None, help="default: every available core")
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
    backends = ["torch", *(b for b in args.backends if b != "torch")]

    bodies = read_bodies(args.bodies)
    sentences, whole = corpus(bodies, args.limit, args.seed)
    # Length-sorted input would flatter padding-sensitive backends; keep the corpus order.
    print(f"{len(sentences)} sentences from {len(whole)} bodies", file=sys.stderr)

    # Vectors for the quality figures (the first ONNX load exports, once).
    vectors: dict[str, np.ndarray] = {}
    matching: dict[str, dict[str, float]] = {}
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
    for b in backends:
        model = load_encoder("all-MiniLM-L6-v2", backend=b, export_dir=args.export_dir)
        vectors[b] = np.asarray(
            model.encode(sentences, batch_size=args.batch_size, normalize_embeddings=True)
        )
        heads = model.encode(headlines, batch_size=args.batch_size, normalize_embeddings=True)
        hv = dict(zip(headlines, heads, strict=True))
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
        del model
        print(f"quality pass {b} done", file=sys.stderr)
    agreement = {}
    for b, v in vectors.items():
        cos = (v * vectors["torch"]).sum(axis=1)
        agreement[b] = {
            "mean": float(cos.mean()),
            "min": float(cos.min()),
            "p1": float(np.percentile(cos, 1)),
        }

    results: dict[str, dict[str, Any]] = {b: {} for b in backends}
    rounds: dict[str, list[dict[str, Any]]] = {b: [] for b in backends}
    with tempfile.TemporaryDirectory() as tmp:
        sentence_file = Path(tmp) / "sentences.json"
        sentence_file.write_text(json.dumps(sentences), encoding="utf-8")
        for r in range(args.rounds):
            for b in backends[r % len(backends) :] + backends[: r % len(backends)]:
                rounds[b].append(run_worker(b, ["--sentences-file", str(sentence_file)], args))
                print(f"round {r + 1} {b}: {rounds[b][-1]}", file=sys.stderr)
        if args.docs:
            docs_dir = Path(tmp) / "docs"
            docs_dir.mkdir()
            for body_id in whole[: args.docs]:
                (docs_dir / f"fnc1-{body_id}.txt").write_text(bodies[body_id], encoding="utf-8")
            for b in backends:
                results[b].update(run_worker(b, ["--docs-dir", str(docs_dir)], args))
                print(f"end to end {b}: {results[b]}", file=sys.stderr)
    for b in backends:
        for key in ("sps", "sps_per_cpu_s", "load_s", "peak_rss_mb_embed"):
            results[b][key] = float(np.median([x[key] for x in rounds[b]]))
        results[b]["speedup"] = float(
            np.median(
                [x["sps"] / t["sps"] for x, t in zip(rounds[b], rounds["torch"], strict=True)]
            )
        )
        results[b]["sps_rounds"] = [x["sps"] for x in rounds[b]]

    harness: dict[str, dict[str, dict[str, float]]] = {b: {} for b in backends}
    for b in backends:
        if args.match_sample:
            harness[b]["fnc1"] = run_harness(
                "bench_match.py", b, ["--sample", str(args.match_sample), "--seed", str(args.seed)]
            )
        if args.ecb_topics:
            harness[b]["ecb"] = run_harness(
                "bench_ecbplus.py", b, ["--topics", *map(str, args.ecb_topics)]
            )
        print(f"harnesses {b}: {harness[b]}", file=sys.stderr)

    figures = {
        "sentences": len(sentences),
        "pairs": len(pairs),
        "related": int(labels.sum()),
        "batch_size": args.batch_size,
        "threads": args.threads or len(os.sched_getaffinity(0)),
        "rounds": args.rounds,
        "docs": args.docs,
        "match_sample": args.match_sample,
        "ecb_topics": args.ecb_topics,
        "agreement": agreement,
        "matching": matching,
        "workers": results,
        "harness": harness,
    }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(render(figures))
    return 0


def render(f: dict[str, Any]) -> str:
    """The figures as Markdown tables."""
    base_f1 = f["matching"]["torch"]["f1"]
    lines = [
        f"{f['sentences']} FNC-1 body sentences, {f['threads']} threads, median of {f['rounds']} "
        f"rounds; matching proxy on {f['pairs']} headline-body pairs ({f['related']} related); "
        f"end to end over {f['docs']} bodies.",
        "",
        "| backend | sentences/s | speed-up vs torch | sentences/CPU-s | load s | peak RSS MB (embed) "
        "| docs/s end-to-end | peak RSS MB (pipeline) | cosine vs fp32 mean / p1 / min "
        "| proxy F1 | ΔF1 vs torch (points) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for b, w in f["workers"].items():
        a = f["agreement"][b]
        m = f["matching"][b]
        docs = w.get("docs_per_s")
        lines.append(
            f"| {b} | {w['sps']:.0f} | {w['speedup']:.2f}x | {w['sps_per_cpu_s']:.0f} | {w['load_s']:.2f} "
            f"| {w['peak_rss_mb_embed']:.0f} | {'-' if docs is None else f'{docs:.2f}'} "
            f"| {w.get('peak_rss_mb_pipeline', 0):.0f} "
            f"| {a['mean']:.4f} / {a['p1']:.4f} / {a['min']:.4f} | {m['f1']:.4f} "
            f"| {100 * (m['f1'] - base_f1):+.2f} |"
        )
    lines += [
        "",
        "sentences/s per round: "
        + "; ".join(
            f"{b} " + ", ".join(f"{x:.0f}" for x in w["sps_rounds"])
            for b, w in f["workers"].items()
        ),
    ]
    if any(f["harness"].values()):
        lines += [
            "",
            f"Matching harnesses (FNC-1: bench_match.py --sample {f['match_sample']}; "
            f"ECB+: bench_ecbplus.py --topics {' '.join(map(str, f['ecb_topics']))}):",
            "",
            "| backend | FNC-1 P / R / F1 | ΔF1 vs torch | ECB+ P / R / F1 | ΔF1 vs torch |",
            "|---|---|---|---|---|",
        ]
        ref = f["harness"]["torch"]
        for b, h in f["harness"].items():
            cells = []
            for key in ("fnc1", "ecb"):
                if key in h:
                    x = h[key]
                    cells += [
                        f"{x['precision']:.3f} / {x['recall']:.3f} / {x['f1']:.3f}",
                        f"{100 * (x['f1'] - ref[key]['f1']):+.1f}",
                    ]
                else:
                    cells += ["-", "-"]
            lines.append(f"| {b} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

"""Scale benchmark: the real pipeline over FNC-1 article bodies (first run, cached rerun, one added
document, against the bare model cost) and top-k search over 100k / 1M random claim vectors.

    nice .venv/bin/python bench/bench_scale.py --limit 200
    nice .venv/bin/python bench/bench_scale.py --skip-pipeline --vectors 100000 1000000
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

from factcheck import pipeline
from factcheck.match import ann
from factcheck.match.backends import BACKENDS
from factcheck.settings import Settings
from fnc1_util import DEFAULT_FNC1, read_bodies


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    dt = time.perf_counter() - t
    print(f"  {label}: {dt:.1f}s (peak RSS so far {peak_mib():.0f} MiB)", flush=True)
    return out, dt


def bare_model_cost(texts: list[str], claims: list[str], settings: Settings) -> tuple[float, float]:
    """spaCy parse of the document texts plus embedding of the claim texts, no factcheck code."""
    import spacy

    from factcheck.extract.nlp import resolve_model as resolve_spacy_model
    from factcheck.match.backends import load_encoder, resolve_model

    t = time.perf_counter()
    nlp = spacy.load(resolve_spacy_model(settings.spacy_model))
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    parse = time.perf_counter() - t
    t = time.perf_counter()
    # The backend's model as it comes: sentence-transformers for torch; for ONNX, the tokenizer,
    # the exported file on ONNX Runtime and pooling (load_encoder's thin path).
    model = load_encoder(
        resolve_model(settings.embedding_model)[0],
        backend=settings.embedding_backend,
        export_dir=None,
    )
    model.encode(
        list(dict.fromkeys(claims)), batch_size=settings.batch_size, normalize_embeddings=True
    )
    embed = time.perf_counter() - t
    return parse, embed


def run_pipeline(bodies: dict[str, str], limit: int | None, settings: Settings) -> None:
    ids = sorted(bodies, key=int)
    chosen, extra = ids[: limit or len(ids)], ids[(limit or len(ids)) % len(ids)]
    with tempfile.TemporaryDirectory(prefix="factcheck-scale-") as tmp:
        folder, out = Path(tmp) / "docs", Path(tmp) / "out"
        folder.mkdir()
        for i in chosen:
            (folder / f"body{int(i):05d}.txt").write_text(
                bodies[i].strip() + "\n", encoding="utf-8"
            )
        print(
            f"pipeline over {len(chosen)} FNC-1 bodies ({sum(len(bodies[i]) for i in chosen)} characters)"
        )
        cpu = time.process_time()
        first, t_first = timed(
            "first run (cold cache)", pipeline.run, [folder], settings=settings, output=out
        )
        print(f"  first run CPU time {time.process_time() - cpu:.1f}s")
        peak_first = peak_mib()
        verified = sum(len(g.pairs) for g in first.match.groups) + len(first.match.related)
        print(
            f"  matched pairs and related pairs kept: {verified} "
            f"({len(first.match.related)} related, different fact or event)"
        )
        print(
            f"  claims {len(first.claims)}, groups {len(first.match.groups)}, "
            f"near-duplicate clusters {len(first.match.sources)}, findings {len(first.report.findings)}"
        )
        print(f"  cache after first run: {first.cache_stats}")
        second, t_second = timed(
            "second run (cached)", pipeline.run, [folder], settings=settings, output=out
        )
        print(f"  cache after second run: {second.cache_stats}")
        (folder / "added.txt").write_text(
            bodies[extra].strip() + " (added copy for the benchmark)\n", encoding="utf-8"
        )
        third, t_add = timed(
            "run after adding one document", pipeline.run, [folder], settings=settings, output=out
        )
        print(f"  cache after adding: {third.cache_stats}")
        texts = [d.text for d in first.documents]
        claim_texts = [c.text for c in first.claims]
        del first, second, third
        gc.collect()
        parse, embed = bare_model_cost(texts, claim_texts, settings)
        bare = parse + embed
        print(
            f"  bare model cost: spaCy parse {parse:.1f}s + embedding {len(set(claim_texts))} claims {embed:.1f}s = {bare:.1f}s"
        )
        print(
            f"RESULT pipeline docs={len(chosen)} first={t_first:.1f}s second={t_second:.1f}s "
            f"({100 * t_second / t_first:.1f}% of first) add_one={t_add:.1f}s bare={bare:.1f}s "
            f"(first/bare = {t_first / bare:.2f}x) peak_rss_first={peak_first:.0f}MiB"
        )


def random_claims(n: int, d: int = 384, seed: int = 0, *, topical: bool = True) -> np.ndarray:
    """Random unit vectors shaped like claim embeddings.

    Clusters of 1-4 near-paraphrases (pair cosine ~0.7) around event centres; with `topical`
    the event centres themselves lie around n/1000 topic centres (cosine ~0.7 to their topic),
    as claims of a corpus about related events do. Without it the centres are uniform, which
    has no structure for any index to use (a worst case, not a realistic one).
    """
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=n)
    centre_of = np.repeat(np.arange(n), sizes)[:n]
    events = int(centre_of[-1]) + 1
    centres = rng.standard_normal((events, d), dtype=np.float32)
    if topical:
        topics = rng.standard_normal((max(1, n // 1000), d), dtype=np.float32)
        topics /= np.linalg.norm(topics, axis=1, keepdims=True)
        centres *= np.float32(1.0 / np.sqrt(d))
        centres += topics[rng.integers(0, len(topics), events)]
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = centres[centre_of]
    del centres
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        x[lo:hi] += rng.standard_normal((hi - lo, d), dtype=np.float32) * np.float32(
            0.6 / np.sqrt(d)
        )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def run_vectors(sizes: list[int], k: int, threshold: float, queries: int, *, topical: bool) -> None:
    for n in sizes:
        x = random_claims(n, topical=topical)
        t, cpu = time.perf_counter(), time.process_time()
        # ann.ann_topk(x, k=k) in its three stages, each timed (CPU seconds).
        nlist = ann.cell_count(n)
        centroids = ann.train_cells(x, nlist=nlist)
        train = time.process_time() - cpu
        probes = ann.probe_cells(x, centroids, nprobe=ann.default_nprobe(n, nlist))
        probe = time.process_time() - cpu - train
        approx = ann.ann_topk(x, k=k, probes=probes)
        dt, cpu = time.perf_counter() - t, time.process_time() - cpu
        q = np.random.default_rng(1).choice(n, size=min(queries, n), replace=False)
        exact = ann.exact_topk(x, k=k, queries=q)
        sub = ann.Neighbours(approx.index[q], approx.score[q])
        r_all = ann.recall_at_k(sub, exact)
        r_thr = ann.recall_at_k(sub, exact, threshold=threshold)
        print(
            f"RESULT vectors ({'topical' if topical else 'uniform'}) n={n} d=384 k={k}: faiss IVF top-k ({ann.cell_count(n)} cells, {ann.default_nprobe(n, ann.cell_count(n))} probes a row) for all rows {dt:.1f}s wall, {cpu:.1f}s CPU (k-means {train:.1f}, probes {probe:.1f}, scan {cpu - train - probe:.1f}); recall@{k} {r_all:.3f}, "
            f"recall of neighbours with cosine >= {threshold} {r_thr:.3f} ({len(q)} exact queries); "
            f"peak RSS {peak_mib():.0f} MiB",
            flush=True,
        )
        del x, approx
        gc.collect()


def run_sampled(sizes: list[int], k: int, queries: int, cells: int, *, topical: bool) -> None:
    """The faiss IVF on a sample of its cells: its recall and an estimate of its full cost.

    The cells are trained and every row's probes found as in `ann.ann_topk` (timed: that part is
    the same whatever the sample), then the rows of `cells` random cells are searched by the
    real join (timed, and scaled by the number of cells to estimate the whole). Their neighbours
    are exactly those the full search would give them, so the recall of `queries` of those rows
    against exact search is the full search's recall, measured on a sample.
    """
    for n in sizes:
        x = random_claims(n, topical=topical)
        nlist = ann.cell_count(n)
        cpu = time.process_time()
        probes = ann.cell_probes(x, nlist=nlist, nprobe=ann.default_nprobe(n, nlist))
        train = time.process_time() - cpu
        sample = np.random.default_rng(2).choice(nlist, size=min(cells, nlist), replace=False)
        cpu = time.process_time()
        approx = ann.ann_topk(x, k=k, probes=probes, cells=sample.tolist())
        join = time.process_time() - cpu
        searched = np.nonzero(np.isin(probes[:, 0], sample))[0]
        q = np.random.default_rng(1).choice(
            searched, size=min(queries, len(searched)), replace=False
        )
        # Exact neighbours of the queries in float32 (ties do not matter to recall).
        sims = x[q] @ x.T
        sims[np.arange(len(q)), q] = -np.inf
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        exact = ann.Neighbours(top, np.take_along_axis(sims, top, axis=1))
        recall = ann.recall_at_k(ann.Neighbours(approx.index[q], approx.score[q]), exact)
        whole = train + join * nlist / len(sample)
        print(
            f"RESULT sampled IVF ({'topical' if topical else 'uniform'}) n={n} d=384 k={k}: "
            f"{nlist} cells, {probes.shape[1]} probes per row; cells and probes {train:.1f}s CPU; "
            f"join of {len(sample)} cells ({len(searched)} rows) {join:.1f}s CPU; estimated "
            f"all rows {whole:.0f}s CPU; recall@{k} {recall:.3f} ({len(q)} exact queries); "
            f"peak RSS {peak_mib():.0f} MiB",
            flush=True,
        )
        del x, approx, probes
        gc.collect()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--limit", type=int, default=None, help="documents to use (default: all 1,683)")
    ap.add_argument("--vectors", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--queries", type=int, default=500, help="rows checked against exact search")
    ap.add_argument("--skip-pipeline", action="store_true")
    ap.add_argument(
        "--sample-cells",
        type=int,
        default=None,
        help="search only this many random cells of the index (recall and an estimated cost)",
    )
    ap.add_argument(
        "--embedding-backend",
        choices=BACKENDS,
        default=Settings().embedding_backend,
        help="embedding backend for the pipeline and the bare model cost",
    )
    ap.add_argument(
        "--verifier",
        default=Settings().verifier,
        help="claim-pair verifier for the pipeline: builtin, a folder or off (default: %(default)s)",
    )
    ap.add_argument(
        "--uniform", action="store_true", help="structureless random vectors (worst case)"
    )
    ap.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads for faiss and the index scan (default: all cores)",
    )
    args = ap.parse_args(argv)
    import faiss

    if args.threads:
        faiss.omp_set_num_threads(args.threads)
        ann._workers = lambda: args.threads  # type: ignore[attr-defined]

    print(
        f"# {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()}: {os.cpu_count()} cores, "
        f"faiss threads {faiss.omp_get_max_threads()}, python {platform.python_version()}"
    )
    settings = Settings(embedding_backend=args.embedding_backend, verifier=args.verifier)
    print(f"# embedding backend {settings.embedding_backend}, verifier {settings.verifier}")
    if not args.skip_pipeline:
        run_pipeline(read_bodies(args.bodies), args.limit, settings)
    if args.vectors and args.sample_cells:
        sample = (args.vectors, args.k, args.queries, args.sample_cells)
        run_sampled(*sample, topical=not args.uniform)
    elif args.vectors:
        run_vectors(
            args.vectors,
            args.k,
            settings.similarity_threshold,
            args.queries,
            topical=not args.uniform,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

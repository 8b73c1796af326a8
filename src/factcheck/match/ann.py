"""Nearest-neighbour search over unit vectors: exact blocked matrix products, or a k-means cell self-join at scale."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Neighbours",
    "ann_topk",
    "default_nprobe",
    "exact_topk",
    "neighbour_pairs",
    "recall_at_k",
]

# Bound the similarity block held in memory during exact search (float32 cells: 256 MiB).
_BLOCK_CELLS = 64 * 1024 * 1024


@dataclass(frozen=True)
class Neighbours:
    """Top-k neighbours per row: `index[i, r]` is the r-th neighbour of row i (-1: none)."""

    index: np.ndarray  # (n, k) int64
    score: np.ndarray  # (n, k) float32, -inf where index is -1


def exact_topk(
    vectors: np.ndarray,
    *,
    k: int,
    groups: np.ndarray | None = None,
    queries: np.ndarray | None = None,
) -> Neighbours:
    """Exact top-k by inner product, in row blocks so that memory stays bounded.

    Rows never see themselves, nor rows with the same `groups` value (same document or
    source); `queries` limits the search to those row indices (the rest get no neighbours).
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = x.shape[0]
    rows = np.arange(n) if queries is None else np.asarray(queries, dtype=np.int64)
    k_eff = min(k, max(n - 1, 0))
    index = np.full((len(rows), k), -1, dtype=np.int64)
    score = np.full((len(rows), k), -np.inf, dtype=np.float32)
    if k_eff == 0 or len(rows) == 0:
        return Neighbours(index, score)
    block = max(1, min(len(rows), _BLOCK_CELLS // max(n, 1)))
    for lo in range(0, len(rows), block):
        q = rows[lo : lo + block]
        sims = x[q] @ x.T
        sims[np.arange(len(q)), q] = -np.inf
        if groups is not None:
            sims[groups[q][:, None] == groups[None, :]] = -np.inf
        part = np.argpartition(-sims, k_eff - 1, axis=1)[:, :k_eff]
        part_scores = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_scores), axis=1)
        idx = np.take_along_axis(part, order, axis=1)
        sc = np.take_along_axis(part_scores, order, axis=1)
        idx[~np.isfinite(sc)] = -1
        index[lo : lo + len(q), :k_eff] = idx
        score[lo : lo + len(q), :k_eff] = sc
    return Neighbours(index, score)


def _kmeans(x: np.ndarray, k: int, *, seed: int) -> np.ndarray:
    """Spherical k-means centroids (faiss), on at most 64 points per centroid."""
    import faiss

    rng = np.random.default_rng(seed)
    if len(x) > k * 64:
        x = x[np.sort(rng.choice(len(x), k * 64, replace=False))]
    km = faiss.Kmeans(x.shape[1], k, niter=10, seed=seed, spherical=True, verbose=False)
    km.train(np.ascontiguousarray(x, dtype=np.float32))
    return np.ascontiguousarray(km.centroids, dtype=np.float32)


def _assign(x: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    out = np.empty(len(x), dtype=np.int64)
    step = max(1, _BLOCK_CELLS // max(len(centroids), 1))
    for lo in range(0, len(x), step):
        out[lo : lo + step] = np.argmax(x[lo : lo + step] @ centroids.T, axis=1)
    return out


def _cells(x: np.ndarray, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """About 4*sqrt(n) cells from two-level k-means: (centroids, cell of each row).

    A coarse k-means into ~sqrt(nlist) parts, then a k-means inside each part, costs a small
    fraction of one flat k-means with nlist centroids, for cells that are nearly as good.
    """
    n = len(x)
    nlist = int(2 ** round(math.log2(max(4.0 * math.sqrt(n), 16.0))))
    nlist = max(2, min(nlist, n // 39))  # k-means wants ~39 training points per centroid
    coarse_k = max(2, round(math.sqrt(nlist)))
    coarse = _kmeans(x, coarse_k, seed=seed)
    part = _assign(x, coarse)
    centroids: list[np.ndarray] = []
    cell = np.empty(n, dtype=np.int64)
    for p in range(coarse_k):
        rows = np.nonzero(part == p)[0]
        if len(rows) == 0:
            continue
        k = max(1, min(round(nlist * len(rows) / n), len(rows) // 39))
        sub = _kmeans(x[rows], k, seed=seed) if k > 1 else coarse[p : p + 1]
        cell[rows] = len(centroids) + _assign(x[rows], sub)
        centroids.extend(sub)
    return np.stack(centroids), cell


# Candidate pairs (rows x candidates) the default probing may cost: about 25 s on 2 cores.
_PAIR_BUDGET = 2e9


def default_nprobe(n: int, nlist: int) -> int:
    """Cells each cell is compared with: up to an eighth of them while the pairs stay in budget.

    A cell's rows meet about n * nprobe / nlist candidates, so the join costs about
    n**2 * nprobe / nlist pairs. Up to about 150k rows the budget allows an eighth of the cells
    (FNC-1's 28k real claim vectors: recall of neighbours with cosine >= 0.55 is 0.90, against
    0.78 with 16 cells), fewer above, and the floor of 16 from about 700k rows.
    """
    budget = int(_PAIR_BUDGET * nlist / max(n * n, 1))
    return max(16, min(nlist // 8, budget))


def ann_topk(
    vectors: np.ndarray,
    *,
    k: int,
    groups: np.ndarray | None = None,
    nprobe: int | None = None,
    seed: int = 0,
) -> Neighbours:
    """Approximate top-k for every row: an inverted-file self-join over k-means cells.

    The rows are split into about 4*sqrt(n) cells (two-level spherical k-means with faiss).
    Every cell is then compared, with one matrix product, against the rows of the `nprobe`
    cells whose centroids are nearest its own (itself included; default: :func:`default_nprobe`).
    All rows of a cell share that product, which is why this beats querying an index row by
    row when the queries are the corpus itself. Scores are exact inner products; only the candidate cells are approximate.
    Same-group rows are excluded as in `exact_topk`.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = x.shape[0]
    if n < 2 * 39 or k >= n:
        return exact_topk(x, k=k, groups=groups)
    centroids, assign = _cells(x, seed=seed)
    nlist = len(centroids)
    probe = min(nprobe or default_nprobe(n, nlist), nlist)
    csims = centroids @ centroids.T
    near = np.argsort(-csims, axis=1, kind="stable")[:, :probe]
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(nlist + 1))
    members_of = [order[bounds[c] : bounds[c + 1]] for c in range(nlist)]
    index = np.full((n, k), -1, dtype=np.int64)
    score = np.full((n, k), -np.inf, dtype=np.float32)

    def join(c: int) -> None:
        members = members_of[c]
        if len(members) == 0:
            return
        # The cell itself first, so that row r of the cell sits at column r (masked as self).
        cand = np.concatenate([members, *(members_of[o] for o in near[c] if o != c)])
        kk = min(k, len(cand) - 1)
        if kk <= 0:
            return
        cand_x = x[cand]
        block = max(1, _BLOCK_CELLS // (len(cand) * 4))
        for lo in range(0, len(members), block):
            rows = members[lo : lo + block]
            sims = x[rows] @ cand_x.T
            sims[np.arange(len(rows)), np.arange(lo, lo + len(rows))] = -np.inf
            if groups is not None:
                sims[groups[rows][:, None] == groups[cand][None, :]] = -np.inf
            part = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            part_scores = np.take_along_axis(sims, part, axis=1)
            best = np.argsort(-part_scores, axis=1, kind="stable")
            idx = cand[np.take_along_axis(part, best, axis=1)]
            sc = np.take_along_axis(part_scores, best, axis=1)
            idx[~np.isfinite(sc)] = -1
            index[rows, :kk] = idx
            score[rows, :kk] = sc

    # Cells are small: one BLAS thread per product and one cell per core beats threaded BLAS
    # on tiny matrices by a wide margin (thread wake-ups dominate). Rows are disjoint per cell.
    with _single_threaded_blas(), ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(join, range(nlist)))
    return Neighbours(index, score)


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


def neighbour_pairs(
    vectors: np.ndarray,
    *,
    k: int,
    threshold: float,
    groups: np.ndarray | None = None,
    ann_threshold: int = 20_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique pairs (i < j) where one is in the other's top-k with similarity >= threshold.

    Exact search up to `ann_threshold` rows, the faiss index above. Returns (i, j, similarity),
    sorted by (i, j).
    """
    n = vectors.shape[0]
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    search = exact_topk if n <= ann_threshold else ann_topk
    nb = search(vectors, k=k, groups=groups)
    rows = np.repeat(np.arange(n, dtype=np.int64), nb.index.shape[1])
    cols = nb.index.reshape(-1)
    sims = nb.score.reshape(-1)
    keep = (cols >= 0) & (sims >= threshold)
    a, b, s = rows[keep], cols[keep], sims[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * n + hi
    _, first = np.unique(key, return_index=True)
    return lo[first], hi[first], s[first].astype(np.float32)


def recall_at_k(approx: Neighbours, exact: Neighbours, *, threshold: float | None = None) -> float:
    """Share of the exact neighbours (above `threshold`, if given) that the approximate search found."""
    total = hit = 0
    for r in range(exact.index.shape[0]):
        valid = exact.index[r] >= 0
        if threshold is not None:
            valid &= exact.score[r] >= threshold
        truth = set(exact.index[r][valid].tolist())
        total += len(truth)
        hit += len(truth & set(approx.index[r].tolist()))
    return hit / total if total else 1.0

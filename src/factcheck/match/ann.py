"""Nearest-neighbour search over unit vectors: exact blocked search, a faiss IVF at scale, kept up to date."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import numpy as np

__all__ = [
    "NeighbourTable",
    "Neighbours",
    "ann_topk",
    "cell_count",
    "cell_probes",
    "default_nprobe",
    "exact_topk",
    "neighbour_pairs",
    "pairs_of",
    "recall_at_k",
    "update_topk",
]

# Bound the similarity block held in memory (float64 cells while they are summed: 8 MiB a block; larger blocks were no faster and took 1.5 GB of temporaries at 17,000 claims).
_BLOCK_CELLS = 1024 * 1024
# Database rows cast to float64 at once by exact search (keeps a 1M x 384 corpus in float32).
_DB_CHUNK = 65_536


@dataclass(frozen=True)
class Neighbours:
    """Top-k neighbours per row: `index[i, r]` is the r-th neighbour of row i (-1: none)."""

    index: np.ndarray  # (n, k) int64
    score: np.ndarray  # (n, k) float32, -inf where index is -1


# ---------------------------------------------------------------------------- ordering


def _order_key(scores: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """A total order on (score, rank) as int64: a higher score first, then the lower rank.

    float32 bits are mapped so that integer order is float order, then the rank breaks ties,
    so that which of several equal scores make the top k never depends on where they sit.
    """
    bits = np.ascontiguousarray(scores, dtype=np.float32).view(np.int32).astype(np.int64)
    bits = np.where(bits >= 0, bits, bits ^ 0x7FFFFFFF)
    return (bits << 32) | (0xFFFFFFFF - rank.astype(np.int64))


def _top(
    scores: np.ndarray, cols: np.ndarray, rank: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the k best of `scores` (rows x m) by (score, rank of the column), best first.

    `cols` holds the row number each column stands for (rows x m, or m shared by all rows);
    -inf scores never count. Returns (index, score), -1 / -inf where a row has fewer than k.
    """
    rows, m = scores.shape
    cols = np.broadcast_to(cols, scores.shape)
    index = np.full((rows, k), -1, dtype=np.int64)
    score = np.full((rows, k), -np.inf, dtype=np.float32)
    kk = min(k, m)
    if kk == 0 or rows == 0:
        return index, score
    key = _order_key(scores, np.where(cols >= 0, rank[np.maximum(cols, 0)], 0))
    part = (
        np.argpartition(-key, kk - 1, axis=1)[:, :kk]
        if kk < m
        else np.tile(np.arange(m), (rows, 1))
    )
    best = np.argsort(-np.take_along_axis(key, part, axis=1), axis=1, kind="stable")
    pick = np.take_along_axis(part, best, axis=1)
    sc = np.take_along_axis(scores, pick, axis=1).astype(np.float32)
    idx = np.take_along_axis(cols, pick, axis=1).astype(np.int64)
    idx[~np.isfinite(sc)] = -1
    sc[idx < 0] = -np.inf
    index[:, :kk] = idx
    score[:, :kk] = sc
    return index, score


def _similarities(x: np.ndarray, rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
    """Inner products of `rows` with `cols` (default: every row) as float32, summed in float64.

    Products of float32 numbers are exact in float64, so the float32 result of a pair is the
    same whichever block, shape or operand order computed it: an incremental run that scores
    a new claim against the corpus gets the very numbers a cold run gets.
    """
    q = x[rows].astype(np.float64)
    db = np.arange(len(x)) if cols is None else cols
    out = np.empty((len(rows), len(db)), dtype=np.float32)
    for lo in range(0, len(db), _DB_CHUNK):
        out[:, lo : lo + _DB_CHUNK] = q @ x[db[lo : lo + _DB_CHUNK]].astype(np.float64).T
    return out


def exact_topk(
    vectors: np.ndarray,
    *,
    k: int,
    groups: np.ndarray | None = None,
    queries: np.ndarray | None = None,
    rank: np.ndarray | None = None,
) -> Neighbours:
    """Exact top-k by inner product, in row blocks so that memory stays bounded.

    Rows never see themselves, nor rows with the same `groups` value (same document or
    source); `queries` limits the search to those row indices (the rest get no neighbours).
    Equal scores go to the lower `rank` (default: the row number), so the result is one
    function of the vectors whatever the blocks.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = x.shape[0]
    rows = np.arange(n) if queries is None else np.asarray(queries, dtype=np.int64)
    order = np.arange(n, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    index = np.full((len(rows), k), -1, dtype=np.int64)
    score = np.full((len(rows), k), -np.inf, dtype=np.float32)
    if n < 2 or len(rows) == 0:
        return Neighbours(index, score)
    block = max(1, min(len(rows), _BLOCK_CELLS // max(n, 1)))
    cols = np.arange(n, dtype=np.int64)
    for lo in range(0, len(rows), block):
        q = rows[lo : lo + block]
        sims = _similarities(x, q)
        sims[np.arange(len(q)), q] = -np.inf
        if groups is not None:
            sims[groups[q][:, None] == groups[None, :]] = -np.inf
        index[lo : lo + len(q)], score[lo : lo + len(q)] = _top(sims, cols, order, k)
    return Neighbours(index, score)


# ---------------------------------------------------------------------------- approximate


def cell_count(n: int) -> int:
    """About 2*sqrt(n) cells (a power of two), with k-means' ~39 training points per cell."""
    nlist = int(2 ** round(math.log2(max(2.0 * math.sqrt(n), 16.0))))
    return max(2, min(nlist, n // 39))


def default_nprobe(n: int, nlist: int) -> int:
    """Cells each row probes: an eighth of them, but no more than ~8,192 candidates, nor under 16.

    More, smaller cells find more neighbours for the same share of rows scanned (real claim
    embeddings, 31,338 claims, an eighth scanned: recall@10 0.90 with 64 cells, 0.94 with
    128, 0.96 with 256, 0.98 with 512), so a row scans up to `_SCAN_BUDGET` candidates in
    many small cells. At 1M rows (2,048 cells) that is 16 probes, about 7,800 candidates.
    """
    per_cell = max(1, n // max(nlist, 1))
    return max(1, min(nlist, max(16, min(nlist // 8, _SCAN_BUDGET // per_cell))))


# Candidates a row scans at most when an eighth of the cells would be more (see default_nprobe).
_SCAN_BUDGET = 8192


@dataclass(frozen=True)
class Cells:
    """An inverted file's coarse quantizer: spherical k-means centroids and each row's probes.

    `probes[i]` holds the `nprobe` cells nearest row i (:func:`probe_cells`): `probes[i, 0]`,
    the nearest, is the cell whose inverted list holds row i; the others follow by number.
    """

    centroids: np.ndarray  # (nlist, d) float32
    probes: np.ndarray  # (n, nprobe) int64

    @property
    def nlist(self) -> int:
        return int(self.centroids.shape[0])


def train_cells(x: np.ndarray, *, nlist: int, seed: int = 0) -> np.ndarray:
    """Spherical k-means centroids (faiss), seeded; at most 64 sampled rows per cell, 10 rounds."""
    import faiss

    km = faiss.Kmeans(
        x.shape[1],
        nlist,
        niter=10,
        seed=seed,
        spherical=True,
        verbose=False,
        max_points_per_centroid=64,
    )
    km.train(x)
    return np.ascontiguousarray(km.centroids, dtype=np.float32)


def probe_cells(x: np.ndarray, centroids: np.ndarray, *, nprobe: int) -> np.ndarray:
    """Each row's `nprobe` nearest centroids by exact inner product: the nearest, then the rest by number.

    faiss's flat quantizer finds a few more than `nprobe` by float32 BLAS, whose rounding
    depends on the rows searched together and on the threads. Where that rounding could have
    decided which cell is nearest or which make the `nprobe` (scores in a chain of near ties,
    within the error bound of each other, across the first place or the last one kept), those
    cells are scored again exactly (:func:`_pair_scores`; ties go to the lower cell), so a
    row's probes are a function of the row and the centroids alone: a new row gets the probes
    a search from scratch gives it. The order of the others is not decided: they follow by
    cell number.
    """
    import faiss

    x = np.ascontiguousarray(x, dtype=np.float32)
    c = np.ascontiguousarray(centroids, dtype=np.float32)
    nlist = len(c)
    p = min(nprobe, nlist)
    want = min(nlist, p + _PROBE_EXTRA)
    quantizer = faiss.IndexFlatIP(c.shape[1])
    quantizer.add(c)
    found, cell = quantizer.search(x, want)
    score = np.asarray(found, dtype=np.float32)
    cell = np.asarray(cell, dtype=np.int64)
    margin = 2 * _float32_slack(c.shape[1]) * float(_norms(c).max()) * _norms(x)
    close = score[:, :-1] - score[:, 1:].astype(np.float64) <= margin[:, None]
    chained = np.zeros(score.shape, dtype=bool)
    if want > 1:
        # The chain of near ties from the first place down, and the one across the p-th place.
        first = np.logical_and.accumulate(close, axis=1)
        chained[:, 0] = first[:, 0]
        chained[:, 1:] = first
    open_end = np.zeros(len(x), dtype=bool)
    if p < want:
        down = np.logical_and.accumulate(close[:, :p][:, ::-1], axis=1)[:, ::-1]
        up = np.logical_and.accumulate(close[:, p - 1 :], axis=1)
        chained[:, :p] |= down
        chained[:, p:] |= up
        open_end = up[:, -1] if want < nlist else open_end
    chained[open_end] = False
    r, j = np.nonzero(chained)
    score[r, j] = _pair_scores(x, r, c, cell[r, j])
    resort = np.nonzero(chained.any(axis=1))[0]
    key = _order_key(score[resort], cell[resort])
    cell[resort] = np.take_along_axis(cell[resort], np.argsort(-key, axis=1), axis=1)
    wide = np.nonzero(open_end)[0]
    if len(wide):
        every = np.tile(np.arange(nlist, dtype=np.int64), len(wide))
        exact = _pair_scores(x, np.repeat(wide, nlist), c, every).reshape(len(wide), nlist)
        cell[wide, :p] = _top(exact, np.arange(nlist), np.arange(nlist), p)[0]
    probes = np.ascontiguousarray(cell[:, :p])
    probes[:, 1:].sort(axis=1)
    return probes


# Cells the flat quantizer finds beyond nprobe, so that near ties at the nprobe-th place are seen.
_PROBE_EXTRA = 4


def build_cells(x: np.ndarray, *, nprobe: int | None = None, seed: int = 0) -> Cells:
    """The cells for `x`: :func:`cell_count` centroids and every row's probes."""
    n = x.shape[0]
    nlist = cell_count(n)
    centroids = train_cells(x, nlist=nlist, seed=seed)
    return Cells(centroids, probe_cells(x, centroids, nprobe=nprobe or default_nprobe(n, nlist)))


def cell_probes(x: np.ndarray, *, nlist: int, nprobe: int, seed: int = 0) -> np.ndarray:
    """Each row's `nprobe` nearest of `nlist` trained cells, as probe_cells (for benchmarks)."""
    return probe_cells(x, train_cells(x, nlist=nlist, seed=seed), nprobe=nprobe)


def ann_topk(
    vectors: np.ndarray,
    *,
    k: int,
    groups: np.ndarray | None = None,
    rank: np.ndarray | None = None,
    nprobe: int | None = None,
    seed: int = 0,
    probes: np.ndarray | None = None,
    cells: Sequence[int] | None = None,
) -> Neighbours:
    """Approximate top-k for every row: an inverted file (faiss k-means cells, per-row probing).

    Every row is scored exactly against the rows of its `nprobe` nearest cells (default:
    :func:`default_nprobe`), which is what faiss's IndexIVFFlat search returns; the scan runs
    list by list as BLAS products (:func:`ivf_search`). Same-group rows are excluded and equal
    scores go to the lower `rank`, as in `exact_topk`.

    For benchmarks: `probes` gives :func:`cell_probes`' result for these vectors (its cost then
    falls outside this call), and `cells` limits the search to the rows whose own cell is one
    of them (the other rows get no neighbours), so that a sample of cells shows the recall and
    the cost of the whole.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = x.shape[0]
    if n < 2 * 39 or k >= n:
        return exact_topk(x, k=k, groups=groups, rank=rank)
    if probes is None:
        probes = build_cells(x, nprobe=nprobe, seed=seed).probes
    nlist = int(probes.max()) + 1
    rows = np.arange(n, dtype=np.int64)
    if cells is not None:
        rows = rows[np.isin(probes[:, 0], np.asarray(cells, dtype=np.int64))]
    found = ivf_search(x, probes, k=k, nlist=nlist, queries=rows, groups=groups, rank=rank)
    if cells is None:
        return found
    index = np.full((n, k), -1, dtype=np.int64)
    score = np.full((n, k), -np.inf, dtype=np.float32)
    index[rows], score[rows] = found.index, found.score
    return Neighbours(index, score)


def ivf_search(
    x: np.ndarray,
    probes: np.ndarray,
    *,
    k: int,
    nlist: int,
    queries: np.ndarray,
    members: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    rank: np.ndarray | None = None,
) -> Neighbours:
    """Top-k of each row of `queries` among the `members` (default: all rows) in the cells it probes.

    The inverted lists are scanned one at a time: the rows that probe a list are scored against
    its members with one float32 BLAS product, so the work is that of faiss's IndexIVFFlat
    search (every query meets exactly the members of its probed lists) at the speed of a matrix
    product. A row first scans its own cell, whose k-th best score less twice the float32
    error bound (:func:`_float32_slack`) is a floor no neighbour can fall under; the other cells
    keep only the pairs above it. Among those, the pairs within the error bound of the k-th
    best are scored again exactly (:func:`_pair_scores`), so the result is the top k by exact
    score of all the candidates, a function of the vectors alone: the same whatever the BLAS
    shapes, the number of threads, or whether the search is full, sampled or incremental. Rows
    never meet themselves nor same-`groups` rows; equal scores go to the lower `rank`.
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    n = x.shape[0]
    order = np.arange(n, dtype=np.int64) if rank is None else np.asarray(rank, dtype=np.int64)
    label = np.arange(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    queries = np.asarray(queries, dtype=np.int64)
    nq, nprobe = len(queries), probes.shape[1]
    if nq == 0:
        return _no_neighbours(0, k)
    members = np.arange(n, dtype=np.int64) if members is None else np.sort(members)
    own = probes[members, 0]
    by_cell = np.argsort(own, kind="stable")
    listed = members[by_cell]  # every inverted list is one slice, rows ascending
    bounds = np.searchsorted(own[by_cell], np.arange(nlist + 1))
    norms = _norms(x)
    margin = (2 * _float32_slack(x.shape[1]) * float(norms[members].max())) * norms[queries]
    floor = np.full(nq, _LOWEST, dtype=np.float32)
    small = np.int32 if n < 2**31 else np.int64  # the pairs kept: rows as int32 at any real size
    found: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in range(nlist)]

    def scan(by_list: np.ndarray, cut: np.ndarray, first: bool, c: int) -> None:
        entries = by_list[cut[c] : cut[c + 1]]
        mem = listed[bounds[c] : bounds[c + 1]]
        if len(mem) == 0 or len(entries) == 0:
            return
        y = x[mem]
        m = len(mem)
        if first:
            mem_label = label[mem]
            label_order = np.argsort(mem_label, kind="stable")
            sorted_label = mem_label[label_order]
        for lo in range(0, len(entries), _SCAN_ROWS):
            qi = entries[lo : lo + _SCAN_ROWS]
            rows = queries[qi]
            sims = x[rows] @ y.T
            if first:
                # The row's own cell: its k-th best score (if it has k) sets the floor.
                _exclude_same_label(sims, label[rows], sorted_label, label_order)
                if m >= k:
                    kth = np.partition(sims, m - k, axis=1)[:, m - k]
                    floor[qi] = np.maximum(kth - margin[qi], _LOWEST)
                else:
                    floor[qi] = _LOWEST
            hit = np.flatnonzero(sims >= floor[qi][:, None])
            r, col = np.divmod(hit, m)
            hq, hm = qi[r], mem[col]
            if not first:
                keep = label[queries[hq]] != label[hm]
                hit, hq, hm = hit[keep], hq[keep], hm[keep]
            found[c].append((hq.astype(small), hm.astype(small), sims.reshape(-1)[hit]))

    slot_lists = probes[queries]
    # Cell numbers fit 16 bits at any size this index builds: a radix sort, linear in the rows.
    cell_type = np.uint16 if nlist <= 2**16 else np.int64
    for slots, first in ((slice(0, 1), True), (slice(1, nprobe), False)):
        cells = slot_lists[:, slots].astype(cell_type).reshape(-1)
        width = slot_lists[:, slots].shape[1]
        if width == 0:
            continue
        by_list = np.argsort(cells, kind="stable")
        cut = np.searchsorted(cells[by_list], np.arange(nlist + 1))
        entry_rows = by_list // width
        _each_cell(nlist, partial(scan, entry_rows, cut, first))
    parts = [p for per_list in found for p in per_list]
    if not parts:
        return _no_neighbours(nq, k)
    hq = np.concatenate([p[0] for p in parts])
    hm = np.concatenate([p[1] for p in parts])
    hs = np.concatenate([p[2] for p in parts])
    return _rescore_top(x, queries, hq, hm, hs, margin, order, k)


def _exclude_same_label(
    sims: np.ndarray, row_label: np.ndarray, sorted_label: np.ndarray, label_order: np.ndarray
) -> None:
    """Set to -inf the scores of pairs whose labels are equal (a row and itself, or one group)."""
    lo = np.searchsorted(sorted_label, row_label, "left")
    count = np.searchsorted(sorted_label, row_label, "right") - lo
    total = int(count.sum())
    if total == 0:
        return
    r = np.repeat(np.arange(len(row_label)), count)
    start = np.repeat(lo - (np.cumsum(count) - count), count)
    sims[r, label_order[np.arange(total) + start]] = -np.inf


def _no_neighbours(rows: int, k: int) -> Neighbours:
    return Neighbours(
        np.full((rows, k), -1, dtype=np.int64), np.full((rows, k), -np.inf, dtype=np.float32)
    )


def _float32_slack(d: int) -> float:
    """Twice the bound on |float32 BLAS dot - exact dot| / (|a| |b|) for length-d vectors.

    Any float32 summation order gives at most gamma_d = d*u / (1 - d*u) times sum |a_i b_i|
    (Higham, Accuracy and Stability, 3.1), and sum |a_i b_i| <= |a| |b|; two more units
    cover rounding the exact score to float32 and its float64 sum. Doubled for safety: the
    margin it sets holds about one extra pair a row.
    """
    u = 2.0**-24
    return 2.0 * (d + 2) * u / (1.0 - (d + 2) * u)


def _norms(x: np.ndarray) -> np.ndarray:
    """Row norms, rounded up a little (float32 sums: only the float32 error bound reads them)."""
    squares: np.ndarray = np.einsum("ij,ij->i", x, x)
    return np.sqrt(squares.astype(np.float64)) * (1 + 1e-4)


def _pair_scores(a: np.ndarray, ia: np.ndarray, b: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Exact inner products of rows a[ia[i]] and b[ib[i]]: float32 products summed in float64.

    Each pair is summed alone (NumPy's pairwise sum along one row), then rounded to float32,
    so its score is a function of the two vectors only, whatever else is scored with it.
    """
    out = np.empty(len(ia), dtype=np.float32)
    rows = min(_PAIR_ROWS, len(ia))
    wide = np.empty((rows, a.shape[1]), dtype=np.float64)
    narrow = np.empty((rows, a.shape[1]), dtype=np.float32)
    sums = np.empty(rows, dtype=np.float64)
    for lo in range(0, len(ia), _PAIR_ROWS):
        m = min(_PAIR_ROWS, len(ia) - lo)
        np.take(a, ia[lo : lo + m], axis=0, out=narrow[:m])
        wide[:m] = narrow[:m]
        np.take(b, ib[lo : lo + m], axis=0, out=narrow[:m])
        wide[:m] *= narrow[:m]
        np.sum(wide[:m], axis=1, out=sums[:m])
        out[lo : lo + m] = sums[:m]
    return out


def _float_order(s: np.ndarray) -> np.ndarray:
    """float32 values as int64 in [0, 2**32) with the same order (a higher score, a higher key)."""
    bits = np.ascontiguousarray(s, dtype=np.float32).view(np.uint32).astype(np.int64)
    return np.where(bits >= 2**31, 0xFFFFFFFF - bits, bits + 2**31)


def _from_order(key: np.ndarray) -> np.ndarray:
    """The inverse of :func:`_float_order`."""
    bits = np.where(key >= 2**31, key - 2**31, 0xFFFFFFFF - key)
    return bits.astype(np.uint32).view(np.float32)


def _rescore_top(
    x: np.ndarray,
    queries: np.ndarray,
    hq: np.ndarray,
    hm: np.ndarray,
    hs: np.ndarray,
    margin: np.ndarray,
    rank: np.ndarray,
    k: int,
) -> Neighbours:
    """Top k by (exact score, rank) of the candidate pairs (query slot hq, member hm, float32 hs).

    Only pairs within `margin` of their row's k-th best float32 score can make its top k by
    exact score, so only they are scored again (:func:`_pair_scores`).
    """
    nq = len(queries)
    hq = hq.astype(np.int64)
    key = np.sort((hq << 32) | (0xFFFFFFFF - _float_order(hs)))
    start = np.searchsorted(key >> 32, np.arange(nq + 1))
    has_k = start[1:] - start[:-1] >= k
    kth = np.full(nq, -np.inf)
    kth[has_k] = _from_order(0xFFFFFFFF - (key[start[:-1][has_k] + k - 1] & 0xFFFFFFFF))
    del key
    near = np.nonzero(hs >= kth[hq] - margin[hq])[0]
    # By row, so that each query vector is read once for its pairs.
    near = near[np.argsort(hq[near], kind="stable")]
    bq, bm = hq[near], hm[near].astype(np.int64)
    exact = _pair_scores(x, queries[bq], x, bm)
    by = np.lexsort((-_order_key(exact, rank[bm]), bq))
    bq, bm, exact = bq[by], bm[by], exact[by]
    place = np.arange(len(bq)) - np.searchsorted(bq, np.arange(nq))[bq]
    top = place < k
    out = _no_neighbours(nq, k)
    out.index[bq[top], place[top]] = bm[top]
    out.score[bq[top], place[top]] = exact[top]
    return out


_LOWEST = np.float32(np.finfo(np.float32).min)
# Pairs scored again exactly at a time (float64 products: 3 MiB at 384 dimensions).
_PAIR_ROWS = 1024


# Rows scored against one inverted list at a time.
_SCAN_ROWS = 2048


def _workers() -> int:
    return os.cpu_count() or 1


def _each_cell(nlist: int, scan: Callable[[int], None]) -> None:
    """Run `scan` on every cell, on :func:`_workers` threads, each with single-threaded BLAS."""
    with _single_threaded_blas():
        if _workers() == 1:
            for c in range(nlist):
                scan(c)
            return
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            list(pool.map(scan, range(nlist)))


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


# ---------------------------------------------------------------------------- kept up to date


# Bump when the stored table's layout or meaning changes.
_TABLE_VERSION = 3  # 3: probes are exact (probe_cells), the nearest then by number


@dataclass(frozen=True)
class NeighbourTable:
    """The top-k table of one run, stored so that the next run only searches what changed.

    Rows are named by `keys` (a claim's id and text hash), `labels` say which rows may not
    pair (the claim's source), `exact` whether the table came from exact search; an
    approximate table keeps its `cells` (the index: centroids and every row's probes), so that
    the next run adds its new rows to the same inverted lists.
    """

    keys: list[str]
    labels: list[str]
    neighbours: Neighbours
    exact: bool
    cells: Cells | None = None

    def dumps(self) -> bytes:
        buf = io.BytesIO()
        centroids = np.zeros((0, 0), np.float32) if self.cells is None else self.cells.centroids
        probes = np.zeros((0, 0), np.int32) if self.cells is None else self.cells.probes
        np.savez(
            buf,
            version=np.array([_TABLE_VERSION]),
            keys=_joined(self.keys),
            labels=_joined(self.labels),
            index=self.neighbours.index,
            score=self.neighbours.score,
            exact=np.array([self.exact]),
            centroids=centroids.astype(np.float32),
            probes=probes.astype(np.int32),
        )
        return buf.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> NeighbourTable | None:
        """The table, or None when `data` is not one this version wrote."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                if int(z["version"][0]) != _TABLE_VERSION:
                    return None
                keys, labels = _split(z["keys"]), _split(z["labels"])
                index, score = z["index"].astype(np.int64), z["score"].astype(np.float32)
                exact = bool(z["exact"][0])
                centroids = z["centroids"].astype(np.float32)
                probes = z["probes"].astype(np.int64)
        except (OSError, ValueError, KeyError, IndexError, UnicodeDecodeError):
            return None
        n = len(keys)
        if len(labels) != n or index.shape != score.shape or index.ndim != 2 or len(index) != n:
            return None
        if index.size and (index.max() >= n or index.min() < -1):
            return None
        cells = None
        if centroids.size:
            if probes.ndim != 2 or len(probes) != n or centroids.ndim != 2:
                return None
            if probes.size and (probes.min() < 0 or probes.max() >= len(centroids)):
                return None
            cells = Cells(centroids, probes)
        return cls(keys, labels, Neighbours(index, score), exact, cells)


def _joined(items: Sequence[str]) -> np.ndarray:
    """Strings as one UTF-8 byte array, NUL-separated (keys are paths and hashes: no NUL)."""
    return np.frombuffer("\0".join(items).encode("utf-8"), dtype=np.uint8)


def _split(data: np.ndarray) -> list[str]:
    text = data.astype(np.uint8).tobytes().decode("utf-8")
    return text.split("\0") if text else []


def update_topk(
    vectors: np.ndarray,
    *,
    k: int,
    keys: Sequence[str],
    labels: Sequence[str],
    rank: np.ndarray,
    previous: NeighbourTable | None,
    ann_threshold: int,
    nprobe: int | None = None,
) -> tuple[NeighbourTable, int]:
    """This run's top-k table, from `previous` where its rows are unchanged.

    A row is kept when its key and label are unchanged and none of its neighbours left or
    changed label; kept rows only meet the new rows. Every other row is searched again. The
    order of equal scores is `rank` (claim ids sorted), which rows keep between runs. Up to
    `ann_threshold` rows (exact search) the table is the one a search from scratch gives, bit
    for bit. Above it the previous table's cells are reused while :func:`cell_count` is
    unchanged: new rows join the inverted lists, are searched in their probed cells, and kept
    rows meet the new rows of the cells they probe, which is the table a search from scratch
    over the same cells gives. Returns the table and how many rows were searched.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(keys)
    code = {s: i for i, s in enumerate(sorted(set(labels)))}
    groups = np.array([code[s] for s in labels], dtype=np.int64)
    exact = n <= ann_threshold
    want_probe = None if exact else min(nprobe or default_nprobe(n, cell_count(n)), cell_count(n))

    def scratch() -> tuple[NeighbourTable, int]:
        if exact:
            nb = exact_topk(x, k=k, groups=groups, rank=rank)
            return NeighbourTable(list(keys), list(labels), nb, True), n
        cells = build_cells(x, nprobe=want_probe)
        nb = ivf_search(
            x, cells.probes, k=k, nlist=cells.nlist, queries=np.arange(n), groups=groups, rank=rank
        )
        return NeighbourTable(list(keys), list(labels), nb, False, cells), n

    if previous is None or previous.neighbours.index.shape[1] != k or previous.exact != exact:
        return scratch()
    old_cells = previous.cells
    if not exact and (
        old_cells is None
        or old_cells.centroids.shape != (cell_count(n), x.shape[1])
        or old_cells.probes.shape[1] != want_probe
    ):
        return scratch()
    old_pos = {key: i for i, key in enumerate(previous.keys)}
    new_of_old = np.full(len(previous.keys), -1, dtype=np.int64)
    old_of_new = np.full(n, -1, dtype=np.int64)
    for i, (key, label) in enumerate(zip(keys, labels, strict=True)):
        j = old_pos.get(key)
        if j is not None and previous.labels[j] == label:
            new_of_old[j], old_of_new[i] = i, j
    kept = old_of_new >= 0
    old_index = previous.neighbours.index[np.maximum(old_of_new, 0)]
    mapped = np.where(old_index >= 0, new_of_old[np.maximum(old_index, 0)], -1)
    # A kept row whose neighbour left (or changed label) has lost a place it cannot refill.
    lost = (old_index >= 0) & (mapped < 0)
    clean = kept & ~lost.any(axis=1)
    if clean.sum() < n / 2:
        return scratch()
    dirty = np.nonzero(~clean)[0]
    new_rows = np.nonzero(~kept)[0]
    clean_rows = np.nonzero(clean)[0]
    index = np.where(clean[:, None], mapped, -1)
    score = np.where(clean[:, None], previous.neighbours.score[np.maximum(old_of_new, 0)], -np.inf)
    score = score.astype(np.float32)
    cells = None
    if exact:
        fresh = exact_topk(x, k=k, groups=groups, queries=dirty, rank=rank)
    else:
        assert old_cells is not None
        # The same key is the same text, so a kept row keeps its probes; new rows are probed.
        probes = old_cells.probes[np.maximum(old_of_new, 0)]
        if len(new_rows):
            probes[new_rows] = probe_cells(x[new_rows], old_cells.centroids, nprobe=want_probe or 1)
        cells = Cells(old_cells.centroids, probes)
        fresh = ivf_search(
            x, probes, k=k, nlist=cells.nlist, queries=dirty, groups=groups, rank=rank
        )
    index[dirty], score[dirty] = fresh.index, fresh.score
    if len(new_rows) and len(clean_rows):
        # The new rows are the only candidates a clean row has not yet met.
        if exact:
            met = _exact_against(x, clean_rows, new_rows, groups=groups, rank=rank, k=k)
        else:
            assert cells is not None
            reach = np.isin(cells.probes[clean_rows], np.unique(cells.probes[new_rows, 0]))
            clean_rows = clean_rows[reach.any(axis=1)]
            met = ivf_search(
                x,
                cells.probes,
                k=k,
                nlist=cells.nlist,
                queries=clean_rows,
                members=new_rows,
                groups=groups,
                rank=rank,
            )
        both = np.concatenate([score[clean_rows], met.score], axis=1)
        cols = np.concatenate([index[clean_rows], met.index], axis=1)
        index[clean_rows], score[clean_rows] = _top(both, cols, rank, k)
    table = NeighbourTable(list(keys), list(labels), Neighbours(index, score), exact, cells)
    return table, len(dirty)


def _exact_against(
    x: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    groups: np.ndarray,
    rank: np.ndarray,
    k: int,
) -> Neighbours:
    """Exact top-k of `rows` among `cols` only (float64 sums, as `exact_topk`)."""
    index = np.full((len(rows), k), -1, dtype=np.int64)
    score = np.full((len(rows), k), -np.inf, dtype=np.float32)
    block = max(1, _BLOCK_CELLS // max(len(cols), 1))
    for lo in range(0, len(rows), block):
        part = rows[lo : lo + block]
        sims = _similarities(x, part, cols)
        sims[groups[part][:, None] == groups[cols][None, :]] = -np.inf
        index[lo : lo + len(part)], score[lo : lo + len(part)] = _top(sims, cols, rank, k)
    return Neighbours(index, score)


# ---------------------------------------------------------------------------- pairs


def pairs_of(nb: Neighbours, *, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique pairs (i < j) where one is in the other's top-k with similarity >= threshold.

    Returns (i, j, similarity), sorted by (i, j).
    """
    n = nb.index.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), nb.index.shape[1])
    cols = nb.index.reshape(-1)
    sims = nb.score.reshape(-1)
    keep = (cols >= 0) & (sims >= threshold)
    a, b, s = rows[keep], cols[keep], sims[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * n + hi
    _, first = np.unique(key, return_index=True)
    return lo[first], hi[first], s[first].astype(np.float32)


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
    return pairs_of(search(vectors, k=k, groups=groups), threshold=threshold)


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

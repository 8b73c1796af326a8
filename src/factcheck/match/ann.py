"""Nearest-neighbour search over unit vectors: exact blocked search, a faiss IVF at scale, kept up to date."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

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
    """About 4*sqrt(n) cells (a power of two), with k-means' ~39 training points per cell."""
    nlist = int(2 ** round(math.log2(max(4.0 * math.sqrt(n), 16.0))))
    return max(2, min(nlist, n // 39))


def default_nprobe(n: int, nlist: int) -> int:
    """Cells each row probes: 16 (clipped to nlist by the caller).

    A row's own nearest cells hold its neighbours far more often than the cells nearest its
    cell's centroid did, and the rows of a block probe the union of their cells, so a fixed
    number keeps recall while the cost grows as n * sqrt(n) (bench/bench_scale.py).
    """
    return 16


def ann_topk(
    vectors: np.ndarray,
    *,
    k: int,
    groups: np.ndarray | None = None,
    nprobe: int | None = None,
    seed: int = 0,
    probes: np.ndarray | None = None,
    cells: Sequence[int] | None = None,
) -> Neighbours:
    """Approximate top-k for every row: an inverted file (faiss) with per-row probing.

    faiss trains spherical k-means cells (seeded, so two builds are equal) and its flat
    quantizer gives every row its own `nprobe` nearest cells (default: :func:`default_nprobe`).
    The rows of one cell are then scored together, with one BLAS product, against the union of
    the cells they probe: a superset of what faiss's per-query search scans, at the speed of a
    matrix product rather than of one query at a time. Scores are exact inner products; only
    the candidate cells are approximate. Same-group rows are excluded as in `exact_topk`.

    For benchmarks: `probes` gives :func:`cell_probes`' result for these vectors (its cost then
    falls outside this call), and `cells` limits the search to the rows whose own cell is one
    of them (the other rows get no neighbours), so that a sample of cells shows the recall and
    the cost of the whole.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = x.shape[0]
    if n < 2 * 39 or k >= n:
        return exact_topk(x, k=k, groups=groups)
    nlist = cell_count(n)
    if probes is None:
        probes = cell_probes(x, nlist=nlist, nprobe=nprobe or default_nprobe(n, nlist), seed=seed)
    assign = probes[:, 0]
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(nlist + 1))
    xs = x[order]  # rows sorted by cell: every cell is one slice
    rank = np.arange(n, dtype=np.int64)
    index = np.full((n, k), -1, dtype=np.int64)
    score = np.full((n, k), -np.inf, dtype=np.float32)

    def join(c: int) -> None:
        members = order[bounds[c] : bounds[c + 1]]
        if len(members) == 0:
            return
        # Rows that probe the same cells side by side, so that a block's union stays small.
        if probes.shape[1] > 1:
            members = members[np.lexsort(probes[members, 1:][:, ::-1].T)]
        for lo in range(0, len(members), _JOIN_ROWS):
            rows = members[lo : lo + _JOIN_ROWS]
            cells = np.unique(probes[rows])
            q = x[rows]
            sims = np.concatenate([q @ xs[bounds[o] : bounds[o + 1]].T for o in cells], axis=1)
            cand = np.concatenate([order[bounds[o] : bounds[o + 1]] for o in cells])
            sims[cand[None, :] == rows[:, None]] = -np.inf
            if groups is not None:
                sims[groups[rows][:, None] == groups[cand][None, :]] = -np.inf
            if sims.shape[1] > 2 * k:
                # A float partition first (same input, same pick), the total order on the few.
                part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                sims, cols = np.take_along_axis(sims, part, axis=1), cand[part]
                index[rows], score[rows] = _top(sims, cols, rank, k)
            else:
                index[rows], score[rows] = _top(sims, cand, rank, k)

    # Cells are small: one BLAS thread per product and one cell per core beats threaded BLAS
    # on tiny matrices by a wide margin (thread wake-ups dominate). Rows are disjoint per cell.
    with _single_threaded_blas(), ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(join, range(nlist) if cells is None else cells))
    return Neighbours(index, score)


def cell_probes(x: np.ndarray, *, nlist: int, nprobe: int, seed: int = 0) -> np.ndarray:
    """Each row's `nprobe` nearest of `nlist` spherical k-means cells (faiss), nearest first.

    Training is seeded and samples at most 64 rows per cell, so two builds give equal cells.
    """
    import faiss

    d = x.shape[1]
    km = faiss.Kmeans(
        d, nlist, niter=10, seed=seed, spherical=True, verbose=False, max_points_per_centroid=64
    )
    km.train(x)
    quantizer = faiss.IndexFlatIP(d)
    quantizer.add(np.ascontiguousarray(km.centroids, dtype=np.float32))
    _, probes = quantizer.search(x, min(nprobe, nlist))
    return np.asarray(probes, dtype=np.int64)


# Rows of one cell scored together against the union of the cells they probe.
_JOIN_ROWS = 128


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
_TABLE_VERSION = 1


@dataclass(frozen=True)
class NeighbourTable:
    """The top-k table of one run, stored so that the next run only searches what changed.

    Rows are named by `keys` (a claim's id and text hash), `labels` say which rows may not
    pair (the claim's source), `exact` whether the table came from exact search.
    """

    keys: list[str]
    labels: list[str]
    neighbours: Neighbours
    exact: bool

    def dumps(self) -> bytes:
        buf = io.BytesIO()
        np.savez(
            buf,
            version=np.array([_TABLE_VERSION]),
            keys=_joined(self.keys),
            labels=_joined(self.labels),
            index=self.neighbours.index,
            score=self.neighbours.score,
            exact=np.array([self.exact]),
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
        except (OSError, ValueError, KeyError, IndexError, UnicodeDecodeError):
            return None
        n = len(keys)
        if len(labels) != n or index.shape != score.shape or index.ndim != 2 or len(index) != n:
            return None
        if index.size and (index.max() >= n or index.min() < -1):
            return None
        return cls(keys, labels, Neighbours(index, score), exact)


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
) -> tuple[NeighbourTable, int]:
    """This run's top-k table, from `previous` where its rows are unchanged.

    A row is kept when its key and label are unchanged and none of its neighbours left or
    changed label; kept rows only meet the new rows, whose similarities to every row are
    computed once. Every other row is searched again. The order of equal scores is `rank`
    (claim ids sorted), which rows keep between runs, so up to `ann_threshold` rows (exact
    search) the table is the one a search from scratch gives, bit for bit. Returns the table
    and how many rows were searched.
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(keys)
    code = {s: i for i, s in enumerate(sorted(set(labels)))}
    groups = np.array([code[s] for s in labels], dtype=np.int64)
    exact = n <= ann_threshold
    usable = (
        previous is not None
        and previous.neighbours.index.shape[1] == k
        and (previous.exact or not exact)
    )
    if not usable or previous is None:
        nb = (
            exact_topk(x, k=k, groups=groups, rank=rank)
            if exact
            else ann_topk(x, k=k, groups=groups)
        )
        return NeighbourTable(list(keys), list(labels), nb, exact), n
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
        nb = (
            exact_topk(x, k=k, groups=groups, rank=rank)
            if exact
            else ann_topk(x, k=k, groups=groups)
        )
        return NeighbourTable(list(keys), list(labels), nb, exact), n
    dirty = np.nonzero(~clean)[0]
    index = np.where(clean[:, None], mapped, -1)
    score = np.where(clean[:, None], previous.neighbours.score[np.maximum(old_of_new, 0)], -np.inf)
    score = score.astype(np.float32)
    fresh = exact_topk(x, k=k, groups=groups, queries=dirty, rank=rank)
    index[dirty], score[dirty] = fresh.index, fresh.score
    new_rows = np.nonzero(~kept)[0]
    clean_rows = np.nonzero(clean)[0]
    if len(new_rows) and len(clean_rows):
        # The new rows are the only candidates a clean row has not yet met.
        block = max(1, _BLOCK_CELLS // max(len(new_rows), 1))
        for lo in range(0, len(clean_rows), block):
            rows = clean_rows[lo : lo + block]
            sims = _similarities(x, rows, new_rows)
            sims[groups[rows][:, None] == groups[new_rows][None, :]] = -np.inf
            both = np.concatenate([score[rows], sims], axis=1)
            cols = np.concatenate([index[rows], np.broadcast_to(new_rows, sims.shape)], axis=1)
            index[rows], score[rows] = _top(both, cols, rank, k)
    table = NeighbourTable(list(keys), list(labels), Neighbours(index, score), exact)
    return table, len(dirty)


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

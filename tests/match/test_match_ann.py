"""Tests for nearest-neighbour search: exact blocked search, faiss recall against it, pair extraction."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.match import ann


def clustered(
    n: int, d: int = 64, per_cluster: int = 3, noise: float = 0.5, seed: int = 0
) -> np.ndarray:
    """Random unit vectors shaped like claim embeddings: topics, events around them, paraphrases."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((50, d)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    events = n // per_cluster + 1
    centres = topics[rng.integers(0, 50, events)] + rng.standard_normal((events, d)).astype(
        np.float32
    ) / np.sqrt(d)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = centres[np.arange(n) // per_cluster] + noise / np.sqrt(d) * rng.standard_normal(
        (n, d)
    ).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(x: np.ndarray, k: int, groups: np.ndarray | None) -> list[set[int]]:
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    if groups is not None:
        sims[groups[:, None] == groups[None, :]] = -np.inf
    return [set(np.argsort(-row)[:k].tolist()) for row in sims]


@pytest.mark.parametrize("with_groups", [False, True])
def test_exact_topk_matches_brute_force_in_small_blocks(
    monkeypatch: pytest.MonkeyPatch, with_groups: bool
) -> None:
    monkeypatch.setattr(ann, "_BLOCK_CELLS", 7 * 50)  # force several blocks
    x = clustered(50)
    groups = np.arange(50) // 2 if with_groups else None
    nb = ann.exact_topk(x, k=4, groups=groups)
    assert [set(r.tolist()) for r in nb.index] == brute_force(x, 4, groups)
    assert np.all(np.diff(nb.score, axis=1) <= 0)


def test_ann_recall_against_exact_search() -> None:
    x = clustered(4000, d=64)
    exact = ann.exact_topk(x, k=5)
    approx = ann.ann_topk(x, k=5)
    # Pairs that matching cares about are the close ones; the index must find nearly all.
    assert ann.recall_at_k(approx, exact, threshold=0.6) >= 0.9
    assert ann.recall_at_k(approx, exact) >= 0.8


def test_ann_never_returns_self_or_same_group() -> None:
    x = clustered(3000, d=32)
    groups = np.arange(3000) // 3  # each cluster is one document
    nb = ann.ann_topk(x, k=3, groups=groups)
    rows = np.repeat(np.arange(3000), 3).reshape(3000, 3)
    valid = nb.index >= 0
    assert not np.any(nb.index[valid] == rows[valid])
    assert not np.any(groups[nb.index[valid]] == groups[rows[valid]])


@pytest.mark.parametrize("ann_threshold", [10_000, 100])
def test_neighbour_pairs_are_unique_sorted_and_above_threshold(ann_threshold: int) -> None:
    x = clustered(900, d=32, noise=0.3)
    i, j, s = ann.neighbour_pairs(x, k=3, threshold=0.7, ann_threshold=ann_threshold)
    assert np.all(i < j)
    assert np.all(s >= 0.7)
    assert len(set(zip(i.tolist(), j.tolist(), strict=True))) == len(i)
    # Members of one cluster are close: most cluster pairs are found either way.
    same_cluster = (i // 3) == (j // 3)
    assert same_cluster.sum() >= 0.9 * 900


@pytest.mark.parametrize("n", [0, 1])
def test_neighbour_pairs_of_tiny_inputs(n: int) -> None:
    i, _, _ = ann.neighbour_pairs(np.ones((n, 8), dtype=np.float32), k=3, threshold=0.0)
    assert len(i) == 0


def test_probing_more_cells_per_row_finds_more_neighbours() -> None:
    x = clustered(3000, d=32, seed=2)
    exact = ann.exact_topk(x, k=5)
    own_cell = ann.recall_at_k(ann.ann_topk(x, k=5, nprobe=1), exact)
    assert ann.recall_at_k(ann.ann_topk(x, k=5, nprobe=4), exact) > own_cell
    assert ann.default_nprobe(len(x), ann.cell_count(len(x))) == 16
    # An eighth of the cells, up to about 8,192 candidates a row, never under 16.
    assert ann.default_nprobe(100_000, 512) == 42
    assert ann.default_nprobe(1_000_000, 2048) == 16
    assert ann.default_nprobe(30_000, 256) == 32


def test_two_index_builds_give_identical_neighbours() -> None:
    x = clustered(5000, d=48)
    groups = np.arange(5000) // 4
    one = ann.ann_topk(x, k=6, groups=groups)
    two = ann.ann_topk(x.copy(), k=6, groups=groups)
    assert np.array_equal(one.index, two.index)
    assert np.array_equal(one.score, two.score)


def test_exact_search_breaks_ties_by_rank_whatever_the_blocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Five copies of one vector tie exactly; the lower ranks win, in blocks of any size.
    x = clustered(40, d=16)
    x[10:15] = x[3]
    rank = np.arange(40)[::-1].copy()  # row 39 ranks first
    whole = ann.exact_topk(x, k=3, rank=rank)
    monkeypatch.setattr(ann, "_BLOCK_CELLS", 40 * 3)
    monkeypatch.setattr(ann, "_DB_CHUNK", 7)
    blocked = ann.exact_topk(x, k=3, rank=rank)
    assert np.array_equal(whole.index, blocked.index)
    assert np.array_equal(whole.score, blocked.score)
    assert whole.index[3].tolist() == [14, 13, 12]


def _table(x: np.ndarray, keys: list[str], labels: list[str], previous: ann.NeighbourTable | None):
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    return ann.update_topk(
        x, k=5, keys=keys, labels=labels, rank=rank, previous=previous, ann_threshold=10_000
    )


def test_updated_table_equals_a_fresh_search_after_adds_removals_and_label_changes() -> None:
    rng = np.random.default_rng(5)
    keys = [f"doc{i // 6:03d}:{i % 6}" for i in range(600)]
    labels = [k.split(":")[0] for k in keys]
    base = clustered(600, d=24)
    base[100:104] = base[7]  # exact ties across documents
    table, searched = _table(base, keys, labels, None)
    assert searched == 600
    vectors = {k: base[i] for i, k in enumerate(keys)}
    label_of = dict(zip(keys, labels, strict=True))
    for step in range(4):
        live = sorted(vectors)
        gone = rng.choice(len(live), 12, replace=False)
        for g in gone:
            del vectors[live[g]]
        extra = clustered(18, d=24, seed=10 + step)
        for i in range(18):
            key = f"new{step}:{i}"
            vectors[key] = extra[i]
            label_of[key] = f"new{step}"
        # Two documents become one source (near-duplicates): their rows change label.
        moved = [k for k in vectors if k.startswith(f"doc{20 + step:03d}:")]
        for k in moved:
            label_of[k] = f"doc{30 + step:03d}"
        ids = sorted(vectors, key=lambda k: (k.split(":")[0][-1], k))  # not in rank order
        x_now = np.stack([vectors[k] for k in ids])
        labels_now = [label_of[k] for k in ids]
        table, searched = _table(x_now, ids, labels_now, table)
        fresh, _ = _table(x_now, ids, labels_now, None)
        assert searched < len(ids) / 2
        assert np.array_equal(table.neighbours.index, fresh.neighbours.index)
        assert np.array_equal(table.neighbours.score, fresh.neighbours.score)
        table = ann.NeighbourTable.loads(table.dumps())
        assert table is not None


def test_a_table_that_is_not_one_loads_as_none() -> None:
    assert ann.NeighbourTable.loads(b"not a table") is None


def test_more_probes_find_more_true_neighbours() -> None:
    # Topics of related items, as claim embeddings of a corpus form.
    rng = np.random.default_rng(3)
    topics = rng.standard_normal((200, 32)).astype(np.float32)
    x = np.repeat(topics, 30, axis=0) + 0.9 * rng.standard_normal((6000, 32)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    exact = ann.exact_topk(x, k=5)
    own_cell = ann.recall_at_k(ann.ann_topk(x, k=5, nprobe=1), exact)
    default = ann.recall_at_k(ann.ann_topk(x, k=5), exact)
    assert default > own_cell + 0.1
    assert default > 0.97  # 16 of 128 cells scanned
    assert ann.recall_at_k(ann.ann_topk(x, k=5, nprobe=32), exact) > max(default, 0.99)


def test_searching_a_sample_of_cells_gives_those_rows_the_full_search_neighbours() -> None:
    x = clustered(3000, 32, seed=5)
    nlist = ann.cell_count(len(x))
    probes = ann.cell_probes(x, nlist=nlist, nprobe=ann.default_nprobe(len(x), nlist))
    full = ann.ann_topk(x, k=5)
    sample = [3, 11, 17]
    part = ann.ann_topk(x, k=5, probes=probes, cells=sample)
    rows = np.isin(probes[:, 0], sample)
    assert rows.any() and not rows.all()
    assert np.array_equal(part.index[rows], full.index[rows])
    assert np.array_equal(part.score[rows], full.score[rows])
    assert (part.index[~rows] == -1).all()


def test_the_list_scan_returns_what_faiss_ivfflat_search_returns() -> None:
    import faiss

    x = clustered(6000, d=48, seed=7)
    cells = ann.build_cells(x, nprobe=6)
    nb = ann.ivf_search(x, cells.probes, k=5, nlist=cells.nlist, queries=np.arange(len(x)))
    quantizer = faiss.IndexFlatIP(x.shape[1])
    index = faiss.IndexIVFFlat(quantizer, x.shape[1], cells.nlist, faiss.METRIC_INNER_PRODUCT)
    quantizer.add(cells.centroids)
    index.is_trained = True
    index.add(x)
    index.nprobe = 6
    _, found = index.search(x, 6)
    theirs = [[j for j in row if j not in (i, -1)][:5] for i, row in enumerate(found)]
    same = sum(set(a) == set(b.tolist()) for a, b in zip(theirs, nb.index, strict=True))
    assert same >= 0.999 * len(x)  # the rest differ only where faiss's float32 sums tie


def test_the_index_gives_the_same_neighbours_on_one_thread_and_two(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import faiss

    x = clustered(8000, d=48, seed=8)
    groups = np.arange(8000) // 5
    before = faiss.omp_get_max_threads()
    results = []
    try:
        for threads in (1, 2):
            faiss.omp_set_num_threads(threads)
            monkeypatch.setattr(ann, "_workers", lambda t=threads: t)
            results.append(ann.ann_topk(x, k=6, groups=groups))
    finally:
        faiss.omp_set_num_threads(before)
    assert np.array_equal(results[0].index, results[1].index)
    assert np.array_equal(results[0].score, results[1].score)


def test_index_search_breaks_ties_by_rank() -> None:
    x = clustered(3000, d=16, seed=9)
    x[100:120] = x[5]  # twenty copies of one vector: equal scores for every row
    rank = np.arange(3000)[::-1].copy()
    nb = ann.ann_topk(x, k=4, rank=rank)
    assert nb.index[5].tolist() == [119, 118, 117, 116]
    exact = ann.exact_topk(x, k=4, rank=rank)
    assert np.array_equal(nb.index[100:120], exact.index[100:120])


def test_the_index_is_stored_and_new_rows_join_its_cells() -> None:
    rng = np.random.default_rng(11)
    n = 6000
    keys = [f"doc{i // 5:04d}:{i % 5}" for i in range(n)]
    labels = [k.split(":")[0] for k in keys]
    base = clustered(n, d=32, seed=12)

    def table(x: np.ndarray, ids: list[str], labs: list[str], previous: ann.NeighbourTable | None):
        rank = np.empty(len(ids), dtype=np.int64)
        rank[sorted(range(len(ids)), key=lambda i: ids[i])] = np.arange(len(ids))
        return ann.update_topk(
            x, k=5, keys=ids, labels=labs, rank=rank, previous=previous, ann_threshold=1000
        )

    first, searched = table(base, keys, labels, None)
    assert searched == n and not first.exact and first.cells is not None
    stored = ann.NeighbourTable.loads(first.dumps())
    assert stored is not None and stored.cells is not None
    assert np.array_equal(stored.cells.centroids, first.cells.centroids)
    assert np.array_equal(stored.cells.probes, first.cells.probes)
    vectors = {k: base[i] for i, k in enumerate(keys)}
    label_of = dict(zip(keys, labels, strict=True))
    for g in rng.choice(n, 40, replace=False):
        del vectors[keys[g]]
    extra = clustered(60, d=32, seed=13)
    for i in range(60):
        vectors[f"new:{i}"] = extra[i]
        label_of[f"new:{i}"] = f"new{i // 3}"
    ids = sorted(vectors, key=lambda k: (k[-1], k))  # not in rank order
    x = np.stack([vectors[k] for k in ids])
    labs = [label_of[k] for k in ids]
    updated, searched = table(x, ids, labs, stored)
    assert searched < len(ids) / 10
    assert updated.cells is not None
    assert np.array_equal(updated.cells.centroids, first.cells.centroids)  # not retrained
    # What a search from scratch over the same cells gives, bit for bit.
    rank = np.empty(len(ids), dtype=np.int64)
    rank[sorted(range(len(ids)), key=lambda i: ids[i])] = np.arange(len(ids))
    code = {s: i for i, s in enumerate(sorted(set(labs)))}
    groups = np.array([code[s] for s in labs])
    probes = ann.probe_cells(x, first.cells.centroids, nprobe=first.cells.probes.shape[1])
    assert np.array_equal(updated.cells.probes, probes)
    fresh = ann.ivf_search(
        x,
        probes,
        k=5,
        nlist=updated.cells.nlist,
        queries=np.arange(len(x)),
        groups=groups,
        rank=rank,
    )
    assert np.array_equal(updated.neighbours.index, fresh.index)
    assert np.array_equal(updated.neighbours.score, fresh.score)
    exact = ann.exact_topk(x, k=5, groups=groups, rank=rank)
    assert ann.recall_at_k(updated.neighbours, exact) > 0.95


def _reference_ivf(
    x: np.ndarray, probes: np.ndarray, k: int, groups: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's top k among the rows of its probed cells, float64 sums, ties to the lower rank."""
    x64 = x.astype(np.float64)
    index = np.full((len(x), k), -1, dtype=np.int64)
    score = np.full((len(x), k), -np.inf, dtype=np.float32)
    for i in range(len(x)):
        cand = np.nonzero(np.isin(probes[:, 0], probes[i]))[0]
        cand = cand[groups[cand] != groups[i]]
        s = (x64[cand] @ x64[i]).astype(np.float32)
        best = np.lexsort((rank[cand], -s))[:k]
        index[i, : len(best)], score[i, : len(best)] = cand[best], s[best]
    return index, score


def test_the_float32_scan_gives_the_exact_top_k_of_the_probed_cells() -> None:
    # Near ties everywhere: copies of one vector, and vectors a rounding step apart.
    x = clustered(2500, d=48, seed=14).astype(np.float32)
    x[100:112] = x[5]
    x[200:230] = x[7] + np.float32(1e-7) * np.arange(30, dtype=np.float32)[:, None]
    groups = np.arange(2500) // 4
    rank = np.random.default_rng(15).permutation(2500)
    cells = ann.build_cells(x, nprobe=5)
    nb = ann.ivf_search(
        x, cells.probes, k=6, nlist=cells.nlist, queries=np.arange(2500), groups=groups, rank=rank
    )
    index, score = _reference_ivf(x, cells.probes, 6, groups, rank)
    assert np.array_equal(nb.index, index)
    assert np.array_equal(nb.score, score)


def test_probes_are_exact_and_do_not_depend_on_the_rows_probed_together() -> None:
    rng = np.random.default_rng(16)
    centroids = rng.standard_normal((64, 32)).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    # Rows halfway between two centroids: their two scores tie up to float32 rounding.
    a, b = rng.integers(0, 64, 400), rng.integers(0, 64, 400)
    x = centroids[a] + centroids[b]
    x = np.concatenate([x, rng.standard_normal((400, 32)).astype(np.float32)])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    whole = ann.probe_cells(x, centroids, nprobe=6)
    parts = np.concatenate(
        [ann.probe_cells(x[lo : lo + 7], centroids, nprobe=6) for lo in range(0, 800, 7)]
    )
    assert np.array_equal(whole, parts)
    exact = (x.astype(np.float64) @ centroids.astype(np.float64).T).astype(np.float32)
    for i in range(len(x)):
        top = np.lexsort((np.arange(64), -exact[i]))[:6]
        assert whole[i, 0] == top[0]
        assert sorted(whole[i, 1:].tolist()) == whole[i, 1:].tolist() == sorted(top[1:].tolist())

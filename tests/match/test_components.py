"""by_component: group_pairs and cluster_events solved per connected component give the whole-graph result."""

from __future__ import annotations

import random

import numpy as np
import pytest

from factcheck.match.components import ComponentMemo, by_component
from factcheck.match.events import cluster_events
from factcheck.match.score import group_pairs


def _graph(seed: int, n: int = 60) -> tuple[list[tuple[int, int, float]], list[str], np.ndarray]:
    rng = random.Random(seed)
    source = [f"d{rng.randrange(12)}" for _ in range(n)]
    edges = []
    for _ in range(3 * n):
        i, j = sorted(rng.sample(range(n), 2))
        if source[i] != source[j]:
            edges.append((i, j, round(rng.random(), 2)))  # ties in weight happen
    vectors = np.random.default_rng(seed).standard_normal((n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return edges, source, vectors


@pytest.mark.parametrize("seed", range(6))
def test_group_pairs_by_component_equals_the_whole(seed: int) -> None:
    edges, source, vectors = _graph(seed)
    accepted = [e for e in edges if e[2] >= 0.5]
    whole = group_pairs(len(source), accepted, source=source, vectors=vectors, min_mean_cosine=-0.2)

    def solve(items: list[int], local: list[tuple[int, int, float]]) -> list[list[int]]:
        return group_pairs(
            len(items),
            local,
            source=[source[m] for m in items],
            vectors=vectors[items],
            min_mean_cosine=-0.2,
        )

    memo = ComponentMemo(None, namespace="n")
    parts = by_component(len(source), accepted, solve=solve, describe=str, memo=memo)
    assert sorted(c for c in parts if len(c) > 1) == sorted(whole)
    # A second run with the memo solves nothing again and gives the same clusters.
    again = ComponentMemo(memo.dumps(), namespace="n")
    assert by_component(len(source), accepted, solve=solve, describe=str, memo=again) == parts
    assert again.solved == 0 and again.reused == memo.solved > 0


@pytest.mark.parametrize("seed", range(6))
def test_cluster_events_by_component_equals_the_whole(seed: int) -> None:
    edges, source, _ = _graph(seed)
    units = [[0, 1], [2, 5, 7]] + [[i] for i in range(len(source)) if i not in (0, 1, 2, 5, 7)]
    whole = cluster_events(units, edges, document=source, threshold=0.6, link=0.5)
    unit_of = {m: n for n, u in enumerate(units) for m in u}

    def solve(items: list[int], local: list[tuple[int, int, float]]) -> list[list[int]]:
        mine: dict[int, list[int]] = {}
        for k, m in enumerate(items):
            mine.setdefault(unit_of[m], []).append(k)
        docs = [source[m] for m in items]
        return cluster_events(list(mine.values()), local, document=docs, threshold=0.6, link=0.5)

    parts = by_component(
        len(source),
        edges,
        links=[e for e in edges if e[2] >= 0.6],
        joined=units,
        solve=solve,
        describe=str,
        memo=None,
    )
    assert parts == sorted(whole)


def test_a_changed_item_or_edge_solves_its_component_again() -> None:
    edges = [(0, 1, 0.9), (2, 3, 0.8)]
    calls: list[list[int]] = []

    def solve(items: list[int], local: list[tuple[int, int, float]]) -> list[list[int]]:
        calls.append(items)
        return [list(range(len(items)))]

    memo = ComponentMemo(None, namespace="n")
    by_component(4, edges, solve=solve, describe=str, memo=memo)
    calls.clear()
    again = ComponentMemo(memo.dumps(), namespace="n")
    by_component(4, [(0, 1, 0.9), (2, 3, 0.7)], solve=solve, describe=str, memo=again)
    assert calls == [[2, 3]]
    calls.clear()
    names = {0: "a", 1: "b changed", 2: "c", 3: "d"}
    other = ComponentMemo(memo.dumps(), namespace="n")
    by_component(4, edges, solve=solve, describe=lambda i: names[i], memo=other)
    assert calls == [[0, 1], [2, 3]]  # every description differs from str(i)

"""by_component: group_pairs and cluster_events solved per connected component give the whole-graph result."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
import pytest

from factcheck.match import components
from factcheck.match.components import ComponentMemo, by_component
from factcheck.match.events import cluster_events
from factcheck.match.greedy import Replay
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

    def solve(
        items: list[int], local: list[tuple[int, int, float]], replay: object
    ) -> list[list[int]]:
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

    def solve(
        items: list[int], local: list[tuple[int, int, float]], replay: object
    ) -> list[list[int]]:
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

    def solve(
        items: list[int], local: list[tuple[int, int, float]], replay: object
    ) -> list[list[int]]:
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


World = tuple[list[str], dict[str, str], dict[tuple[str, str], float]]


def _world(seed: int, n: int = 120) -> World:
    """Named items with sources and weighted edges, so that a later run can add, drop and edit."""
    rng = random.Random(seed)
    names = [f"c{k:03d}" for k in range(n)]
    source = {name: f"d{rng.randrange(15)}" for name in names}
    edges: dict[tuple[str, str], float] = {}
    for _ in range(2 * n):
        a, b = sorted(rng.sample(names, 2))
        if source[a] != source[b]:
            edges[(a, b)] = round(rng.random(), 2)
    return names, source, edges


def _edited(
    seed: int, names: list[str], source: dict[str, str], edges: dict[tuple[str, str], float]
) -> World:
    """The world after a small change: an item added (with edges), one dropped, a weight changed."""
    rng = random.Random(seed + 1000)
    names, source, edges = list(names), dict(source), dict(edges)
    new = f"c{rng.randrange(len(names)):03d}+"
    names.insert(sorted(names).index(new.rstrip("+")) + 1, new)
    source[new] = f"d{rng.randrange(15)}"
    for other in rng.sample(names[:-1], 5):
        if source[other] != source[new] and other != new:
            a, b = sorted((new, other))
            edges[(a, b)] = round(rng.random(), 2)
    gone = rng.choice([x for x in names if x != new])
    names.remove(gone)
    edges = {k: w for k, w in edges.items() if gone not in k}
    changed = rng.choice(sorted(edges))
    edges[changed] = round(rng.random(), 2)
    return names, source, edges


def _indexed(names: list[str], edges: dict[tuple[str, str], float]) -> list[tuple[int, int, float]]:
    at = {name: k for k, name in enumerate(names)}
    return sorted((at[a], at[b], w) for (a, b), w in edges.items() if a in at and b in at)


def _groups(world: World, memo: ComponentMemo | None) -> list[list[int]]:
    names, source, edges = world
    rows = [np.random.default_rng([int(x[1:4]), len(x)]).standard_normal(6) for x in names]
    vectors = np.array(rows, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    accepted = [e for e in _indexed(names, edges) if e[2] >= 0.4]

    def solve(
        items: list[int], local: list[tuple[int, int, float]], replay: Replay | None
    ) -> list[list[int]]:
        return group_pairs(
            len(items),
            local,
            source=[source[names[m]] for m in items],
            vectors=vectors[items],
            min_mean_cosine=-0.5,
            replay=replay,
        )

    def describe(i: int) -> str:
        return f"{names[i]}|{source[names[i]]}"

    return by_component(len(names), accepted, solve=solve, describe=describe, memo=memo)


def _events(world: World, memo: ComponentMemo | None) -> list[list[int]]:
    names, source, edges = world
    local = _indexed(names, edges)
    # Every seventh item starts in a unit with its neighbours in name order, as fact groups do.
    units: list[list[int]] = []
    for k, x in enumerate(names):
        if units and int(x[1:4]) % 7 and int(names[units[-1][0]][1:4]) % 7 == 0:
            units[-1].append(k)
        else:
            units.append([k])
    unit_of = {m: n for n, u in enumerate(units) for m in u}

    def solve(
        items: list[int], mine: list[tuple[int, int, float]], replay: Replay | None
    ) -> list[list[int]]:
        start: dict[int, list[int]] = {}
        for k, m in enumerate(items):
            start.setdefault(unit_of[m], []).append(k)
        document = [source[names[m]] for m in items]
        return cluster_events(
            list(start.values()), mine, document=document, threshold=0.55, link=0.4, replay=replay
        )

    def describe(i: int) -> str:
        return f"{names[i]}|{source[names[i]]}|{names[units[unit_of[i]][0]]}"

    return by_component(
        len(names),
        local,
        links=[e for e in local if e[2] >= 0.55],
        joined=units,
        solve=solve,
        describe=describe,
        memo=memo,
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("clustering", [_groups, _events])
def test_a_replayed_component_gives_the_clusters_of_a_fresh_solve(
    seed: int,
    clustering: Callable[[World, ComponentMemo | None], list[list[int]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(components, "TRACE_ITEMS", 2)
    world = _world(seed)
    later = _edited(seed, *world)
    memo = ComponentMemo(None, namespace="n")
    assert clustering(world, memo) == clustering(world, None)
    again = ComponentMemo(memo.dumps(), namespace="n")
    assert clustering(later, again) == clustering(later, None)
    fresh = ComponentMemo(None, namespace="n")
    clustering(later, fresh)
    # The change reaches few merges: the others are taken from the last run, not tested again.
    assert again.tested < fresh.tested
    assert again.replayed > 0 or clustering is _events

"""Clusterings solved one connected component at a time, each kept between runs by what it reads."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

__all__ = ["ComponentMemo", "by_component"]

# Bump when the stored layout changes.
_VERSION = 1

Edge = tuple[int, int, float]
# solve(members, edges) on local indices 0..len(members)-1 -> clusters of local indices.
Solve = Callable[[list[int], list[Edge]], list[list[int]]]


class ComponentMemo:
    """The clusters each component gave in the last run, by a digest of the component's inputs.

    Only the components of the latest run are written back (:meth:`dumps`).
    """

    def __init__(self, previous: bytes | None, *, namespace: str) -> None:
        self.namespace = namespace
        self._old: dict[str, list[list[int]]] = {}
        if previous is not None:
            try:
                data = json.loads(previous)
                if data.get("version") == _VERSION and data.get("namespace") == namespace:
                    self._old = data["components"]
            except (ValueError, AttributeError, KeyError, TypeError):
                self._old = {}  # another version or not a memo: solved again and replaced
        self._new: dict[str, list[list[int]]] = {}
        self.solved = 0
        self.reused = 0

    def get(self, key: str) -> list[list[int]] | None:
        hit = self._old.get(key)
        if hit is not None:
            self._new[key] = hit
            self.reused += 1
        return hit

    def put(self, key: str, clusters: list[list[int]]) -> None:
        self._new[key] = clusters
        self.solved += 1

    def dumps(self) -> bytes:
        data = {"version": _VERSION, "namespace": self.namespace, "components": self._new}
        return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def by_component(
    n: int,
    edges: Sequence[Edge],
    *,
    links: Sequence[Edge] | None = None,
    joined: Sequence[Sequence[int]] = (),
    solve: Solve,
    describe: Callable[[int], str],
    memo: ComponentMemo | None,
) -> list[list[int]]:
    """`solve` run on each connected component of `links` (default: `edges`) and `joined`
    (sets of items that start together), with the component's `edges`; clusters of global items.

    A clustering that only ever merges along `links`, whose merge test reads only the two
    clusters' members and the edges among them, and that takes edges in an order given by
    weight then index, gives on a component alone (items renumbered in their order) what it
    gives on the whole: this is how a rerun reuses every component no change touched. A
    component's memo key digests `describe(item)` of its items (all the clustering reads
    about an item) and its edges; items in no component are returned as one-item clusters.
    """
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for group in joined:
        for m in group[1:]:
            join(group[0], m)
    for i, j, _ in edges if links is None else links:
        join(i, j)
    of = [root(i) for i in range(n)]
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(of[i], []).append(i)
    local_edges: dict[int, list[Edge]] = {}
    for i, j, w in edges:
        if of[i] == of[j]:  # an edge between components is one no merge can follow
            local_edges.setdefault(of[i], []).append((i, j, w))
    out: list[list[int]] = []
    for head, items in members.items():
        if len(items) == 1:
            out.append(list(items))
            continue
        local = {m: k for k, m in enumerate(items)}
        mine = sorted((local[i], local[j], w) for i, j, w in local_edges.get(head, []))
        key = None
        found = None
        if memo is not None:
            digest = hashlib.sha256()
            for m in items:
                digest.update(f"{describe(m)}\0".encode())
            for i, j, w in mine:
                digest.update(f"{i},{j},{w!r};".encode())
            key = digest.hexdigest()
            found = memo.get(key)
        if found is None:
            found = [sorted(c) for c in solve(items, mine)]
            if memo is not None and key is not None:
                memo.put(key, found)
        out.extend([items[k] for k in cluster] for cluster in found)
    return sorted(out)

"""Clusterings solved one connected component at a time, each kept between runs by what it reads."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .greedy import Replay, Trace

__all__ = ["ComponentMemo", "by_component"]

# Bump when the stored layout changes.
_VERSION = 3
# Components of at least this many items keep their merge trace, so that the next run replays
# the merges a change does not reach (smaller ones are solved again whole: it is cheap).
TRACE_ITEMS = 40

Edge = tuple[int, int, float]
# solve(members, edges, replay) on local indices 0..len(members)-1 -> clusters of local
# indices; `replay` (None: solve plainly) goes to :func:`~factcheck.match.greedy.agglomerate`.
Solve = Callable[[list[int], list[Edge], Replay | None], list[list[int]]]


class ComponentMemo:
    """The clusters each component gave in the last run, by a digest of the component's inputs.

    Large components also keep their merge trace (:class:`~factcheck.match.greedy.Trace`), so
    a component that changed is solved by replaying the merges of the last run's components
    that the change does not reach. Only the components of the latest run are written back
    (:meth:`dumps`).
    """

    def __init__(self, previous: bytes | None, *, namespace: str) -> None:
        self.namespace = namespace
        self._old: dict[str, list[list[int]]] = {}
        self._old_traces: dict[str, Any] = {}
        if previous is not None:
            try:
                data = json.loads(previous)
                if data.get("version") == _VERSION and data.get("namespace") == namespace:
                    self._old = data["components"]
                    self._old_traces = data["traces"]
            except (ValueError, AttributeError, KeyError, TypeError):
                self._old = {}  # another version or not a memo: solved again and replaced
                self._old_traces = {}
        self._new: dict[str, list[list[int]]] = {}
        self._new_traces: dict[str, Any] = {}
        self._traces: dict[str, Trace | None] = {}
        self._where: dict[str, tuple[str, int]] | None = None
        self.solved = 0
        self.reused = 0
        self.tested = 0  # merges tested by replays
        self.replayed = 0  # merges replays took from the last run

    def get(self, key: str) -> list[list[int]] | None:
        hit = self._old.get(key)
        if hit is not None:
            self._new[key] = hit
            if key in self._old_traces:
                self._new_traces[key] = self._old_traces[key]
            self.reused += 1
        return hit

    def replay(self, items: list[str]) -> Replay:
        """A replay of the last run's traces for a component with these item identities."""
        if self._where is None:
            self._where = {}
            for key, data in self._old_traces.items():
                trace = self._traces[key] = Trace.loads(data) if isinstance(data, str) else None
                if trace is not None:
                    self._where.update((item, (key, k)) for k, item in enumerate(trace.items))
        return Replay(items, locate=self._where.get, traces=self._traces)

    def put(self, key: str, clusters: list[list[int]], replay: Replay | None = None) -> None:
        self._new[key] = clusters
        self.solved += 1
        if replay is not None:
            self.tested += replay.tested
            self.replayed += replay.replayed
            if replay.trace is not None:
                self._new_traces[key] = replay.trace.dumps()

    def dumps(self) -> bytes:
        data = {
            "version": _VERSION,
            "namespace": self.namespace,
            "components": self._new,
            "traces": self._new_traces,
        }
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
    labels: Sequence[str] | None = None,
) -> list[list[int]]:
    """`solve` run on each connected component of `links` (default: `edges`) and `joined`
    (sets of items that start together), with the component's `edges`; clusters of global items.

    A clustering that only ever merges along `links`, whose merge test reads only the two
    clusters' members and the edges among them, and that takes edges in an order given by
    weight then index, gives on a component alone (items renumbered in their order) what it
    gives on the whole: this is how a rerun reuses every component no change touched. A
    component's memo key digests `describe(item)` of its items (all the clustering reads
    about an item) and its edges; items in no component are returned as one-item clusters.
    `labels`, when the clustering reads them only to tell whether two items share one (their
    sources), are digested as that pattern, not as names: a source renamed (its first
    document is a new one) leaves the components whose items keep their sources unchanged.
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

    unit_head: dict[int, int] = {}
    for group in joined:
        for m in group[1:]:
            join(group[0], m)
            unit_head[m] = group[0]
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
        names: list[str] = []
        if memo is not None:
            said = [describe(m) for m in items]
            # A label counts by which items share it: it is named by its first item's description.
            first: dict[str, str] = {}
            names = []
            for k, m in enumerate(items):
                tag = first.setdefault(labels[m], said[k]) if labels is not None else ""
                name = f"{said[k]}\0{tag}".encode()
                names.append(hashlib.blake2b(name, digest_size=12).hexdigest())
            digest = hashlib.sha256("\0".join(names).encode())
            # The sets it starts from, each named by its first item (the key, not the replay's
            # names: a replay matches the starting sets itself).
            for k, m in enumerate(items):
                if m in unit_head:
                    digest.update(f"{k}:{local[unit_head[m]]};".encode())
            digest.update(np.array(mine, dtype=np.float64).tobytes())
            key = digest.hexdigest()
            found = memo.get(key)
        if found is None:
            replay = memo.replay(names) if memo is not None and len(items) >= TRACE_ITEMS else None
            found = [sorted(c) for c in solve(items, mine, replay)]
            if memo is not None and key is not None:
                memo.put(key, found, replay)
        out.extend([items[k] for k in cluster] for cluster in found)
    return sorted(out)

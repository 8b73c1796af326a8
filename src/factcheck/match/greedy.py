"""Greedy merging along weighted edges, replayed from the last run's merges wherever nothing it reads changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .sets import merge

__all__ = ["Replay", "Trace", "agglomerate"]

Edge = tuple[int, int, float]
# test(members of one cluster, members of the other) -> whether they merge.
Test = Callable[[list[int], list[int]], bool]


@dataclass
class Trace:
    """One run of :func:`agglomerate` over a component: enough to replay it on a later run.

    `items` name the local items (a digest of everything the clustering reads about each),
    `start` the clusters of several items it began with, `edges` every edge in the order it
    takes them (including those after it stopped: the merge test may read them), `merged`
    whether each edge it took merged two clusters.
    """

    items: list[str]
    start: list[list[int]]
    edges: list[Edge]
    merged: list[bool]

    def to_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "start": self.start,
            "edges": [list(e) for e in self.edges],
            "merged": "".join("1" if m else "0" for m in self.merged),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trace:
        return cls(
            items=[str(x) for x in data["items"]],
            start=[[int(m) for m in unit] for unit in data["start"]],
            edges=[(int(i), int(j), float(w)) for i, j, w in data["edges"]],
            merged=[c == "1" for c in str(data["merged"])],
        )


class _Mismatch(Exception):
    """The edges shared with the last run come in another order: the replay gives up."""


@dataclass
class _Shadow:
    """The last run over one trace, advanced edge by edge alongside this run."""

    trace: Trace
    parent: list[int]
    common: list[bool]  # edges between two unchanged items (met by this run too)
    new_of: dict[int, int] = field(default_factory=dict)  # old local item -> this run's item
    next: int = 0  # the first edge of the trace not yet applied

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i


class Replay:
    """Decisions of the last run for the merges this run would test again with the same inputs.

    Built with the identities of this run's items (`items[k]` names local item k, as
    :attr:`Trace.items` do) and `locate`, which finds an identity in the last run's traces
    (its trace key and local index there). An item is *unchanged* when the last run had it and
    every edge it has, with its weight, is the one the last run had. A cluster this run holds
    is *matched* to a cluster of the last run at the same point when both hold the same
    unchanged items; :func:`agglomerate` then takes the last run's decision for an edge between
    two matched clusters instead of testing it, which gives the same clusters as long as the
    test reads only the two clusters' items and the edges among them, and edges are taken in
    an order given by weight and then by item order (which unchanged items keep).

    Any change to a matched cluster, in either run, unmatches it, so every decision taken
    from the last run is one the test would give again.
    """

    def __init__(
        self,
        items: Sequence[str],
        *,
        locate: Callable[[str], tuple[str, int] | None],
        traces: Mapping[str, Trace],
    ) -> None:
        self.items = list(items)
        self._locate = locate
        self._traces = traces
        self._shadows: dict[str, _Shadow] = {}
        self._loc: list[tuple[str, int] | None] = []
        self._common: list[int | None] = []
        self._new_match: dict[int, tuple[str, int]] = {}
        self._old_match: dict[tuple[str, int], int] = {}
        self.tested = 0
        self.replayed = 0
        self.trace: Trace | None = None

    # -------------------------------------------------------------- set-up

    def begin(self, n: int, start: Sequence[Sequence[int]], ordered: Sequence[Edge]) -> None:
        """Match this run's items, edges and starting clusters to the last run's."""
        loc = [self._locate(x) for x in self.items]
        shadows: dict[str, _Shadow] = {}
        for where in loc:
            if where is not None and where[0] not in shadows:
                trace = self._traces[where[0]]
                m = len(trace.items)
                shadows[where[0]] = _Shadow(trace, list(range(m)), [False] * len(trace.edges))
        for k, where in enumerate(loc):
            if where is not None:
                shadows[where[0]].new_of[where[1]] = k
        for s in shadows.values():
            # Items keep their order between runs (a test may read them in order), else no replay.
            order = [s.new_of[old] for old in sorted(s.new_of)]
            if any(a > b for a, b in pairwise(order)):
                raise _Mismatch
        positions = {
            key: {(min(i, j), max(i, j)): q for q, (i, j, _) in enumerate(s.trace.edges)}
            for key, s in shadows.items()
        }
        changed = [where is None for where in loc]
        met: dict[str, set[int]] = {key: set() for key in shadows}
        found: list[tuple[str, int] | None] = []
        for i, j, w in ordered:
            li, lj = loc[i], loc[j]
            q = None
            if li is not None and lj is not None and li[0] == lj[0]:
                q = positions[li[0]].get((min(li[1], lj[1]), max(li[1], lj[1])))
                if q is not None and shadows[li[0]].trace.edges[q][2] != w:
                    q = None
            if q is None or li is None:
                changed[i] = changed[j] = True
                found.append(None)
            else:
                met[li[0]].add(q)
                found.append((li[0], q))
        for key, s in shadows.items():
            for q, (a, b, _) in enumerate(s.trace.edges):
                if q not in met[key]:  # an edge of the last run that this run lacks
                    for old in (a, b):
                        if old in s.new_of:
                            changed[s.new_of[old]] = True
        common: list[int | None] = []
        for (i, j, _), hit in zip(ordered, found, strict=True):
            if hit is not None and not changed[i] and not changed[j]:
                shadows[hit[0]].common[hit[1]] = True
                common.append(hit[1])
            else:
                common.append(None)
        # The starting clusters: this run's and the last run's must hold the same items.
        for s in shadows.values():
            for unit in s.trace.start:
                for m in unit[1:]:
                    self._union(s, unit[0], m)
        size: dict[tuple[str, int], int] = {}
        for key, s in shadows.items():
            for m in range(len(s.trace.items)):
                r = (key, s.root(m))
                size[r] = size.get(r, 0) + 1
        units = [list(u) for u in start]
        seen = {m for u in units for m in u}
        units += [[m] for m in range(n) if m not in seen]
        for unit in units:
            if any(changed[m] for m in unit):
                continue  # every item of an unchanged one has a place in the last run
            olds = {(at[0], shadows[at[0]].root(at[1])) for m in unit if (at := loc[m])}
            if len(olds) == 1:
                (was,) = olds
                if size[was] == len(unit):
                    self._new_match[min(unit)] = was
                    self._old_match[was] = min(unit)
        self._loc, self._common, self._shadows = loc, common, shadows

    @staticmethod
    def _union(s: _Shadow, a: int, b: int) -> int:
        ra, rb = s.root(a), s.root(b)
        keep = min(ra, rb)
        s.parent[max(ra, rb)] = keep
        return keep

    # -------------------------------------------------------------- stepping

    def _unmatch_new(self, g: int) -> None:
        old = self._new_match.pop(g, None)
        if old is not None:
            del self._old_match[old]

    def _unmatch_old(self, old: tuple[str, int]) -> None:
        g = self._old_match.pop(old, None)
        if g is not None:
            del self._new_match[g]

    def _advance(self, key: str, q: int) -> None:
        """Apply the last run's decisions on the trace's edges before `q`, none of them shared."""
        s = self._shadows[key]
        if q < s.next or q >= len(s.trace.merged):
            raise _Mismatch
        while s.next < q:
            r = s.next
            s.next += 1
            if s.common[r]:
                raise _Mismatch  # a shared edge this run has not met yet
            if s.trace.merged[r]:
                a, b, _ = s.trace.edges[r]
                self._unmatch_old((key, s.root(a)))
                self._unmatch_old((key, s.root(b)))
                self._union(s, a, b)
        s.next = q + 1

    def decide(self, p: int, i: int, j: int, gi: int, gj: int, test: Test, members: Any) -> bool:
        """Whether the `p`-th edge (i, j) merges clusters `gi` and `gj`: the last run's decision
        when both are matched to the clusters it had, else `test`."""
        q = self._common[p]
        if q is None:
            ok = gi != gj and self._test(test, members[gi], members[gj])
            if ok:
                self._unmatch_new(gi)
                self._unmatch_new(gj)
            return ok
        li, lj = self._loc[i], self._loc[j]
        assert li is not None and lj is not None
        key = li[0]
        self._advance(key, q)
        s = self._shadows[key]
        oi, oj = (key, s.root(li[1])), (key, s.root(lj[1]))
        before = s.trace.merged[q]
        if gi != gj and self._new_match.get(gi) == oi and self._new_match.get(gj) == oj:
            self.replayed += 1
            if before:
                self._unmatch_new(gi)
                self._unmatch_new(gj)
                both = (key, self._union(s, li[1], lj[1]))
                self._new_match[min(gi, gj)] = both
                self._old_match[both] = min(gi, gj)
            return before
        ok = gi != gj and self._test(test, members[gi], members[gj])
        if ok or before:
            for g in (gi, gj):
                self._unmatch_new(g)
            self._unmatch_old(oi)
            self._unmatch_old(oj)
        if before:
            self._union(s, li[1], lj[1])
        return ok

    def _test(self, test: Test, a: list[int], b: list[int]) -> bool:
        self.tested += 1
        return test(a, b)


def agglomerate(
    n: int,
    ordered: Sequence[Edge],
    test: Test,
    *,
    start: Sequence[Sequence[int]] = (),
    stop: float | None = None,
    replay: Replay | None = None,
) -> list[list[int]]:
    """Clusters of items 0..n-1: from `start` (disjoint sets; other items alone), each edge of
    `ordered` in turn merges the clusters of its ends when `test` accepts them, until an
    edge's weight is below `stop`. With a `replay`, decisions the last run took on the same
    inputs are reused (see :class:`Replay`) and this run's trace is left in `replay.trace`.
    """
    if replay is not None:
        try:
            replay.begin(n, start, ordered)
            clusters, merged = _run(n, ordered, test, start=start, stop=stop, replay=replay)
        except _Mismatch:
            clusters, merged = _run(n, ordered, test, start=start, stop=stop, replay=None)
        units = [sorted(u) for u in start if len(u) > 1]
        replay.trace = Trace(replay.items, units, [(i, j, w) for i, j, w in ordered], merged)
        return clusters
    return _run(n, ordered, test, start=start, stop=stop, replay=None)[0]


def _run(
    n: int,
    ordered: Sequence[Edge],
    test: Test,
    *,
    start: Sequence[Sequence[int]],
    stop: float | None,
    replay: Replay | None,
) -> tuple[list[list[int]], list[bool]]:
    member_of = list(range(n))
    members: dict[int, list[int]] = {}
    for unit in start:
        head = min(unit)
        for m in unit:
            member_of[m] = head
        members[head] = sorted(unit)
    for i in range(n):
        members.setdefault(member_of[i], [i])
    merged: list[bool] = []
    for p, (i, j, w) in enumerate(ordered):
        if stop is not None and w < stop:
            break
        gi, gj = member_of[i], member_of[j]
        if replay is not None:
            ok = replay.decide(p, i, j, gi, gj, test, members)
        else:
            ok = gi != gj and test(members[gi], members[gj])
        merged.append(ok)
        if ok:
            merge(member_of, members, gi, gj)
    return sorted(members.values()), merged

"""Greedy merging along weighted edges, replayed from the last run's merges wherever nothing it reads changed."""

from __future__ import annotations

import base64
import heapq
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .sets import merge

__all__ = ["Replay", "Trace", "agglomerate"]

Edge = tuple[int, int, float]
# test(members of one cluster, members of the other) -> whether they merge.
Test = Callable[[list[int], list[int]], bool]
# Bump when the stored trace layout changes.
_TRACE_VERSION = 1


@dataclass
class Trace:
    """One run of :func:`agglomerate` over a component: enough to replay it on a later run.

    `items` name the local items (a digest of everything the clustering reads about each),
    `start` the clusters of several items it began with, `i`, `j`, `w` every edge in the
    order it takes them (those after it stopped too: the merge test may read them), `merged`
    the positions of the edges that merged two clusters, `taken` how many edges it took.
    """

    items: list[str]
    start: list[list[int]]
    i: np.ndarray
    j: np.ndarray
    w: np.ndarray
    merged: np.ndarray
    taken: int

    def dumps(self) -> str:
        buf = io.BytesIO()
        flat = [m for unit in self.start for m in unit]
        np.savez(
            buf,
            version=np.array([_TRACE_VERSION]),
            items=np.array([x.encode() for x in self.items], dtype="S"),
            start=np.array(flat, dtype=np.int64),
            sizes=np.array([len(u) for u in self.start], dtype=np.int64),
            i=self.i.astype(np.int64),
            j=self.j.astype(np.int64),
            w=self.w.astype(np.float64),
            merged=self.merged.astype(np.int64),
            taken=np.array([self.taken]),
        )
        return base64.b64encode(buf.getvalue()).decode()

    @classmethod
    def loads(cls, data: str) -> Trace | None:
        """The trace, or None when `data` is not one this version wrote."""
        try:
            with np.load(io.BytesIO(base64.b64decode(data)), allow_pickle=False) as z:
                if int(z["version"][0]) != _TRACE_VERSION:
                    return None
                flat, ends = z["start"].tolist(), np.cumsum(z["sizes"]).tolist()
                return cls(
                    items=[x.decode() for x in z["items"].tolist()],
                    start=[flat[a:b] for a, b in zip([0, *ends], ends, strict=False)],
                    i=z["i"],
                    j=z["j"],
                    w=z["w"],
                    merged=z["merged"],
                    taken=int(z["taken"][0]),
                )
        except (ValueError, KeyError, OSError, TypeError):
            return None


class _Mismatch(Exception):
    """The items or edges shared with the last run come in another order: no replay."""


class Replay:
    """The last run's decisions for the merges this run would test again with the same inputs.

    Built with the identities of this run's items (`items[k]` names local item k, as
    :attr:`Trace.items` do) and `locate`, which finds an identity in the last run's traces
    (its trace key and local index there). An item is *unchanged* when the last run had it and
    every edge it has, with its weight, is the one the last run had. A cluster of this run is
    *matched* to a cluster of the last run at the same point when both hold the same unchanged
    items. For an edge between two matched clusters :func:`agglomerate` takes the last run's
    decision instead of testing it, which gives the same clusters as long as the test reads
    only the two clusters' items and the edges among them, and edges are taken in an order
    given by weight and then by item order (which unchanged items keep). Any change to a
    matched cluster, in either run, unmatches it for good.

    Only the edges that can differ are visited: those that merged in the last run, and those
    of items in an unmatched cluster from the moment it is unmatched; the others join two
    matched clusters that the last run did not merge, and they merge nothing now either.
    """

    def __init__(
        self,
        items: Sequence[str],
        *,
        locate: Callable[[str], tuple[str, int] | None],
        traces: Mapping[str, Trace | None],
    ) -> None:
        self.items = list(items)
        self._locate = locate
        self._traces = traces
        self.tested = 0
        self.replayed = 0
        self.trace: Trace | None = None

    def run(
        self,
        n: int,
        ordered: Sequence[Edge],
        test: Test,
        *,
        start: Sequence[Sequence[int]],
        stop: float | None,
    ) -> tuple[list[list[int]], list[int], int]:
        """The clusters, the positions of the edges that merged, and how many edges were taken."""
        ei = np.array([e[0] for e in ordered], dtype=np.int64)
        ej = np.array([e[1] for e in ordered], dtype=np.int64)
        ew = np.array([e[2] for e in ordered], dtype=np.float64)
        taken = len(ordered) if stop is None else int(np.count_nonzero(ew >= stop))
        # The last run's traces that hold some of these items, as one index space.
        where = [self._locate(x) for x in self.items]
        keys = sorted({at[0] for at in where if at is not None})
        traces: list[Trace] = []
        for key in keys:
            trace = self._traces.get(key)
            if trace is None:
                raise _Mismatch
            traces.append(trace)
        item_base = np.cumsum([0] + [len(t.items) for t in traces])
        edge_base = np.cumsum([0] + [len(t.i) for t in traces])
        slot = {key: k for k, key in enumerate(keys)}
        g = np.full(n, -1, dtype=np.int64)  # this run's item -> the last run's
        for m, place in enumerate(where):
            if place is not None:
                g[m] = item_base[slot[place[0]]] + place[1]
        n_old = int(item_base[-1])
        of_trace = np.repeat(np.arange(len(traces)), np.diff(item_base))
        oi = np.concatenate([t.i + item_base[k] for k, t in enumerate(traces)] + [ei[:0]])
        oj = np.concatenate([t.j + item_base[k] for k, t in enumerate(traces)] + [ej[:0]])
        ow = np.concatenate([t.w for t in traces] + [ew[:0]])
        was_merged = np.zeros(len(oi), dtype=bool)
        old_taken = np.zeros(len(oi), dtype=bool)
        for k, t in enumerate(traces):
            was_merged[t.merged + edge_base[k]] = True
            old_taken[edge_base[k] : edge_base[k] + t.taken] = True
        # Which edges the last run had, with the same weight.
        span = n_old + 1
        both = (g[ei] >= 0) & (g[ej] >= 0)
        lo, hi = np.minimum(g[ei], g[ej]), np.maximum(g[ei], g[ej])
        new_key = np.where(both, lo * span + hi, -1)
        old_key = np.minimum(oi, oj) * span + np.maximum(oi, oj)
        if not len(old_key):
            raise _Mismatch  # traces are kept for components with edges only
        order = np.argsort(old_key, kind="stable")
        at = np.clip(np.searchsorted(old_key[order], new_key), 0, len(order) - 1)
        q = np.where(both, order[at], 0)
        found = both & (old_key[q] == new_key) & (ow[q] == ew)
        q = np.where(found, q, -1)
        changed = g < 0
        changed[ei[~found]] = True
        changed[ej[~found]] = True
        met = np.zeros(len(oi), dtype=bool)
        met[q[found]] = True
        new_of = np.full(n_old, -1, dtype=np.int64)
        new_of[g[g >= 0]] = np.nonzero(g >= 0)[0]
        lost = np.concatenate([oi[~met], oj[~met]])
        mapped = new_of[lost]
        changed[mapped[mapped >= 0]] = True
        common = found & ~changed[ei] & ~changed[ej]
        cpos = np.nonzero(common)[0]
        cq = q[cpos]
        ctrace = of_trace[oi[cq]] if len(cq) else cq
        # Unchanged items and shared edges keep their order between runs, else no replay.
        placed = np.nonzero(g >= 0)[0]
        for k in range(len(traces)):
            if np.any(np.diff(g[placed[of_trace[g[placed]] == k]]) <= 0):
                raise _Mismatch
            if np.any(np.diff(cq[ctrace == k]) <= 0):
                raise _Mismatch
        if np.any(old_taken[cq] != (cpos < taken)):
            raise _Mismatch
        # The last run's other merges take effect before the next shared edge of their trace.
        events: list[tuple[int, int]] = []
        never = len(ordered)
        shared = np.zeros(len(oi), dtype=bool)
        shared[cq] = True
        for k, t in enumerate(traces):
            mine = cq[ctrace == k]
            at_new = cpos[ctrace == k]
            others = t.merged + edge_base[k]
            others = others[~shared[others]]
            if len(mine):
                nxt = np.searchsorted(mine, others, side="right")
                when = np.where(nxt < len(mine), at_new[np.minimum(nxt, len(mine) - 1)], never)
            else:
                when = np.full(len(others), never)
            events.extend(zip(when.tolist(), others.tolist(), strict=True))
        events.sort()
        return self._loop(
            n, (ei, ej, ew), test, start=start, taken=taken, g=g, changed=changed,
            old=(oi, oj, was_merged, traces, item_base), q=q, common=common,
            events=events, merges=cpos[was_merged[cq]],
        )  # fmt: skip

    def _loop(
        self,
        n: int,
        edges: tuple[np.ndarray, np.ndarray, np.ndarray],
        test: Test,
        *,
        start: Sequence[Sequence[int]],
        taken: int,
        g: np.ndarray,
        changed: np.ndarray,
        old: tuple[np.ndarray, np.ndarray, np.ndarray, list[Trace], np.ndarray],
        q: np.ndarray,
        common: np.ndarray,
        events: list[tuple[int, int]],
        merges: np.ndarray,
    ) -> tuple[list[list[int]], list[int], int]:
        ei, ej, _ = edges
        oi, oj, was_merged, traces, item_base = old
        parent = list(range(int(item_base[-1])))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def union(a: int, b: int) -> int:
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)
            return min(ra, rb)

        for k, t in enumerate(traces):
            base = int(item_base[k])
            for old_unit in t.start:
                for m in old_unit[1:]:
                    union(base + old_unit[0], base + m)
        size: dict[int, int] = {}
        for m in range(len(parent)):
            r = root(m)
            size[r] = size.get(r, 0) + 1
        member_of, members = _starting(n, start)
        new_match: dict[int, int] = {}
        old_match: dict[int, int] = {}
        gl, ch = g.tolist(), changed.tolist()
        for head, unit in members.items():
            if any(ch[m] for m in unit):
                continue
            roots = {root(gl[m]) for m in unit}
            if len(roots) == 1:
                (r,) = roots
                if size[r] == len(unit):
                    new_match[head], old_match[r] = r, head
        # Each item's edges (positions taken, in order), to visit once its cluster is unmatched.
        ends = np.concatenate([ei[:taken], ej[:taken]])
        pos = np.concatenate([np.arange(taken), np.arange(taken)])
        by_item = np.lexsort((pos, ends))
        incident = pos[by_item]
        bounds = np.concatenate([[0], np.cumsum(np.bincount(ends, minlength=n))]).tolist()
        active = [False] * n
        heap: list[int] = [p for p in merges.tolist() if p < taken]
        heapq.heapify(heap)

        def activate(c: int, now: int) -> None:
            for m in members[c]:
                if not active[m]:
                    active[m] = True
                    row = incident[bounds[m] : bounds[m + 1]]
                    for p in row[np.searchsorted(row, now, side="right") :].tolist():
                        heapq.heappush(heap, p)

        def unmatch(c: int, now: int) -> None:
            r = new_match.pop(c, None)
            if r is not None:
                del old_match[r]
            activate(c, now)

        for head in list(members):
            if head not in new_match:
                activate(head, -1)
        il, jl, ql = ei.tolist(), ej.tolist(), q.tolist()
        cl = common.tolist()
        oil, ojl, wml = oi.tolist(), oj.tolist(), was_merged.tolist()
        merged: list[int] = []
        done = -1
        e = 0
        while heap or e < len(events):
            p = heap[0] if heap else taken
            if e < len(events) and events[e][0] <= p:
                _, x = events[e]
                e += 1
                for r in (root(oil[x]), root(ojl[x])):
                    c = old_match.get(r)
                    if c is not None:
                        unmatch(c, events[e - 1][0] - 1)
                union(oil[x], ojl[x])
                continue
            if not heap:
                break  # the last run's merges left are after the last edge taken
            heapq.heappop(heap)
            if p <= done or p >= taken:
                continue
            done = p
            i, j = il[p], jl[p]
            gi, gj = member_of[i], member_of[j]
            if not cl[p]:
                if gi != gj and self._test(test, members[gi], members[gj]):
                    unmatch(gi, p)
                    unmatch(gj, p)
                    merge(member_of, members, gi, gj)
                    merged.append(p)
                continue
            x = ql[p]
            oi_r, oj_r = root(gl[i]), root(gl[j])
            before = wml[x]
            if gi != gj and new_match.get(gi) == oi_r and new_match.get(gj) == oj_r:
                self.replayed += 1
                if before:
                    del new_match[gi], new_match[gj], old_match[oi_r], old_match[oj_r]
                    merge(member_of, members, gi, gj)
                    merged.append(p)
                    r = union(gl[i], gl[j])
                    new_match[min(gi, gj)], old_match[r] = r, min(gi, gj)
                continue
            ok = gi != gj and self._test(test, members[gi], members[gj])
            if ok or before:
                for r in (oi_r, oj_r):
                    c = old_match.get(r)
                    if c is not None:
                        unmatch(c, p)
                unmatch(gi, p)
                unmatch(gj, p)
            if before:
                union(gl[i], gl[j])
            if ok:
                merge(member_of, members, gi, gj)
                merged.append(p)
        return sorted(members.values()), merged, taken

    def counted(self, test: Test) -> Test:
        """`test`, counted in :attr:`tested`."""
        return lambda a, b: self._test(test, a, b)

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
    if replay is None:
        return _run(n, ordered, test, start=start, stop=stop)[0]
    try:
        clusters, merged, taken = replay.run(n, ordered, test, start=start, stop=stop)
    except _Mismatch:
        clusters, merged, taken = _run(n, ordered, replay.counted(test), start=start, stop=stop)
    replay.trace = Trace(
        items=replay.items,
        start=[sorted(u) for u in start if len(u) > 1],
        i=np.array([e[0] for e in ordered], dtype=np.int64),
        j=np.array([e[1] for e in ordered], dtype=np.int64),
        w=np.array([e[2] for e in ordered], dtype=np.float64),
        merged=np.array(sorted(merged), dtype=np.int64),
        taken=taken,
    )
    return clusters


def _starting(n: int, start: Sequence[Sequence[int]]) -> tuple[list[int], dict[int, list[int]]]:
    """Each item's cluster (named by its smallest item) and each cluster's sorted items."""
    member_of = list(range(n))
    members: dict[int, list[int]] = {}
    for unit in start:
        head = min(unit)
        for m in unit:
            member_of[m] = head
        members[head] = sorted(unit)
    for i in range(n):
        members.setdefault(member_of[i], [i])
    return member_of, members


def _run(
    n: int,
    ordered: Sequence[Edge],
    test: Test,
    *,
    start: Sequence[Sequence[int]],
    stop: float | None,
) -> tuple[list[list[int]], list[int], int]:
    member_of, members = _starting(n, start)
    merged: list[int] = []
    taken = len(ordered)
    for p, (i, j, w) in enumerate(ordered):
        if stop is not None and w < stop:
            taken = p
            break
        gi, gj = member_of[i], member_of[j]
        if gi != gj and test(members[gi], members[gj]):
            merge(member_of, members, gi, gj)
            merged.append(p)
    return sorted(members.values()), merged, taken

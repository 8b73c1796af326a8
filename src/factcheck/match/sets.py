"""Disjoint sets as plain lists and dicts: the merge step that every clustering here shares."""

from __future__ import annotations

__all__ = ["merge"]


def merge(member_of: list[int], members: dict[int, list[int]], gi: int, gj: int) -> None:
    """Merge cluster `gj` into `gi` (in place; the lower id names the result).

    `member_of[m]` is the cluster holding item `m`, `members[g]` the sorted items of cluster `g`.
    It imports nothing, so a rule can use it without the matcher's numpy.
    """
    keep, drop = min(gi, gj), max(gi, gj)
    for m in members[drop]:
        member_of[m] = keep
    members[keep] = sorted(members[gi] + members[gj])
    del members[drop]

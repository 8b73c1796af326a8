"""Near-duplicate documents (syndicated or copied articles): word 5-gram shingles, MinHash LSH, exact check."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

import numpy as np

from ..models import Document, SourceCluster

__all__ = ["duplicate_pairs", "shingles", "similarity", "source_clusters"]

SHINGLE = 5
_PERMUTATIONS = 128
_BANDS = 32  # 32 bands of 4 rows: pairs above ~0.5 Jaccard almost always share a band
_PRIME = (1 << 61) - 1
_WORD = re.compile(r"\w+", re.UNICODE)
# Pairwise comparison of every pair is cheap below this many documents; LSH above.
_EXACT_LIMIT = 200


def shingles(text: str, *, size: int = SHINGLE) -> set[int]:
    """64-bit hashes of the word `size`-grams of a text (lower-cased words, punctuation ignored)."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    if len(words) < size:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    }


def similarity(a: set[int], b: set[int]) -> float:
    """Jaccard of shingle sets; containment when the shorter text is at least half the longer.

    Syndicated copies are often trimmed at the end; containment keeps such copies together,
    while a short text quoting one paragraph of a long one is not called a copy.
    """
    if not a or not b:
        return 0.0
    inter = len(a & b)
    small, large = sorted((len(a), len(b)))
    if small * 2 >= large:
        return inter / small
    return inter / (len(a) + len(b) - inter)


def _minhash(sets: Sequence[set[int]], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _PRIME, size=_PERMUTATIONS, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=_PERMUTATIONS, dtype=np.uint64)
    out = np.full((len(sets), _PERMUTATIONS), np.iinfo(np.uint64).max, dtype=np.uint64)
    for i, s in enumerate(sets):
        if not s:
            continue
        x = np.fromiter(s, dtype=np.uint64, count=len(s)) & np.uint64(_PRIME)
        # (a*x + b) mod p on uint64 wraps; that is still a fine universal-ish hash for MinHash.
        h = (x[None, :] * a[:, None] + b[:, None]) % np.uint64(_PRIME)
        out[i] = h.min(axis=1)
    return out


def _candidates(sets: Sequence[set[int]]) -> set[tuple[int, int]]:
    n = len(sets)
    if n <= _EXACT_LIMIT:
        return set(combinations(range(n), 2))
    sig = _minhash(sets)
    rows = _PERMUTATIONS // _BANDS
    found: set[tuple[int, int]] = set()
    for band in range(_BANDS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        part = sig[:, band * rows : (band + 1) * rows]
        for i in range(n):
            if sets[i]:
                buckets[part[i].tobytes()].append(i)
        for members in buckets.values():
            if len(members) > 1:
                found.update(combinations(members, 2))
    return found


def duplicate_pairs(texts: Sequence[str], *, threshold: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of texts at least `threshold` similar, with their similarity."""
    sets = [shingles(t) for t in texts]
    out = []
    for i, j in sorted(_candidates(sets)):
        sim = similarity(sets[i], sets[j])
        if sim >= threshold:
            out.append((i, j, sim))
    return out


def source_clusters(documents: Sequence[Document], *, threshold: float) -> list[SourceCluster]:
    """Groups of near-duplicate documents (more than one each), id = smallest document id.

    Copies of copies join one cluster (single link): a syndicated story stays one source
    however many outlets re-ran it. `similarity` is the lowest pair similarity that linked it.
    """
    pairs = duplicate_pairs([d.text for d in documents], threshold=threshold)
    parent = list(range(len(documents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    weakest: dict[int, float] = {}
    for i, j, sim in sorted(pairs, key=lambda p: -p[2]):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
            root = min(ri, rj)
            weakest[root] = min(sim, weakest.get(ri, 1.0), weakest.get(rj, 1.0))
    members: dict[int, list[str]] = defaultdict(list)
    for i, doc in enumerate(documents):
        members[find(i)].append(doc.id)
    clusters = [
        SourceCluster(
            id=min(ids), documents=sorted(ids), similarity=round(weakest.get(root, 1.0), 4)
        )
        for root, ids in members.items()
        if len(ids) > 1
    ]
    return sorted(clusters, key=lambda c: c.id)

"""Near-duplicate documents (syndicated or copied articles): word 5-gram shingles, MinHash LSH, exact check."""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from itertools import combinations

import numpy as np

from ..models import Document, SourceCluster

__all__ = ["Prints", "duplicate_pairs", "shingles", "similarity", "source_clusters"]

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


@cache
def _permutations(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _PRIME, size=_PERMUTATIONS, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=_PERMUTATIONS, dtype=np.uint64)
    return a, b


def _signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature of one text's shingle hashes (all ones when it has none)."""
    if not len(hashes):
        return np.full(_PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    a, b = _permutations()
    x = hashes & np.uint64(_PRIME)
    # (a*x + b) mod p on uint64 wraps; that is still a fine universal-ish hash for MinHash.
    out: np.ndarray = ((x[None, :] * a[:, None] + b[:, None]) % np.uint64(_PRIME)).min(axis=1)
    return out


class Prints:
    """Each text's shingles (sorted hashes) and MinHash signature, kept between runs by text.

    Both are functions of the text alone, so a rerun computes them only for new texts; only
    the texts of the latest run are written back (:meth:`dumps`).
    """

    def __init__(self, previous: bytes | None = None) -> None:
        self._old: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if previous is not None:
            try:
                with np.load(io.BytesIO(previous), allow_pickle=False) as z:
                    if int(z["version"][0]) == _PRINTS_VERSION:
                        keys = [k.decode() for k in z["keys"].tolist()]
                        ends = np.cumsum(z["lengths"])
                        flat, sigs = z["shingles"], z["signatures"]
                        for n, key in enumerate(keys):
                            start = int(ends[n - 1]) if n else 0
                            self._old[key] = (flat[start : int(ends[n])], sigs[n])
            except (ValueError, KeyError, OSError):
                self._old = {}  # not a store this version wrote: computed again and replaced
        self._new: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.computed = 0  # texts whose shingles this run computed

    def of(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's sorted shingle hashes (uint64) and its signature."""
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        hit = self._new.get(key) or self._old.get(key)
        if hit is None:
            hashes = np.array(sorted(shingles(text)), dtype=np.uint64)
            hit = (hashes, _signature(hashes))
            self.computed += 1
        self._new[key] = hit
        return hit

    def dumps(self) -> bytes:
        keys = sorted(self._new)
        buf = io.BytesIO()
        np.savez(
            buf,
            version=np.array([_PRINTS_VERSION]),
            keys=np.array([k.encode() for k in keys], dtype="S32"),
            lengths=np.array([len(self._new[k][0]) for k in keys], dtype=np.int64),
            shingles=np.concatenate([self._new[k][0] for k in keys] or [np.zeros(0, np.uint64)]),
            signatures=np.stack([self._new[k][1] for k in keys])
            if keys
            else np.zeros((0, _PERMUTATIONS), dtype=np.uint64),
        )
        return buf.getvalue()


# Bump when shingles or signatures are computed differently.
_PRINTS_VERSION = 1


def _candidates(sig: np.ndarray, live: np.ndarray) -> set[tuple[int, int]]:
    """Pairs (i < j) of the `live` rows (texts with words) whose signatures share a band."""
    rows = _PERMUTATIONS // _BANDS
    found: set[tuple[int, int]] = set()
    if len(live) < 2:
        return found
    for band in range(_BANDS):
        part = np.ascontiguousarray(sig[live, band * rows : (band + 1) * rows])
        keys = part.view(np.dtype((np.void, part.dtype.itemsize * rows))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        shared = np.nonzero(counts[inverse] > 1)[0]
        if not len(shared):
            continue
        order = shared[np.argsort(inverse[shared], kind="stable")]
        for members in np.split(order, np.nonzero(np.diff(inverse[order]))[0] + 1):
            found.update(combinations(live[members].tolist(), 2))
    return found


def duplicate_pairs(
    texts: Sequence[str], *, threshold: float, prints: Prints | None = None
) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of texts at least `threshold` similar, with their similarity.

    `prints` keeps each text's shingles and signature between runs (the same pairs).
    """
    prints = prints or Prints()
    found = [prints.of(t) for t in texts]
    n = len(texts)
    if n <= _EXACT_LIMIT:
        candidates = set(combinations(range(n), 2))
    else:
        sig = np.stack([f[1] for f in found]) if found else np.zeros((0, _PERMUTATIONS))
        live = np.array([k for k in range(n) if len(found[k][0])], dtype=np.int64)
        candidates = _candidates(sig, live)
    sets: dict[int, set[int]] = {}

    def shingle_set(k: int) -> set[int]:
        hit = sets.get(k)
        if hit is None:
            hit = sets[k] = set(found[k][0].tolist())
        return hit

    out = []
    for i, j in sorted(candidates):
        sim = similarity(shingle_set(i), shingle_set(j))
        if sim >= threshold:
            out.append((i, j, sim))
    return out


def source_clusters(
    documents: Sequence[Document], *, threshold: float, prints: Prints | None = None
) -> list[SourceCluster]:
    """Groups of near-duplicate documents (more than one each), id = smallest document id.

    Copies of copies join one cluster (single link): a syndicated story stays one source
    however many outlets re-ran it. `similarity` is the lowest pair similarity that linked it.
    """
    pairs = duplicate_pairs([d.text for d in documents], threshold=threshold, prints=prints)
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

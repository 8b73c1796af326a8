"""Per-pair values of the last run (match score, event probability), so a rerun computes only new pairs."""

from __future__ import annotations

import hashlib
import io

import numpy as np

__all__ = ["PairMemo", "claim_digests64"]

# Bump when the stored layout or the meaning of a value changes.
_VERSION = 1
# What is kept per pair, in column order.
COLUMNS = ("score", "event")

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


def claim_digests64(keys: list[str]) -> np.ndarray:
    """The first 8 bytes of each key's SHA-256, as uint64 (a claim's name in the memo)."""
    out = np.empty(len(keys), dtype=np.uint64)
    for n, key in enumerate(keys):
        out[n] = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little")
    return out


def _mix(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """One uint64 per (a, b, c) to sort and search by; equal inputs are checked column by column."""
    with np.errstate(over="ignore"):
        h = a * _M1
        h ^= (b * _M2) ^ (b >> np.uint64(29))
        h ^= c.astype(np.uint64) * _M3
        h ^= h >> np.uint64(31)
        h *= _M2
        h ^= h >> np.uint64(27)
    return h


class PairMemo:
    """What a run computed for each candidate pair of claims, by the two claims and their cosine.

    A pair is named by both claims' digests (a claim's digest changes whenever anything
    matching reads about it or its document changes: see `pipeline.claim_keys`) and the bits
    of its float32 cosine, so a stored value is reused only where the very same inputs come
    back; the namespace (code, models, weights) covers the rest. A value is NaN where it was
    not computed (the event probability of two claims of one source). Only the pairs of the
    latest run are written back (:meth:`dumps`), so the memo follows the corpus, not its history.

    >>> memo = PairMemo(None, namespace="x")
    >>> a, b, c = np.array([1], np.uint64), np.array([2], np.uint64), np.array([0.5], np.float32)
    >>> bool(np.isnan(memo.lookup(a, b, c)).all())
    True
    """

    def __init__(self, previous: bytes | None, *, namespace: str) -> None:
        self.namespace = namespace
        self._key = np.zeros(0, dtype=np.uint64)
        self._a = self._b = self._key
        self._c = np.zeros(0, dtype=np.uint32)
        self._values = np.zeros((0, len(COLUMNS)), dtype=np.float64)
        if previous is not None:
            self._load(previous)
        self._new: tuple[np.ndarray, ...] | None = None

    def _load(self, data: bytes) -> None:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                if int(z["version"][0]) != _VERSION or str(z["namespace"][0]) != self.namespace:
                    return
                a, b, c = z["a"], z["b"], z["c"]
                values = z["values"]
        except (OSError, ValueError, EOFError, KeyError, IndexError):
            return  # written by another version (or not a memo): computed again and replaced
        n = len(a)
        if not (len(b) == len(c) == n and values.shape == (n, len(COLUMNS))):
            return
        key = _mix(a, b, c)
        order = np.argsort(key, kind="stable")
        self._key, self._a, self._b, self._c = key[order], a[order], b[order], c[order]
        self._values = values[order]

    def lookup(self, a: np.ndarray, b: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """The stored values of pairs (a[i], b[i], cosine[i]), one row per pair (NaN: unknown)."""
        c = np.ascontiguousarray(cosine, dtype=np.float32).view(np.uint32)
        out = np.full((len(a), len(COLUMNS)), np.nan, dtype=np.float64)
        if len(self._key) == 0 or len(a) == 0:
            return out
        key = _mix(a, b, c)
        pos = np.searchsorted(self._key, key)
        pos = np.minimum(pos, len(self._key) - 1)
        # A hash match is not enough: the pair's own digests and cosine must be the stored ones
        # (a second pair with the same hash is simply computed again).
        hit = (
            (self._key[pos] == key)
            & (self._a[pos] == a)
            & (self._b[pos] == b)
            & (self._c[pos] == c)
        )
        out[hit] = self._values[pos[hit]]
        return out

    def keep(self, a: np.ndarray, b: np.ndarray, cosine: np.ndarray, values: np.ndarray) -> None:
        """This run's pairs and their values: what :meth:`dumps` writes for the next run."""
        c = np.ascontiguousarray(cosine, dtype=np.float32).view(np.uint32)
        self._new = (a, b, c, np.asarray(values, dtype=np.float64))

    def dumps(self) -> bytes:
        a, b, c, values = self._new or (
            self._a[:0],
            self._b[:0],
            self._c[:0],
            self._values[:0],
        )
        buf = io.BytesIO()
        np.savez(
            buf,
            version=np.array([_VERSION]),
            namespace=np.array([self.namespace]),
            a=a,
            b=b,
            c=c,
            values=values,
        )
        return buf.getvalue()

"""PairMemo: per-pair values come back only for the very pairs (claims and cosine) that stored them."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.match.pair_memo import PairMemo, claim_digests64


def _pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    digest = claim_digests64([f"claim {n}" for n in range(6)])
    a, b = digest[[0, 1, 2, 3]], digest[[4, 5, 4, 5]]
    cosine = np.array([0.5, 0.61, 0.7, 0.33], dtype=np.float32)
    values = np.array([[0.52, 0.9], [0.6, np.nan], [0.74, 0.1], [0.3, 0.2]])
    return a, b, cosine, values


def test_stored_values_come_back_for_the_same_pairs_only() -> None:
    a, b, cosine, values = _pairs()
    memo = PairMemo(None, namespace="n")
    memo.keep(a, b, cosine, values)
    again = PairMemo(memo.dumps(), namespace="n")
    got = again.lookup(a[::-1], b[::-1], cosine[::-1])
    np.testing.assert_array_equal(got, values[::-1])
    # The other way round, another claim, or a cosine one float32 step away: not the same pair.
    swapped = again.lookup(b, a, cosine)
    other = again.lookup(a, b[::-1], cosine)
    nudged = again.lookup(a, b, np.nextafter(cosine, np.float32(1)))
    for miss in (swapped, other, nudged):
        assert np.isnan(miss).all()


@pytest.mark.parametrize("data", [b"", b"not a memo", None])
def test_unreadable_or_missing_memo_knows_nothing(data: bytes | None) -> None:
    a, b, cosine, _ = _pairs()
    assert np.isnan(PairMemo(data, namespace="n").lookup(a, b, cosine)).all()


def test_another_namespace_discards_the_memo() -> None:
    a, b, cosine, values = _pairs()
    memo = PairMemo(None, namespace="code 1")
    memo.keep(a, b, cosine, values)
    assert np.isnan(PairMemo(memo.dumps(), namespace="code 2").lookup(a, b, cosine)).all()


def test_only_the_latest_pairs_are_written_back() -> None:
    a, b, cosine, values = _pairs()
    first = PairMemo(None, namespace="n")
    first.keep(a, b, cosine, values)
    second = PairMemo(first.dumps(), namespace="n")
    second.keep(a[:1], b[:1], cosine[:1], values[:1])
    third = PairMemo(second.dumps(), namespace="n")
    got = third.lookup(a, b, cosine)
    np.testing.assert_array_equal(got[0], values[0])
    assert np.isnan(got[1:]).all()

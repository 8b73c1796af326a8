"""Per-claim memo for derived claim properties, active while the rule engine runs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..models import Claim

__all__ = ["claim_memo", "per_claim"]

T = TypeVar("T")
P = ParamSpec("P")

# (function, claim id, other arguments) -> (claim, value). A hit counts only when it is the same
# claim object, so two objects that share an id (or an edited copy) never share a value.
_MEMO: ContextVar[dict[tuple[str, str, tuple[Any, ...]], tuple[Claim, Any]] | None] = ContextVar(
    "factcheck_claim_memo", default=None
)


@contextmanager
def claim_memo() -> Iterator[None]:
    """Within the block, functions marked :func:`per_claim` compute once per claim object.

    Claims must not be modified inside the block (the rule engine only reads them). Outside
    it, the functions compute every time, so code that edits claims between calls stays right.
    """
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def per_claim(fn: Callable[Concatenate[Claim, P], T]) -> Callable[Concatenate[Claim, P], T]:
    """Mark a pure function of a claim (and hashable positional arguments) as memoisable.

    Its value is shared between callers inside the block, so callers must not modify it.

    Outside :func:`claim_memo` it simply runs. Inside, the first call for a claim object and
    arguments computes; later calls return that value.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"

    def wrapper(claim: Claim, /, *args: P.args, **kwargs: P.kwargs) -> T:
        memo = _MEMO.get()
        if memo is None or kwargs:
            return fn(claim, *args, **kwargs)
        key = (name, claim.id, args)
        hit = memo.get(key)
        if hit is not None and hit[0] is claim:
            value: T = hit[1]
            return value
        value = fn(claim, *args, **kwargs)
        memo[key] = (claim, value)
        return value

    functools.update_wrapper(wrapper, fn)
    return wrapper

"""DC008: a later report updates a figure given by an earlier one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import Claim
from .base import GroupSlotRule, RuleContext, shorten
from .slots import slot_value


class QuantityUpdate(GroupSlotRule):
    """A later report updates a figure given by an earlier one.

    What it does:
        When matched claims give figures that would conflict (see DC002) but the documents carry
        different publication dates, the slot verdict is "update": the later document revises
        the figure (a death toll that rises, a forecast that is revised). Reported as information,
        not as a conflict.

    Why it matters:
        Running stories change their figures; an editor wants to know the newest one without the
        change being reported as an error.

    Example:
        doc a (published 2021-03-01): "At least 10 people died."
        doc b (published 2021-03-03): "At least 25 people died."
        -> DC008: b (2021-03-03) updates the figure to 25 from 10 in a (2021-03-01).
    """

    code = "DC008"
    name = "discrepancy.update"
    kind = "discrepancy"
    default_severity = "info"
    slot = "quantity"
    verdict = "update"
    topic = "figure"

    def describe(self, ctx: RuleContext, claims: Sequence[Claim], pairs: Sequence[Any]) -> str:
        def when(c: Claim) -> str:
            d = ctx.published(c.document)
            return d.isoformat() if d else "undated"

        ordered = sorted(claims, key=lambda c: (when(c), c.id))
        newest, older = ordered[-1], ordered[:-1]
        before = "; ".join(
            f"{c.document} ({when(c)}) said {slot_value(c, 'quantity')}" for c in older
        )
        return (
            f"Update, not a conflict: {newest.document} ({when(newest)}) gives "
            f"{slot_value(newest, 'quantity')} for “{shorten(newest.text, 80)}”, where {before}."
        )

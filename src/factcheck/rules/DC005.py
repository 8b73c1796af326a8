"""DC005: sources name different people as the actor of the same action."""

from __future__ import annotations

from .base import GroupSlotRule


class ActorDiscrepancy(GroupSlotRule):
    """Sources name different people as the actor of the same action.

    What it does:
        For matched claims with the same predicate, compares the people in the `who` slot by
        canonical id. When both claims name people and none is shared, the actor conflicts.
        Name variants ("Kishi Nobuo", "Nobuo Kishi") share a canonical id and agree.

    Why it matters:
        Attributing an act to the wrong person is a serious error, and a common one when a story
        is rewritten from another.

    Example:
        doc a: "Blinken announced the sanctions."
        doc b: "Austin announced the sanctions."
        -> DC005: a says Antony Blinken; b says Lloyd Austin.
    """

    code = "DC005"
    name = "discrepancy.actor"
    kind = "discrepancy"
    default_severity = "warning"
    slot = "who"
    topic = "actor"

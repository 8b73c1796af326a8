"""DC001: sources give different dates for the same fact."""

from __future__ import annotations

from .base import GroupSlotRule


class DateDiscrepancy(GroupSlotRule):
    """Sources give different dates for the same event.

    What it does:
        Compares the resolved dates of matched claims from different independent sources. Dates
        are intervals with a granularity: "March 2021" contains 2021-03-16, so they are compatible;
        2021-03-16 and 2021-03-17 do not overlap, so they conflict. Unresolved dates ("last week"
        with no publication date) are unknown and never conflict.

    Why it matters:
        A wrong date moves an event into another context; readers and editors need to know which
        source is off.

    Example:
        doc a: "The talks were held on 16 March 2021."
        doc b: "The talks were held on 17 March 2021."
        -> DC001: a says 2021-03-16; b says 2021-03-17.
    """

    code = "DC001"
    name = "discrepancy.date"
    kind = "discrepancy"
    default_severity = "error"
    slot = "when"
    topic = "date"

"""DC002: sources give different figures for the same fact."""

from __future__ import annotations

from .base import GroupSlotRule


class QuantityDiscrepancy(GroupSlotRule):
    """Sources give different figures for the same fact.

    What it does:
        Pairs the figures of matched claims by unit (decades, months and years are converted;
        thousand/million are scaled) and compares them with their bounds: "over 60 years" and
        "over six decades" agree, "more than 60" and 65 are compatible, 60 and 70 conflict.
        Numbers that are parts of names ("2-plus-2", "COVID-19", "Article 5") and ordinals are
        not figures. When the documents' publication dates differ, the later figure is an update
        (rule DC008), not a conflict.

    Why it matters:
        Figures are the most quoted and the most often garbled part of a story.

    Example:
        doc a: "The alliance has lasted 60 years."
        doc b: "The alliance has lasted 70 years."
        -> DC002: a says 60 years; b says 70 years.
    """

    code = "DC002"
    name = "discrepancy.quantity"
    kind = "discrepancy"
    default_severity = "error"
    slot = "quantity"
    topic = "figure"

"""DC003: sources place the same event in different places."""

from __future__ import annotations

from .base import GroupSlotRule


class PlaceDiscrepancy(GroupSlotRule):
    """Sources place the same event in different places.

    What it does:
        Compares the canonical place ids of matched claims. Different places conflict only when
        both are of the same kind and level (two cities, two countries) and the claims are about
        the same event (their dates do not conflict); a city and a country are compatible, since
        one may lie in the other. Aliases never conflict: places are compared by canonical id.

    Why it matters:
        Where something happened is a core fact of a report and easy to get wrong when copying.

    Example:
        doc a: "The ministers met in Tokyo on Tuesday."
        doc b: "The ministers met in Seoul on Tuesday."
        -> DC003: a says Tokyo; b says Seoul.
    """

    code = "DC003"
    name = "discrepancy.place"
    kind = "discrepancy"
    default_severity = "error"
    slot = "where"
    topic = "place"

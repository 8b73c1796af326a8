"""DC007: the same quote is given to different speakers."""

from __future__ import annotations

import difflib

from ..models import Claim
from ..review.fingerprint import normalise_text
from .base import GroupSlotRule, RuleContext, min_similarity


class AttributionDiscrepancy(GroupSlotRule):
    """The same quote is given to different speakers.

    What it does:
        For matched claims that are both quotations with a named speaker, compares the speakers
        by canonical id. When the quoted words are close (text similarity at or above
        `min_similarity`) but the speakers differ, the attribution conflicts. Reported speech
        that is not a direct quote is not checked: two people may well say similar things.

    Why it matters:
        Putting words in the wrong mouth misinforms readers and can be defamatory.

    Example:
        doc a: "'The alliance is strong,' Blinken said."
        doc b: "'The alliance is strong,' Austin said."
        -> DC007: a says Antony Blinken; b says Lloyd Austin.
    """

    code = "DC007"
    name = "discrepancy.attribution"
    kind = "discrepancy"
    default_severity = "error"
    slot = "attribution"
    topic = "speaker"
    config_keys = (
        min_similarity(0.6, "Text similarity (0-1) two quotes need to count as the same."),
    )

    def accept(self, ctx: RuleContext, a: Claim, b: Claim) -> bool:
        ratio = difflib.SequenceMatcher(
            None, normalise_text(a.text), normalise_text(b.text)
        ).ratio()
        return ratio >= float(self.options["min_similarity"])

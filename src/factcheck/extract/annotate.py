"""The attributes extraction derives from a built claim: stance (polarity, modality, denial), places, units.

One step shared by the extractor (every claim it builds, with the parse of its sentence) and the
rule test cases (every claim they build by hand, whose sentence is then parsed on its own), so
the cases test the logic the report runs. Each attribute it assigns has this one owner; rules
read the fields.

>>> claim = annotate(claim, sent)  # assigns the fields named in ASSIGNS
"""

from __future__ import annotations

from typing import Any

from ..models import Claim
from .places import with_places
from .stance import with_stance
from .units import with_units

__all__ = ["ASSIGNS", "annotate"]

# The Claim fields `annotate` writes (as spaCy components declare what they assign).
ASSIGNS = (
    "polarity",
    "modality",
    "denial",
    "event_places",
    "event_place",
    "setting",
    "quantities.dimension",
    "quantities.base_value",
    "quantities.comparable",
)


def annotate(claim: Claim, parse: Any | None = None) -> Claim:
    """The claim with every derived attribute set; applying it twice changes nothing.

    `parse` is the spaCy span of the claim's sentence (None: the sentence is parsed alone)."""
    return with_units(with_places(with_stance(claim), parse))

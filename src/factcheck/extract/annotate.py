"""The attributes extraction derives from a built claim: stance (polarity, modality, denial), places, units.

One step shared by the extractor (every claim it builds) and the rule test cases (every claim
they build by hand), so the cases test the logic the report runs. Each attribute it assigns has
this one owner; rules read the fields.

>>> claim = annotate(claim)  # assigns the fields named in ASSIGNS
"""

from __future__ import annotations

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


def annotate(claim: Claim) -> Claim:
    """The claim with every derived attribute set; applying it twice changes nothing."""
    return with_units(with_places(with_stance(claim)))

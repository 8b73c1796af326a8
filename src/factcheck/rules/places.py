"""Event locations and meeting settings of claims, as extraction recorded them, and how they compare.

Extraction owns these attributes (`extract.places` sets `Claim.event_places`, `Claim.event_place`
and `Claim.setting`); this module turns the recorded ids back into the claim's `where` entities
and compares settings. It never reads the sentence. The country table (`level`, `contains`) is
extraction's too, re-exported here for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..extract.places import (
    PLACE_KINDS,
    contains,
    country_name,
    country_of,
    is_country,
    level,
    places,
    same_place,
)
from ..models import Claim, Entity

__all__ = [
    "PLACE_KINDS",
    "Setting",
    "contains",
    "country_name",
    "country_of",
    "event_place",
    "event_places",
    "is_country",
    "level",
    "meeting_setting",
    "places",
    "same_place",
    "settings_differ",
]


def _by_id(claim: Claim) -> dict[str, Entity]:
    """The claim's places by id, the first of each id (as extraction chose them)."""
    out: dict[str, Entity] = {}
    for e in places(claim):
        out.setdefault(e.id, e)
    return out


def event_places(claim: Claim) -> list[Entity]:
    """The places the claim gives as where its event happened (`Claim.event_places`)."""
    by_id = _by_id(claim)
    return [by_id[i] for i in claim.event_places if i in by_id]


def event_place(claim: Claim) -> Entity | None:
    """The one most specific place the claim locates its event in (`Claim.event_place`)."""
    return _by_id(claim).get(claim.event_place) if claim.event_place is not None else None


@dataclass(frozen=True)
class Setting:
    """How one claim says a meeting took place: a mode ('virtual', 'in person') and/or places."""

    mode: str | None
    places: tuple[Entity, ...]

    def label(self) -> str:
        if self.mode == "virtual" and not self.places:
            return "a virtual meeting"
        if self.places:
            names = " and ".join(p.name for p in self.places)
            return (
                f"one in {names}" if self.mode != "virtual" else f"a virtual meeting from {names}"
            )
        return f"an {self.mode} meeting" if self.mode == "in person" else "a meeting"


def meeting_setting(claim: Claim) -> Setting | None:
    """The setting of a meeting the claim describes (`Claim.setting`), or None."""
    if claim.setting is None:
        return None
    by_id = _by_id(claim)
    return Setting(
        mode=claim.setting.mode,
        places=tuple(by_id[i] for i in claim.setting.places if i in by_id),
    )


def settings_differ(a: Setting, b: Setting) -> bool:
    """True when two settings cannot describe one meeting: virtual vs a place, disjoint places."""
    if a.mode and b.mode and a.mode != b.mode:
        return True
    if (a.mode == "virtual") != (b.mode == "virtual") and (a.places or b.places):
        # A virtual meeting has no venue of its own; one side gives a venue and no virtual mode.
        return (a.mode == "virtual" and not a.places) or (b.mode == "virtual" and not b.places)
    if a.places and b.places:
        return not any(same_place(x, y) for x in a.places for y in b.places) and (
            min(level(x) for x in a.places) == min(level(y) for y in b.places)
        )
    return False

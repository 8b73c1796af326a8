"""How much two claims look like statements of one fact: cosine plus the slot evidence they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..extract.lexicon import read_lexicon
from ..models import Claim

__all__ = [
    "DEFAULT_WEIGHTS",
    "PairScore",
    "Weights",
    "anchors",
    "entity_ids",
    "score_pair",
    "times_relation",
]


@dataclass(frozen=True)
class Weights:
    """How slot evidence moves a pair's cosine similarity; the sum is compared with the threshold.

    Bonuses reward evidence that two claims are about the same fact (same actors, place,
    predicate, figures, or the same proper names and numbers when no slots were extracted).
    The penalties are small on purpose: a conflicting date or figure must still let two
    statements of the same fact match, or the rules could never report the discrepancy.
    """

    who: float = 0.05
    where: float = 0.03
    predicate: float = 0.04
    quantity: float = 0.03
    time_overlap: float = 0.02
    time_disjoint: float = -0.03
    anchors: float = 0.05
    anchors_disjoint: float = -0.04

    # How far below the final threshold a cosine may be and still be looked at.
    @property
    def slack(self) -> float:
        return (
            self.who
            + self.where
            + self.predicate
            + self.quantity
            + self.time_overlap
            + self.anchors
        )


DEFAULT_WEIGHTS = Weights()
# Predicates too general to say two claims report the same event (data/predicates.yaml).
_LIGHT_VERBS: frozenset[str] = read_lexicon("predicates.yaml")["general_predicates"]
_ANCHOR = re.compile(r"\b(?:[A-Z][\w'’.-]*[\w]|\d[\d,.]*\d|\d)")


@dataclass(frozen=True)
class PairScore:
    """Why two claims were (or were not) matched."""

    cosine: float
    score: float
    evidence: tuple[str, ...]


def entity_ids(claim: Claim) -> set[str]:
    ids = {e.id for e in claim.who}
    if claim.attribution is not None and claim.attribution.speaker is not None:
        ids.add(claim.attribution.speaker.id)
    return ids


@lru_cache(maxsize=65_536)
def anchors(text: str) -> frozenset[str]:
    """Proper names and numbers in a text (sentence-initial capitals are not names)."""
    found = set()
    for m in _ANCHOR.finditer(text):
        if m.start() == 0 or text[: m.start()].rstrip().endswith((".", "!", "?", '"', "“", ":")):
            continue
        found.add(m.group().lower().replace(",", ""))
    return frozenset(found)


def times_relation(a: Claim, b: Claim) -> str | None:
    spans_a = [(t.begin, t.finish) for t in a.when if t.resolved and t.begin and t.finish]
    spans_b = [(t.begin, t.finish) for t in b.when if t.resolved and t.begin and t.finish]
    if not spans_a or not spans_b:
        return None
    for b0, f0 in spans_a:
        for b1, f1 in spans_b:
            if b0 <= f1 and b1 <= f0:
                return "overlap"
    return "disjoint"


def _same_quantity(a: Claim, b: Claim) -> bool:
    for qa in a.quantities:
        for qb in b.quantities:
            if qa.unit == qb.unit and abs(qa.value - qb.value) <= 0.01 * max(
                abs(qa.value), abs(qb.value), 1e-9
            ):
                return True
    return False


def score_pair(
    a: Claim, b: Claim, cosine: float, *, weights: Weights = DEFAULT_WEIGHTS
) -> PairScore:
    """Cosine similarity adjusted by the slot evidence the two claims share or contradict."""
    score = cosine
    evidence: list[str] = []
    ids_a, ids_b = entity_ids(a), entity_ids(b)
    if ids_a & ids_b:
        score += weights.who
        evidence.append("who")
    places_a, places_b = {e.id for e in a.where}, {e.id for e in b.where}
    if places_a & places_b:
        score += weights.where
        evidence.append("where")
    la, lb = a.what.lemma.lower(), b.what.lemma.lower()
    if la and la == lb and la not in _LIGHT_VERBS:
        score += weights.predicate
        evidence.append("predicate")
    if _same_quantity(a, b):
        score += weights.quantity
        evidence.append("quantity")
    relation = times_relation(a, b)
    if relation == "overlap":
        score += weights.time_overlap
        evidence.append("when")
    elif relation == "disjoint":
        score += weights.time_disjoint
        evidence.append("when-disjoint")
    # Names and numbers as written stand in for the slots when extraction found few.
    anchors_a, anchors_b = anchors(a.text), anchors(b.text)
    shared = len(anchors_a & anchors_b)
    if shared:
        # Graded: sharing one weekday is weak evidence, sharing every name is strong.
        score += weights.anchors * shared / min(len(anchors_a), len(anchors_b))
        evidence.append("anchors")
    elif anchors_a and anchors_b and not (ids_a & ids_b):
        score += weights.anchors_disjoint
        evidence.append("anchors-disjoint")
    return PairScore(cosine=cosine, score=score, evidence=tuple(evidence))

"""Slot-by-slot comparison of matched claims: who, role, what, when, where, quantity, polarity, modality, attribution."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from ..extract.lexicon import read_lexicon
from ..models import (
    Claim,
    Entity,
    Relation,
    SlotComparison,
    SlotName,
    SlotVerdict,
    TimeExpression,
)
from .memo import per_claim
from .places import (
    PLACE_KINDS,
    contains,
    country_name,
    event_place,
    event_places,
    is_country,
    level,
    meeting_setting,
    places,
)

__all__ = [
    "PLACE_KINDS",
    "CompareOptions",
    "GroupComparison",
    "PairComparison",
    "SlotResult",
    "compare_group",
    "compare_pair",
    "country_name",
    "is_country",
    "meeting_mode",
    "same_predicate",
    "slot_value",
    "summarise_slots",
]

SLOTS: tuple[SlotName, ...] = (
    "who",
    "role",
    "what",
    "when",
    "where",
    "quantity",
    "polarity",
    "modality",
    "attribution",
)
# Slots whose verdict a difference in modality neutralises: a hedged or reported claim neither
# confirms nor contradicts an asserted one on its own (DESIGN.md, "Rule engine").
FACT_SLOTS: frozenset[str] = frozenset({"who", "role", "when", "where", "quantity", "polarity"})

# Group verdict precedence: one conflicting pair makes the slot a conflict, and so on down.
_RANK: dict[str, int] = {"conflict": 4, "update": 3, "agree": 2, "compatible": 1, "unknown": 0}


@dataclass(frozen=True)
class CompareOptions:
    """Tolerances for comparing figures; defaults mirror settings.Settings."""

    quantity_tolerance: float = 0.02
    approx_tolerance: float = 0.1
    compare_bare_counts: bool = True


@dataclass(frozen=True)
class SlotResult:
    """The verdict on one slot for one pair of claims."""

    verdict: SlotVerdict
    note: str | None = None


@dataclass
class PairComparison:
    """Every slot compared for two claims from different independent sources."""

    a: Claim
    b: Claim
    slots: dict[str, SlotResult]
    neutralised: bool = False
    similarity: float | None = None
    # The verifier's judgement of the pair, where the matcher ran it (None: not judged).
    relation: Relation | None = None
    probabilities: Mapping[Relation, float] | None = None

    def p(self, relation: Relation) -> float | None:
        """The verifier's probability of `relation` for this pair (None: not judged)."""
        return None if self.probabilities is None else self.probabilities.get(relation, 0.0)

    @property
    def other_fact(self) -> bool:
        """The verifier judged the two claims to be about different facts or events."""
        return self.relation in ("different", "unrelated")

    def verdict(self, slot: str) -> SlotVerdict:
        return self.slots[slot].verdict

    def conflicts(self) -> list[str]:
        return [s for s in SLOTS if self.slots[s].verdict == "conflict"]


@dataclass
class GroupComparison:
    """A matched group compared slot by slot: pair verdicts and one verdict per slot."""

    claims: list[Claim]
    pairs: list[PairComparison]
    slots: list[SlotComparison] = field(default_factory=list)

    def pairs_with(self, slot: str, verdict: str) -> list[PairComparison]:
        return [p for p in self.pairs if p.slots[slot].verdict == verdict]

    def slot(self, name: str) -> SlotComparison | None:
        return next((s for s in self.slots if s.slot == name), None)


def meeting_mode(claim: Claim) -> str | None:
    """'virtual' or 'in person' when the claim says how a meeting took place."""
    setting = meeting_setting(claim)
    return setting.mode if setting is not None else None


@lru_cache(maxsize=1)
def _predicate_classes() -> tuple[frozenset[str], ...]:
    """Lemmas that state the same kind of event, one set a class (data/predicates.yaml)."""
    classes = read_lexicon("predicates.yaml")["classes"]
    return tuple(frozenset(str(w) for w in words) for words in classes.values())


def same_predicate(a: Claim, b: Claim) -> bool:
    """True when two claims have the same predicate lemma or lemmas of one synonym class."""
    la, lb = a.what.lemma.lower(), b.what.lemma.lower()
    if not la or not lb:
        return False
    if la == lb:
        return True
    return any(la in cls and lb in cls for cls in _predicate_classes())


# --------------------------------------------------------------------------- places


@per_claim
def _places(claim: Claim) -> list[Entity]:
    return places(claim)


# --------------------------------------------------------------------------- quantities


def _interval(value: float, bound: str, *, tol: float, approx: float) -> tuple[float, float]:
    if bound in ("more_than", "at_least"):
        return value, math.inf
    if bound in ("less_than", "at_most"):
        return -math.inf, value
    if bound == "round":
        width = abs(value) * max(tol, approx, _ROUND_WIDTH)
    else:
        width = abs(value) * (max(tol, approx) if bound == "approx" else tol)
    return value - width, value + width


def _bound_family(bound: str) -> str:
    return {"at_least": "more_than", "at_most": "less_than", "round": "approx"}.get(bound, bound)


def compare_quantity_values(
    a: tuple[float, str], b: tuple[float, str], options: CompareOptions
) -> SlotVerdict:
    """Verdict on two normalised figures (value, bound) of the same unit."""
    (va, ba), (vb, bb) = a, b
    scale = max(abs(va), abs(vb), 1e-9)
    close = abs(va - vb) <= options.quantity_tolerance * scale + 1e-9
    if close and _bound_family(ba) == _bound_family(bb):
        return "agree"
    lo_a, hi_a = _interval(va, ba, tol=options.quantity_tolerance, approx=options.approx_tolerance)
    lo_b, hi_b = _interval(vb, bb, tol=options.quantity_tolerance, approx=options.approx_tolerance)
    if lo_a <= hi_b + 1e-9 and lo_b <= hi_a + 1e-9:
        return "compatible"
    return "conflict"


# "About five years", "nearly two years": a small count of a coarse unit is a round figure, so
# its approximation spans a quarter of it either way, not the usual `approx_tolerance`.
_ROUND_COUNT = 12
_ROUND_WIDTH = 0.25


def comparable_quantities(claim: Claim) -> dict[str, list[tuple[float, str, str]]]:
    """Figures by unit key and role: (value, bound, text as written); name-like numbers left out.

    The key is the normalised unit, prefixed with the figure's role when it has one
    ("age:year"), so only figures of the same dimension and the same role are compared.
    """
    out: dict[str, list[tuple[float, str, str]]] = {}
    for q in claim.quantities:
        # Extraction sets dimension, base value and role (extract.units); a figure without them
        # has been through no extraction step and is not compared.
        if not q.comparable or q.dimension is None or q.base_value is None:
            continue
        unit, value, role = q.dimension, q.base_value, q.measures or ""
        bound = "round" if q.bound == "approx" and 0 < q.value <= _ROUND_COUNT else q.bound
        out.setdefault(f"{role}:{unit}" if role else unit, []).append((value, bound, q.text))
    return out


def compare_quantities(a: Claim, b: Claim, options: CompareOptions) -> SlotResult:
    qa, qb = comparable_quantities(a), comparable_quantities(b)
    verdicts: list[tuple[SlotVerdict, str]] = []
    for unit in sorted(set(qa) & set(qb)):
        if unit == "" and not (options.compare_bare_counts and len(qa[""]) == len(qb[""]) == 1):
            continue  # bare counts are paired only when each claim has exactly one
        best: tuple[SlotVerdict, str] | None = None
        for xa in qa[unit]:
            for xb in qb[unit]:
                v = compare_quantity_values((xa[0], xa[1]), (xb[0], xb[1]), options)
                note = f"{xa[2]!r} vs {xb[2]!r}"
                if best is None or _PAIR_PREF[v] > _PAIR_PREF[best[0]]:
                    best = (v, note)
        if best is not None:
            verdicts.append(best)
    return _combine(verdicts)


# Within one unit, the best pairing wins: a claim may carry several figures of the same unit.
_PAIR_PREF: dict[str, int] = {"agree": 3, "compatible": 2, "conflict": 1, "unknown": 0, "update": 0}


def _combine(verdicts: Sequence[tuple[SlotVerdict, str]]) -> SlotResult:
    if not verdicts:
        return SlotResult("unknown")
    verdict, note = max(verdicts, key=lambda v: _RANK[v[0]])
    return SlotResult(verdict, note if verdict in ("conflict", "update", "compatible") else None)


# --------------------------------------------------------------------------- time


def resolved_intervals(claim: Claim) -> list[tuple[dt.date, dt.date, TimeExpression]]:
    """Resolved dates and intervals of a claim. A duration such as P60Y is no point in time; one
    with a calendar granularity is a stretch the text places ("from 2009 to 2011", P2Y)."""
    out = []
    for t in claim.when:
        if t.resolved and t.begin is not None and t.finish is not None:
            if t.value and t.value.startswith("P") and t.granularity == "unknown":
                continue
            out.append((t.begin, t.finish, t))
    return out


def _time_label(t: TimeExpression) -> str:
    label = t.value or (t.begin.isoformat() if t.begin else t.text)
    if label.startswith("P") and t.begin and t.finish and t.granularity != "unknown":
        # A duration the text places ("from 2009 to 2011"): its length and where it lies.
        if t.granularity == "year":
            label += f" ({t.begin.year}–{t.finish.year})"
        else:
            label += f" ({t.begin.isoformat()}/{t.finish.isoformat()})"
    if t.anchor == "inferred":
        # An undated document's date taken from a dated source (match.undated): say so.
        label += f" (inferred from {t.inferred_from})"
    return label


def compare_when(a: Claim, b: Claim) -> SlotResult:
    ia, ib = resolved_intervals(a), resolved_intervals(b)
    if not ia or not ib:
        return SlotResult("unknown", "unresolved" if (a.when and b.when) else None)
    best: tuple[SlotVerdict, str] | None = None
    for ba, fa, ta in ia:
        for bb, fb, tb in ib:
            if (ba, fa) == (bb, fb):
                v: SlotVerdict = "agree"
            elif ba <= fb and bb <= fa:
                v = "compatible"
            else:
                v = "conflict"
            note = f"{_time_label(ta)} vs {_time_label(tb)}"
            if best is None or _PAIR_PREF[v] > _PAIR_PREF[best[0]]:
                best = (v, note)
    assert best is not None
    return SlotResult(best[0], best[1] if best[0] != "agree" else None)


# --------------------------------------------------------------------------- entities


def compare_who(a: Claim, b: Claim) -> SlotResult:
    ida, idb = {e.id for e in a.who}, {e.id for e in b.who}
    if not ida or not idb:
        return SlotResult("unknown")
    if ida == idb:
        return SlotResult("agree")
    if ida & idb:
        return SlotResult("compatible")
    pa = {e.id for e in a.who if e.kind == "person"}
    pb = {e.id for e in b.who if e.kind == "person"}
    same_act = bool(a.what.lemma) and a.what.lemma == b.what.lemma
    if pa and pb and same_act:
        names_a = ", ".join(sorted(e.name for e in a.who if e.kind == "person"))
        names_b = ", ".join(sorted(e.name for e in b.who if e.kind == "person"))
        return SlotResult("conflict", f"{names_a} vs {names_b}")
    return SlotResult("unknown")


@per_claim
def _roles(claim: Claim) -> dict[tuple[str, str], Entity]:
    out: dict[tuple[str, str], Entity] = {}
    for e in claim.who:
        if e.role is not None and e.role.org and e.kind == "person":
            out.setdefault((normalise_title(e.role.title), e.role.org), e)
    return out


def normalise_title(title: str) -> str:
    return re.sub(r"\s+", " ", title.strip().lower())


def compare_roles(a: Claim, b: Claim) -> SlotResult:
    ra, rb = _roles(a), _roles(b)
    verdicts: list[tuple[SlotVerdict, str]] = []
    for key in sorted(set(ra) & set(rb)):
        ea, eb = ra[key], rb[key]
        if ea.id == eb.id:
            verdicts.append(("agree", ""))
        else:
            verdicts.append(("conflict", f"{key[0]} of {key[1]}: {ea.name} vs {eb.name}"))
    return _combine(verdicts)


def compare_where(a: Claim, b: Claim, *, same_event: bool) -> SlotResult:
    """Where each claim locates its event: conflict only for one specific place each, of the same
    level (city vs city, country vs country), neither known to contain the other, same event.

    Places that are topics of a noun ("the status quo in X"), objects of the predicate or items
    of a list locate nothing (see places.event_places), so they never conflict.
    """
    pa, pb = _places(a), _places(b)
    if not pa or not pb:
        return SlotResult("unknown")
    if {e.id for e in pa} & {e.id for e in pb}:
        return SlotResult("agree")
    ea, eb = event_place(a), event_place(b)
    if ea is None or eb is None:
        if event_places(a) and event_places(b):
            return SlotResult("compatible", "several places; no single event location")
        return SlotResult("unknown", "no event location")
    if contains(ea, eb) or contains(eb, ea):
        return SlotResult(
            "compatible",
            f"{ea.name} contains {eb.name}"
            if contains(ea, eb)
            else f"{eb.name} contains {ea.name}",
        )
    # Without a gazetteer a city may lie in the other claim's country: only places of the same
    # level and kind can contradict each other.
    if ea.kind == eb.kind and level(ea) == level(eb) and same_event:
        return SlotResult("conflict", f"{ea.name} vs {eb.name}")
    return SlotResult("compatible", "different places; one may contain the other")


def compare_what(a: Claim, b: Claim) -> SlotResult:
    if not a.what.lemma or not b.what.lemma:
        return SlotResult("unknown")
    if not same_predicate(a, b):
        return SlotResult("unknown", "different predicates")
    if a.what.lemma == b.what.lemma and (a.what.object or "") == (b.what.object or ""):
        return SlotResult("agree")
    return SlotResult("compatible")


def _speaker(claim: Claim) -> Entity | None:
    return claim.attribution.speaker if claim.attribution is not None else None


def is_quote(claim: Claim) -> bool:
    return claim.kind == "quote" or (claim.attribution is not None and claim.attribution.quote)


def compare_attribution(a: Claim, b: Claim) -> SlotResult:
    sa, sb = _speaker(a), _speaker(b)
    if sa is None or sb is None:
        return SlotResult("unknown")
    if sa.id == sb.id:
        return SlotResult("agree")
    if is_quote(a) and is_quote(b):
        return SlotResult("conflict", f"{sa.name} vs {sb.name}")
    return SlotResult("compatible", f"{sa.name} vs {sb.name}")


# --------------------------------------------------------------------------- pairs and groups


# Modalities that state a fact alike: the writer's own assertion and one attributed to a source.
MODALITY_CLASS: dict[str, str] = {
    "asserted": "fact",
    "reported": "fact",
    "hedged": "hedged",
    "planned": "planned",
}


def compare_pair(
    a: Claim,
    b: Claim,
    *,
    published: Callable[[str], dt.date | None] | None = None,
    options: CompareOptions | None = None,
    similarity: float | None = None,
) -> PairComparison:
    """Compare two claims slot by slot.

    When the two claims are of different modality classes (stated as fact, by the writer or
    attributed to a source; hedged; planned), the factual slots (who, role, when, where,
    quantity, polarity) are neutralised: agree and conflict become "compatible" with a note, so
    such a pair neither confirms nor contradicts. An attributed claim ("the ministry said ...")
    and an asserted one are one class: news attributes nearly everything, also where it confirms. A figure that
    differs between documents with different publication dates is an "update" by the later one.
    """
    options = options or CompareOptions()
    slots: dict[str, SlotResult] = {}
    slots["when"] = compare_when(a, b)
    slots["who"] = compare_who(a, b)
    slots["role"] = compare_roles(a, b)
    slots["what"] = compare_what(a, b)
    # Dates that cannot overlap mean two events; whether the claims state the same kind of event
    # (predicate, similarity) is for the rule to judge (DC003 accept_pair).
    slots["where"] = compare_where(a, b, same_event=slots["when"].verdict != "conflict")
    slots["quantity"] = compare_quantities(a, b, options)
    pol_a, pol_b = a.polarity, b.polarity
    slots["polarity"] = SlotResult(
        "agree" if pol_a == pol_b else "conflict", None if pol_a == pol_b else f"{pol_a} vs {pol_b}"
    )
    mod_a, mod_b = a.modality, b.modality
    slots["modality"] = SlotResult(
        "agree" if mod_a == mod_b else "compatible",
        None if mod_a == mod_b else f"{mod_a} vs {mod_b}",
    )
    slots["attribution"] = compare_attribution(a, b)
    if slots["quantity"].verdict == "conflict" and published is not None:
        pa, pb = published(a.document), published(b.document)
        if pa is not None and pb is not None and pa != pb:
            later = a.document if pa > pb else b.document
            slots["quantity"] = SlotResult(
                "update", f"{slots['quantity'].note}; {later} is the later report"
            )
    neutralised = MODALITY_CLASS[mod_a] != MODALITY_CLASS[mod_b]
    if neutralised:
        for name in FACT_SLOTS:
            r = slots[name]
            if r.verdict in ("agree", "conflict", "update"):
                slots[name] = SlotResult(
                    "compatible", f"not compared: {mod_a} vs {mod_b} claim ({r.verdict} otherwise)"
                )
    return PairComparison(a=a, b=b, slots=slots, neutralised=neutralised, similarity=similarity)


@per_claim
def slot_value(claim: Claim, slot: str) -> str:
    """A slot's value for one claim, as text for the report ('' when the claim has none)."""
    if slot == "who":
        return ", ".join(sorted({e.name for e in claim.who}))
    if slot == "role":
        return "; ".join(
            f"{e.name}: {title} of {org}"
            + (
                " (inferred from the document)"
                if e.role is not None and e.role.org_inferred
                else ""
            )
            for (title, org), e in sorted(_roles(claim).items())
        )
    if slot == "what":
        return " ".join(x for x in (claim.what.lemma, claim.what.object or "") if x)
    if slot == "when":
        return ", ".join(
            _time_label(t) if t.resolved else f"{t.text} (unresolved)" for t in claim.when
        )
    if slot == "where":
        located = event_places(claim)
        names = [e.name for e in located] + [
            f"{e.name} (topic)" for e in _places(claim) if e not in located
        ]
        mode = meeting_mode(claim)
        if mode:
            names.append(mode)
        return ", ".join(names)
    if slot == "quantity":
        return ", ".join(q.text for q in claim.quantities if q.comparable)
    if slot == "polarity":
        return claim.polarity
    if slot == "modality":
        return claim.modality
    if slot == "attribution":
        speaker = _speaker(claim)
        if speaker is None:
            return ""
        return speaker.name + (" (quote)" if is_quote(claim) else "")
    raise KeyError(slot)


def summarise_slots(
    claims: Sequence[Claim], pairs: Sequence[PairComparison]
) -> list[SlotComparison]:
    """One SlotComparison per slot that some claim fills: the strongest pair verdict wins."""
    out: list[SlotComparison] = []
    for slot in SLOTS:
        values = {c.id: v for c in claims if (v := slot_value(c, slot))}
        if not values:
            continue
        verdict: SlotVerdict = "unknown"
        notes: list[str] = []
        for p in pairs:
            r = p.slots[slot]
            if _RANK[r.verdict] > _RANK[verdict]:
                verdict = r.verdict
        for p in pairs:
            r = p.slots[slot]
            if r.verdict == verdict and r.note and r.note not in notes:
                notes.append(r.note)
        out.append(
            SlotComparison(
                slot=slot,
                verdict=verdict,
                values=dict(sorted(values.items())),
                note="; ".join(notes[:3]) or None,
            )
        )
    return out


def compare_group(
    claims: Sequence[Claim],
    *,
    source_of: Callable[[str], str],
    published: Callable[[str], dt.date | None] | None = None,
    options: CompareOptions | None = None,
    similarity: Callable[[str, str], float | None] | None = None,
) -> GroupComparison:
    """Compare every pair of claims from different independent sources in a group.

    `similarity(a_id, b_id)` gives the matcher's similarity of a pair (None: not recorded).
    """
    ordered = sorted(claims, key=lambda c: c.id)
    pairs = [
        compare_pair(
            a,
            b,
            published=published,
            options=options,
            similarity=similarity(a.id, b.id) if similarity is not None else None,
        )
        for a, b in combinations(ordered, 2)
        if source_of(a.document) != source_of(b.document)
    ]
    return GroupComparison(claims=ordered, pairs=pairs, slots=summarise_slots(ordered, pairs))

"""Where a claim's event happens, read around each place mention: event places, the event place, the meeting setting.

The extractor applies :func:`with_places` to every claim it builds (and the rule test cases to
every claim they build by hand), so rules read `Claim.event_places`, `Claim.event_place` and
`Claim.setting` and never read the sentence themselves. A place of `Claim.where` that is not an
event place is a topic place ("the status quo in X", "rights in X", one item of a list).

The words read here live once, in `data/places.yaml`; the country table is the one of
`aliases` (data/countries.json, read once). It is read by canonical id and name, so the user's
`settings.aliases` apply through the entity linker: an alias of a country is linked to that
country's id, an alias of a capital to the capital's name, which the table knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..models import Claim, Entity, MeetingMode, MeetingSetting
from .aliases import load_tables
from .lexicon import read_lexicon

__all__ = [
    "PLACE_KINDS",
    "contains",
    "country_name",
    "country_of",
    "is_country",
    "level",
    "place_words",
    "places",
    "same_place",
    "with_places",
]

PLACE_KINDS = frozenset({"gpe", "loc", "facility"})


@dataclass(frozen=True)
class PlaceWords:
    """The word lists and compiled patterns of data/places.yaml, one set per reader."""

    # Prepositions and motion forms read word by word (this module).
    locative: frozenset[str]
    motion: frozenset[str]
    event_nouns: frozenset[str]
    meeting: frozenset[str]
    event_verbs: frozenset[str]
    place_nouns: frozenset[str]
    time_words: frozenset[str]
    # Prepositions and motion lemmas read on the parse (extract.claims, extract.entities).
    parse_locative: frozenset[str]
    parse_motion: frozenset[str]
    mention_locative: frozenset[str]
    list_after: re.Pattern[str]
    token: re.Pattern[str]
    virtual: re.Pattern[str]
    in_person: re.Pattern[str]


# The readers a preposition or motion word of data/places.yaml can count for.
_USES = frozenset({"event", "clause", "mention"})


def _uses(name: str, word: str, uses: object) -> frozenset[str]:
    found = frozenset(str(u) for u in uses) if isinstance(uses, list) else frozenset()
    if not found or not found <= _USES:
        raise ValueError(
            f"data/places.yaml: {name} {word!r} needs uses from {sorted(_USES)}, not {uses!r}"
        )
    return found


@lru_cache(maxsize=1)
def place_words() -> PlaceWords:
    """The place vocabulary, read from data/places.yaml once per process.

    Each preposition and motion word is listed there once with the readers it counts for; the
    per-reader sets are derived here, so no two lists of the same words can drift apart.
    """
    raw = read_lexicon("places.yaml")
    preps = {str(p): _uses("preposition", str(p), u) for p, u in raw.pop("prepositions").items()}
    motion = raw.pop("motion")
    motion_uses = {str(m): _uses("motion word", str(m), e.get("uses")) for m, e in motion.items()}

    def preps_for(use: str) -> frozenset[str]:
        return frozenset(p for p, uses in preps.items() if use in uses)

    forms = frozenset(
        str(form)
        for lemma, entry in motion.items()
        if "event" in motion_uses[str(lemma)]
        for form in (lemma, *entry.get("forms", []))
    )
    return PlaceWords(
        locative=preps_for("event"),
        parse_locative=preps_for("clause"),
        mention_locative=preps_for("mention"),
        motion=forms,
        parse_motion=frozenset(m for m, uses in motion_uses.items() if "clause" in uses),
        **raw,
    )


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """Country names by ISO code, lower-case country names, and capital (lower) -> ISO code.

    Built from the country table of `aliases` (data/countries.json is read once, there).
    """
    codes: dict[str, str] = {}
    names: set[str] = set()
    capitals: dict[str, str] = {}
    try:
        countries = load_tables().countries
    except (OSError, ValueError, KeyError, TypeError):
        countries = {}  # without the table every place counts as specific; comparisons stay conservative
    for country in countries.values():
        code = country.id.upper()
        codes[code] = country.name
        names.update(n.lower() for n in country.names)
        for cap in country.capitals:
            capitals.setdefault(cap.lower(), code)
    return codes, frozenset(names), capitals


def country_name(entity_id: str) -> str | None:
    """'Japan' for 'gpe:JP' (None when the id is not a country code)."""
    return (
        _country_table()[0].get(entity_id.split(":", 1)[-1].upper()) if ":" in entity_id else None
    )


def is_country(entity: Entity) -> bool:
    codes, names, _ = _country_table()
    suffix = entity.id.split(":", 1)[-1]
    if entity.kind == "gpe" and re.fullmatch(r"[A-Z]{2}", suffix):
        return not codes or suffix in codes
    return entity.name.lower() in names


def level(entity: Entity) -> int:
    """0 for a venue or city, 1 for a country, 2 for a region (a sea, a continent, 'Asia')."""
    if is_country(entity):
        return 1
    return 2 if entity.kind == "loc" else 0


def country_of(entity: Entity) -> str | None:
    """ISO code of the country a place lies in, where the country table knows (capitals)."""
    if is_country(entity):
        suffix = entity.id.split(":", 1)[-1]
        return suffix.upper() if re.fullmatch(r"[A-Z]{2}", suffix) else None
    return _country_table()[2].get(entity.name.lower())


def contains(outer: Entity, inner: Entity) -> bool:
    """True when `inner` is known to lie in `outer` (a capital in its country)."""
    code = country_of(inner)
    return bool(code) and is_country(outer) and country_of(outer) == code and not is_country(inner)


def places(claim: Claim) -> list[Entity]:
    return [e for e in claim.where if e.kind in PLACE_KINDS]


def same_place(a: Entity, b: Entity) -> bool:
    return a.id == b.id or contains(a, b) or contains(b, a)


@dataclass(frozen=True)
class Attachment:
    """Where a place mention hangs in its sentence: the preposition and the word it attaches to."""

    prep: str
    head: str
    head_index: int
    tokens: tuple[str, ...]
    listed: bool


def _mention_offsets(claim: Claim, entity: Entity) -> list[int]:
    text = claim.sentence
    out = (
        [m.start() for m in re.finditer(re.escape(entity.mention), text)] if entity.mention else []
    )
    if not out and entity.name:
        out = [m.start() for m in re.finditer(re.escape(entity.name), text)]
    return out


def _is_listed(claim: Claim, entity: Entity, start: int) -> bool:
    """True when the mention is one item of an enumeration of places ("Hong Kong, Taiwan and X")."""
    text = claim.sentence
    end = start + len(entity.mention)
    spans = []
    for other in places(claim) + [e for e in claim.who if e.kind in PLACE_KINDS]:
        if other.id == entity.id:
            continue
        for s in _mention_offsets(claim, other):
            spans.append((s, s + len(other.mention or other.name)))
    for s, e in spans:
        if e <= start and place_words().list_after.match(text[e:start]):
            return True
        if s >= end and place_words().list_after.match(text[end:s]):
            return True
    return False


def attachment(claim: Claim, entity: Entity, start: int) -> Attachment | None:
    """The preposition before a place mention and the word that phrase attaches to, if any."""
    tokens = [t.lower() for t in place_words().token.findall(claim.sentence[:start])]
    listed = _is_listed(claim, entity, start)
    i = len(tokens) - 1
    skipped = 0
    # Skip determiners, modifiers and proper-name words between the preposition and the place.
    while i >= 0 and skipped < 4 and tokens[i] not in place_words().locative and tokens[i] != "to":
        if not tokens[i][0].isalnum() and tokens[i] not in ("'s", "’s"):
            return None
        skipped += 1
        i -= 1
    if i < 0 or (tokens[i] not in place_words().locative and tokens[i] != "to"):
        return None
    prep, p = tokens[i], i
    # Walk left to the head: over times, adverbs, names and "with X" phrases.
    j = p - 1
    steps = 0
    original = place_words().token.findall(claim.sentence[:start])
    while j >= 0 and steps < 8:
        word = tokens[j]
        raw = original[j]
        if (
            word in place_words().time_words
            or word.endswith("ly")
            or word[0].isdigit()
            or word in (",", "'s", "’s")
        ):
            j -= 1
            steps += 1
            continue
        if raw[:1].isupper() and j > 0 and word not in place_words().place_nouns:
            j -= 1
            steps += 1
            continue
        break
    if j < 0 or not tokens[j][0].isalnum():
        return None
    return Attachment(prep=prep, head=tokens[j], head_index=j, tokens=tuple(tokens), listed=listed)


def _predicate_words(claim: Claim) -> frozenset[str]:
    words = {w.lower() for w in claim.what.text.split()}
    if claim.what.lemma:
        words.add(claim.what.lemma.lower())
    return frozenset(words)


def _locates_event(claim: Claim, att: Attachment) -> bool:
    head = att.head
    if att.prep == "to":
        return head in place_words().motion
    if (
        head in place_words().event_verbs
        or head in place_words().event_nouns
        or head in _predicate_words(claim)
    ):
        return True
    # A regular past form or participle governs the phrase ("gathered in", "arrested in").
    return head.endswith("ed") and len(head) > 4


def _event_places(claim: Claim) -> list[Entity]:
    """Places the claim gives as where its event happened: attached to the predicate, a verb or
    an event noun by a locative preposition, not one item of a list, not the topic of a noun
    ("the status quo in X", "rights in X"). A place whose mention cannot be found in the
    sentence (hand-built claims) is trusted as the extractor gave it."""
    out: dict[str, Entity] = {}
    for e in places(claim):
        offsets = _mention_offsets(claim, e)
        if not offsets:
            out.setdefault(e.id, e)
            continue
        for start in offsets:
            att = attachment(claim, e, start)
            if att is not None and not att.listed and _locates_event(claim, att):
                out.setdefault(e.id, e)
                break
    return list(out.values())


def _event_place(found: list[Entity]) -> Entity | None:
    """The one most specific of a claim's event places (None: none, or several)."""
    if not found:
        return None
    best = min(level(e) for e in found)
    top = [e for e in found if level(e) == best]
    if len(top) != 1:
        return None
    # Several places at coarser levels are fine only when they contain the chosen one.
    for other in found:
        if other.id != top[0].id and level(other) == best:
            return None
    return top[0]


def _has_meeting_word(tokens: tuple[str, ...] | list[str], lo: int, hi: int) -> bool:
    return any(t in place_words().meeting for t in tokens[max(0, lo) : hi])


def _meeting_setting(claim: Claim) -> MeetingSetting | None:
    """The setting of a meeting the claim describes, or None when it describes none.

    A mode counts when a meeting word is in the sentence ("meet virtually", "an online
    meeting"); a place counts when it locates an event and a meeting word governs it or stands
    shortly before it ("talks slated for Tuesday in Tokyo", "met in Seoul"). Places that are
    topics ("measures in the Indo-Pacific") or items of a list are not settings. Only the most
    specific level found is kept: cities over countries over regions.
    """
    sentence = claim.sentence
    words = [t.lower() for t in place_words().token.findall(sentence)]
    mode: MeetingMode | None = None
    if _has_meeting_word(words, 0, len(words)):
        if place_words().virtual.search(sentence):
            mode = "virtual"
        elif place_words().in_person.search(sentence):
            mode = "in person"
    found: dict[str, Entity] = {}
    for e in places(claim):
        for start in _mention_offsets(claim, e):
            att = attachment(claim, e, start)
            if att is None or att.listed or not _locates_event(claim, att):
                continue
            if att.head in place_words().meeting or _has_meeting_word(
                att.tokens, att.head_index - 6, att.head_index
            ):
                found.setdefault(e.id, e)
                break
    chosen: tuple[Entity, ...] = ()
    if found:
        best = min(level(e) for e in found.values())
        chosen = tuple(
            sorted((e for e in found.values() if level(e) == best), key=lambda e: e.name)
        )
    if mode is None and not chosen:
        return None
    return MeetingSetting(mode=mode, places=[e.id for e in chosen])


def with_places(claim: Claim) -> Claim:
    """The claim with its event places, event place and meeting setting set (compute, then write)."""
    located = _event_places(claim)
    chosen = _event_place(located)
    update = {
        "event_places": [e.id for e in located],
        "event_place": chosen.id if chosen is not None else None,
        "setting": _meeting_setting(claim),
    }
    if all(getattr(claim, k) == v for k, v in update.items()):
        return claim
    return claim.model_copy(update=update)

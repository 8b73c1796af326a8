"""Event locations and meeting settings read from a claim's sentence: which place says where THE event happened."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..models import Claim, Entity
from .memo import per_claim

PLACE_KINDS = frozenset({"gpe", "loc", "facility"})

# Prepositions that locate an event ("met in X", "held at X"); "to" only after motion or visit
# words, where the destination is where the event takes place ("travel to X", "a visit to X").
_LOCATIVE = frozenset({"in", "at", "inside", "near", "outside", "aboard"})
_MOTION = frozenset(
    {
        "travel",
        "travels",
        "travelled",
        "traveled",
        "travelling",
        "traveling",
        "fly",
        "flies",
        "flew",
        "flown",
        "go",
        "goes",
        "went",
        "gone",
        "going",
        "head",
        "heads",
        "headed",
        "come",
        "comes",
        "came",
        "coming",
        "return",
        "returns",
        "returned",
        "visit",
        "visits",
        "visited",
        "trip",
        "trips",
        "journey",
        "tour",
        "move",
        "moved",
        "sail",
        "sailed",
        "drive",
        "drove",
    }
)
# Nouns that name an event (the place attached to them is where it happens).
_EVENT_NOUNS = frozenset(
    {
        "meeting",
        "meetings",
        "talks",
        "talk",
        "summit",
        "summits",
        "conference",
        "conferences",
        "session",
        "sessions",
        "consultation",
        "consultations",
        "negotiation",
        "negotiations",
        "dialogue",
        "forum",
        "gathering",
        "ceremony",
        "rally",
        "rallies",
        "protest",
        "protests",
        "demonstration",
        "demonstrations",
        "march",
        "attack",
        "attacks",
        "bombing",
        "explosion",
        "blast",
        "crash",
        "shooting",
        "election",
        "elections",
        "vote",
        "match",
        "game",
        "festival",
        "concert",
        "event",
        "events",
        "visit",
        "visits",
        "trip",
        "tour",
        "briefing",
        "hearing",
        "trial",
        "funeral",
        "wedding",
        "signing",
        "launch",
        "earthquake",
        "flood",
        "floods",
        "storm",
        "accident",
        "incident",
        "clash",
        "clashes",
        "fighting",
        "battle",
        "raid",
        "raids",
        "strike",
        "strikes",
        "arrest",
        "arrests",
        "speech",
        "address",
        "exercise",
        "exercises",
        "drill",
        "drills",
        "interview",
        "party",
        "reception",
        "dinner",
        "lunch",
        "celebration",
        "parade",
        "race",
        "tournament",
        "competition",
        "fire",
        "riot",
        "riots",
        "standoff",
    }
)
# Words that name a meeting: a setting is read only where one of these is near the place.
_MEETING = frozenset(
    {
        "meet",
        "meets",
        "met",
        "meeting",
        "meetings",
        "talks",
        "talk",
        "summit",
        "conference",
        "session",
        "consultation",
        "consultations",
        "negotiation",
        "negotiations",
        "dialogue",
        "call",
        "videoconference",
        "teleconference",
        "2+2",
        "two-plus-two",
        "2-plus-2",
        "forum",
        "gathering",
        "convene",
        "convened",
        "convenes",
        "hosted",
        "host",
        "hosts",
        "held",
        "hold",
        "holds",
        "confer",
        "conferred",
    }
)
# Words that mean a verb or copula governs the prepositional phrase, not a noun.
_EVENT_VERBS = frozenset(
    {
        "held",
        "hold",
        "holds",
        "holding",
        "met",
        "meet",
        "meets",
        "meeting",
        "took",
        "take",
        "takes",
        "taking",
        "convene",
        "convened",
        "convenes",
        "gather",
        "gathered",
        "arrive",
        "arrived",
        "arrives",
        "arriving",
        "land",
        "landed",
        "stage",
        "staged",
        "host",
        "hosted",
        "happen",
        "happened",
        "occur",
        "occurred",
        "sign",
        "signed",
        "speak",
        "spoke",
        "spoken",
        "stay",
        "stayed",
        "begin",
        "began",
        "begun",
        "open",
        "opened",
        "end",
        "ended",
        "die",
        "died",
        "kill",
        "killed",
        "fight",
        "fought",
        "sit",
        "sat",
        "stand",
        "stood",
        "win",
        "won",
        "lose",
        "lost",
        "hit",
        "struck",
        "broke",
        "set",
        "slated",
        "scheduled",
        "planned",
        "due",
        "expected",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "place",
        "live",
        "lived",
        "born",
    }
)
# Nouns that end a place name ("the X Islands in Y"): a phrase after them locates the place.
_PLACE_NOUNS = frozenset(
    {
        "islands",
        "island",
        "isles",
        "sea",
        "seas",
        "river",
        "city",
        "province",
        "prefecture",
        "region",
        "state",
        "county",
        "district",
        "mountains",
        "bay",
        "strait",
        "valley",
        "peninsula",
        "coast",
        "border",
        "borders",
        "lake",
        "territory",
        "territories",
        "republic",
    }
)
# Words skipped between a place and its preposition, and between the preposition and its head.
_DETERMINERS = frozenset(
    {
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "this",
        "that",
        "these",
        "those",
        "'s",
        "’s",
        "s",
        "capital",
        "city",
        "town",
        "village",
        "port",
        "province",
        "state",
        "region",
        "nearby",
        "central",
        "northern",
        "southern",
        "eastern",
        "western",
        "downtown",
        "of",
    }
)
_TIME_WORDS = frozenset(
    {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "tomorrow",
        "yesterday",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "night",
        "week",
        "weekend",
        "month",
        "year",
        "last",
        "next",
        "this",
        "on",
        "for",
        "from",
        "until",
        "by",
        "early",
        "late",
        "earlier",
        "later",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "days",
        "weeks",
        "months",
        "again",
        "also",
        "then",
        "now",
        "recently",
        "finally",
        "first",
        "the",
        "a",
        "an",
        "to",
        "be",
        "will",
        "would",
        "with",
        "and",
        "virtually",
        "jointly",
        "together",
        "privately",
        "publicly",
        "briefly",
        "secretly",
        "formally",
    }
)
_LIST_AFTER = re.compile(
    r"^\s*(?:,|;|&|\band\b|\bor\b|\bas well as\b)\s*(?:(?:and|or|then|later|also)\s+)?"
    r"(?:(?:in|at|to)\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[’']s\b|[A-Za-z0-9][\w’'.+-]*|[,;:()\[\]—–\"“”]")
VIRTUAL = re.compile(
    r"\b(virtual(ly)?|online|video ?(call|conference|link)|videoconference|teleconference|"
    r"by (tele)?phone|phone call|remotely)\b",
    re.IGNORECASE,
)
IN_PERSON = re.compile(r"\b(in[- ]person|face[- ]to[- ]face)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """Country names by ISO code, lower-case country names, and capital (lower) -> ISO code."""
    codes: dict[str, str] = {}
    names: set[str] = set()
    capitals: dict[str, str] = {}
    try:
        text = resources.files("factcheck").joinpath("data/countries.json").read_text("utf-8")
        for row in json.loads(text).get("countries", []):
            code = str(row["id"]).upper()
            codes[code] = str(row["name"])
            names.add(str(row["name"]).lower())
            for key in ("official", "aliases"):
                names.update(str(v).lower() for v in row.get(key, []))
            for cap in row.get("capitals", []):
                capitals.setdefault(str(cap).lower(), code)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # without the table every place counts as specific; comparisons stay conservative
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
        if e <= start and _LIST_AFTER.match(text[e:start]):
            return True
        if s >= end and _LIST_AFTER.match(text[end:s]):
            return True
    return False


def attachment(claim: Claim, entity: Entity, start: int) -> Attachment | None:
    """The preposition before a place mention and the word that phrase attaches to, if any."""
    tokens = [t.lower() for t in _TOKEN.findall(claim.sentence[:start])]
    listed = _is_listed(claim, entity, start)
    i = len(tokens) - 1
    skipped = 0
    # Skip determiners, modifiers and proper-name words between the preposition and the place.
    while i >= 0 and skipped < 4 and tokens[i] not in _LOCATIVE and tokens[i] != "to":
        if not tokens[i][0].isalnum() and tokens[i] not in ("'s", "’s"):
            return None
        skipped += 1
        i -= 1
    if i < 0 or (tokens[i] not in _LOCATIVE and tokens[i] != "to"):
        return None
    prep, p = tokens[i], i
    # Walk left to the head: over times, adverbs, names and "with X" phrases.
    j = p - 1
    steps = 0
    original = _TOKEN.findall(claim.sentence[:start])
    while j >= 0 and steps < 8:
        word = tokens[j]
        raw = original[j]
        if (
            word in _TIME_WORDS
            or word.endswith("ly")
            or word[0].isdigit()
            or word in (",", "'s", "’s")
        ):
            j -= 1
            steps += 1
            continue
        if raw[:1].isupper() and j > 0 and word not in _PLACE_NOUNS:
            j -= 1
            steps += 1
            continue
        break
    if j < 0 or not tokens[j][0].isalnum():
        return None
    return Attachment(prep=prep, head=tokens[j], head_index=j, tokens=tuple(tokens), listed=listed)


@per_claim
def _predicate_words(claim: Claim) -> frozenset[str]:
    words = {w.lower() for w in claim.what.text.split()}
    if claim.what.lemma:
        words.add(claim.what.lemma.lower())
    return frozenset(words)


def _locates_event(claim: Claim, att: Attachment) -> bool:
    head = att.head
    if att.prep == "to":
        return head in _MOTION
    if head in _EVENT_VERBS or head in _EVENT_NOUNS or head in _predicate_words(claim):
        return True
    # A regular past form or participle governs the phrase ("gathered in", "arrested in").
    return head.endswith("ed") and len(head) > 4


@per_claim
def event_places(claim: Claim) -> list[Entity]:
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


def event_place(claim: Claim) -> Entity | None:
    """The one most specific place the claim locates its event in (None: none, or several)."""
    found = event_places(claim)
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


def same_place(a: Entity, b: Entity) -> bool:
    return a.id == b.id or contains(a, b) or contains(b, a)


# --------------------------------------------------------------------------- meeting settings


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


def _has_meeting_word(tokens: tuple[str, ...] | list[str], lo: int, hi: int) -> bool:
    return any(t in _MEETING for t in tokens[max(0, lo) : hi])


@per_claim
def meeting_setting(claim: Claim) -> Setting | None:
    """The setting of a meeting the claim describes, or None when it describes none.

    A mode counts when a meeting word is in the sentence ("meet virtually", "an online
    meeting"); a place counts when it locates an event and a meeting word governs it or stands
    shortly before it ("talks slated for Tuesday in Tokyo", "met in Seoul"). Places that are
    topics ("measures in the Indo-Pacific") or items of a list are not settings. Only the most
    specific level found is kept: cities over countries over regions.
    """
    sentence = claim.sentence
    words = [t.lower() for t in _TOKEN.findall(sentence)]
    mode = None
    if _has_meeting_word(words, 0, len(words)):
        if VIRTUAL.search(sentence):
            mode = "virtual"
        elif IN_PERSON.search(sentence):
            mode = "in person"
    found: dict[str, Entity] = {}
    for e in places(claim):
        for start in _mention_offsets(claim, e):
            att = attachment(claim, e, start)
            if att is None or att.listed or not _locates_event(claim, att):
                continue
            if att.head in _MEETING or _has_meeting_word(
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
    return Setting(mode=mode, places=chosen)


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

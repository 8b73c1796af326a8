"""Where a claim's event happens, read around each place mention: event places, the event place, the meeting setting.

The extractor applies :func:`with_places` to every claim it builds, with the spaCy parse of its
sentence (the rule test cases to every claim they build by hand, whose sentence is parsed on its
own), so rules read `Claim.event_places`, `Claim.event_place` and `Claim.setting` and never read
the sentence themselves. The words around a place are the parse's tokens, compared by lemma and
tag, so no inflected form is listed. A place of `Claim.where` that is not an event place is a
topic place ("the status quo in X", "rights in X", one item of a list).

The words read here live once, in `data/places.yaml`; the country table is the one of
`aliases` (data/countries.json, read once). It is read by canonical id and name, so the user's
`settings.aliases` apply through the entity linker: an alias of a country is linked to that
country's id, an alias of a capital to the capital's name, which the table knows.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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

    # Prepositions and motion lemmas read before a place mention (this module).
    locative: frozenset[str]
    motion: frozenset[str]
    event_nouns: frozenset[str]
    meeting_nouns: frozenset[str]
    meeting_verbs: frozenset[str]
    event_verbs: frozenset[str]
    place_nouns: frozenset[str]
    time_words: frozenset[str]
    # Prepositions and motion lemmas read on the parse (extract.claims, extract.entities).
    parse_locative: frozenset[str]
    parse_motion: frozenset[str]
    mention_locative: frozenset[str]
    list_after: re.Pattern[str]
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

    return PlaceWords(
        locative=preps_for("event"),
        parse_locative=preps_for("clause"),
        mention_locative=preps_for("mention"),
        motion=frozenset(m for m, uses in motion_uses.items() if "event" in uses),
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
class Word:
    """A word of a claim's sentence from the parse: where it starts in `Claim.sentence`, its
    text, lemma and tag. A compound the tokenizer split at a hyphen or a plus sign
    ('Indo-Pacific', '2+2') is one word again."""

    start: int
    text: str
    lower: str
    lemmas: frozenset[str]
    tag: str
    pos: str

    def is_(self, words: frozenset[str]) -> bool:
        """Whether the word is listed, by a lemma or as written (lower case)."""
        return self.lower in words or not self.lemmas.isdisjoint(words)

    @property
    def alnum(self) -> bool:
        return self.text[:1].isalnum()


# Punctuation that stands between words as a word of its own; other marks are passed over.
_PUNCT_WORDS = frozenset(',;:()[]—–"“”')
_JOINERS = frozenset({"-", "+"})


def words_of(tokens: Sequence[Any], base: int) -> tuple[Word, ...]:
    """The words of spaCy `tokens`, their offsets counted from `base` (where the sentence starts)."""
    out: list[Word] = []
    glue = False  # the previous token was a joiner written between two words
    toks = [t for t in tokens if not t.is_space]
    for i, t in enumerate(toks):
        text = t.text
        if text in _JOINERS and out and not glue and i + 1 < len(toks):
            prev, nxt = toks[i - 1], toks[i + 1]
            if not prev.whitespace_ and not t.whitespace_ and nxt.text[:1].isalnum():
                w = out[-1]
                joined = w.text + text
                out[-1] = Word(w.start, joined, joined.lower(), frozenset(), w.tag, w.pos)
                glue = True
                continue
        if glue:
            w = out[-1]
            joined = w.text + text
            out[-1] = Word(w.start, joined, joined.lower(), frozenset(), t.tag_, t.pos_)
            glue = False
            continue
        if not text[:1].isalnum() and text not in _PUNCT_WORDS and text not in ("'s", "’s"):
            continue
        lemmas = frozenset({t.lemma_.lower() or text.lower()})
        if t.pos_ == "PROPN":
            # The parse leaves names as written, and a title-case headline is all names to it
            # ("Security Talks In Tokyo"): its words count by their lemmas as common words.
            lemmas |= _common_lemmas(text.lower())
        out.append(Word(t.idx - base, text, text.lower(), lemmas, t.tag_, t.pos_))
    return tuple(out)


@lru_cache(maxsize=8192)
def _common_lemmas(word: str) -> frozenset[str]:
    """The lemmas spaCy's lemmatizer gives a lower-case word as a noun and as a verb
    ('talks' -> talk, 'held' -> hold); none when the pipeline has no rule lemmatizer."""
    from ..settings import Settings

    nlp = _pipeline(Settings().spacy_model)
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lemmatizer = nlp.get_pipe("lemmatizer")
    out: set[str] = set()
    for pos in ("NOUN", "VERB"):
        doc = nlp.make_doc(word)
        if len(doc) != 1:
            return frozenset()
        doc[0].pos_ = pos
        out.update(lemmatizer.rule_lemmatize(doc[0]))
    return frozenset(out)


@lru_cache(maxsize=4096)
def _parse_alone(sentence: str) -> tuple[Word, ...]:
    """The words of a sentence parsed on its own (claims built by hand, without a document)."""
    from ..settings import Settings

    return words_of(_pipeline(Settings().spacy_model)(sentence), 0)


@lru_cache(maxsize=2)
def _pipeline(name: str) -> Any:
    from .nlp import load_pipeline

    return load_pipeline(name)


def sentence_words(claim: Claim, parse: Any | None = None) -> tuple[Word, ...]:
    """The words of the claim's sentence: from `parse` (the sentence's spaCy span in its
    document) when given, else from a parse of the sentence alone."""
    if parse is None:
        return _parse_alone(claim.sentence)
    return words_of(parse, parse.start_char + len(parse.text) - len(parse.text.lstrip()))


def _time_word(w: Word) -> bool:
    """A word skipped between a preposition and its head: listed as written, or a listed time
    noun in another number ('weeks')."""
    tw = place_words().time_words
    return w.lower in tw or (w.pos in ("NOUN", "PROPN") and not w.lemmas.isdisjoint(tw))


def _heads_a_phrase(w: Word) -> bool:
    """Whether a capitalised word can be what a phrase hangs on rather than part of a name
    walked over: a place noun ('the X Islands in Y') or, in a title-case headline, an event
    or meeting word ('Security Talks In Tokyo')."""
    pw = place_words()
    return w.is_(pw.place_nouns) or w.is_(pw.event_nouns) or _meeting_word(w)


def _meeting_word(w: Word) -> bool:
    """A word that names a meeting: a listed noun as a noun, a listed verb as a verb, either
    for a name or another part of speech ('Security Talks', '2+2')."""
    pw = place_words()
    if w.pos == "NOUN":
        return w.is_(pw.meeting_nouns)
    if w.pos in ("VERB", "AUX"):
        return w.is_(pw.meeting_verbs)
    return w.is_(pw.meeting_nouns) or w.is_(pw.meeting_verbs)


@dataclass(frozen=True)
class Attachment:
    """Where a place mention hangs in its sentence: the preposition and the word it attaches to."""

    prep: str
    head: Word
    head_index: int
    words: tuple[Word, ...]
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


def attachment(
    claim: Claim, entity: Entity, start: int, words: tuple[Word, ...]
) -> Attachment | None:
    """The preposition before a place mention and the word that phrase attaches to, if any."""
    before = words[: bisect.bisect_left([w.start for w in words], start)]
    listed = _is_listed(claim, entity, start)
    locative = place_words().locative
    i = len(before) - 1
    skipped = 0
    # Skip determiners, modifiers and proper-name words between the preposition and the place.
    while i >= 0 and skipped < 4 and before[i].lower not in locative and before[i].lower != "to":
        if not before[i].alnum and before[i].lower not in ("'s", "’s"):
            return None
        skipped += 1
        i -= 1
    if i < 0 or (before[i].lower not in locative and before[i].lower != "to"):
        return None
    prep, p = before[i].lower, i
    # Walk left to the head: over times, adverbs, names and "with X" phrases.
    j = p - 1
    steps = 0
    while j >= 0 and steps < 8:
        w = before[j]
        if _time_word(w) or w.pos == "ADV" or w.text[0].isdigit() or w.lower in (",", "'s", "’s"):
            j -= 1
            steps += 1
            continue
        if w.text[:1].isupper() and j > 0 and not _heads_a_phrase(w):
            j -= 1
            steps += 1
            continue
        break
    if j < 0 or not before[j].alnum:
        return None
    return Attachment(prep=prep, head=before[j], head_index=j, words=before, listed=listed)


def _predicate_words(claim: Claim) -> frozenset[str]:
    words = {w.lower() for w in claim.what.text.split()}
    if claim.what.lemma:
        words.add(claim.what.lemma.lower())
    return frozenset(words)


def _locates_event(claim: Claim, att: Attachment) -> bool:
    head = att.head
    if att.prep == "to":
        return head.is_(place_words().motion)
    if (
        head.is_(place_words().event_verbs)
        or head.is_(place_words().event_nouns)
        or head.is_(_predicate_words(claim))
    ):
        return True
    # A past form or participle governs the phrase ("gathered in", "arrested in").
    return head.tag in ("VBD", "VBN")


def _event_places(claim: Claim, words: tuple[Word, ...]) -> list[Entity]:
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
            att = attachment(claim, e, start, words)
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


def _has_meeting_word(words: Sequence[Word], lo: int, hi: int) -> bool:
    return any(_meeting_word(w) for w in words[max(0, lo) : hi])


def _meeting_setting(claim: Claim, words: tuple[Word, ...]) -> MeetingSetting | None:
    """The setting of a meeting the claim describes, or None when it describes none.

    A mode counts when a meeting word is in the sentence ("meet virtually", "an online
    meeting"); a place counts when it locates an event and a meeting word governs it or stands
    shortly before it ("talks slated for Tuesday in Tokyo", "met in Seoul"). Places that are
    topics ("measures in the Indo-Pacific") or items of a list are not settings. Only the most
    specific level found is kept: cities over countries over regions.
    """
    sentence = claim.sentence
    mode: MeetingMode | None = None
    if _has_meeting_word(words, 0, len(words)):
        if place_words().virtual.search(sentence):
            mode = "virtual"
        elif place_words().in_person.search(sentence):
            mode = "in person"
    found: dict[str, Entity] = {}
    for e in places(claim):
        for start in _mention_offsets(claim, e):
            att = attachment(claim, e, start, words)
            if att is None or att.listed or not _locates_event(claim, att):
                continue
            if _meeting_word(att.head) or _has_meeting_word(
                att.words, att.head_index - 6, att.head_index
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


def with_places(claim: Claim, parse: Any | None = None) -> Claim:
    """The claim with its event places, event place and meeting setting set (compute, then write).

    `parse` is the spaCy span of the claim's sentence in its document; without it the sentence
    is parsed on its own (a claim built by hand)."""
    words = sentence_words(claim, parse)
    located = _event_places(claim, words)
    chosen = _event_place(located)
    update = {
        "event_places": [e.id for e in located],
        "event_place": chosen.id if chosen is not None else None,
        "setting": _meeting_setting(claim, words),
    }
    if all(getattr(claim, k) == v for k, v in update.items()):
        return claim
    return claim.model_copy(update=update)

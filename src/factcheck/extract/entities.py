"""Entity linking within a document: canonical ids from normalised names, aliases, name orders and roles."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models import Entity, EntityKind, Role, Tenure
from .aliases import Country, Tables, fold, key, slug
from .places import place_words

KINDS: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "gpe",
    "LOC": "loc",
    "NORP": "norp",
    "FAC": "facility",
    "EVENT": "event",
}
# Tenures of a title held once, not now ("retired general X"): a role written elsewhere in the
# sentence says more about the person today. The words are titles.json's 'tenure' table.
_PAST: frozenset[Tenure] = frozenset({"former", "outgoing"})
_LOCATIVE = place_words().mention_locative  # data/places.yaml
_INITIAL = re.compile(r"^[A-Za-z]\.?$")
# "COVID-19", "SARS-CoV-2", "F-35": a code, not an organisation ("G20" stays one).
_CODE_NAME = re.compile(r"^(?:the\s+)?(?:[A-Za-z]+-)+\d[\w-]*$", re.IGNORECASE)
# A model designation after or at the end of a maker's name: "A380", "737s", "A330-200", "Trent
# 900"'s "900" (a year is none).
_MODEL_CODE = re.compile(r"^(?:[A-Z]{1,3}-?\d{2,4}[A-Za-z]{0,2}|\d{3,4}[A-Z]{0,2})(?:-\d{1,4})?s?$")
_YEAR_WORD = re.compile(r"^(?:1[6-9]|20)\d\d$")
# Determiners that count a thing: "an iPod", "every Boeing"; an organisation is one of a kind.


def _model_code(token: Any) -> bool:
    return bool(_MODEL_CODE.match(token.text)) and not _YEAR_WORD.match(token.text)


def _product_end(sdoc: Any, s: int, e: int, label: str, tables: Tables) -> int | None:
    """End token of a product's name that the NER took for an organisation or a person, else
    None: a maker's name before a model ("Airbus A380", "Boeing 737s"), a name ending in one
    ("Rolls-Royce Trent 900"), or an organisation's name counted like a thing, the count right
    before it ("an iPod", "two Boeings"; not "two Boeing engineers", where the name only
    modifies the noun, nor "a stronger NATO")."""
    if label not in {"ORG", "PERSON"}:
        return None
    root = sdoc[s:e].root
    if e < len(sdoc) and _model_code(sdoc[e]) and (root.head.i == e or s <= sdoc[e].head.i < e):
        return e + 1
    if e - s > 1 and _model_code(sdoc[e - 1]):
        return e
    if label == "ORG" and root.dep_ != "compound":
        # Right before the name: "a stronger NATO" or "a free Indo-Pacific" is no count.
        for child in root.children:
            if child.i == s - 1 and (
                (child.dep_ == "det" and child.lower_ in tables.counting_determiners)
                or child.dep_ == "nummod"
            ):
                return e
    return None


def _role_glue(tables: Tables) -> re.Pattern[str]:
    """What may stand between a country and the person whose role it names, titles removed."""
    fillers = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(tables.title_fillers))
    return re.compile(r"(?:['’]s)?(?:[\s,]|\b(?:the|a|of|for|" + fillers + r")\b)*", re.IGNORECASE)


@dataclass
class Mention:
    """A linked mention: character and token range in the spaCy doc, and its entity."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    entity: Entity
    title_start: int | None = None  # where a title written before the name begins


def _person_mention(
    span: Any,
    tok_start: int,
    tok_end: int,
    pid: str,
    name: str,
    role: Role | None,
    title_start: int | None,
) -> Mention:
    """A person mention over `span`, linked to the person `pid`."""
    entity = Entity(
        id=pid,
        name=name,
        kind="person",
        mention=span.text,
        start=span.start_char,
        end=span.end_char,
        role=role,
    )
    return Mention(span.start_char, span.end_char, tok_start, tok_end, entity, title_start)


@dataclass
class PersonInfo:
    id: str
    name: str
    tokens: frozenset[str]
    roles: list[Role] = field(default_factory=list)
    first_char: int = 0


def person_tokens(name: str, tables: Tables) -> list[str]:
    """Name tokens without honorifics, suffixes and middle initials: 'Antony J. Blinken' -> [Antony, Blinken]."""
    words = [w for w in re.split(r"\s+", name.replace("’", "'").strip()) if w]
    words = [re.sub(r"'s$", "", w) for w in words]
    while words and (key(words[0]) in tables.honorifics or tables.title_word(words[0]) is not None):
        words = words[1:]
    while len(words) > 1 and (
        key(words[-1]) in tables.suffixes
        or tables.title_word(words[-1]) is not None
        or _acronym_word(words[-1], tables)
    ):
        words = words[:-1]
    words = [w.strip(",") for w in words if not _INITIAL.match(w) and w.strip(",")]
    return words


def person_id(tokens: list[str]) -> str:
    """Canonical person id: first and last name tokens, sorted, so that name order does not matter."""
    parts = [slug(t) for t in tokens]
    if len(parts) > 2:
        parts = [parts[0], parts[-1]]
    return "person:" + "-".join(sorted(parts))


def org_id(name: str, tables: Tables) -> tuple[str, str]:
    """Canonical id and display name of an organisation, with 'Department of X' read as 'X Department'."""
    text = re.sub(r"^(?:the|The)\s+", "", name.strip())
    text = re.sub(r"['’]s$", "", text)
    words = text.split()
    # A leading country ("US State Department", "United States Air Force") names whose
    # organisation it is, not which one; two words must be left ("Singapore Airlines" stays).
    for n in (3, 2, 1):
        if len(words) >= n + 2 and tables.country_any(" ".join(words[:n])) is not None:
            text = " ".join(words[n:])
            break
    m = re.fullmatch(r"(Department|Ministry|Office|Bureau) of (?:the )?(.+)", text)
    if m:
        text = f"{m[2]} {m[1]}"
    # A legal form ("Inc.", "Corporation", "Group plc") says what kind of company, not which one.
    core = re.split(r"[\s,]+", text)
    while len(core) > 1 and key(core[-1]) in tables.legal_forms:
        core.pop()
    return "org:" + slug(" ".join(core)), text


class DocEntities:
    """Every linked mention of one spaCy doc, with lookups by token and by title."""

    def __init__(self, mentions: list[Mention], persons: dict[str, PersonInfo]) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.persons = persons
        self._by_token: dict[int, list[Mention]] = {}
        for m in self.mentions:
            for i in range(m.tok_start, m.tok_end):
                self._by_token.setdefault(i, []).append(m)

    def at(self, token_index: int) -> Mention | None:
        hits = self._by_token.get(token_index)
        return hits[0] if hits else None

    def all_at(self, token_index: int) -> list[Mention]:
        """Every mention on a token: one token can name two countries ("U.S.-Japan")."""
        return self._by_token.get(token_index, [])

    def within(self, tok_start: int, tok_end: int) -> list[Mention]:
        return [m for m in self.mentions if m.tok_start >= tok_start and m.tok_end <= tok_end]

    def person_with_title(self, title: str, org: str | None) -> PersonInfo | None:
        """The one person in the document holding `title` (of `org` when given), else None."""
        hits = [
            p
            for p in self.persons.values()
            if any(r.title == title and (org is None or r.org == org) for r in p.roles)
        ]
        return hits[0] if len(hits) == 1 else None


class EntityLinker:
    """Links the named entities of a parsed document to canonical ids."""

    def __init__(self, tables: Tables, nlp: Any) -> None:
        from spacy.matcher import PhraseMatcher

        self.tables = tables
        self._role_glue = _role_glue(tables)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.matcher.add("COUNTRY", [nlp.make_doc(n) for n in tables.country_matcher_names()])
        self._text = ""

    # ------------------------------------------------------------------ mention collection

    def _spans(self, sdoc: Any) -> list[tuple[int, int, str]]:
        """(token start, token end, label) of NER entities plus country names NER missed."""
        spans: list[tuple[int, int, str]] = []
        taken: set[int] = set()
        for ent in sdoc.ents:
            if ent.label_ not in KINDS:
                continue
            label = ent.label_
            text = ent.text
            if label != "GPE" and self.tables.country(text) is not None and label != "NORP":
                label = "GPE"
            spans.append((ent.start, ent.end, label))
            taken.update(range(ent.start, ent.end))
        for _, s, e in self.matcher(sdoc):
            if not taken.intersection(range(s, e)):
                spans.append((s, e, "GPE"))
                taken.update(range(s, e))
        return sorted(spans)

    # ------------------------------------------------------------------ linking

    def link(self, sdoc: Any, text: str) -> DocEntities:
        # Doc.text rebuilds the string on every access; read the document's text instead.
        self._text = text
        tables = self.tables
        mentions: list[Mention] = []
        persons: dict[str, PersonInfo] = {}
        pending_short: list[tuple[int, int, str]] = []
        raw = self._spans(sdoc)
        doc_countries = self._countries_in(sdoc, raw)

        title_ranges = _Ranges(tables.title_regex.finditer(text))
        for s, e, label in raw:
            if label != "PERSON" and not tables.organisation_word(sdoc[e - 1].text):
                # "Defense Lloyd Austin" tagged ORG: the title's words are not part of the name;
                # a name must be left of two words or more ("General Motors" is no general).
                s0 = s
                while s < e - 1 and title_ranges.covering(sdoc[s].idx, sdoc[s].idx + 1):
                    s += 1
                if e - s < 2:
                    s = s0
            span = sdoc[s:e]
            mention_text = span.text
            if label != "PERSON" and title_ranges.covering(span.start_char, span.end_char):
                continue  # "State" in "Secretary of State", "Defense" in "Defense Minister"
            if label == "PERSON" and tables.organisation_word(span[-1].text):
                label = "ORG"  # "Saturn Corporation", "Qatar Airways" tagged as a person
            if label in {"ORG", "FAC", "GPE", "LOC", "NORP"} and self._titled_name(
                sdoc, span, title_ranges
            ):
                label = "PERSON"  # "Foreign Minister Antony Blinken" tagged as a facility
            if label in {"GPE", "ORG", "NORP", "LOC"} and tables.country_any(mention_text) is None:
                words = person_tokens(mention_text, tables)
                if (
                    len(words) == 1
                    and self._short_person(words[0], span.start_char, persons) is not None
                ):
                    pending_short.append((s, e, words[0]))
                    continue
            product_end = _product_end(sdoc, s, e, label, self.tables)
            if product_end is not None:
                # "Airbus A380", "Boeing 737s", "an iPod": a product, not its maker.
                e = product_end
                span = sdoc[s:e]
                mention_text = span.text
            if (
                product_end is not None
                or (_CODE_NAME.search(mention_text) and label in {"ORG", "NORP", "GPE"})
                or (label == "PERSON" and re.search(r"\d", mention_text))
            ):
                # "COVID-19", "H1N1", "F-35": names with figures are not people or organisations.
                name = re.sub(r"^(?:the|The)\s+", "", mention_text)
                mentions.append(
                    Mention(
                        span.start_char,
                        span.end_char,
                        s,
                        e,
                        Entity(
                            id="other:" + slug(name),
                            name=name,
                            kind="other",
                            mention=mention_text,
                            start=span.start_char,
                            end=span.end_char,
                        ),
                    )
                )
                continue
            parts = self._country_compound(span)
            if parts:
                mentions.extend(
                    Mention(a, b, s, e, _country_entity(c, text[a:b], span, a, b))
                    for a, b, c in parts
                )
                continue
            if label == "PERSON":
                self._person(sdoc, span, persons, mentions, pending_short, doc_countries)
                continue
            entity = self._non_person(sdoc, s, e, label, mention_text)
            if entity is not None:
                mentions.append(Mention(span.start_char, span.end_char, s, e, entity))

        # Short person mentions ("Blinken") link to the full name in the document.
        for s, e, word in pending_short:
            span = sdoc[s:e]
            info = self._short_person(word, span.start_char, persons)
            if info is None:
                pid = person_id([word])
                info = persons.setdefault(
                    pid, PersonInfo(pid, word, frozenset([key(word)]), first_char=span.start_char)
                )
            role, title_start = self._role_before(sdoc, span, doc_countries)
            if role is not None and not _generic(role, tables):
                info.roles.append(role)
            mentions.append(_person_mention(span, s, e, info.id, info.name, role, title_start))

        # Bare surnames NER missed: proper nouns equal to a known person's name token.
        covered = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
        for tok in sdoc:
            if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
                continue
            info = self._short_person(tok.text, tok.idx, persons, exact=True)
            if info is not None:
                role, title_start = self._role_before(sdoc, sdoc[tok.i : tok.i + 1], doc_countries)
                mentions.append(
                    Mention(
                        tok.idx,
                        tok.idx + len(tok.text),
                        tok.i,
                        tok.i + 1,
                        Entity(
                            id=info.id,
                            name=info.name,
                            kind="person",
                            mention=tok.text,
                            start=tok.idx,
                            end=tok.idx + len(tok.text),
                            role=role,
                        ),
                        title_start,
                    )
                )

        # "The foreign ministers of A and B, X and Y": one role each, in the order written.
        self._paired_roles(mentions, persons)

        # One role per person in the document: the most specific one seen.
        for m in mentions:
            if m.entity.kind != "person":
                continue
            info = persons.get(m.entity.id)
            if info is None:
                continue
            best = _best_role(info.roles, tables)
            own = m.entity.role
            if best is not None and (
                own is None
                or _generic(own, tables)
                or (own.title == best.title and own.org is None)
            ):
                # The document's role for the person: stated here only if this title is written.
                stated = own is not None and own.title == best.title and own.stated
                if best.stated != stated:
                    best = best.model_copy(update={"stated": stated})
                m.entity = m.entity.model_copy(update={"role": best})
        return DocEntities(self._drop_role_countries(mentions, text), persons)

    def _drop_role_countries(self, mentions: list[Mention], text: str) -> list[Mention]:
        """Leave out a country written as part of a person's role ("Japanese Foreign Minister X",
        "X, Japan's defense minister"): the role carries it, and it is not a second actor."""
        regex = self.tables.title_regex
        drop: set[int] = set()
        persons = sorted(
            (
                m
                for m in mentions
                if m.entity.kind == "person"
                and m.entity.role is not None
                and m.entity.role.org is not None
            ),
            key=lambda m: m.start,
        )
        starts = [pm.start for pm in persons]
        longest = max((pm.end - pm.start for pm in persons), default=0)
        for cm in mentions:
            if cm.entity.kind not in {"gpe", "norp"}:
                continue
            # Only persons within _ROLE_REACH characters can qualify (the length check below);
            # looking only there keeps a long document from pairing every country with everyone.
            lo = bisect.bisect_left(starts, cm.start - _ROLE_REACH - longest)
            hi = bisect.bisect_right(starts, cm.end + _ROLE_REACH)
            for pm in persons[lo:hi]:
                if pm.entity.role is None or pm.entity.role.org != cm.entity.id:
                    continue
                if cm.end <= pm.start:
                    between, title_after = text[cm.end : pm.start], ""
                elif pm.end <= cm.start:
                    between, title_after = text[pm.end : cm.start], text[cm.end : cm.end + 60]
                else:
                    continue
                if len(between) > _ROLE_REACH:
                    continue
                titled = (
                    regex.search(between) is not None
                    or regex.match(re.sub(r"^(?:['’]s)?\s+", "", title_after)) is not None
                )
                rest = regex.sub(" ", between)
                if titled and self._role_glue.fullmatch(rest):
                    drop.add(id(cm))
                    break
        return [m for m in mentions if id(m) not in drop]

    def _country_compound(self, span: Any) -> list[tuple[int, int, Country]]:
        """ "U.S.-Japan", "Japan-US": (start, end, country) of each country in a hyphenated pair, else []."""
        text = span.text
        lead = re.match(r"(?:the|The)\s+", text)
        offset = span.start_char + (lead.end() if lead else 0)
        body = text[lead.end() :] if lead else text
        body = re.sub(r"['’]s$", "", body)
        pieces = [(m.start(), m.end()) for m in re.finditer(r"[^-–]+", body)]
        if len(pieces) < 2 or len(body) - sum(b - a for a, b in pieces) != len(pieces) - 1:
            return []
        out = []
        for a, b in pieces:
            c = self.tables.country(body[a:b].strip())
            if c is None:
                return []
            out.append((offset + a, offset + b, c))
        return out

    def _titled_name(self, sdoc: Any, span: Any, title_ranges: _Ranges) -> bool:
        """Whether a span is a capitalised name written right after a title of office."""
        if not 1 <= len(span) <= 4 or not all(t.text[:1].isupper() and t.is_alpha for t in span):
            return False
        if self.tables.country_any(span.text) is not None:
            return False
        gap = span.start_char
        blank = gap  # start of the run of whitespace that ends at the name
        while blank > 0 and self._text[blank - 1].isspace():
            blank -= 1
        found = title_ranges.ending_within(blank, gap)
        return found is not None and self.tables.title(self._text[found[0] : found[1]]) is not None

    def _countries_in(self, sdoc: Any, raw: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
        """(character offset, country id) of every country or nationality mention."""
        out = []
        for s, e, label in raw:
            text = sdoc[s:e].text
            c = self.tables.country(text) if label in {"GPE", "ORG"} else None
            if c is None and label == "NORP":
                c = self.tables.country_of_demonym(text)
            if c is None and label == "GPE":
                c = self.tables.country_of_capital(text)
            if c is not None:
                out.append((sdoc[s].idx, c.id))
        return out

    def _person(
        self,
        sdoc: Any,
        span: Any,
        persons: dict[str, PersonInfo],
        mentions: list[Mention],
        pending_short: list[tuple[int, int, str]],
        doc_countries: list[tuple[int, str]],
    ) -> None:
        tables = self.tables
        # Titles inside the entity span ("Secretary Blinken") move out of the name.
        s = span.start
        while s < span.end - 1 and (
            tables.title_word(sdoc[s].text) is not None
            or key(sdoc[s].text) in tables.honorifics
            or tables.country_of_demonym(sdoc[s].text) is not None
        ):
            s += 1
        e = span.end
        # Nor do titles, abbreviations and credits after it: "Lloyd Austin SecDef", "X CEO".
        while e > s + 1 and (
            sdoc[e - 1].text in {"'s", "’s", "'", "’", ",", "-", "–"}
            or tables.title_word(sdoc[e - 1].text) is not None
            or key(sdoc[e - 1].text) in tables.honorifics
            or _acronym_word(sdoc[e - 1].text, tables)
        ):
            e -= 1
        name_span = sdoc[s:e]
        words = person_tokens(tables.canonical(name_span.text), tables)
        if not words:
            return
        if len(words) == 1:
            pending_short.append((s, e, words[0]))
            return
        pid = person_id(words)
        info = persons.get(pid)
        display = " ".join(w for w in name_span.text.split() if key(w) not in tables.honorifics)
        if info is None:
            info = PersonInfo(
                pid, display, frozenset(key(w) for w in words), first_char=name_span.start_char
            )
            persons[pid] = info
        elif len(display) > len(info.name) and set(key(w) for w in display.split()) >= info.tokens:
            info.name = display  # keep the fullest written form: "Antony J. Blinken"
        role, title_start = self._role_before(sdoc, name_span, doc_countries)
        after = self._role_after(sdoc, name_span)
        if after is not None and (
            role is None
            or role.tenure in _PAST
            or ((role.org is None or role.org_inferred) and after.org is not None)
        ):
            # "retired general X, the US secretary of state": the apposition is the office
            # (and a title held once is no role of the person now).
            if role is not None and role.tenure not in _PAST:
                info.roles.append(role)
            role = after
        if role is not None:
            info.roles.append(role)
        mentions.append(_person_mention(name_span, s, e, pid, info.name, role, title_start))

    def _short_person(
        self, word: str, at: int, persons: dict[str, PersonInfo], *, exact: bool = False
    ) -> PersonInfo | None:
        k = key(word)
        hits = [p for p in persons.values() if k in p.tokens and len(p.tokens) > 1]
        if not hits:
            return None
        before = [p for p in hits if p.first_char <= at]
        pool = before or hits
        return max(pool, key=lambda p: p.first_char)

    def _non_person(self, sdoc: Any, s: int, e: int, label: str, text: str) -> Entity | None:
        tables = self.tables
        span = sdoc[s:e]
        canonical = tables.canonical(text)
        kind = KINDS[label]
        if label == "NORP":
            c = tables.country_of_demonym(canonical) or tables.country(canonical)
            if c is not None:
                return Entity(
                    id=c.entity_id,
                    name=c.name,
                    kind="norp",
                    mention=text,
                    start=span.start_char,
                    end=span.end_char,
                )
            return Entity(
                id="norp:" + slug(canonical),
                name=canonical,
                kind="norp",
                mention=text,
                start=span.start_char,
                end=span.end_char,
            )
        if label in {"GPE", "ORG", "LOC", "FAC"}:
            c = tables.country(canonical)
            if c is not None:
                return _country_entity(c, text, span)
            name = re.sub(r"^(?:the|The)\s+", "", canonical)
            words = [key(w) for w in re.split(r"[\s\-–]+", name) if w]
            # "Indo-Pacific region", "Taiwan Strait", "the Indo-Pacific": places, whatever NER said.
            if words and (words[-1] in tables.place_heads or key(name) in tables.regions):
                return Entity(
                    id="loc:" + slug(name),
                    name=name,
                    kind="loc",
                    mention=text,
                    start=span.start_char,
                    end=span.end_char,
                )
            if label == "ORG" and len(words) > 1 and words[-1] in tables.event_heads:
                return Entity(
                    id="event:" + slug(name),
                    name=name,
                    kind="event",
                    mention=text,
                    start=span.start_char,
                    end=span.end_char,
                )
        if label in {"GPE", "ORG", "LOC"}:
            cap = tables.country_of_capital(canonical) if label == "GPE" else None
            if cap is not None and not self._locative(span):
                return _country_entity(cap, text, span)  # "Beijing said": the government
            if label in {"GPE", "LOC"}:
                name = re.sub(r"^(?:the|The)\s+", "", canonical)
                prefix = "place" if label == "GPE" else "loc"
                return Entity(
                    id=f"{prefix}:{slug(name)}",
                    name=name,
                    kind=kind,
                    mention=text,
                    start=span.start_char,
                    end=span.end_char,
                )
            # ORG: drop mentions that are only a title word the NER took for a name ("Defense").
            if tables.title(text) is not None or (
                e - s == 1 and tables.title_regex.fullmatch(text + " minister")
            ):
                return None
            oid, name = org_id(canonical, tables)
            return Entity(
                id=oid,
                name=name,
                kind="org",
                mention=text,
                start=span.start_char,
                end=span.end_char,
            )
        name = re.sub(r"^(?:the|The)\s+", "", canonical)
        return Entity(
            id=f"{kind}:{slug(name)}",
            name=name,
            kind=kind,
            mention=text,
            start=span.start_char,
            end=span.end_char,
        )

    @staticmethod
    def _locative(span: Any) -> bool:
        head = span.root.head
        return bool(span.root.dep_ == "pobj" and head.lower_ in _LOCATIVE)

    # ------------------------------------------------------------------ roles

    def _nationality(self, words: list[str]) -> Country | None:
        """Country named by the last words before a title: 'Japanese', 'U.S.', "Japan's"."""
        tables = self.tables
        words = [w for w in words if w]
        while words and key(words[-1]) in tables.title_fillers:
            words = words[:-1]
        if words and key(words[-1]) in tables.group_nouns:
            words = words[:-1]
        for n in (3, 2, 1):
            if len(words) < n:
                continue
            phrase = " ".join(words[-n:])
            phrase = re.sub(r"\s*['’]s$", "", phrase)
            c = tables.country(phrase) or tables.country_of_demonym(phrase)
            if c is not None:
                return c
        return None

    def _tenure(self, words: list[str]) -> Tenure:
        """How the words written before a title qualify it (titles.json 'tenure'): the word right
        before the title, or right before the nationality that precedes it ("former Japanese
        Foreign Minister X", "then-minister", "Japan's outgoing defense minister")."""
        words = [w.strip("-") for w in words if w.strip("-")]
        for n in range(min(len(words), 4)):
            if n:
                phrase = re.sub(r"\s*['’]s$", "", " ".join(words[-n:]))
                if (
                    self.tables.country(phrase) is None
                    and self.tables.country_of_demonym(phrase) is None
                ):
                    continue
            found = self.tables.tenure(words[-n - 1])
            if found is not None:
                return found
        return "current"

    def _role_before(
        self, sdoc: Any, name: Any, doc_countries: list[tuple[int, str]]
    ) -> tuple[Role | None, int | None]:
        """A title written right before the name, with its country from a nationality or the context."""
        sent = name.sent
        window = self._text[sent.start_char : name.start_char]
        m = None
        for m_ in self.tables.title_regex.finditer(window):
            m = m_
        if m is None or window[m.end() :].strip(" ,\u00a0") not in {"", "the"}:
            return self._appositive_before(sdoc, name, window, doc_countries)
        title = self.tables.title(m.group())
        if title is None:
            return None, None
        before = window[: m.start()]
        words = re.findall(r"[\w.'’-]+", before)[-4:]
        country = self._nationality(words)
        org: str | None
        if country is not None:
            org, inferred = country.entity_id, False
        else:
            org, inferred = self._context_country(title, sent, doc_countries)
        role = Role(title=title.title, org=org, org_inferred=inferred, tenure=self._tenure(words))
        return role, sent.start_char + m.start()

    def _paired_roles(self, mentions: list[Mention], persons: dict[str, PersonInfo]) -> None:
        """Give "X and Y" the roles of a plural title over two countries written beside them.

        "The foreign ministers of Japan and Korea, X and Y", "Japan's and Korea's foreign
        ministers, X and Y", "X and Y, the foreign ministers of Japan and Korea
        (respectively)": the first person holds the title of the first country, the second
        of the second. A role already read from the person's own title is left alone.
        """
        regex = self.tables.plural_regex
        if regex is None:
            return
        text = self._text
        people = sorted((m for m in mentions if m.entity.kind == "person"), key=lambda m: m.start)
        for a, b in itertools.pairwise(people):
            if not _AND.fullmatch(text[a.end : b.start]):
                continue
            before = text[max(0, a.start - 120) : a.start]
            after = text[b.end : b.end + 120]
            found = None
            m = re.search(r",\s*$", before)
            if m is not None:
                found = self._plural_pair(before[: m.start()], at_end=True)
            if found is None:
                m = _AFTER_PAIR.match(after)
                if m is not None:
                    found = self._plural_pair(after[m.end() :], at_end=False)
            if found is None:
                continue
            title, first, second = found
            for mention, country in ((a, first), (b, second)):
                own = mention.entity.role
                if (
                    own is not None
                    and own.title != title.title
                    and own.org is not None
                    and not own.org_inferred
                ):
                    continue
                role = Role(title=title.title, org=country.entity_id)
                mention.entity = mention.entity.model_copy(update={"role": role})
                info = persons.get(mention.entity.id)
                if info is not None:
                    info.roles.insert(0, role)

    def _plural_pair(self, text: str, *, at_end: bool) -> tuple[Any, Country, Country] | None:
        """(title, first country, second country) of a plural title phrase that ends `text`
        (at_end) or opens it: "the foreign ministers of Japan and Korea", "Japanese and
        Korean foreign ministers", "... of Japan and Korea respectively"."""
        regex = self.tables.plural_regex
        assert regex is not None
        titles = list(regex.finditer(text))
        if not titles:
            return self._singular_pair(text) if at_end else None
        t = titles[-1] if at_end else titles[0]
        title = self.tables.plural_title(t.group())
        if title is None or title.generic:
            return None
        head, tail = text[: t.start()], text[t.end() :]
        pair: tuple[str, str] | None = None
        end = r"\s*$" if at_end else r"\s*(?:,?\s*respectively)?\s*(?:[,;.()]|$)"
        after = re.match(r"\s+(?:of|from)\s+(?:the\s+)?(.+?)\s+and\s+(?:the\s+)?(.+?)" + end, tail)
        if after is not None and (at_end or re.fullmatch(r"\s*(?:the\s+)?", head, re.IGNORECASE)):
            pair = (after[1], after[2])
        elif (at_end and not tail.strip()) or not at_end:
            # The countries before the title: "Japan's and Korea's", "the Japanese and Korean".
            lead = r"(.{1,40}?)" if at_end else r"\s*(?:the\s+)?(.{1,40}?)"
            before = re.fullmatch(lead + r"\s+and\s+(?:the\s+)?(.{1,40}?)\s+", head) or (
                re.search(r"(\S.{0,39}?)\s+and\s+(?:the\s+)?(.{1,40}?)\s+$", head)
                if at_end
                else None
            )
            if before is not None:
                pair = (before[1], before[2])
        if pair is None:
            return None
        c1, c2 = (self._nationality(re.findall(r"[\w.'’-]+", p)) for p in pair)
        if c1 is None or c2 is None or c1.id == c2.id:
            return None
        return title, c1, c2

    def _singular_pair(self, text: str) -> tuple[Any, Country, Country] | None:
        """A title written twice, once per country, at the end of `text`: "Japan's foreign
        minister and South Korea's foreign minister", "the foreign minister of Japan and the
        foreign minister of South Korea"."""
        found = list(self.tables.title_regex.finditer(text))
        if len(found) < 2:
            return None
        t1, t2 = found[-2], found[-1]
        title = self.tables.title(t1.group())
        if title is None or title.generic or self.tables.title(t2.group()) is not title:
            return None
        middle, tail = text[t1.end() : t2.start()], text[t2.end() :]
        of = re.fullmatch(r"\s+(?:of|for)\s+(?:the\s+)?(.{1,40}?)\s+and\s+(?:the\s+)?", middle)
        if of is not None:
            last = re.fullmatch(r"\s+(?:of|for)\s+(?:the\s+)?(.{1,40}?)\s*", tail)
            pair = (of[1], last[1]) if last is not None else None
        else:
            between = re.fullmatch(r"\s+and\s+(?:the\s+)?(.{1,40}?)\s*", middle)
            pair = None
            if between is not None and not tail.strip():
                pair = (text[max(0, t1.start() - 40) : t1.start()], between[1])
        if pair is None:
            return None
        c1, c2 = (self._nationality(re.findall(r"[\w.'’-]+", p)) for p in pair)
        if c1 is None or c2 is None or c1.id == c2.id:
            return None
        return title, c1, c2

    def _appositive_before(
        self, sdoc: Any, name: Any, window: str, doc_countries: list[tuple[int, str]]
    ) -> tuple[Role | None, int | None]:
        """ "Japan's defense minister, Nobuo Kishi": title and country before a comma."""
        m = re.search(
            r"([\w.'’ -]{0,40}?)\b(" + self.tables.title_regex.pattern + r")\s*,\s*$",
            window,
            re.IGNORECASE,
        )
        if m is None:
            return None, None
        title = self.tables.title(m.group(2))
        if title is None or title.generic:
            return None, None
        words = re.findall(r"[\w.'’-]+", m.group(1))[-4:]
        country = self._nationality(words)
        if country is None:
            return None, None
        role = Role(title=title.title, org=country.entity_id, tenure=self._tenure(words))
        return role, name.sent.start_char + m.start(2)

    def _role_after(self, sdoc: Any, name: Any) -> Role | None:
        """ "Nobuo Kishi, Japan's defense minister," / "X, the foreign minister of Japan"."""
        after = self._text[name.end_char : name.sent.end_char]
        m = re.match(
            r"\s*,\s*(?:the\s+|a\s+)?([\w.'’ -]{0,30}?)\b("
            + self.tables.title_regex.pattern
            + r")(?:\s+(?:of|for)\s+(?:the\s+)?([A-Z][\w.'’ -]{1,40}?))?\s*[,.;]",
            after,
            re.IGNORECASE,
        )
        if m is None:
            return None
        title = self.tables.title(m.group(2))
        if title is None or title.generic:
            return None
        words = re.findall(r"[\w.'’-]+", m.group(1))
        country = self._nationality(words)
        if country is None and m.group(3):
            country = self.tables.country(m.group(3))
        return Role(
            title=title.title,
            org=country.entity_id if country else None,
            tenure=self._tenure(words),
        )

    def _context_country(
        self, title: Any, sent: Any, doc_countries: list[tuple[int, str]]
    ) -> tuple[str | None, bool]:
        """The country that can hold this title: the one in the sentence, else the one the
        document is about; and whether it was inferred from the document.

        The document is about a country when it is the only one there that fits the title, or
        when it is named at least twice and twice as often as any other that fits.
        """
        ids = {cid for at, cid in doc_countries if sent.start_char <= at < sent.end_char}
        fitting = sorted(cid for cid in ids if title.fits(cid))
        if len(fitting) == 1:
            return f"gpe:{fitting[0]}", False
        if fitting:
            return None, False
        counts = Counter(cid for _, cid in doc_countries if title.fits(cid))
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) == 1 or (
            len(ranked) > 1 and ranked[0][1] >= 2 and ranked[0][1] >= 2 * ranked[1][1]
        ):
            return f"gpe:{ranked[0][0]}", True
        return None, False


def _country_entity(
    c: Country, text: str, span: Any, start: int | None = None, end: int | None = None
) -> Entity:
    return Entity(
        id=c.entity_id,
        name=c.name,
        kind="gpe",
        mention=text,
        start=span.start_char if start is None else start,
        end=span.end_char if end is None else end,
    )


def _acronym_word(word: str, tables: Tables) -> bool:
    """Whether a word is an acronym ('AP', 'USA', 'DoD': capitals at least half of at most five
    letters), which no personal name ends with ('McDonald', 'LeBron' are names)."""
    letters = word.replace(".", "")
    capitals = sum(c.isupper() for c in letters)
    return (
        len(letters) >= 2
        and letters.isalpha()
        and (
            letters.isupper()
            or (len(letters) <= 5 and capitals >= 2 and 2 * capitals >= len(letters))
        )
        and key(word) not in tables.suffixes
    )


def _generic(role: Role, tables: Tables) -> bool:
    t = tables.title(role.title)
    return t is None or t.generic


def _best_role(roles: list[Role], tables: Tables) -> Role | None:
    """First role with a country written, else with one inferred, else the first role."""
    for r in roles:
        if r.org is not None and not r.org_inferred and r.title not in tables.portfolio_titles:
            return r
    for r in roles:
        if r.org is not None and r.title not in tables.portfolio_titles:
            return r
    for r in roles:
        if r.title not in tables.portfolio_titles:
            return r
    return roles[0] if roles else None


__all__ = ["DocEntities", "EntityLinker", "Mention", "fold", "org_id", "person_id", "person_tokens"]


# What joins two people of a pair ("X and Y"), and what opens the phrase after them.
_AND = re.compile(r"\s*,?\s+and\s+")
_AFTER_PAIR = re.compile(r"\s*,\s*")

# Most characters between a country and a person for the country to be part of the role.
_ROLE_REACH = 80


class _Ranges:
    """Non-overlapping character ranges in text order (regex matches), looked up by bisection.

    A long document has thousands of titles of office and of entity mentions; asking every
    range about every mention made linking quadratic in the document's length.
    """

    def __init__(self, matches: Iterable[re.Match[str]]) -> None:
        pairs = [(m.start(), m.end()) for m in matches if m.end() > m.start()]
        self.starts = [a for a, _ in pairs]
        self.ends = [b for _, b in pairs]

    def covering(self, start: int, end: int) -> bool:
        """Whether one range holds all of [start, end)."""
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i]

    def ending_within(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The first range whose end lies in [lo, hi], if any."""
        i = bisect.bisect_left(self.ends, lo)
        if i < len(self.ends) and self.ends[i] <= hi:
            return self.starts[i], self.ends[i]
        return None

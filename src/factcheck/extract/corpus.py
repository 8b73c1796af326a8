"""Cross-document entity linking: a cheap corpus-level pass over extracted claims (short names, acronyms)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from ..models import Claim, Entity
from .aliases import Tables, key, load_tables

# Words left out when an acronym is formed from a long name ("Centers for Disease Control").
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,8}$|^[A-Z][A-Za-z]?(?:[A-Z][a-z]?){1,6}$")
# Leading words of a written name that say whose organisation it is, not which one.
_ORG_LEADING = re.compile(r"^(?:the\s+)", re.IGNORECASE)

__all__ = ["corpus_map", "link_entities"]


def _entities(claim: Claim) -> Iterable[Entity]:
    yield from claim.who
    yield from claim.where
    if claim.attribution is not None and claim.attribution.speaker is not None:
        yield claim.attribution.speaker


def _person_tokens(entity: Entity) -> frozenset[str]:
    """Name tokens of a person: the id's parts plus the display name's words, initials left out."""
    parts = set(entity.id.removeprefix("person:").split("-"))
    for word in re.split(r"[\s\-]+", entity.name):
        k = key(word)
        if len(k) > 1:
            parts.add(k)
    return frozenset(p for p in parts if len(p) > 1)


def _id_tokens(entity_id: str) -> frozenset[str]:
    return frozenset(p for p in entity_id.removeprefix("person:").split("-") if p)


def _initials(words: list[str], skip: frozenset[str]) -> set[str]:
    """Acronyms a long name can have: initials of every word, and of the words that are not function words."""
    words = [w for w in words if re.match(r"[A-Za-z]", w)]
    if len(words) < 2:
        return set()
    every = "".join(w[0] for w in words).lower()
    content = "".join(w[0] for w in words if w.lower() not in skip).lower()
    return {a for a in (every, content) if len(a) >= 2}


def _acronym_key(entity: Entity) -> str | None:
    """'fbi' for an organisation written as an acronym ('FBI', 'F.B.I.', 'DoD'), else None."""
    text = entity.name.strip()
    if " " in text or not _ACRONYM.match(text):
        return None
    letters = re.sub(r"[^A-Za-z]", "", text)
    # Capitals must carry the acronym: 'DoD' is one, 'Apple' is not.
    if sum(c.isupper() for c in letters) < max(2, len(letters) - 2):
        return None
    return letters.lower()


class _Groups:
    """Union-find over ids: the people (or organisations) that several ids turn out to name."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for i in sorted(self.parent):
            out[self.find(i)].append(i)
        return out


def _voted_name(names: Counter[str]) -> str:
    """The written form most mentions agree on; ties go to the fuller form, then the first in order."""
    return min(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]


def _nickname_pair(a: frozenset[str], b: frozenset[str], tables: Tables) -> bool:
    """Two two-token names sharing one token whose other tokens are a name and its short form."""
    if len(a) != 2 or len(b) != 2 or len(a & b) != 1:
        return False
    (x,), (y,) = a - b, b - a
    return tables.same_given_name(x, y)


def _person_map(entities: list[Entity], counts: Counter[str]) -> dict[str, Entity]:
    """Person id -> the canonical entity of the group of ids that name the same person.

    Ids are grouped by the agreement of the corpus: a name whose tokens are part of exactly one
    fuller name ("Le Drian", "Jean-Yves Le Drian"), or that differs from exactly one other
    name by a nickname ("Bill", "William"), joins it; a surname joins the one group whose
    names hold it. A group's canonical id is the one written by most mentions (ties: the
    fuller name), and its name the written form most of those mentions use, so one odd
    mention ("Lloyd Austin Pentagon") joins the majority instead of renaming it.
    """
    tables = load_tables()
    full: dict[str, frozenset[str]] = {}
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        if e.kind != "person":
            continue
        full[e.id] = full.get(e.id, frozenset()) | _person_tokens(e)
        names[e.id][e.name] += counts[e.id + "\0" + e.name]
    id_tokens = {pid: _id_tokens(pid) for pid in full}
    # Inverted index: only fuller names sharing a token can contain a partial one (comparing
    # every pair of people is quadratic on a large corpus).
    having: dict[str, set[str]] = {}
    for other, toks in full.items():
        if len(id_tokens[other]) >= 2:
            for tok in toks:
                having.setdefault(tok, set()).add(other)
    groups = _Groups(pid for pid in full if len(id_tokens[pid]) >= 2)
    for pid in sorted(groups.parent):
        mine = id_tokens[pid]
        sharing = set.union(*(having.get(t, set()) for t in mine)) - {pid}
        hits = [
            o
            for o in sorted(sharing)
            if (mine < full[o] and len(full[o]) > len(mine))
            or _nickname_pair(mine, id_tokens[o], tables)
        ]
        if len(hits) == 1:
            groups.union(pid, hits[0])
    canonical: dict[str, str] = {}
    for ids in groups.members().values():
        best = min(ids, key=lambda i: (-names[i].total(), -len(full[i]), i))
        for i in ids:
            canonical[i] = best
    # A surname (one token) joins the one group whose names hold it.
    for pid in sorted(full):
        mine = id_tokens[pid]
        if len(mine) != 1 or pid in canonical:
            continue
        candidates = set.intersection(*(having.get(t, set()) for t in mine)) - {pid}
        targets = {canonical[o] for o in candidates if mine < full[o]}
        if len(targets) == 1:
            canonical[pid] = targets.pop()
    out: dict[str, Entity] = {}
    for pid, best in canonical.items():
        if pid != best:
            out[pid] = Entity(id=best, name=_voted_name(names[best]), kind="person", mention="")
    return out


def _org_prefix_map(entities: list[Entity], counts: Counter[str]) -> dict[str, Entity]:
    """Short organisation id -> the one longer name it begins ("Northrop", "Northrop Grumman").

    Only where the corpus writes the longer name at least as often as the short one: a short
    form used more than its long one ("Boeing", "Boeing Capital") is a name of its own.
    """
    words: dict[str, tuple[str, ...]] = {}
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        if e.kind == "org" and _acronym_key(e) is None:
            words[e.id] = tuple(e.id.removeprefix("org:").split("-"))
            names[e.id][e.name] += counts[e.id + "\0" + e.name]
    by_first: dict[str, list[str]] = defaultdict(list)
    for oid, w in words.items():
        by_first[w[0]].append(oid)
    out: dict[str, Entity] = {}
    for oid, w in sorted(words.items()):
        longer = [o for o in by_first[w[0]] if len(words[o]) > len(w) and words[o][: len(w)] == w]
        if len(longer) == 1 and names[longer[0]].total() >= names[oid].total():
            target = longer[0]
            out[oid] = Entity(id=target, name=_voted_name(names[target]), kind="org", mention="")
    return out


def _org_map(entities: list[Entity]) -> dict[str, Entity]:
    """Acronym organisation id -> the one long-form organisation whose initials spell it."""
    skip = load_tables().acronym_skip
    initials: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for e in entities:
        if e.kind != "org":
            continue
        acro = _acronym_key(e)
        if acro is not None:
            acronyms[e.id] = acro
            continue
        names.setdefault(e.id, e.name)
        for written in (e.name, e.mention):
            words = (
                _ORG_LEADING.sub("", written.strip()).removesuffix("'s").removesuffix("’s").split()
            )
            initials[e.id] |= _initials(words, skip)
            # "US State Department": the leading country is not part of the acronym.
            if len(words) >= 3:
                initials[e.id] |= _initials(words[1:], skip)
    out: dict[str, Entity] = {}
    for aid, acro in sorted(acronyms.items()):
        hits = sorted(oid for oid, forms in initials.items() if acro in forms and oid != aid)
        if len(hits) == 1:
            out[aid] = Entity(id=hits[0], name=names[hits[0]], kind="org", mention="")
    return out


# Kinds the NER gives a lone surname it does not know ("Blinken said" tagged as a place). Not
# organisations: many are named after a person of the same corpus ("Ford", "Bill Ford").
_MISTAKEN_KINDS = frozenset({"gpe", "loc"})


def _surname_map(
    entities: list[Entity],
    counts: Counter[str],
    people: dict[str, Entity],
    places: frozenset[str] | None,
) -> dict[str, Entity]:
    """One-word place id -> the one person of the corpus with that name word.

    Only where the corpus supports it: the person is written in full by two mentions or more,
    no other person has the word, the word is no country, capital or region, and (when
    `places` is given) the corpus never uses the id as a place: ids in `places` stay.
    """
    tables = load_tables()
    written: Counter[str] = Counter()
    tokens: dict[str, frozenset[str]] = {}
    for e in entities:
        if e.kind == "person" and len(_id_tokens(e.id)) >= 2:
            canonical = people[e.id].id if e.id in people else e.id
            written[canonical] += counts[e.id + "\0" + e.name]
            tokens[canonical] = tokens.get(canonical, frozenset()) | _person_tokens(e)
    out: dict[str, Entity] = {}
    for e in entities:
        word = key(e.name)
        if e.kind not in _MISTAKEN_KINDS or " " in e.name.strip() or len(word) < 3:
            continue
        if (places is not None and e.id in places) or e.id in out:
            continue
        if tables.country_any(e.name) is not None or word in tables.regions:
            continue
        owners = [pid for pid, toks in tokens.items() if word in toks]
        if len(owners) == 1 and written[owners[0]] >= 2:
            target = people.get(owners[0])
            name = target.name if target is not None else _full_name(entities, owners[0], counts)
            out[e.id] = Entity(id=owners[0], name=name, kind="person", mention="")
    return out


def _full_name(entities: list[Entity], pid: str, counts: Counter[str]) -> str:
    names: Counter[str] = Counter()
    for e in entities:
        if e.id == pid:
            names[e.name] += counts[e.id + "\0" + e.name]
    return _voted_name(names)


def corpus_map(
    mentions: Iterable[Entity], *, places: frozenset[str] | None = None
) -> dict[str, Entity]:
    """Entity id -> the entity it is linked to across the corpus (ids that stay are left out).

    Give each mention once: the counts decide which names most mentions agree on. `places`:
    ids the corpus uses as places (a claim's `where`); a one-word place that names one
    person of the corpus ("Blinken") becomes that person only when it is not among them.
    """
    pool_all = list(mentions)
    counts: Counter[str] = Counter(e.id + "\0" + e.name for e in pool_all)
    unique = sorted({(e.id, e.name, e.kind, e.mention): e for e in pool_all}.items())
    pool = [e for _, e in unique]
    orgs = _org_prefix_map(pool, counts)
    orgs.update(_org_map(pool))
    people = _person_map(pool, counts)
    surnames = _surname_map(pool, counts, people, places)
    return {**surnames, **people, **orgs}


def _rewrite(entity: Entity, mapping: dict[str, Entity]) -> Entity:
    target = mapping.get(entity.id)
    if target is None:
        return entity
    if target.kind != entity.kind:
        if target.kind != "person" or entity.kind not in _MISTAKEN_KINDS:
            return entity
        # A lone surname the NER took for a place: now the person it names.
        return entity.model_copy(
            update={"id": target.id, "name": target.name, "kind": "person", "role": None}
        )
    # Only the identity changes: the mention, its offsets and the role written here stay, so a
    # role known from another document is never copied onto this one.
    return entity.model_copy(update={"id": target.id, "name": target.name})


def link_entities(claims: Sequence[Claim]) -> list[Claim]:
    """Claims with entity ids linked across documents; deterministic, and cheap enough to run on every report.

    Per-document extraction cannot know that "Blinken" in one article is "Antony J. Blinken" in
    another; this pass sees every claim at once and rewrites

    - a partial person id ("person:blinken") to the one fuller id whose name tokens contain it
      ("person:antony-blinken"); when several fuller names fit ("Kim" with "Kim Jong Un" and
      "Kim Yo Jong"), nothing changes;
    - an organisation acronym ("org:fbi") to the one long form in the corpus whose initials spell
      it ("Federal Bureau of Investigation"); ambiguous acronyms stay;
    - a one-word "place" that is the name word of one person the corpus writes
      in full at least twice ("Blinken" tagged as a place) to that person, unless the corpus
      uses it as a place somewhere (a claim's `where`) or it is a country, capital or region.

    Roles are left as each document wrote them (None stays None). Claims whose entities do not
    change are returned as they are; the input order is kept.

    >>> linked = link_entities(claims)  # after extraction, before matching
    """
    # A mention is in every claim of its sentence: count it once per place in its document.
    mentions = {(c.document, e.id, e.name, e.start, e.end): e for c in claims for e in _entities(c)}
    places = frozenset(e.id for c in claims for e in c.where)
    mapping = corpus_map(mentions.values(), places=places)
    if not mapping:
        return list(claims)
    out: list[Claim] = []
    for c in claims:
        if not any(e.id in mapping for e in _entities(c)):
            out.append(c)
            continue
        update: dict[str, object] = {
            "who": _dedupe([_rewrite(e, mapping) for e in c.who]),
            "where": _dedupe([_rewrite(e, mapping) for e in c.where]),
        }
        if c.attribution is not None and c.attribution.speaker is not None:
            update["attribution"] = c.attribution.model_copy(
                update={"speaker": _rewrite(c.attribution.speaker, mapping)}
            )
        out.append(c.model_copy(update=update))
    return out


def _dedupe(entities: list[Entity]) -> list[Entity]:
    """First entity per id, order kept: two mentions that now share an id are one actor."""
    seen: set[str] = set()
    out: list[Entity] = []
    for e in entities:
        if e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out

"""Cross-document entity linking: a cheap corpus-level pass over extracted claims (short names, acronyms)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..models import Claim, Entity
from .aliases import key

# Words left out when an acronym is formed from a long name ("Centers for Disease Control").
_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "to", "at", "a", "an", "&"})
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


def _initials(words: list[str]) -> set[str]:
    """Acronyms a long name can have: initials of every word, and of the words that are not function words."""
    words = [w for w in words if re.match(r"[A-Za-z]", w)]
    if len(words) < 2:
        return set()
    every = "".join(w[0] for w in words).lower()
    content = "".join(w[0] for w in words if w.lower() not in _ACRONYM_SKIP).lower()
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


def _person_map(entities: list[Entity]) -> dict[str, Entity]:
    """Partial person id -> the one fuller entity whose name tokens contain it."""
    full: dict[str, frozenset[str]] = {}
    best_name: dict[str, str] = {}
    for e in entities:
        if e.kind != "person":
            continue
        toks = _person_tokens(e)
        full[e.id] = full.get(e.id, frozenset()) | toks
        # The longest written form names the person best: "Antony J. Blinken".
        if len(e.name) > len(best_name.get(e.id, "")) or (
            len(e.name) == len(best_name.get(e.id, "")) and e.name < best_name[e.id]
        ):
            best_name[e.id] = e.name
    out: dict[str, Entity] = {}
    id_tokens = {pid: _id_tokens(pid) for pid in full}
    # Inverted index: only fuller names sharing a token can contain a partial one (comparing
    # every pair of people is quadratic on a large corpus).
    having: dict[str, set[str]] = {}
    for other, toks in full.items():
        if len(id_tokens[other]) >= 2:
            for tok in toks:
                having.setdefault(tok, set()).add(other)
    for pid in sorted(full):
        mine = id_tokens[pid]
        if not mine:
            continue
        candidates = set.intersection(*(having.get(t, set()) for t in mine))
        hits = sorted(
            other
            for other in candidates
            if other != pid and mine < full[other] and len(full[other]) > len(mine)
        )
        if len(hits) == 1:
            out[pid] = Entity(id=hits[0], name=best_name[hits[0]], kind="person", mention="")
    # A partial of a partial ("Kim" -> "Kim Jong" -> "Kim Jong Un") follows the chain to its end.
    for pid, first in list(out.items()):
        seen = {pid}
        end = first
        while end.id in out and end.id not in seen:
            seen.add(end.id)
            end = out[end.id]
        out[pid] = end
    return out


def _org_map(entities: list[Entity]) -> dict[str, Entity]:
    """Acronym organisation id -> the one long-form organisation whose initials spell it."""
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
            initials[e.id] |= _initials(words)
            # "US State Department": the leading country is not part of the acronym.
            if len(words) >= 3:
                initials[e.id] |= _initials(words[1:])
    out: dict[str, Entity] = {}
    for aid, acro in sorted(acronyms.items()):
        hits = sorted(oid for oid, forms in initials.items() if acro in forms and oid != aid)
        if len(hits) == 1:
            out[aid] = Entity(id=hits[0], name=names[hits[0]], kind="org", mention="")
    return out


def corpus_map(entities: Iterable[Entity]) -> dict[str, Entity]:
    """Entity id -> the entity it is linked to across the corpus (ids that stay are left out)."""
    unique = sorted({(e.id, e.name, e.kind, e.mention): e for e in entities}.items())
    pool = [e for _, e in unique]
    return {**_person_map(pool), **_org_map(pool)}


def _rewrite(entity: Entity, mapping: dict[str, Entity]) -> Entity:
    target = mapping.get(entity.id)
    if target is None or target.kind != entity.kind:
        return entity
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
      it ("Federal Bureau of Investigation"); ambiguous acronyms stay.

    Roles are left as each document wrote them (None stays None). Claims whose entities do not
    change are returned as they are; the input order is kept.

    >>> linked = link_entities(claims)  # after extraction, before matching
    """
    mapping = corpus_map(e for c in claims for e in _entities(c))
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

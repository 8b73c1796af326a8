"""Relative dates of undated documents, anchored on the dates that dated sources give the same facts.

A document with no publication date (no metadata, no dateline) cannot resolve "on Tuesday" by
itself. When the matcher has put its claims in fact groups with claims of dated documents, those
say which Tuesday: a date with that weekday (or that month and day, or that month) among the
dated claims of the same groups. The anchor is kept only when the groups of the document agree
on one date by a clear majority, and the expression says where it came from: `anchor` is
"inferred" and `inferred_from` names a dated claim that gives the date. The document's own
`published` stays empty: an inferred anchor is never a dateline.

Expressions that count from the publication date ("yesterday", "today", "two days ago", "last
week") have no weekday or month to match. For them the document's reference date is inferred
instead: "yesterday" grouped with a dated claim "on 16 March" says the document was written on
17 March, and "last week" grouped with a dated source's "last week" says it was written when that
source was. The most voted reference date (no tie) then resolves every such expression of the
document that reads the same whatever the tense, each marked "inferred" like the others.

Runs once over the corpus, after matching and before the rules::

    claims = anchor_undated(claims, match.groups, documents)
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from collections.abc import Sequence

from ..extract.timex import PARTS_OF_DAY, WEEKDAYS, day_expr, month_expr, normalise_time
from ..models import Claim, ClaimGroup, Document, TimeExpression

__all__ = ["anchor_undated"]

# What an unresolved expression leaves open, and so what a dated claim's date must share with it.
Key = tuple[str, int, int]

_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_PART = re.compile(r"\b(" + "|".join(PARTS_OF_DAY) + r")\b", re.IGNORECASE)


def _open_key(t: TimeExpression) -> Key | None:
    """('weekday', n, 0), ('monthday', month, day) or ('month', month, 0) for an expression that
    only lacks its anchor, else None."""
    if t.resolved or t.anchor != "none":
        return None
    m = re.fullmatch(r"XXXX-(\d\d)-(\d\d)", t.value or "")
    if m:
        return ("monthday", int(m[1]), int(m[2]))
    m = re.fullmatch(r"XXXX-(\d\d)", t.value or "")
    if m:
        return ("month", int(m[1]), 0)
    weekday = _WEEKDAY.search(t.text)
    if t.granularity == "day" and t.value is None and weekday:
        return ("weekday", WEEKDAYS[weekday[1].lower()], 0)
    return None


def _fits(key: Key, t: TimeExpression) -> dt.date | None:
    """The date (the first of the month for months) a dated claim's expression gives `key`."""
    if not t.resolved or t.begin is None or t.anchor not in {"absolute", "publication"}:
        return None
    kind, a, b = key
    if kind == "month":
        f = t.finish
        if f is None or t.begin.month != a or (t.begin.year, t.begin.month) != (f.year, f.month):
            return None
        return t.begin.replace(day=1)
    if t.granularity != "day" or t.begin != t.finish:
        return None
    if kind == "weekday":
        return t.begin if t.begin.weekday() == a else None
    return t.begin if (t.begin.month, t.begin.day) == (a, b) else None


def anchor_undated(
    claims: Sequence[Claim], groups: Sequence[ClaimGroup], documents: Sequence[Document]
) -> list[Claim]:
    """`claims` with the open relative dates of undated documents anchored from their groups.

    For each undated document and each kind of open expression in it ("Tuesday", "March 16",
    "June"), every dated claim grouped with one of its claims votes for the dates it gives that
    fit; the most voted date is taken when no other date has as many votes. Claims that change
    are new objects; the others are returned as they are.
    """
    undated = {d.id for d in documents if d.published is None}
    if not undated or not groups:
        return list(claims)
    by_id = {c.id: c for c in claims}
    dated_docs = {d.id for d in documents if d.published is not None}
    # (document, key) -> date -> claim ids of dated sources that give it.
    votes: dict[tuple[str, Key], dict[dt.date, set[str]]] = collections.defaultdict(
        lambda: collections.defaultdict(set)
    )
    for group in groups:
        members = [by_id[i] for i in group.claims if i in by_id]
        dated = [c for c in members if c.document in dated_docs]
        if not dated:
            continue
        for claim in members:
            if claim.document not in undated:
                continue
            for t in claim.when:
                key = _open_key(t)
                if key is None:
                    continue
                for other in dated:
                    for u in other.when:
                        date = _fits(key, u)
                        if date is not None:
                            votes[(claim.document, key)][date].add(other.id)
    chosen: dict[tuple[str, Key], tuple[dt.date, str]] = {}
    for where, tally in votes.items():
        ranked = sorted(tally.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]):
            continue  # the sources disagree: leave it open
        date, sources = ranked[0]
        chosen[where] = (date, min(sources))
    out = []
    for claim in claims:
        when = [
            _anchored(t, chosen.get((claim.document, k))) if (k := _open_key(t)) else t
            for t in claim.when
        ]
        out.append(claim if when == claim.when else claim.model_copy(update={"when": when}))
    return _anchor_on_reference(out, groups, documents)


# Two publication dates on different weekdays: an expression whose day lies at the same distance
# from both, whatever the tense, counts a fixed number of days from its document's date.
_PROBES = (dt.date(2001, 1, 10), dt.date(2001, 1, 13))


def _day_offset(text: str) -> int | None:
    """Days from the publication date to the day `text` names ("yesterday" -1, "two days ago"
    -2, "today" 0), or None when it names no such day."""
    offsets = set()
    for probe in _PROBES:
        for tense in ("past", "future"):
            t = normalise_time(text, dct=probe, tense=tense)
            if not t.resolved or t.anchor != "publication" or t.granularity != "day":
                return None
            if t.begin is None or t.begin != t.finish:
                return None
            offsets.add((t.begin - probe).days)
    return offsets.pop() if len(offsets) == 1 else None


def _from_reference(t: TimeExpression, reference: dt.date) -> TimeExpression | None:
    """`t` resolved from `reference` as its publication date, when the result does not depend
    on the tense (which a stored expression no longer has); else None."""
    past = normalise_time(t.text, dct=reference, tense="past", start=t.start, end=t.end)
    future = normalise_time(t.text, dct=reference, tense="future", start=t.start, end=t.end)
    if past != future or not past.resolved or past.anchor != "publication":
        return None
    return past


def _one_day(t: TimeExpression) -> dt.date | None:
    """The day a dated claim's expression names, when it names one day on its own anchor."""
    if not t.resolved or t.anchor not in {"absolute", "publication"}:
        return None
    if t.granularity != "day" or t.begin is None or t.begin != t.finish:
        return None
    return t.begin


def _same_form(a: TimeExpression, b: TimeExpression) -> bool:
    return " ".join(a.text.lower().split()) == " ".join(b.text.lower().split())


def _anchor_on_reference(
    claims: list[Claim], groups: Sequence[ClaimGroup], documents: Sequence[Document]
) -> list[Claim]:
    """`claims` with the expressions that count from an undated document's own date ("yesterday",
    "last week") resolved from a reference date that its groups' dated claims give."""
    published = {d.id: d.published for d in documents if d.published is not None}
    undated = {d.id for d in documents if d.published is None}
    by_id = {c.id: c for c in claims}
    # document -> reference date -> dated claim ids that give it.
    votes: dict[str, dict[dt.date, set[str]]] = collections.defaultdict(
        lambda: collections.defaultdict(set)
    )
    for group in groups:
        members = [by_id[i] for i in group.claims if i in by_id]
        dated = [c for c in members if c.document in published]
        for claim in members:
            if claim.document not in undated:
                continue
            for t in claim.when:
                if t.resolved or t.anchor != "none":
                    continue
                offset = _day_offset(t.text)
                for other in dated:
                    for u in other.when:
                        day = _one_day(u)
                        if offset is not None and day is not None:
                            reference = day - dt.timedelta(days=offset)
                        elif u.anchor == "publication" and _same_form(t, u):
                            reference = published[other.document]
                        else:
                            continue
                        votes[claim.document][reference].add(other.id)
    chosen: dict[str, tuple[dt.date, str]] = {}
    for document, tally in votes.items():
        ranked = sorted(tally.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]):
            continue  # the sources disagree: leave it open
        chosen[document] = (ranked[0][0], min(ranked[0][1]))
    if not chosen:
        return claims
    out = []
    for claim in claims:
        choice = chosen.get(claim.document)
        when = claim.when if choice is None else [_on_reference(t, *choice) for t in claim.when]
        out.append(claim if when == claim.when else claim.model_copy(update={"when": when}))
    return out


def _on_reference(t: TimeExpression, reference: dt.date, source: str) -> TimeExpression:
    if t.resolved or t.anchor != "none":
        return t
    expr = _from_reference(t, reference)
    if expr is None:
        return t
    return expr.model_copy(
        update={"anchor": "inferred", "inferred_from": source, "relative": t.relative}
    )


def _anchored(t: TimeExpression, choice: tuple[dt.date, str] | None) -> TimeExpression:
    if choice is None:
        return t
    date, source = choice
    span = (t.start, t.end)
    key = _open_key(t)
    if key is not None and key[0] == "month":
        expr = month_expr(date.year, date.month, t.text, "absolute", span)
    else:
        part = _PART.search(t.text)
        suffix = PARTS_OF_DAY[part[1].lower()] if part else ""
        expr = day_expr(date, t.text, "absolute", span, suffix=suffix)
    return expr.model_copy(
        update={"anchor": "inferred", "inferred_from": source, "relative": t.relative}
    )

"""Relative dates of undated documents, anchored on the dates that dated sources give the same facts.

A document with no publication date (no metadata, no dateline) cannot resolve "on Tuesday" by
itself. When the matcher has put its claims in fact groups with claims of dated documents, those
say which Tuesday: a date with that weekday (or that month and day, or that month) among the
dated claims of the same groups. The anchor is kept only when the groups of the document agree
on one date by a clear majority, and the expression says where it came from: `anchor` is
"inferred" and `inferred_from` names a dated claim that gives the date. The document's own
`published` stays empty: an inferred anchor is never a dateline.

Runs once over the corpus, after matching and before the rules::

    claims = anchor_undated(claims, match.groups, documents)
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from collections.abc import Sequence

from ..extract.timex import PARTS_OF_DAY, WEEKDAYS, day_expr, month_expr
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
    if not chosen:
        return list(claims)
    out = []
    for claim in claims:
        when = [
            _anchored(t, chosen.get((claim.document, k))) if (k := _open_key(t)) else t
            for t in claim.when
        ]
        out.append(claim if when == claim.when else claim.model_copy(update={"when": when}))
    return out


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

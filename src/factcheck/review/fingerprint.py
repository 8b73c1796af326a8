"""Stable finding fingerprints: what a finding is about (rule, slot, subject, values), never positions or documents."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "alias_fingerprints",
    "fingerprint",
    "identity_fingerprint",
    "normalise_text",
    "text_fingerprint",
]

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"', "»": '"'})
# Scheme 2 hashes start with this tag, so no scheme-2 input can collide with a scheme-1 one.
_SCHEME = "factcheck/2"


def normalise_text(text: str) -> str:
    """Case-, quote-, dash- and whitespace-insensitive form of a claim text."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return _SPACE.sub(" ", text).strip().lower()


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:20]


def identity_fingerprint(
    rule: str, *, slot: str | None, subject: str, values: Iterable[str] = ()
) -> str:
    """Fingerprint of what a finding is about: rule code, slot, subject and the SET of values.

    The documents that make the claims are left out on purpose: a new document that repeats a
    value already in the finding adds evidence without changing the finding's identity (or its
    review), while a new value, or another subject, is another finding.

    >>> a = identity_fingerprint("DC004", slot="role", subject="foreign minister of gpe:JP",
    ...                          values=["person:motegi", "person:hayashi", "person:motegi"])
    >>> a == identity_fingerprint("DC004", slot="role", subject="foreign minister of gpe:JP",
    ...                           values=["person:hayashi", "person:motegi"])
    True
    """
    distinct = sorted({normalise_text(v) for v in values})
    return _digest([_SCHEME, rule, slot or "", normalise_text(subject), "\x1f".join(distinct)])


def alias_fingerprints(
    rule: str, *, slot: str | None, subjects: Iterable[str], values: Iterable[str] = ()
) -> list[str]:
    """The fingerprints the finding would have with each of `subjects` picked, sorted.

    Where a finding's subject is read off its claims (one claim's text for an agreement or a
    lone claim, the claims' usual predicate for a disputed slot), a joining document can change
    which reading is picked (its text sorts first, its predicate tips the majority) and so the
    fingerprint. A review made under any reading of a claim that is still in the finding is a
    review of the same fact; these are the fingerprints it can be under.

    >>> old = identity_fingerprint("AG001", slot=None, subject="talks were held in tokyo")
    >>> old in alias_fingerprints("AG001", slot=None,
    ...     subjects=["a security meeting took place in tokyo", "talks were held in tokyo"])
    True
    """
    kept = list(values)
    return sorted({identity_fingerprint(rule, slot=slot, subject=s, values=kept) for s in subjects})


def text_fingerprint(rule: str, texts: Iterable[str]) -> str:
    """Fingerprint from the set of normalised claim texts, for rules that supply no identity."""
    return identity_fingerprint(rule, slot=None, subject="", values=texts)


def fingerprint(rule: str, items: Iterable[tuple[str, str]]) -> str:
    """Scheme-1 fingerprint from a rule code and (document id, claim text) pairs.

    Findings keep it as `legacy_fingerprint` so that reviews recorded before scheme 2 (which
    keyed on documents, so a new document repeating a value made a new finding) migrate.
    """
    parts = sorted(f"{doc}\x1f{normalise_text(text)}" for doc, text in items)
    return _digest([rule, *parts])

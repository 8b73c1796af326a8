"""Stable finding fingerprints: what a finding is about (rule, slot, subject, values), never positions or documents."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["fingerprint", "identity_fingerprint", "normalise_text", "text_fingerprint"]

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

"""Stable finding fingerprints: rule code, normalised claim texts and document ids, never offsets."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"', "»": '"'})


def normalise_text(text: str) -> str:
    """Case-, quote-, dash- and whitespace-insensitive form of a claim text."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return _SPACE.sub(" ", text).strip().lower()


def fingerprint(rule: str, items: Iterable[tuple[str, str]]) -> str:
    """Fingerprint of a finding from its rule code and (document id, claim text) pairs.

    The pairs are sorted, so the order in which claims were found does not matter; nothing
    positional goes in, so edits elsewhere in a file leave the fingerprint unchanged.
    """
    parts = sorted(f"{doc}\x1f{normalise_text(text)}" for doc, text in items)
    digest = hashlib.sha256("\x1e".join([rule, *parts]).encode("utf-8")).hexdigest()
    return digest[:20]

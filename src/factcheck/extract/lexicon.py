"""Word lists, tables and patterns of extraction, read from one data file each (data/cues.yaml, places.yaml, units.yaml)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

import yaml

__all__ = ["read_lexicon"]


def read_lexicon(name: str, *, parts: Sequence[str] = ()) -> dict[str, Any]:
    """The `words` of data/NAME as frozensets, its `tables` as written, its `patterns` compiled.

    Patterns ignore case unless the file's `case_sensitive` list names them. A pattern named in
    `parts` is only a piece of others: `{part}` inside another pattern stands for it (no other
    braces are replaced, so `{0,4}` stays a quantifier), and it is not compiled on its own.
    Callers build a frozen dataclass from the mapping, so a key missing from the file, or one the
    code does not know, is a TypeError when the table is first read.
    """
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("factcheck").joinpath("data", name).read_text(encoding="utf-8")
    )
    patterns: dict[str, str] = {k: str(v) for k, v in raw.get("patterns", {}).items()}
    exact = set(raw.get("case_sensitive", []))

    def compile_(key: str) -> re.Pattern[str]:
        text = patterns[key]
        for part in parts:
            text = text.replace("{" + part + "}", patterns[part])
        return re.compile(text, 0 if key in exact else re.IGNORECASE)

    words = {k: frozenset(str(w) for w in v) for k, v in raw.get("words", {}).items()}
    tables: dict[str, Any] = dict(raw.get("tables", {}))
    return words | tables | {k: compile_(k) for k in patterns if k not in parts}

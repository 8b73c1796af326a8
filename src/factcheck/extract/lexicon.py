"""Word lists, tables and patterns of the data files (data/*.yaml), each read once by the module that owns it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import yaml

__all__ = ["read_lexicon"]


def read_lexicon(
    name: str,
    *,
    parts: Sequence[str] = (),
    fill: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The `words` of data/NAME as frozensets, its `tables` as written, its `patterns` compiled.

    Patterns ignore case unless the file's `case_sensitive` list names them. A pattern named in
    `parts` is only a piece of others: `{part}` inside another pattern stands for it (no other
    braces are replaced, so `{0,4}` stays a quantifier), and it is not compiled on its own.
    `fill`, given the file's `tables`, returns more such pieces made from them (a table's words
    as an alternation), so a word listed in a table is not written into a pattern a second time.
    Callers build a frozen dataclass from the mapping, so a key missing from the file, or one the
    code does not know, is a TypeError when the table is first read.
    """
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("factcheck").joinpath("data", name).read_text(encoding="utf-8")
    )
    patterns: dict[str, str] = {k: str(v) for k, v in raw.get("patterns", {}).items()}
    exact = set(raw.get("case_sensitive", []))
    tables: dict[str, Any] = dict(raw.get("tables", {}))
    pieces = {part: patterns[part] for part in parts} | (fill(tables) if fill else {})

    def compile_(key: str) -> re.Pattern[str]:
        text = patterns[key]
        for part, piece in pieces.items():
            text = text.replace("{" + part + "}", piece)
        return re.compile(text, 0 if key in exact else re.IGNORECASE)

    words = {k: frozenset(str(w) for w in v) for k, v in raw.get("words", {}).items()}
    return words | tables | {k: compile_(k) for k in patterns if k not in parts}

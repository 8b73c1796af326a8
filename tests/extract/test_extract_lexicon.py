"""The word tables of data/*.yaml: each preposition and motion word once, with the readers it counts for."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from factcheck.extract.places import _uses, place_words


def _table_keys(table: str) -> list[str]:
    """The keys of one table of data/places.yaml as written (duplicates included: YAML keeps the last)."""
    text = resources.files("factcheck").joinpath("data", "places.yaml").read_text("utf-8")
    body = text.split(f"\n  {table}:\n", 1)[1]
    keys = []
    for line in body.splitlines():
        if not line.startswith("    ") or line.strip().startswith("#"):
            if line.strip() and not line.startswith("    "):
                break
            continue
        keys.append(re.match(r'\s+"?([\w-]+)"?:', line).group(1))  # type: ignore[union-attr]
    return keys


@pytest.mark.parametrize("table", ["prepositions", "motion"])
def test_each_word_is_listed_once(table: str) -> None:
    keys = _table_keys(table)
    assert len(keys) > 10 and len(keys) == len(set(keys))


def test_readers_sets_are_derived_from_the_one_table() -> None:
    w = place_words()
    # A preposition read on the parse and word by word is the same entry, so the sets agree on it.
    assert {"at", "in", "near"} <= w.locative & w.parse_locative & w.mention_locative
    assert "over" in w.parse_locative and "over" not in w.mention_locative
    # Word-by-word reading gets a motion lemma's inflected forms; the parse reader the lemma.
    assert {"travel", "travelled", "went"} <= w.motion and "went" not in w.parse_motion
    assert {"send", "arrive"} <= w.parse_motion and not {"send", "arrive"} & w.motion


def test_a_use_that_no_reader_knows_is_an_error_naming_the_file() -> None:
    with pytest.raises(ValueError, match=r"data/places.yaml: preposition 'at' needs uses from"):
        _uses("preposition", "at", ["evnet"])
    with pytest.raises(ValueError, match="motion word 'go'"):
        _uses("motion word", "go", None)

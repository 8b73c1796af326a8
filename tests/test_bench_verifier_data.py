"""The verifier's training pairs of one story told by two outlets (bench/verifier_data.fnc_story_pairs)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench.verifier_data import fnc_story_pairs, is_validation, norm

WORDS = ("volcano", "erupts", "island", "ash", "flights", "tourists", "museum", "opens")


def encode(texts: list[str]) -> np.ndarray:
    """Bag of the story's words, unit length: cosines follow the shared words."""
    rows = []
    for t in texts:
        v = np.array([t.lower().count(w) for w in WORDS], dtype=float) + 1e-3
        rows.append(v / np.linalg.norm(v))
    return np.stack(rows)


def write_fnc(root: Path, bodies: dict[str, str], stances: list[tuple[str, str, str]]) -> None:
    folder = root / "fnc1"
    folder.mkdir(parents=True)
    with (folder / "train_bodies.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(bodies.items())
    with (folder / "train_stances.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(stances)


def same_side_ids(headline: str, n: int) -> list[str]:
    """Body ids on the headline's side of the split, so that the story is kept whole."""
    side = is_validation("h:" + norm(headline))
    return [b for b in map(str, range(1, 400)) if is_validation("b:" + b) == side][:n]


def test_two_outlets_restating_a_headline_agree_and_a_side_fact_is_different(
    tmp_path: Path,
) -> None:
    headline = "Volcano erupts on the island"
    a, b, c = same_side_ids(headline, 3)
    bodies = {
        a: "The volcano erupts on the island, sending ash high. Ash halts flights and strands tourists.",
        b: "A volcano erupts on the island; ash halts flights.",
        c: "Nothing here is long enough to count.",
    }
    write_fnc(
        tmp_path, bodies, [(headline, a, "agree"), (headline, b, "agree"), (headline, c, "discuss")]
    )
    pairs = fnc_story_pairs(tmp_path, encode=encode, per_story=4, seed=13)
    # Each body's sentence nearest the headline restates it: the two restatements agree. The
    # side fact of one body (far from the headline, close to the other's restatement) states
    # another fact of the story; the discussing body is not part of the story.
    assert sorted((p.label, frozenset((p.claim, p.evidence))) for p in pairs) == [
        (
            "agree",
            frozenset(
                (
                    "The volcano erupts on the island, sending ash high.",
                    "A volcano erupts on the island; ash halts flights.",
                )
            ),
        ),
        (
            "different",
            frozenset(
                (
                    "Ash halts flights and strands tourists.",
                    "A volcano erupts on the island; ash halts flights.",
                )
            ),
        ),
    ]
    assert all(p.group == "h:" + norm(headline) and p.source == "fncstory" for p in pairs)


def test_a_story_split_across_validation_and_training_is_dropped(tmp_path: Path) -> None:
    headline = "Volcano erupts on the island"
    side = is_validation("h:" + norm(headline))
    mine = same_side_ids(headline, 1)[0]
    other = next(b for b in map(str, range(1, 400)) if is_validation("b:" + b) != side)
    text = "The volcano erupts on the island, sending ash high. Tourists queue for flights home."
    write_fnc(
        tmp_path, {mine: text, other: text}, [(headline, mine, "agree"), (headline, other, "agree")]
    )
    assert fnc_story_pairs(tmp_path, encode=encode, per_story=4, seed=13) == []


@pytest.mark.parametrize("per_story", [1, 2])
def test_per_story_caps_each_kind(tmp_path: Path, per_story: int) -> None:
    headline = "Volcano erupts on the island"
    ids = same_side_ids(headline, 3)
    text = "The volcano erupts on the island with ash. Tourists wait for flights at the island."
    write_fnc(tmp_path, dict.fromkeys(ids, text), [(headline, i, "agree") for i in ids])
    pairs = fnc_story_pairs(tmp_path, encode=encode, per_story=per_story, seed=13)
    for label in ("agree", "different"):
        assert sum(p.label == label for p in pairs) <= per_story

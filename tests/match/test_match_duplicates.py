"""Tests for near-duplicate document detection (syndicated copies count as one source)."""

from __future__ import annotations

import pytest

from factcheck.match.duplicates import duplicate_pairs, shingles, similarity, source_clusters
from tests.conftest import make_document

ARTICLE = (
    "Flooding closed the coastal highway north of the port on Saturday after two days of heavy rain, "
    "state officials said. Crews expect to reopen one lane by Monday evening, a spokeswoman for the "
    "transport department told reporters, adding that detours would add about forty minutes to trips. "
    "Several hundred homes in low-lying districts lost power overnight and emergency shelters opened "
    "in two schools. The weather service warned that more rain could fall on Sunday."
)
SYNDICATED = (
    "By Staff Writer\n"
    + ARTICLE.replace("state officials said", "officials said")
    + "\nCopyright the wire."
)
TRIMMED = ARTICLE.rsplit(" The weather service", 1)[0]
SAME_TOPIC = (
    "Residents of the low-lying districts spent Saturday night in school gyms as floodwater rose. "
    "Many said they had received no warning before the power went out, and local councillors "
    "called for an inquiry into the state's response to two days of heavy rain on the coast."
)


@pytest.mark.parametrize(
    ("other", "duplicate"),
    [(SYNDICATED, True), (TRIMMED, True), (SAME_TOPIC, False), (ARTICLE[:120], False)],
)
def test_copies_are_duplicates_and_same_topic_articles_are_not(other: str, duplicate: bool) -> None:
    found = duplicate_pairs([ARTICLE, other], threshold=0.9)
    assert bool(found) is duplicate


def test_similarity_ignores_case_and_punctuation() -> None:
    assert similarity(shingles(ARTICLE), shingles(ARTICLE.upper().replace(",", ""))) == 1.0


def test_clusters_have_deterministic_ids() -> None:
    docs = [
        make_document("zeta", SYNDICATED),
        make_document("alpha", ARTICLE),
        make_document("mid", SAME_TOPIC),
        make_document("beta", TRIMMED),
    ]
    clusters = source_clusters(docs, threshold=0.9)
    assert [(c.id, c.documents) for c in clusters] == [("alpha", ["alpha", "beta", "zeta"])]
    assert 0.9 <= clusters[0].similarity <= 1.0


def test_lsh_path_finds_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    import factcheck.match.duplicates as dup

    texts = [ARTICLE, SYNDICATED, SAME_TOPIC] + [
        f"unrelated filler text number {i} " * 8 + str(i) for i in range(20)
    ]
    exact = duplicate_pairs(texts, threshold=0.9)
    monkeypatch.setattr(dup, "_EXACT_LIMIT", 2)
    assert [(i, j) for i, j, _ in duplicate_pairs(texts, threshold=0.9)] == [
        (i, j) for i, j, _ in exact
    ]
    assert (0, 1) in [(i, j) for i, j, _ in exact]


def test_stored_prints_give_the_same_pairs_and_only_new_texts_are_shingled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import factcheck.match.duplicates as dup

    monkeypatch.setattr(dup, "_EXACT_LIMIT", 2)
    texts = [ARTICLE, SYNDICATED, SAME_TOPIC, ""] + [
        f"unrelated filler text number {i} " * 8 + str(i) for i in range(20)
    ]
    first = dup.Prints()
    found = duplicate_pairs(texts, threshold=0.9, prints=first)
    assert found == duplicate_pairs(texts, threshold=0.9) and (0, 1) in [p[:2] for p in found]
    again = dup.Prints(first.dumps())
    more = [TRIMMED, *texts]
    assert duplicate_pairs(more, threshold=0.9, prints=again) == duplicate_pairs(
        more, threshold=0.9
    )
    assert again.computed == 1  # the trimmed copy alone
    assert dup.Prints(b"not a store").computed == 0

"""Finding fingerprints survive edits elsewhere in a document and unrelated new documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.review.fingerprint import fingerprint
from factcheck.settings import Settings

ITEMS = [("a", "The talks were held in Tokyo on Tuesday."), ("b", "Talks took place in Osaka.")]


@pytest.mark.parametrize(
    ("items", "same"),
    [
        (list(reversed(ITEMS)), True),  # order of evidence
        ([("a", "  The talks were held in\nTokyo on  Tuesday. "), ITEMS[1]], True),  # spacing
        ([("a", "THE TALKS WERE HELD IN TOKYO ON TUESDAY."), ITEMS[1]], True),  # case
        (
            [
                ("a", "The “talks” were held in Tokyo on Tuesday."),
                ("b", "Talks took place in Osaka."),
            ],
            False,
        ),
        ([("a", "The talks were held in Kyoto on Tuesday."), ITEMS[1]], False),  # another claim
        ([("c", "The talks were held in Tokyo on Tuesday."), ITEMS[1]], False),  # another document
        ([ITEMS[0]], False),  # fewer claims
    ],
)
def test_fingerprint_depends_on_texts_and_documents_only(
    items: list[tuple[str, str]], same: bool
) -> None:
    assert (fingerprint("DC003", items) == fingerprint("DC003", ITEMS)) is same


def test_fingerprint_normalises_quotes_and_dashes() -> None:
    assert fingerprint("DC003", [("a", "He said “no” – twice")]) == fingerprint(
        "DC003", [("a", 'he said "no" - twice')]
    )
    assert fingerprint("DC003", ITEMS) != fingerprint("DC004", ITEMS)


ARTICLE_A = """Ministers meet in Tokyo

March 16, 2021

Foreign ministers from Japan and the United States met in Tokyo on Tuesday for security talks.

The ministers agreed to strengthen the alliance between the two countries.
"""
ARTICLE_B = """Alliance talks in Tokyo

March 17, 2021

Japanese and American foreign ministers held security talks in Tokyo on Tuesday.

The ministers agreed to strengthen the alliance between the two countries.

The delegation will travel to Seoul on Wednesday.
"""
EDIT = """The city library extended its opening hours for the summer season.

Local weather services expect heavy rain over the weekend.

"""
UNRELATED = """Bakery wins prize

March 18, 2021

A small bakery in Lyon won a regional bread contest on Saturday with a sourdough loaf.
"""


@pytest.mark.slow
def test_fingerprints_survive_edits_elsewhere_and_unrelated_documents(tmp_path: Path) -> None:
    from factcheck.pipeline import run

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (corpus / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    settings = Settings(use_cache=False)
    before = {f.fingerprint: f for f in run([corpus], settings=settings).report.findings}
    assert before

    # Two paragraphs inserted above the claims shift every offset and line after them.
    head, _, rest = ARTICLE_A.partition("Foreign ministers")
    (corpus / "a.txt").write_text(head + EDIT + "Foreign ministers" + rest, encoding="utf-8")
    (corpus / "c.txt").write_text(UNRELATED, encoding="utf-8")
    after = {f.fingerprint: f for f in run([corpus], settings=settings).report.findings}

    assert set(before) <= set(after)
    moved = [
        fp
        for fp, f in before.items()
        if any(e.document == "a" for e in f.evidence)
        and [e.line for e in f.evidence] != [e.line for e in after[fp].evidence]
    ]
    assert moved, "the edit should have moved some evidence in a.txt"

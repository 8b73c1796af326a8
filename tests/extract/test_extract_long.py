"""Long documents: a text over spaCy's max_length is parsed in pieces, with every offset kept."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.extract import Extractor
from factcheck.extract.nlp import parse, split_text
from factcheck.ingest import document_from_text

PARAGRAPH = (
    "Japanese Foreign Minister Yoshimasa Hayashi met Antony Blinken in Tokyo on Monday. "
    'The two ministers discussed security in the region, a spokesman said.\n"We agreed to '
    'work together," Hayashi told reporters after the talks.\n\n'
)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("One.\n\nTwo three.", 10, ["One.\n\n", "Two three."]),
        ("First line\nsecond line", 15, ["First line\n", "second line"]),
        ("A cat sat. A dog ran. End", 14, ["A cat sat. ", "A dog ran. End"]),
        ("wordswithoutanyspace", 8, ["wordswit", "houtanys", "pace"]),
        ("short", 100, ["short"]),
    ],
)
def test_split_text_cuts_at_the_most_natural_break(
    text: str, limit: int, expected: list[str]
) -> None:
    assert split_text(text, limit) == expected


def test_split_text_prefers_paragraphs_and_rejoins_exactly() -> None:
    text = PARAGRAPH * 40
    pieces = split_text(text, 1000)
    assert "".join(pieces) == text
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:-1])


@pytest.fixture(scope="module")
def blank() -> Any:
    import spacy

    from factcheck.extract.nlp import register_components

    register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("factcheck_line_breaks")  # as in the real pipeline: a line break ends a sentence
    return nlp


def test_pieces_join_into_one_doc_with_the_same_offsets(blank: Any) -> None:
    text = PARAGRAPH * 30
    whole = next(parse(blank, [text], batch_size=4))
    blank.max_length = 2_000  # E088 for the whole text now; parse cuts it
    try:
        with pytest.raises(ValueError, match="E088"):
            blank(text)
        [pieced, short] = parse(blank, [text, "Short text."], batch_size=4)
    finally:
        blank.max_length = 1_000_000
    assert pieced.text == text and short.text == "Short text."
    assert [(t.idx, t.text) for t in pieced if not t.is_space] == [
        (t.idx, t.text) for t in whole if not t.is_space
    ]
    assert [s.start_char for s in pieced.sents] == [s.start_char for s in whole.sents]


@pytest.mark.slow
def test_claims_of_a_long_text_match_a_whole_parse(extractor: Extractor) -> None:
    # The real pipeline with its limit lowered stands in for a document of several megabytes.
    doc = document_from_text(PARAGRAPH * 6, id="long")
    whole = extractor.extract(doc)
    nlp = extractor.nlp
    nlp.max_length = len(doc.text) // 3
    try:
        pieced = extractor.extract(doc)
        many = next(extractor.extract_many([doc]))
    finally:
        nlp.max_length = 1_000_000
    assert whole and pieced == whole and many == whole
    for claim in pieced:
        assert doc.original[claim.span.start : claim.span.end] == claim.sentence


def test_title_range_lookups_by_bisection_agree_with_a_scan() -> None:
    # Entity linking asks these for every mention of a long document (it used to scan them all).
    import random
    import re

    from factcheck.extract.entities import _Ranges

    rng = random.Random(16)
    words = ["Minister", "Secretary of State", "Tokyo", "met", " ", "  ", "\n", "Blinken"]
    text = " ".join(rng.choice(words) for _ in range(400))
    matches = list(re.finditer(r"Minister|Secretary of State", text))
    pairs = [m.span() for m in matches]
    ranges = _Ranges(iter(matches))
    for _ in range(2000):
        s = rng.randrange(len(text))
        e = rng.randrange(s + 1, min(len(text), s + 30) + 1)
        assert ranges.covering(s, e) == any(a <= s and e <= b for a, b in pairs)
        lo = rng.randrange(e)
        scan = next(((a, b) for a, b in pairs if lo <= b <= e), None)
        assert ranges.ending_within(lo, e) == scan

"""One headline rule: ingest.headline gives Document.title and the extractor's headline claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.extract import Extractor
from factcheck.extract.claims import _headline_sentence
from factcheck.ingest import read_document
from factcheck.ingest.headline import headline
from factcheck.settings import Settings


def line(text: str) -> str | None:
    found = headline(text)
    return None if found is None else text[found[0] : found[1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Harbour Bridge Reopens After Repairs\nThe bridge opened on Monday.",
            "Harbour Bridge Reopens After Repairs",
        ),
        # Short labels and punctuated short lines before it are passed over; blanks are trimmed.
        (
            "Updated\n\nBy the desk.\n  Harbour Bridge Reopens After Repairs  \nText.",
            "Harbour Bridge Reopens After Repairs",
        ),
        # A headline alone (a feed's headline) is one.
        ("Harbour Bridge Reopens After Repairs", "Harbour Bridge Reopens After Repairs"),
        # Body text first: no headline.
        ("The bridge reopened on Monday after two years of repairs.\nHarbour Bridge Reopens", None),
        ("The bridge reopened on Monday after two years of repairs,\nwhich cost millions", None),
        ("Will The Harbour Bridge Ever Reopen For Good?\nThe bridge opened.", None),
        ("Subscribe to our newsletter for bridge news\nThe bridge opened on Monday.", None),
        (" ".join(["word"] * 41) + "\nThe bridge opened.", None),
    ],
)
def test_the_headline_is_the_first_title_like_line_before_the_body(
    text: str, expected: str | None
) -> None:
    assert line(text) == expected


@pytest.mark.parametrize(
    ("text", "title", "headline_claim"),
    [
        (
            "Harbour Bridge Reopens After Two Years Of Repairs\n\n"
            "The city reopened the harbour bridge on Monday after two years of repairs.\n",
            "Harbour Bridge Reopens After Two Years Of Repairs",
            "Harbour Bridge Reopens After Two Years Of Repairs",
        ),
        (
            "The city reopened the harbour bridge on Monday after two years of repairs.\n\n"
            "Drivers Return To The Bridge\n",
            None,
            None,
        ),
    ],
)
def test_document_title_and_headline_claim_follow_one_rule(
    tmp_path: Path,
    extractor: Extractor,
    text: str,
    title: str | None,
    headline_claim: str | None,
) -> None:
    path = tmp_path / "bridge.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, settings=Settings())
    assert doc.title == title
    heads = [c.text for c in extractor.extract(doc) if c.kind == "headline"]
    assert heads == ([headline_claim] if headline_claim else [])


def test_a_headline_line_the_parse_splits_gives_the_part_after_a_label(
    extractor: Extractor,
) -> None:
    text = "UPDATE: Harbour Bridge Reopens\n\nThe city reopened the bridge on Monday."
    sdoc = extractor.nlp.make_doc(text)
    starts = {0, 2, 6}  # "UPDATE:" | "Harbour Bridge Reopens" | the body sentence
    for tok in sdoc:
        tok.is_sent_start = tok.i in starts
    sents = list(sdoc.sents)
    assert [s.text.strip() for s in sents][:2] == ["UPDATE:", "Harbour Bridge Reopens"]
    assert _headline_sentence(text, sents) == 1
    # A parse that runs the headline into the body gives no headline sentence.
    merged = extractor.nlp.make_doc(text)
    for tok in merged:
        tok.is_sent_start = tok.i == 0
    assert _headline_sentence(text, list(merged.sents)) is None

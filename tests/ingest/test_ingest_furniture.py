"""Ingest: page furniture is dropped by generic rules, listed in Document.dropped, content is kept."""

from __future__ import annotations

import pytest

from factcheck.ingest import document_from_text
from factcheck.ingest.furniture import classify


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Loading...", "widget"),
        ("Search", "widget"),
        ("Skip to main content", "widget"),
        ("Share  |  Print  |  Email", "widget"),
        ("Facebook Twitter LinkedIn WhatsApp", "widget"),
        ("Your browser doesn’t support HTML5 video", "media player"),
        ("Sign up for our newsletter", None),
        ("Comments (12)", "comments widget"),
        ("Tags: diplomacy, security", "label"),
        ("Filed under: World", "label"),
        ("© 2023 Example Media Group", "copyright"),
        ("Copyright 2019 The Wire Service. All rights reserved.", "copyright"),
        ("Distributed by Example Syndicate, LLC.", "distribution"),
        ("This article was originally published by The Example Times.", "distribution"),
        ("Photo: Jane Doe/Example Agency", "credit"),
        ("5 min read", "reading time"),
        ("Image 3 of 12", "gallery counter"),
        ("1:23 / 4:56", "timestamp"),
        ("12 | 45 | 2", "numbers"),
        ("— | •", "punctuation"),
        ("Updated: 10:32 GMT, March 17, 2021", "dateline"),
        ("By Jane Doe and John Roe", "byline"),
        # content that must stay
        ("The minister said the talks would resume.", None),
        ("Talks resume.", None),
        ("Search for survivors continues in flooded town", None),
        ("Copyright law is changing in the region, officials say.", None),
        ("By Monday the talks had collapsed.", None),
        ("Prices rose 5% to 1,200 yen.", None),
        ("Breaking the deadlock, the ministers agreed to meet.", None),
    ],
)
def test_classify(line: str, reason: str | None) -> None:
    assert classify(line) == reason


PAGE = """Skip to content
Menu

Ministers agree to new talks

Official Name. (Agency Photo by Jane Doe)

The foreign ministers agreed on Tuesday to hold new talks next month.

Ministers agree to new talks
please wait
0:00 0:01:12 0:00

Two ministers met in the capital. (File)

“We will meet again,” one of them said.

Tags: diplomacy
Comment(s) Write comment
"""


def test_page_furniture_is_dropped_and_listed() -> None:
    doc = document_from_text(PAGE)
    assert doc.text == (
        "Ministers agree to new talks\n\n"
        "The foreign ministers agreed on Tuesday to hold new talks next month.\n\n"
        "Two ministers met in the capital.\n\n"
        "“We will meet again,” one of them said."
    )
    assert [(d.line, d.reason) for d in doc.dropped] == [
        (1, "widget"),
        (2, "widget"),
        (6, "photo caption"),
        (10, "repeated line"),
        (11, "widget"),
        (12, "timestamp"),
        (14, "photo credit"),
        (18, "label"),
        (19, "widget"),
    ]
    assert doc.dropped[6].text == "(File)"
    assert doc.title == "Ministers agree to new talks"


def test_headline_and_short_sentences_are_kept() -> None:
    doc = document_from_text("Storm hits coast\n\nIt rained.\nNo one was hurt.\n")
    assert doc.text == "Storm hits coast\n\nIt rained.\nNo one was hurt."
    assert doc.dropped == []


def test_a_long_caption_with_a_credit_keeps_its_statement() -> None:
    line = "The two ministers shake hands before their meeting in the capital on Tuesday morning. (AP Photo/Jane Doe)"
    doc = document_from_text(line)
    assert (
        doc.text
        == "The two ministers shake hands before their meeting in the capital on Tuesday morning."
    )
    span = doc.locate(0, len(doc.text))
    assert doc.original[span.start : span.end] == doc.text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        # A label that names an office holder is a claim (the role can be wrong): kept whole.
        ("Secretary of State Jane Doe. (Agency Photo by Jo Lee)", True),
        ("Official Name. (Agency Photo by Jo Lee)", False),
    ],
)
def test_a_caption_naming_an_office_is_kept(line: str, kept: bool) -> None:
    doc = document_from_text(f"Ministers meet\n\n{line}\n")
    assert (line in doc.text) is kept
    assert ("Official Name" in doc.text) is False


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Photo: Jane Doe/Agency", "credit"),
        ("Photo credit: Jane Doe for The Daily Paper", "credit"),
        ("Photo: Jane Doe, the new defense minister, arrives in the capital.", None),
        ("Image: the two ministers shake hands before the talks", None),
    ],
)
def test_a_photo_line_that_describes_the_picture_is_content(line: str, reason: str | None) -> None:
    assert classify(line) == reason


def test_credit_byline_and_picture_label_words_come_from_the_data_file() -> None:
    from importlib import resources

    import yaml

    from factcheck.ingest import furniture

    raw = yaml.safe_load(
        resources.files("factcheck").joinpath("data", "furniture.yaml").read_text("utf-8")
    )
    assert {"getty images", "handout"} <= set(raw["credit_parenthetical"])
    assert "&" in raw["byline_glue"] and "photograph" in raw["picture_labels"]
    rules = furniture.load_rules()
    assert furniture.credit("Ministers met in Tokyo. (Getty Images)") == (23, "photo credit")
    assert furniture.credit("Ministers met in Tokyo. (Filed report)") is None
    assert rules.byline.match("By Jane Doe & John Roe | Reuters")
    assert not rules.byline.match("By the way, prices rose")
    assert rules.picture_label.match("Photos: the summit") and not rules.picture_label.match(
        "Video: x"
    )

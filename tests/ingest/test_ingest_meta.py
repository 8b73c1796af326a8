"""Ingest: metadata from front matter, sidecars and JSON, and publication dates from datelines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from factcheck.ingest import document_from_text, read_document
from factcheck.ingest.dates import parse_date
from factcheck.settings import Settings

D = dt.date(2021, 3, 16)


def test_front_matter_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Talks end\nsource: Wire\nurl: https://example.com/a\ndate: 2021-03-16\n"
        "authors: [Jane Doe, John Roe]\nlang: en\n---\n# Heading\n\nBody text here.\n",
        encoding="utf-8",
    )
    doc = read_document(path, settings=Settings())
    assert (doc.title, doc.source, doc.url, doc.published, doc.published_from) == (
        "Talks end",
        "Wire",
        "https://example.com/a",
        D,
        "metadata",
    )
    assert doc.text == "Heading\n\nBody text here."
    span = doc.locate(0, len("Heading"))
    assert (span.line, span.column) == (9, 3)


def test_sidecar_overrides_embedded_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "---\ntitle: Old\n---\nMarch 1, 2020\n\nBody text here.\n", encoding="utf-8"
    )
    (tmp_path / "a.meta.json").write_text(
        '{"title": "New", "published": "2021-03-16T10:00:00Z"}', encoding="utf-8"
    )
    doc = read_document(tmp_path / "a.txt", settings=Settings())
    assert (doc.title, doc.published, doc.published_from) == ("New", D, "metadata")


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Headline here\n\nMarch 16, 2021\n\nThe talks ended.", D),
        ("WASHINGTON, March 16, 2021 — The talks ended on Tuesday.", D),
        ("TOKYO (Kyodo) -- 16 March 2021 - The talks ended.", D),
        ("Headline\nPublished: 2021-03-16\nThe talks ended.", D),
        ("Headline\n16 March 2021 10:32 GMT\nThe talks ended.", D),
        ("Headline\nTuesday, Mar. 16, 2021 at 9:05 a.m. EDT\nThe talks ended.", D),
        ("Headline\nBy Jane Doe | March 16, 2021\nThe talks ended.", D),
        ("Headline\n\nTokyo, March 16, 2021\n\nThe talks ended.", D),
        ("Headline\nNew Delhi, 16 March 2021\nThe talks ended.", D),
        ("Headline\nThe talks in Tokyo, March 16, 2021\nThe talks ended.", None),
        ("The talks on March 16, 2021 ended without a deal.", None),
        ("Headline\n2021\nThe talks ended.", None),
        ("Headline\n16\nThe talks ended in 2021.", None),
        ("Headline\nFebruary 30, 2021\nThe talks ended.", None),
        ("Headline\nUpdated: March 17, 2021\nThe talks ended.", None),
        ("The talks ended.", None),
    ],
)
def test_dateline(text: str, published: dt.date | None) -> None:
    doc = document_from_text(text)
    assert doc.published == published
    assert doc.published_from == ("dateline" if published else None)


def test_dateline_deep_in_the_text_is_not_a_dateline() -> None:
    lines = [f"Sentence number {i} is here." for i in range(12)] + ["March 16, 2021"]
    assert document_from_text("\n".join(lines)).published is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-16", D),
        ("2021-03-16T23:59:00+09:00", D),
        ("March 16, 2021", D),
        ("16 Mar 2021", D),
        ("Sept. 5, 2019", dt.date(2019, 9, 5)),
        ("yesterday", None),
        ("3/16/2021", None),
        ("2021", None),
        ("16 March", None),
        ("", None),
    ],
)
def test_parse_date_is_strict(value: str, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_metadata_date_wins_over_dateline() -> None:
    doc = document_from_text("March 1, 2020\n\nThe talks ended.", published=D)
    assert (doc.published, doc.published_from) == (D, "metadata")


def test_html_head_metadata() -> None:
    page = (
        '<html lang="en-GB"><head><meta property="og:title" content="Talks end">'
        '<meta property="og:site_name" content="Example News"><meta name="author" content="Jane Doe">'
        '<link rel="canonical" href="https://example.com/talks">'
        '<meta name="date" content="garbage"></head><body>'
        '<article><time datetime="2021-03-16" pubdate>Tue</time><p>The talks ended.</p></article>'
        "</body></html>"
    )
    doc = document_from_text(page, format="html")
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Talks end",
        "Example News",
        "https://example.com/talks",
        D,
    )


LD_PAGE = """<html><head><title>Bridge | Site</title>
<script type="application/ld+json">{LD}</script></head>
<body><article><p>The harbour bridge opened on Monday.</p></article></body></html>"""


@pytest.mark.parametrize(
    "ld",
    [
        # One article item, the publisher inline.
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Harbour bridge opens", "datePublished": "2021-03-16T09:00:00Z",'
        ' "author": [{"@type": "Person", "name": "Jane Doe"}],'
        ' "publisher": {"@type": "Organization", "name": "Harbour Gazette"},'
        ' "mainEntityOfPage": {"@id": "https://gazette.example/bridge"}}',
        # A @graph whose WebSite item comes first; the publisher is a reference.
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "@id": "#site", "name": "Gazette home",'
        ' "url": "https://gazette.example/"},'
        '{"@type": "Organization", "@id": "#org", "name": "Harbour Gazette"},'
        '{"@type": "NewsArticle", "headline": "Harbour bridge opens",'
        ' "datePublished": "2021-03-16", "author": "Jane Doe", "publisher": {"@id": "#org"},'
        ' "url": "https://gazette.example/bridge"}]}',
    ],
)
def test_html_json_ld_names_the_outlet_and_the_article_url(ld: str) -> None:
    doc = document_from_text(LD_PAGE.replace("{LD}", ld), format="html")
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Harbour bridge opens",
        "Harbour Gazette",
        "https://gazette.example/bridge",
        D,
    )


def test_html_head_tags_win_over_json_ld_and_a_bad_url_is_no_link() -> None:
    ld = (
        '{"@type": "NewsArticle", "headline": "Harbour bridge opens",'
        ' "publisher": {"name": "Harbour Gazette"}, "url": "javascript:alert(1)"}'
    )
    page = LD_PAGE.replace("{LD}", ld).replace(
        "<title>", '<meta property="og:site_name" content="Gazette"><title>'
    )
    doc = document_from_text(page, format="html")
    assert (doc.source, doc.url) == ("Gazette", None)

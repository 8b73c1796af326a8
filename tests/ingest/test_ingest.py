"""Ingest: formats, normalisation, and the offset map from article text back to the original file."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from factcheck.ingest import collect_paths, document_from_text, load_documents, read_document
from factcheck.models import Document
from factcheck.settings import Settings

_ODD = re.compile("[\u00a0\u2000-\u200a\u202f\u3000\t]")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def plain(s: str) -> str:
    """What ingest normalisation does to plain text, whitespace-insensitively."""
    s = _INVISIBLE.sub("", _ODD.sub(" ", unicodedata.normalize("NFC", s)))
    return " ".join(s.split())


def from_html(s: str) -> str:
    s = re.sub(r"<[^>]*>", " ", s)
    return plain(html.unescape(s))


def from_json(s: str) -> str:
    return plain(json.loads(f'"{s}"'))


def spans_of(text: str) -> list[tuple[int, int]]:
    """Every sentence and every word of every line: the spans a later stage will ask for."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        for m in re.finditer(r"[^.!?]+[.!?]?[\"”’]?", line.group()):
            s = m.start() + len(m.group()) - len(m.group().lstrip())
            e = m.start() + len(m.group().rstrip())
            if e > s:
                spans.append((line.start() + s, line.start() + e))
        spans += [
            (line.start() + w.start(), line.start() + w.end())
            for w in re.finditer(r"\S+", line.group())
        ]
    return spans


def assert_offsets(doc: Document, normalise: Callable[[str], str]) -> None:
    spans = spans_of(doc.text)
    assert spans
    for start, end in spans:
        span = doc.locate(start, end)
        piece = doc.original[span.start : span.end]
        assert normalise(piece) == " ".join(doc.text[start:end].split()), (start, end, piece)
        before = doc.original[: span.start]
        lines = re.split(r"\r\n|\r|\n", before)
        assert (span.line, span.column) == (len(lines), len(lines[-1]) + 1)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        p.write_text(content, encoding="utf-8", newline="")
    else:
        p.write_bytes(content)
    return p


ARTICLE = (
    "Tokyo talks end\n\n"
    "The ministers met in Tokyo on Tuesday.\u00a0 They agreed to meet again.\n\n"
    "“We are united,” the minister said.\n"
)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("A\u00a0b\u2009c.\n", "A b c."),
        ("Zero\u200bwidth\u2060 joiners\ufeff.\n", "Zerowidth joiners."),
        ("Cafe\u0301 au lait.\n", "Café au lait."),
        ("Line one.\r\nLine two.\rLine three.\n", "Line one.\nLine two.\nLine three."),
        ("“Curly” and ‘single’ quotes stay.\n", "“Curly” and ‘single’ quotes stay."),
        ("Many    spaces   here.\n\n\n\nNext paragraph.\n", "Many spaces here.\n\nNext paragraph."),
        ("  Indented line.  \n", "Indented line."),
        ("One.\u2028Two.\u2029Three.\n", "One.\nTwo.\nThree."),
    ],
)
def test_normalisation_of_characters(raw: str, text: str) -> None:
    doc = document_from_text(raw)
    assert doc.text == text
    assert_offsets(doc, plain)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_offsets_and_lines_survive_any_line_ending(tmp_path: Path, newline: str) -> None:
    content = ARTICLE.replace("\n", newline)
    doc = read_document(write(tmp_path, "a.txt", content), settings=Settings())
    assert doc.original == content
    assert doc.text.splitlines() == [
        "Tokyo talks end",
        "",
        "The ministers met in Tokyo on Tuesday. They agreed to meet again.",
        "",
        "“We are united,” the minister said.",
    ]
    assert_offsets(doc, plain)
    span = doc.locate(doc.text.index("“We"), len(doc.text))
    assert (span.line, span.column, span.end_line) == (5, 1, 5)
    assert doc.original[span.start : span.end] == "“We are united,” the minister said."


def test_bom_is_removed_and_offsets_stay_right(tmp_path: Path) -> None:
    doc = read_document(
        write(tmp_path, "b.txt", b"\xef\xbb\xbf" + ARTICLE.encode()), settings=Settings()
    )
    assert not doc.original.startswith("\ufeff")
    assert doc.text.startswith("Tokyo talks end")
    assert doc.encoding == "utf-8-sig"
    assert_offsets(doc, plain)


def test_nbsp_heavy_text_maps_every_word(tmp_path: Path) -> None:
    content = "The\u00a0 U.S.\u00a0 government\u00a0 said\u00a0 on Sunday it would act.\n"
    doc = read_document(write(tmp_path, "n.txt", content), settings=Settings())
    assert doc.text == "The U.S. government said on Sunday it would act."
    assert_offsets(doc, plain)
    start = doc.text.index("government")
    span = doc.locate(start, start + len("government"))
    assert doc.original[span.start : span.end] == "government"


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Talks end | Example News</title>
<meta property="article:published_time" content="2021-03-16T09:00:00+09:00">
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<h1>Talks end in Tokyo</h1>
<p>The ministers&nbsp;met in <b>Tokyo</b> on Tuesday &amp; agreed to meet again.</p>
<p>&ldquo;We are united,&rdquo; the minister said.</p>
<p>It cost &#36;5&#x20AC; and
   more.</p>
<aside>Related: other stories</aside>
<footer>Copyright Example</footer>
</body></html>
"""


def test_html_article_text_and_offsets(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html", HTML_PAGE), settings=Settings())
    assert doc.format == "html"
    assert doc.text.split("\n\n") == [
        "Talks end in Tokyo",
        "The ministers met in Tokyo on Tuesday & agreed to meet again.",
        "“We are united,” the minister said.",
        "It cost $5€ and more.",
    ]
    assert doc.published is not None and doc.published.isoformat() == "2021-03-16"
    assert doc.published_from == "metadata"
    assert doc.title == "Talks end | Example News"
    assert_offsets(doc, from_html)
    quote = doc.text.index("“We")
    span = doc.locate(quote, quote + len("“We are united,” the minister said."))
    assert doc.original[span.start : span.end] == "&ldquo;We are united,&rdquo; the minister said."
    assert span.line == HTML_PAGE[: span.start].count("\n") + 1


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            "<article><h1>Head</h1><p>Body text here.</p></article><p>Outside.</p>",
            "Head\n\nBody text here.",
        ),
        (
            "<h1>Head</h1><article><p>Body text here.</p></article><div>Outside.</div>",
            "Head\n\nBody text here.",
        ),
        ("<div class='share-bar'>Share <a>Tweet</a></div><p>Kept text.</p>", "Kept text."),
        ("<div role='navigation'>Menu</div><p>Kept text.</p>", "Kept text."),
        ("<p hidden>Gone.</p><p aria-hidden='true'>Gone.</p><p>Kept text.</p>", "Kept text."),
        ("<p>One<br>Two<br/>Three.</p>", "One\nTwo\nThree."),
        ("<p>Wrapped<br>line.</p>", "Wrapped line."),
        ("<ul><li>First item.</li><li>Second item.</li></ul>", "First item.\nSecond item."),
        ("<pre>keep   spacing</pre>", "keep spacing"),
        ("<p>AT&T &amp co &unknown; &#8212; done.</p>", "AT&T & co &unknown; — done."),
    ],
)
def test_html_structure(body: str, text: str) -> None:
    doc = document_from_text(f"<html><body>{body}</body></html>", format="html")
    assert doc.text == text
    assert_offsets(doc, from_html)


def test_json_document_maps_escapes_back_into_the_file(tmp_path: Path) -> None:
    data = {
        "title": "Talks end",
        "source": "Wire",
        "url": "https://example.com/a",
        "published": "2021-03-16",
        "text": 'Tokyo talks end\n\nThe minister said "we are united" \u2014 and left.\tThen \U0001f600 smiled.\n',
    }
    raw = json.dumps(data, indent=2)  # ASCII escapes: \n, \", \u2014, \t, surrogate pair
    doc = read_document(write(tmp_path, "j.json", raw), settings=Settings())
    assert doc.format == "json"
    assert doc.title == "Talks end" and doc.source == "Wire" and doc.url == "https://example.com/a"
    assert doc.published_from == "metadata"
    assert (
        doc.text
        == 'Tokyo talks end\n\nThe minister said "we are united" — and left. Then 😀 smiled.'
    )
    assert_offsets(doc, from_json)
    start = doc.text.index('"we')
    span = doc.locate(start, start + len('"we are united"'))
    assert doc.original[span.start : span.end] == '\\"we are united\\"'


@pytest.mark.parametrize("key", ["text", "body", "content"])
def test_json_text_keys(key: str) -> None:
    doc = document_from_text(json.dumps({key: "Plain body text here."}), format="json")
    assert doc.text == "Plain body text here."


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        (
            "# Talks end #\n\nThe **ministers** met in *Tokyo*.\n",
            "Talks end\n\nThe ministers met in Tokyo.",
        ),
        (
            "See [the statement](https://x.org/s) and ![pic](p.png)here.\n",
            "See the statement and here.",
        ),
        ("> Quoted line one.\n> Quoted line two.\n", "Quoted line one.\nQuoted line two."),
        (
            "- First point.\n- Second point.\n1. Numbered.\n",
            "First point.\nSecond point.\nNumbered.",
        ),
        (
            "Title\n=====\n\nBody with `code` and __strong__ and ~~gone~~ text.\n",
            "Title\n\nBody with code and strong and gone text.",
        ),
        (
            "A snake_case_name stays, 2 * 3 * 4 stays.\n",
            "A snake_case_name stays, 2 * 3 * 4 stays.",
        ),
        ("Hard wrapped line that\ncontinues here.\n", "Hard wrapped line that continues here."),
        (
            "Escaped \\*stars\\* stay.\n\n---\n\nAfter rule.\n",
            "Escaped *stars* stay.\n\nAfter rule.",
        ),
    ],
)
def test_markdown_light_stripping(markdown: str, text: str) -> None:
    doc = document_from_text(markdown, format="md")
    assert doc.text == text
    for word in re.finditer(r"[A-Za-z]+", doc.text):
        span = doc.locate(word.start(), word.end())
        assert doc.original[span.start : span.end] == word.group()


def test_every_locate_of_a_random_span_is_consistent() -> None:
    doc = document_from_text(
        "<p>A&amp;B met&nbsp;C&#233;.</p>\n<p>Second &ldquo;para&rdquo;.</p>", format="html"
    )
    for start in range(len(doc.text)):
        for end in range(start + 1, len(doc.text) + 1):
            span = doc.locate(start, end)
            assert 0 <= span.start < span.end <= len(doc.original)
            assert (span.line, span.column) <= (span.end_line, span.end_column)


def test_document_from_text_options() -> None:
    import datetime as dt

    doc = document_from_text(
        "Body sentence here.", id="x", published=dt.date(2020, 1, 2), title="T"
    )
    assert (doc.id, doc.title, doc.published, doc.published_from) == (
        "x",
        "T",
        dt.date(2020, 1, 2),
        "metadata",
    )
    assert doc.path == "<x>" and doc.format == "txt"
    assert len(doc.content_hash) == 64


def test_collect_paths_walks_folders(tmp_path: Path) -> None:
    for name in [
        "b.txt",
        "a.md",
        "sub/c.html",
        "sub/d.json",
        ".hidden.txt",
        ".git/e.txt",
        "a.meta.json",
        "notes.csv",
        "sub/.x/f.txt",
    ]:
        write(tmp_path, name, "Some text here.")
    found = [p.relative_to(tmp_path).as_posix() for p in collect_paths([tmp_path])]
    assert found == ["a.md", "b.txt", "sub/c.html", "sub/d.json"]
    # The same file twice is read once; a sidecar given by name is not a document.
    again = collect_paths([tmp_path / "b.txt", tmp_path, tmp_path / "a.meta.json"])
    assert [p.name for p in again] == ["b.txt", "a.md", "c.html", "d.json"]


def test_load_documents_ids_and_content_hash(tmp_path: Path) -> None:
    write(tmp_path, "one.txt", "First document text.")
    write(tmp_path, "two.md", "Second document text.")
    docs = load_documents([tmp_path], settings=Settings())
    assert [d.id for d in docs] == ["one", "two"]
    before = docs[0].content_hash
    write(tmp_path, "one.meta.json", '{"title": "One"}')
    after = read_document(tmp_path / "one.txt", settings=Settings())
    assert after.title == "One" and after.content_hash != before


def test_drop_furniture_setting_keeps_everything() -> None:
    text = "Loading\n\nThe talks ended.\n"
    assert document_from_text(text).text == "The talks ended."
    kept = document_from_text(text, settings=Settings(drop_furniture=False))
    assert kept.text == "Loading\n\nThe talks ended." and kept.dropped == []


def test_record_leaves_out_body_and_maps() -> None:
    record = document_from_text("<p>A &amp; B.</p>", format="html").record()
    assert "end_map" not in record.model_dump() and "text" not in record.model_dump()

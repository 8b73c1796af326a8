"""Tests for report rendering: Markdown, HTML and the context shown around each claim."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

import pytest

from factcheck.models import (
    Document,
    DroppedLine,
    Evidence,
    Finding,
    GeneratedWith,
    Kind,
    MatchResult,
    Report,
    Severity,
    SlotComparison,
    SourceCluster,
)
from factcheck.report.build import build_report
from factcheck.report.render import (
    context_window,
    document_excerpts,
    evidence_context,
    find_near,
    md_code,
    md_text,
    render_html,
    render_html_chunks,
    render_markdown,
    text_offset,
)
from factcheck.review.fingerprint import fingerprint

# --------------------------------------------------------------------------- builders
# Imported by the other report tests (test_report_write.py, test_html_browser.py).


def make_doc(
    doc_id: str,
    text: str,
    *,
    fmt: str = "txt",
    original: str | None = None,
    title: str | None = None,
    published: dt.date | None = None,
    source: str | None = None,
    offset_map: list[tuple[int, int]] | None = None,
    dropped: Sequence[DroppedLine] = (),
) -> Document:
    original = text if original is None else original
    return Document(
        id=doc_id,
        path=f"corpus/{doc_id}.{fmt}",
        format=fmt,
        title=title,
        published=published,  # type: ignore[arg-type]
        source=source,
        content_hash="x",
        encoding="utf-8",
        characters=len(text),
        text=text,
        original=original,
        offset_map=offset_map or [(0, 0)],
        dropped=list(dropped),
    )


def evidence(doc: Document, sentence: str, index: int = 0) -> Evidence:
    """Evidence for `sentence`, located in the document's original text as extraction would."""
    start = doc.original.index(sentence)
    line, column = doc.line_col(start)
    return Evidence(
        document=doc.id,
        claim=f"{doc.id}:{index}",
        start=start,
        end=start + len(sentence),
        line=line,
        column=column,
        text=sentence,
    )


def finding(
    kind: Kind,
    rule: str,
    message: str,
    items: Sequence[Evidence],
    *,
    name: str | None = None,
    severity: Severity = "warning",
    slots: Sequence[SlotComparison] = (),
) -> Finding:
    return Finding(
        kind=kind,
        rule=rule,
        name=name or f"{kind}.rule-{rule.lower()}",
        severity=severity,
        message=message,
        fingerprint=fingerprint(rule, [(e.document, e.text) for e in items]),
        documents=sorted({e.document for e in items}),
        slots=list(slots),
        evidence=list(items),
    )


def make_report(
    documents: Sequence[Document],
    findings: Sequence[Finding],
    sources: Sequence[SourceCluster] = (),
) -> Report:
    return build_report(
        documents=documents,
        claims=[],
        match=MatchResult(groups=[], sources=list(sources)),
        findings=findings,
        generated_with=GeneratedWith(
            factcheck="0.1.0",
            models={"embedding": "all-MiniLM-L6-v2", "spacy": "en_core_web_sm-3.8.0"},
            rules=["AG001", "DC001", "UN001"],
        ),
    )


TEXT_A = (
    "Ministers meet in Tokyo\n\n"
    "The talks were held on Tuesday in Tokyo. Both sides issued a joint statement.\n\n"
    "Officials said 300 people attended the dinner.\n"
)
TEXT_B = (
    "Talks in Tokyo\n\n"
    "The talks were held on Wednesday in Tokyo, officials said.\n\n"
    "About 300 people attended the dinner | a gala.\n"
)
HOSTILE = "Officials wrote <script>alert(1)</script> and <b>bold</b> & more | pipes *stars* [x](y)."


def sample() -> tuple[list[Document], Report]:
    """Three documents, one of each kind of finding, one document holding markup as text."""
    a = make_doc(
        "a",
        TEXT_A,
        title="Ministers meet",
        published=dt.date(2021, 3, 16),
        source="Wire",
        dropped=[DroppedLine(line=9, text="Share this", reason="widget")],
    )
    b = make_doc("b", TEXT_B, title="Talks | Tokyo", published=dt.date(2021, 3, 17))
    c = make_doc("c", f"Evil\n\n{HOSTILE}\n", title="<i>Hostile</i> title")
    ea = evidence(a, "The talks were held on Tuesday in Tokyo.", 1)
    eb = evidence(b, "The talks were held on Wednesday in Tokyo, officials said.", 1)
    slots = [
        SlotComparison(
            slot="when",
            verdict="conflict",
            values={ea.claim: "2021-03-16", eb.claim: "2021-03-17"},
            note="one day apart",
        ),
        SlotComparison(
            slot="where", verdict="agree", values={ea.claim: "Tokyo", eb.claim: "Tokyo"}
        ),
    ]
    findings = [
        finding(
            "discrepancy",
            "DC001",
            "Sources disagree on the date of the talks.",
            [ea, eb],
            name="discrepancy.date",
            severity="error",
            slots=slots,
        ),
        finding(
            "agreement",
            "AG001",
            "Sources agree that 300 people attended.",
            [
                evidence(a, "Officials said 300 people attended the dinner.", 2),
                evidence(b, "About 300 people attended the dinner | a gala.", 2),
            ],
            name="agreement.same-fact",
            severity="info",
        ),
        finding(
            "unsupported",
            "UN001",
            "Only one source says <script> was written.",
            [evidence(c, HOSTILE, 0)],
            name="unsupported.single-source",
        ),
    ]
    docs = [a, b, c]
    return docs, make_report(
        docs, findings, sources=[SourceCluster(id="s1", documents=["a", "b"], similarity=0.93)]
    )


# --------------------------------------------------------------------------- context


@pytest.mark.parametrize(
    ("text", "target", "expected_before", "expected_after"),
    [
        # Blank-line paragraphs: only the claim's own paragraph is shown.
        (
            "Title\n\nFirst one. The claim. Last one.\n\nNext para.",
            "The claim.",
            "First one. ",
            " Last one.",
        ),
        # One paragraph per line, no blank lines: the line is the paragraph.
        ("Line one.\nBefore. The claim. After.\nLine three.", "The claim.", "Before. ", " After."),
        # Claim alone in its paragraph.
        ("A.\n\nThe claim.\n\nB.", "The claim.", "", ""),
    ],
)
def test_context_window_takes_the_enclosing_paragraph(
    text: str, target: str, expected_before: str, expected_after: str
) -> None:
    start = text.index(target)
    ctx = context_window(text, start, start + len(target), max_chars=600)
    assert (ctx.before, ctx.marked, ctx.after) == (expected_before, target, expected_after)
    assert not ctx.clipped_start and not ctx.clipped_end


def test_context_window_caps_a_long_paragraph_around_the_span() -> None:
    words = " ".join(f"w{i}" for i in range(400))
    text = f"Intro.\n\n{words} The claim sits here. {words}\n\nEnd."
    start = text.index("The claim")
    end = start + len("The claim sits here.")
    ctx = context_window(text, start, end, max_chars=200)
    shown = ctx.before + ctx.marked + ctx.after
    assert ctx.marked == "The claim sits here."
    assert 150 <= len(shown) <= 200
    assert ctx.clipped_start and ctx.clipped_end
    # Cut at word boundaries, and never into the neighbouring paragraphs.
    assert re.fullmatch(r"(w\d+ )+", ctx.before) and re.fullmatch(r"( w\d+)+", ctx.after)
    assert "Intro" not in shown and "End." not in shown


def test_context_window_never_cuts_the_span() -> None:
    text = "x " * 50 + "A" * 300 + " y" * 50
    start = text.index("A")
    ctx = context_window(text, start, start + 300, max_chars=100)
    assert ctx.marked == "A" * 300


@pytest.mark.parametrize(
    ("haystack", "needle", "near", "expected"),
    [
        ("aa X bb X cc", "X", 8, (8, 9)),  # nearest of several occurrences
        ("aa X bb X cc", "X", 0, (3, 4)),
        ("one\ntwo  three", "one two three", 0, (0, 14)),  # whitespace differs
        ("He said “yes” — twice", 'he said "yes" - twice', 0, (0, 21)),  # quotes, dashes, case
        ("nothing here", "absent", 0, None),
    ],
)
def test_find_near(haystack: str, needle: str, near: int, expected: tuple[int, int] | None) -> None:
    assert find_near(haystack, needle, near) == expected


def test_text_offset_inverts_the_offset_map() -> None:
    # "NAV\n" (4 characters) was dropped from the start of the original.
    doc = make_doc("d", "Body text.", original="NAV\nBody text.", offset_map=[(0, 4)])
    assert doc.original_offset(5) == 9
    assert text_offset(doc, 9) == 5


def test_evidence_context_for_html_uses_article_text_not_markup() -> None:
    original = "<html><body><nav>Menu</nav><p>First.</p>\n<p>The <b>claim</b> here. More.</p></body></html>"
    text = "First.\n\nThe claim here. More."
    doc = make_doc("h", text, fmt="html", original=original, offset_map=[(0, 30), (8, 43)])
    ev = Evidence(
        document="h", claim="h:1", start=43, end=70, line=2, column=1, text="The claim here."
    )
    ctx = evidence_context(doc, ev, max_chars=600)
    assert ctx.located
    assert (ctx.before, ctx.marked, ctx.after) == ("", "The claim here.", " More.")
    assert "<" not in ctx.before + ctx.marked + ctx.after


def test_evidence_context_for_an_ingested_html_page() -> None:
    from factcheck.ingest import document_from_text

    page = (
        "<html><body><nav>Home | News</nav><article><h1>Big talks</h1>\n"
        "<p>The talks were held on <b>Tuesday</b> in Tokyo. Both sides &amp; allies agreed.</p>\n"
        "<p>Second para.</p></article></body></html>"
    )
    doc = document_from_text(page, id="page", format="html")
    start = doc.text.index("The talks")
    end = doc.text.index("Tokyo.") + len("Tokyo.")
    span = doc.locate(start, end)
    ev = Evidence(
        document="page",
        claim="page:1",
        start=span.start,
        end=span.end,
        line=span.line,
        column=span.column,
        text=doc.text[start:end],
    )
    ctx = evidence_context(doc, ev)
    assert (ctx.before, ctx.marked, ctx.after) == (
        "",
        "The talks were held on Tuesday in Tokyo.",
        " Both sides & allies agreed.",
    )


def test_evidence_context_falls_back_to_the_sentence_when_not_found() -> None:
    doc = make_doc("d", "Something else entirely.")
    ev = Evidence(
        document="d", claim="d:0", start=0, end=5, line=1, column=1, text="Vanished claim."
    )
    ctx = evidence_context(doc, ev)
    assert not ctx.located and ctx.marked == "Vanished claim." and ctx.before == ctx.after == ""
    assert evidence_context(None, ev).marked == "Vanished claim."


def test_evidence_context_follows_a_stale_offset_to_the_sentence() -> None:
    doc = make_doc("d", "Para one.\n\nThe moved claim. Tail.")
    ev = Evidence(
        document="d", claim="d:1", start=0, end=16, line=1, column=1, text="The moved claim."
    )
    ctx = evidence_context(doc, ev)
    assert (ctx.marked, ctx.after) == ("The moved claim.", " Tail.")


def test_document_excerpts_merge_claims_of_one_paragraph() -> None:
    doc = make_doc("d", "Head.\n\nOne claim. Filler. Two claim.\n\nOther para. Three claim.\n")
    items = [
        (evidence(doc, s, i), f"d.txt:{i}")
        for i, s in enumerate(["Two claim.", "Three claim.", "One claim."])
    ]
    items.append(
        (
            Evidence(document="d", claim="d:9", start=0, end=1, line=1, column=1, text="Gone."),
            "d.txt:1",
        )
    )
    excerpts = document_excerpts(doc, items)
    assert [e.segments for e in excerpts] == [
        (("One claim.", True), (" Filler. ", False), ("Two claim.", True)),
        (("Other para. ", False), ("Three claim.", True)),
        (("Gone.", True),),
    ]
    assert [e.where for e in excerpts] == [
        ("d.txt:2", "d.txt:0"),
        ("d.txt:1",),
        ("d.txt:1",),
    ]  # document order
    assert [e.located for e in excerpts] == [True, True, False]


def test_document_excerpts_merge_overlapping_marks() -> None:
    doc = make_doc("d", "A long sentence here. Next.")
    whole = evidence(doc, "A long sentence here.", 0)
    part = evidence(doc, "long sentence", 1)
    (excerpt,) = document_excerpts(doc, [(whole, "d:1"), (part, "d:1")])
    assert excerpt.segments == (("A long sentence here.", True), (" Next.", False))
    assert excerpt.where == ("d:1",)


# --------------------------------------------------------------------------- Markdown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", r"a \| b"),
        ("*not* _em_", r"\*not\* \_em\_"),
        ("<script>x</script>", r"\<script\>x\</script\>"),
        ("[link](url)", r"\[link\](url)"),
        ("# heading", r"\# heading"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("AT&T &amp; co", r"AT&T \&amp; co"),
        ("two\nlines\n\nhere", "two lines here"),
        ("back\\slash `tick`", r"back\\slash \`tick\`"),
    ],
)
def test_md_text_escapes_markup(text: str, expected: str) -> None:
    assert md_text(text) == expected


@pytest.mark.parametrize(
    ("text", "in_table", "expected"),
    [
        ("a.txt:3", False, "`a.txt:3`"),
        (
            "has `tick`",
            False,
            "`` has `tick` ``",
        ),  # padded on both sides, as CommonMark strips one each
        ("a|b", True, r"`a\|b`"),
    ],
)
def test_md_code(text: str, in_table: bool, expected: str) -> None:
    assert md_code(text, in_table=in_table) == expected


def test_markdown_report_structure() -> None:
    _, report = sample()
    md = render_markdown(report)
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings == [
        "# Consistency report",
        "## Summary",
        "## Conflicts at a glance",
        "## Discrepancies (1)",
        "### 1. Sources disagree on the date of the talks.",
        "## Agreements (1)",
        "### 1. Sources agree that 300 people attended.",
        "## Unsupported (1)",
        "## Documents",
        "## Merged sources",
    ]
    # One line per disputed fact: the values in words and the sources by name.
    assert "- the date: **16 March 2021** (Wire) vs **17 March 2021** (Talks \\| Tokyo)" in md
    assert "Generated with factcheck `0.1.0` · models: embedding `all-MiniLM-L6-v2`" in md
    assert "| Discrepancies | 1 |" in md
    assert "| `DC001` | discrepancy.date | discrepancy | error | 1 |" in md
    # Documents table (collapsed): source, title (pipe escaped), date, file, dropped lines,
    # counts per kind.
    assert "| Wire | Ministers meet | 16 March 2021 | `corpus/a.txt` | 1 | 1 | 0 | 1 |" in md
    assert r"|   | Talks \| Tokyo | 17 March 2021 | `corpus/b.txt` |" in md
    assert "<details><summary>3 documents</summary>" in md
    assert "- similarity 0.93: Wire, Talks \\| Tokyo" in md
    # The slot comparison, one column per source (named), with the note.
    assert r"| Slot | Verdict | Wire | Talks \| Tokyo | Note |" in md
    assert "| when | conflict | 16 March 2021 | 17 March 2021 | one day apart |" in md
    # Unsupported claims one line each, collapsed.
    assert r"- \<i\>Hostile\</i\> title `corpus/c.txt:3`: “Officials wrote" in md
    # Evidence as file:line and the quoted sentence.
    assert "- `corpus/a.txt:3` “The talks were held on Tuesday in Tokyo.”" in md
    assert "`DC001` discrepancy.date · severity **error** · fingerprint `" in md


def test_slot_table_has_a_row_per_claim_when_there_are_many() -> None:
    docs = [make_doc(f"d{i}", f"Fact {i} here.") for i in range(5)]
    items = [evidence(d, f"Fact {i} here.") for i, d in enumerate(docs)]
    slots = [
        SlotComparison(
            slot="when", verdict="agree", values={e.claim: "2021" for e in items}, note="n|b"
        )
    ]
    md = render_markdown(
        make_report(docs, [finding("agreement", "AG001", "m", items, slots=slots)])
    )
    assert "| Claim | when |\n| --- | --- |\n| d0.txt | 2021 |" in md
    assert "| d4.txt | 2021 |\n| *verdict* | agree |\n| *note* | n\\|b |\n" in md
    page = render_html(
        make_report(docs, [finding("agreement", "AG001", "m", items, slots=slots)]), docs
    )
    assert "<thead><tr><th>Claim</th><th>when</th></tr></thead>" in page
    assert (
        '<tr class="verdicts"><th scope="row">verdict</th>'
        '<td class="v-agree" data-label="when">agree</td></tr>' in page
    )


def test_markdown_escapes_document_text() -> None:
    _, report = sample()
    md = render_markdown(report)
    assert "<script>" not in md and "<b>" not in md
    assert r"\<script\>alert(1)\</script\>" in md
    assert r"About 300 people attended the dinner \| a gala." in md
    # Every table row keeps its column count despite pipes in the text.
    for block in re.findall(r"(?:^\|.*\|$\n?)+", md, flags=re.M):
        counts = {len(re.findall(r"(?<!\\)\|", row)) for row in block.strip().splitlines()}
        assert len(counts) == 1, block


def test_markdown_is_deterministic_and_ends_with_one_newline() -> None:
    _, report = sample()
    _, again = sample()
    md = render_markdown(report)
    assert md == render_markdown(again)
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_of_an_empty_report() -> None:
    report = make_report([], [])
    md = render_markdown(report)
    assert "No documents." in md and md.count("None.") == 3
    assert "None: every document counts as an independent source." in md


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained() -> None:
    docs, report = sample()
    page = render_html(report, docs)
    assert page.startswith("<!doctype html>")
    # Nothing fetched: no external scripts, styles, fonts or images.
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)=", page)
    assert "http://" not in page and "https://" not in page and "@import" not in page
    assert page.count("<script>") == 1 and page.count("<style>") == 1


def test_html_escapes_all_document_text() -> None:
    docs, report = sample()
    page = render_html(report, docs)
    # The only script element is the page's own; the document's markup shows as text.
    assert page.count("<script") == 1
    assert "<b>bold</b>" not in page and "<i>Hostile</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;i&gt;Hostile&lt;/i&gt; title" in page
    assert "Only one source says &lt;script&gt; was written." in page


def test_html_shows_sources_side_by_side_with_marked_spans() -> None:
    docs, report = sample()
    page = render_html(report, docs)
    article = re.search(r'<article class="finding discrepancy".*?</article>', page, flags=re.S)
    assert article is not None
    body = article.group(0)
    columns = re.findall(r'<section class="column" data-document="(\w+)">', body)
    assert columns == ["a", "b"]
    assert (
        "<mark>The talks were held on Tuesday in Tokyo.</mark> Both sides issued a joint statement."
        in body
    )
    assert "<mark>The talks were held on Wednesday in Tokyo, officials said.</mark>" in body
    # The title line of the document is another paragraph and is not shown.
    assert "Ministers meet in Tokyo" not in body
    # Each value cell names its source (data-label): a narrow screen shows the table as a list.
    assert (
        '<td class="verdict v-conflict">conflict</td><td data-label="Wire">16 March 2021</td>'
        '<td data-label="Talks | Tokyo">17 March 2021</td>'
    ) in body
    assert "corpus/a.txt:3" in body
    assert report.findings[0].fingerprint in body
    assert (
        'data-kind="discrepancy" data-rule="DC001" data-docs="[&#34;a&#34;, &#34;b&#34;]"' in body
    )


def test_html_filters_list_kinds_rules_and_documents() -> None:
    docs, report = sample()
    page = render_html(report, docs)
    form = re.search(r'<form id="filters".*?</form>', page, flags=re.S)
    assert form is not None
    values = re.findall(r'<option value="([^"]*)"', form.group(0))
    assert values == [
        "",
        "discrepancy",
        "unsupported",
        "agreement",
        "",
        "AG001",
        "DC001",
        "UN001",
        "",
        "a",
        "b",
        "c",
    ]


def test_html_without_documents_shows_the_evidence_sentence() -> None:
    _, report = sample()
    page = render_html(report, [])
    assert (
        '<blockquote class="context unlocated"><mark>The talks were held on Tuesday in Tokyo.</mark></blockquote>'
        in page
    )


def test_html_is_deterministic() -> None:
    docs, report = sample()
    docs2, report2 = sample()
    assert render_html(report, docs) == render_html(report2, docs2)


def test_html_streams_in_pieces_that_join_to_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    # report.html is written piece by piece (report/write.py); each finding's view is built as
    # the page reaches it, so the first piece comes before the last view has been built.
    import factcheck.report.render as render_module

    docs, report = sample()
    built: list[int] = []
    real = render_module._finding_view

    def counted_view(number: int, f: Finding, *args: object) -> object:
        built.append(number)
        return real(number, f, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "_finding_view", counted_view)
    pieces = []
    built_at_first_piece = None
    for piece in render_html_chunks(report, docs, size=64):
        pieces.append(piece)
        if built_at_first_piece is None:
            built_at_first_piece = len(built)
    assert len(built) == len(report.findings) == 3  # each view built once
    assert built_at_first_piece is not None and built_at_first_piece < len(report.findings)
    assert len(pieces) > 10 and all(len(p) >= 64 for p in pieces[:-1])
    assert "".join(pieces) == render_html(report, docs)
    assert list(render_html_chunks(report, docs)) == [render_html(report, docs)]


def test_html_is_the_template_rendered_as_one_string() -> None:
    # The streamed page must be the very text of jinja's one-string render that report.html
    # was before it was streamed, byte for byte.
    import factcheck.report.render as render_module

    docs, report = sample()
    whole = render_html(report, docs)
    template = render_module._environment().get_template("report.html.j2")
    names = render_module.source_names(report.documents)
    by_id = {d.id: d for d in docs}
    sections = render_module._sections(report, by_id, render_module.DEFAULT_CONTEXT_CHARS, None)
    one_string = template.render(
        report=report,
        summary=report.summary,
        sections=sections,
        total=len(report.findings),
        rules=render_module._rule_rows(report),
        documents=render_module._document_rows(report),
        models=render_module._models_line(report),
        settings_json=render_module.dumps_json(report.generated_with.settings),
        kinds=render_module.SECTIONS,
        names=names,
        glances=[v.glance for v in sections[0].findings if v.glance is not None],
        chart=render_module.findings_chart(report, names),
        places=render_module.claim_places_line(report),
    )
    assert whole == one_string
    assert "Sources disagree on the date of the talks." in whole


def test_html_context_chars_caps_the_context() -> None:
    long_para = " ".join(["filler"] * 300)
    doc = make_doc("d", f"{long_para} The claim. {long_para}")
    report = make_report(
        [doc], [finding("unsupported", "UN001", "m", [evidence(doc, "The claim.")])]
    )
    page = render_html(report, [doc], context_chars=120)
    quote = re.search(r'<blockquote class="context">(.*?)</blockquote>', page, flags=re.S)
    assert quote is not None
    text = html.unescape(re.sub(r"<[^>]+>", "", quote.group(1)))
    assert "The claim." in text and len(text) <= 120 + 4

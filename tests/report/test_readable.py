"""Values as people read them, and report.md sized for a pull-request comment."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from factcheck.models import (
    FindingIdentity,
    RelatedPair,
    Review,
    SlotComparison,
    SourceCluster,
)
from factcheck.report.readable import date_words, duration_words, readable, source_label
from factcheck.report.render import MD_LIMIT_BYTES, render_html, render_markdown

from .test_render import evidence, finding, make_doc, make_report


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P60Y", "60 years"),
        ("P636D", "636 days"),
        ("PT1S", "1 second"),
        ("P1Y6M", "1 year 6 months"),
        ("2011, P1M", "2011, 1 month"),
        ("defense secretary of gpe:US", "defense secretary of United States"),
        ("org:state-department", "State Department"),
        ("2021-03-16", "16 March 2021"),
        ("2021-03", "March 2021"),
        ("2021-W11", "week 11 of 2021"),
        ("2021-03-15/2021-03-16", "15–16 March 2021"),
        ("2021-03-31/2021-04-02", "31 March 2021 to 2 April 2021"),
        ("P60Y vs 2019", "60 years vs 2019"),
        # Quoted document text is shown as written.
        ("Only one source says “P60Y gpe:US”.", "Only one source says “P60Y gpe:US”."),
        ("PT", "PT"),
        ("APPLE", "APPLE"),
    ],
)
def test_readable(text: str, expected: str) -> None:
    assert readable(text) == expected


def test_readable_names_documents() -> None:
    assert readable("a1 and b-2 say so", {"a1": "Kyodo", "b-2": "NHK"}) == "Kyodo and NHK say so"
    assert readable("a12 stays", {"a1": "Kyodo"}) == "a12 stays"


def test_words_leave_other_text_alone() -> None:
    assert duration_words("soon") == "soon" and date_words("2019") == "2019"


def test_source_label_prefers_outlet_then_title_then_file() -> None:
    doc = make_doc("x", "Text.", title="A very long title " * 5)
    assert source_label(doc).endswith("…") and len(source_label(doc)) == 40
    assert source_label(doc.model_copy(update={"source": "Wire"})) == "Wire"
    assert source_label(make_doc("y", "Text.")) == "y.txt"


def _disputed(n_docs: int) -> tuple[list, object]:
    docs = [
        make_doc(f"d{i}", f"Ministers met. The minister was {'Alice Ray' if i else 'Bob Kay'}.")
        for i in range(n_docs)
    ]
    items = [
        evidence(d, f"The minister was {'Alice Ray' if i else 'Bob Kay'}.", 1)
        for i, d in enumerate(docs)
    ]
    f = finding(
        "discrepancy",
        "DC004",
        "Sources disagree on who was minister of gpe:FR.",
        items,
        severity="error",
        slots=[
            SlotComparison(
                slot="role",
                verdict="conflict",
                values={
                    e.claim: f"{'Alice Ray' if i else 'Bob Kay'}: minister of France"
                    for i, e in enumerate(items)
                },
            )
        ],
    )
    f = f.model_copy(
        update={
            "identity": FindingIdentity(
                slot="role",
                subject="minister of gpe:fr",
                values=["person:kay-bob", "person:ray-alice"],
                value_of={
                    e.claim: "person:kay-bob" if i == 0 else "person:ray-alice"
                    for i, e in enumerate(items)
                },
            )
        }
    )
    return docs, make_report(docs, [f])


def test_conflicts_at_a_glance_mark_the_outlier_and_the_review() -> None:
    docs, report = _disputed(3)
    f = report.findings[0]
    review = Review(
        fingerprint=f.fingerprint,
        verdict="confirmed",
        note="Kay left office in May",
        time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    md = render_markdown(report, reviews={f.fingerprint: review})
    assert (
        "- minister of France: **Alice Ray** (d1.txt, d2.txt) vs **Bob Kay** (d0.txt) ← outlier"
        " · reviewed: confirmed (“Kay left office in May”)" in md
    )
    assert "gpe:" not in md and "person:" not in md
    page = render_html(report, docs, reviews={f.fingerprint: review})
    glance = re.search(r'<section id="glance">.*?</section>', page, flags=re.S)
    assert glance is not None
    assert '<span class="outlier">outlier</span>' in glance.group(0)
    assert "reviewed: confirmed — “Kay left office in May”" in glance.group(0)
    # The conflicting value is highlighted inside the marked sentence.
    assert '<mark>The minister was </mark><mark class="value">Bob Kay</mark><mark>.</mark>' in page


def test_only_web_links_are_links() -> None:
    doc = make_doc("d", "A fact.").model_copy(update={"url": "javascript:alert(1)"})
    page = render_html(make_report([doc], []), [doc])
    assert "javascript:" not in page
    doc = doc.model_copy(update={"url": "https://example.org/a"})
    page = render_html(make_report([doc], []), [doc])
    assert '<a href="https://example.org/a" rel="noopener noreferrer">' in page


def test_markdown_fits_a_pull_request_comment_on_a_large_corpus() -> None:
    docs = [
        make_doc(f"doc{i:04d}", f"Intro.\n\nClaim number {i} says a long thing " + "x" * 300 + ".")
        for i in range(1500)
    ]
    findings = []
    for i, d in enumerate(docs):
        sentence = d.text.split("\n\n")[1]
        kind = ("unsupported", "agreement", "discrepancy")[i % 3]
        findings.append(
            finding(
                kind,
                {"unsupported": "UN001", "agreement": "AG001", "discrepancy": "DC001"}[kind],
                f"Finding {i}.",
                [
                    evidence(d, sentence, 1),
                    evidence(docs[i - 1], docs[i - 1].text.split("\n\n")[1], 1),
                ],
            )
        )
    report = make_report(
        docs,
        findings,
        sources=[
            SourceCluster(id=f"s{i}", documents=[docs[i].id, docs[i + 1].id], similarity=0.95)
            for i in range(0, 600, 2)
        ],
    )
    pair = RelatedPair(
        relation="different",
        probability=0.9,
        similarity=0.7,
        evidence=[findings[0].evidence[0], findings[1].evidence[0]],
    )
    report = report.model_copy(update={"related": [pair] * 400})
    md = render_markdown(report)
    size = len(md.encode("utf-8"))
    assert size <= MD_LIMIT_BYTES < 64 * 1024, size
    # Top findings first, the rest counted.
    assert md.index("## Discrepancies (500)") < md.index("## Agreements (500)")
    assert re.search(r"… and \d+ more: see report.html or report.json.", md)
    for heading in ("## Documents", "## Merged sources", "## Related, different fact"):
        assert heading in md
    assert md.endswith("</details>\n")

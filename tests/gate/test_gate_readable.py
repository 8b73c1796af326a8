"""Gate and review output a person reads: sources by name, durations in words; ids stay in JSON."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from factcheck.gate.annotations import github_annotation
from factcheck.gate.evaluate import evaluate
from factcheck.gate.sarif import to_sarif
from factcheck.gate.summary import json_summary, markdown_summary
from factcheck.models import Report, SlotComparison
from factcheck.review.session import ReviewSession
from tests.gate.test_gate import finding, make_report, reviews_of, write_docs

TEXT = "Harbour report\n\nThe treaty has held for {} years, the agency said.\n"
SENTENCE = "The treaty has held for {} years, the agency said."
MESSAGE = "Sources disagree on how long the treaty held: a says P60Y; b says P70Y (gpe:US)."


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(tmp_path)
    docs = write_docs(Path("seeds"), {"a.txt": TEXT.format(60), "b.txt": TEXT.format(70)})
    docs = [
        docs[0].model_copy(update={"source": "Harbour Gazette"}),
        docs[1].model_copy(update={"title": "Seventy years of the treaty"}),
    ]
    f = finding(
        "discrepancy",
        "DC002",
        [("a", TEXT.format(60), SENTENCE.format(60)), ("b", TEXT.format(70), SENTENCE.format(70))],
        message=MESSAGE,
        values=["60", "70"],
        slot="quantity",
    )
    f = f.model_copy(
        update={
            "slots": [
                SlotComparison(
                    slot="quantity",
                    verdict="conflict",
                    values={f.evidence[0].claim: "P60Y", f.evidence[1].claim: "P70Y"},
                    note="a and b differ",
                )
            ]
        }
    )
    return make_report(docs, [f])


READABLE = (
    "Sources disagree on how long the treaty held: Harbour Gazette says 60 years; "
    "Seventy years of the treaty says 70 years (United States)."
)


def test_gate_lines_annotations_and_summary_name_sources_and_say_durations(
    report: Report,
) -> None:
    (item,) = evaluate(report, reviews=reviews_of()).items
    assert item.message == READABLE
    assert item.line().startswith("seeds/a.txt:3: " + READABLE + " [DC002 ")
    annotation = github_annotation(item)
    assert READABLE in annotation and "(contradicts Seventy years of the treaty)" in annotation
    assert READABLE in markdown_summary(evaluate(report, reviews=reviews_of()), rule="r")
    # JSON is for tools: the ids and ISO values stay.
    summary = json_summary(evaluate(report, reviews=reviews_of()), rule="r")
    assert [f["message"] for f in summary["findings"]] == [MESSAGE]  # type: ignore[attr-defined]


def test_sarif_messages_read_like_the_plain_text(report: Report) -> None:
    gate = evaluate(report, reviews=reviews_of())
    (result,) = to_sarif(report, gate)["runs"][0]["results"]
    assert result["message"]["text"] == READABLE
    related = [r["message"]["text"] for r in result["relatedLocations"]]
    assert related == ["Seventy years of the treaty: " + SENTENCE.format(70)]
    # The ids stay where tools read them.
    assert result["properties"]["documents"] == ["a", "b"]


def test_review_screen_names_sources_and_says_values(report: Report, tmp_path: Path) -> None:
    out = io.StringIO()
    session = ReviewSession(
        report,
        reviews_path=tmp_path / "reviews.json",
        reviewer="t",
        console=Console(file=out, width=200, no_color=True),
        ask=lambda _: "q",
    )
    session.run()
    text = out.getvalue()
    assert READABLE in text
    assert "seeds/a.txt:3 (Harbour Gazette)" in text
    assert "60 years" in text and "P60Y" not in text and "gpe:US" not in text
    # The slot table's columns are the sources, not claim ids.
    assert "Harbour Gazette:3" in text and " a:3" not in text and "b:3" not in text
    assert "Harbour Gazette and Seventy years of the treaty differ" in text

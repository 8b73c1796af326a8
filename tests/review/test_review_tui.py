"""The interactive review loop, driven through stdin: keys, notes, back, quit, EOF and crash safety."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from factcheck.cli import cli
from factcheck.io import write_model
from factcheck.models import Finding, Report, SlotComparison
from factcheck.review.session import ReviewSession, review_queue
from factcheck.review.store import load_reviews
from tests.gate.test_gate import two_doc_report


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Report, Finding, Finding]:
    monkeypatch.chdir(tmp_path)
    report, place, lone = two_doc_report(Path("seeds"))
    place = place.model_copy(
        update={
            "slots": [
                SlotComparison(
                    slot="where",
                    verdict="conflict",
                    values={place.evidence[0].claim: "Tokyo", place.evidence[1].claim: "Osaka"},
                )
            ]
        }
    )
    report = report.model_copy(update={"findings": [place, *report.findings[1:]]})
    write_model("reports/report.json", report)
    return report, place, lone


def verdicts() -> dict[str, tuple[str, str]]:
    return {
        r.fingerprint: (r.verdict, r.note) for r in load_reviews("reports/reviews.json").reviews
    }


def review(stdin: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["review", "--reviewer", "ann", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        ("c\nd\n", {"place": ("confirmed", ""), "lone": ("dismissed", "")}),
        ("n\ntwo different meetings\nd\n", {"place": ("dismissed", "two different meetings")}),
        ("n\nwhy\nx\nc\nq\n", {"place": ("confirmed", "why")}),
        ("s\nc\n", {"lone": ("confirmed", "")}),
        ("d\nb\nc\n", {"place": ("confirmed", "")}),  # back, then change the answer
        ("b\n?\nq\nd\n", {}),  # b at the start and an unknown key keep the first finding; q stops
        ("", {}),  # EOF quits at once
        ("Dismiss\n", {"place": ("dismissed", "")}),  # the first letter counts, any case
    ],
)
def test_keys_record_verdicts(
    setup: tuple[Report, Finding, Finding], stdin: str, expected: dict[str, tuple[str, str]]
) -> None:
    _, place, lone = setup
    review(stdin)
    names = {place.fingerprint: "place", lone.fingerprint: "lone"}
    assert {names[fp]: v for fp, v in verdicts().items()} == expected


def test_screen_shows_sources_marked_and_the_slot_table(
    setup: tuple[Report, Finding, Finding],
) -> None:
    _, place, _ = setup
    out = review("q\n")
    assert "[1/2] discrepancy" in out
    assert f"DC003 discrepancy.place (error)  fingerprint {place.fingerprint}" in out
    assert "seeds/a.txt:5\n" in out and "seeds/b.txt:5\n" in out  # no title: the file names it
    # Without a terminal the marks are brackets: the sentence and, inside it, the slot value.
    assert "»The talks were held in [[Tokyo]] on Tuesday.«" in out
    assert "»The talks were held in [[Osaka]] on Tuesday.«" in out
    assert "where" in out and "conflict" in out
    assert "0 confirmed, 0 dismissed, 0 skipped, 2 of 2 left unreviewed" in out


def test_context_falls_back_to_the_report_text_when_the_file_changed(
    setup: tuple[Report, Finding, Finding],
) -> None:
    Path("seeds/a.txt").write_text("Rewritten completely.\n")
    out = review("q\n")
    assert (
        "»The talks were held in [[Tokyo]] on Tuesday.« (the file changed since the report)"
        in " ".join(out.split())
    )


def test_agreements_only_with_all(setup: tuple[Report, Finding, Finding]) -> None:
    report, _, _ = setup
    assert [f.kind for f in review_queue(report, load_reviews("reports/reviews.json"))] == [
        "discrepancy",
        "unsupported",
    ]
    assert "[1/3] discrepancy" in review("q\n", "--all")


def test_reviewed_findings_are_not_asked_again(setup: tuple[Report, Finding, Finding]) -> None:
    review("d\n")
    out = review("c\n")
    assert "[1/1] unsupported" in out
    assert "Nothing to review" in review("")


def test_every_answer_is_saved_before_the_next_question(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, place, _ = setup
    answers: Iterator[str] = iter(["c"])

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            # The first verdict must already be on disk when the session dies.
            assert verdicts() == {place.fingerprint: ("confirmed", "")}
            raise RuntimeError("crash") from None

    session = session_asking(report, ask)
    with pytest.raises(RuntimeError, match="crash"):
        session.run()
    assert verdicts() == {place.fingerprint: ("confirmed", "")}


def session_asking(
    report: Report, ask: Callable[[str], str], reviewer: str = "ann", **options: bool
) -> ReviewSession:
    """A session over `report` that reads its answers from `ask`, printing to a string."""
    return ReviewSession(
        report,
        reviews_path=Path("reports/reviews.json"),
        reviewer=reviewer,
        console=Console(file=io.StringIO(), width=100),
        ask=ask,
        **options,
    )


def session_with(report: Report, answers: list[str], reviewer: str = "ann") -> ReviewSession:
    keys = iter(answers)
    return session_asking(report, lambda prompt: next(keys), reviewer)


def test_going_back_and_answering_again_counts_once(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, _, _ = setup
    stats = session_with(report, ["d", "b", "c", "c"]).run()
    assert (stats.confirmed, stats.dismissed, stats.skipped) == (2, 0, 0)
    assert len(stats.answered) == stats.total == 2


def test_a_session_keeps_what_others_saved_meanwhile(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, place, lone = setup
    session = session_with(report, ["c", "q"])
    # Bob records a verdict on the second finding while ann's session is open.
    assert main_review("--confirm", lone.fingerprint, "--reviewer", "bob") == 0
    session.run()
    assert verdicts() == {place.fingerprint: ("confirmed", ""), lone.fingerprint: ("confirmed", "")}


def test_a_session_skips_what_others_reviewed_since_it_started(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, place, lone = setup
    session = session_with(report, ["d"])
    assert main_review("--confirm", place.fingerprint, "--reviewer", "bob") == 0
    stats = session.run()  # place is skipped (bob's), lone dismissed
    assert stats.by_others == {place.fingerprint}
    assert verdicts()[place.fingerprint] == ("confirmed", "")
    assert verdicts()[lone.fingerprint] == ("dismissed", "")


@pytest.mark.parametrize(("answer", "kept"), [("n", "confirmed"), ("y", "dismissed")])
def test_changing_another_reviewers_verdict_asks_first(
    setup: tuple[Report, Finding, Finding], answer: str, kept: str
) -> None:
    report, place, _ = setup
    assert main_review("--confirm", place.fingerprint, "--reviewer", "bob", "--note", "real") == 0
    # Ann's session reaches bob's verdict (a queue built before it, as after [b]ack).
    session = session_with(report, ["d", answer, "q"])
    session.queue = [place]
    session.run()
    record = load_reviews("reports/reviews.json").reviews[0]
    assert record.verdict == kept
    if kept == "dismissed":
        assert [(h.verdict, h.reviewer, h.note) for h in record.history] == [
            ("confirmed", "bob", "real")
        ]


def main_review(*args: str) -> int:
    from factcheck.cli import main

    return main(["review", *args])


def test_a_reviewed_finding_with_new_evidence_is_shown_again_and_says_so(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, place, lone = setup
    from factcheck.review.store import save_reviews, set_verdict

    reviews = set_verdict(
        load_reviews("reports/reviews.json"), place.fingerprint, "confirmed", reviewer="bob"
    )
    seen_a = reviews.reviews[0].model_copy(update={"documents": ["a"]})  # b joined since
    reviews = set_verdict(reviews, lone.fingerprint, "dismissed", reviewer="bob", finding=lone)
    save_reviews(
        "reports/reviews.json",
        reviews.model_copy(update={"reviews": [seen_a, *reviews.reviews[1:]]}),
    )
    assert [f.fingerprint for f in review_queue(report, load_reviews("reports/reviews.json"))] == [
        place.fingerprint
    ]
    out = review("c\n")
    assert "current verdict: confirmed by bob" in out
    assert "new evidence since the review: b" in out
    (record,) = [
        r
        for r in load_reviews("reports/reviews.json").reviews
        if r.fingerprint == place.fingerprint
    ]
    assert (
        record.documents == ["a", "b"] and record.reviewer == "ann"
    )  # seen now, bob kept in history
    assert [h.reviewer for h in record.history] == ["bob"]
    assert review_queue(report, load_reviews("reports/reviews.json")) == []


def test_back_steps_over_what_others_reviewed_meanwhile(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, place, lone = setup
    agree = report.findings[2]
    keys = iter(["c", "b", "d", "q"])
    asked: list[str] = []

    def ask(prompt: str) -> str:
        if not asked:  # bob reviews the second finding while ann looks at the first
            assert main_review("--confirm", lone.fingerprint, "--reviewer", "bob") == 0
        asked.append(prompt)
        return next(keys)

    session = session_asking(report, ask, include_agreements=True)
    assert [f.fingerprint for f in session.queue] == [p.fingerprint for p in (place, lone, agree)]
    stats = session.run()  # c on place; lone is bob's (skipped); b at agree goes back to place
    assert verdicts() == {place.fingerprint: ("dismissed", ""), lone.fingerprint: ("confirmed", "")}
    assert (stats.confirmed, stats.dismissed, stats.by_others) == (0, 1, {lone.fingerprint})
    out = session.console.file.getvalue()  # type: ignore[attr-defined]
    assert out.count("meanwhile; skipped") == 1


def test_back_with_only_others_reviews_before_stays(
    setup: tuple[Report, Finding, Finding],
) -> None:
    report, place, lone = setup
    keys = iter(["s", "b", "d"])

    def ask(prompt: str) -> str:
        key = next(keys)
        if key == "b":  # bob reviews the skipped first finding while ann looks at the second
            assert main_review("--confirm", place.fingerprint, "--reviewer", "bob") == 0
        return key

    session = session_asking(report, ask)
    stats = session.run()  # b at lone: nothing before it but bob's finding, so lone stays
    assert verdicts() == {place.fingerprint: ("confirmed", ""), lone.fingerprint: ("dismissed", "")}
    assert stats.by_others == {place.fingerprint} and stats.skipped == 0
    assert "Already at the first finding." in session.console.file.getvalue()  # type: ignore[attr-defined]


def test_control_characters_in_names_and_notes_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ESC in a file name (and so in the source's name) or in another reviewer's name and note
    is shown as `\\x1b`: it cannot clear, colour or rewrite the reviewer's screen."""
    monkeypatch.chdir(tmp_path)
    report, place, _ = two_doc_report(Path("seeds"))
    hostile = "seeds/\x1b[2J\x1b[8mb\x9b.txt"
    Path("seeds/b.txt").rename(hostile)
    docs = [d.model_copy(update={"path": hostile}) if d.id == "b" else d for d in report.documents]
    report = report.model_copy(update={"documents": docs})
    write_model("reports/report.json", report)
    assert (
        main_review(
            "--confirm",
            place.fingerprint,
            "--reviewer",
            "bob\x1b[31m",
            "--note",
            "real\x1b]0;title\x07",
        )
        == 0
    )
    prompts: list[str] = []
    answers = iter(["d", "n", "q"])

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    session = session_asking(report, ask)
    session.queue = [place]
    session.run()
    assert isinstance(session.console.file, io.StringIO)
    screen = session.console.file.getvalue()
    for text in (screen, *prompts):
        assert not any(ch in text for ch in "\x1b\x07\x9b"), repr(text)
    assert "seeds/\\x1b[2J\\x1b[8mb\\x9b.txt:5" in screen
    assert "bob\\x1b[31m marked this confirmed" in screen and "real\\x1b]0;title\\x07" in screen
    assert any("Replace bob\\x1b[31m's verdict" in p for p in prompts)

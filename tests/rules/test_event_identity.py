"""Event identity in the role rule: holders at known, distant times are an update, not an error."""

from __future__ import annotations

from factcheck.rules.testing import RuleTestCase, check_case

MOTEGI = "person:toshimitsu-motegi | foreign minister @ gpe:JP"
HAYASHI = "person:yoshimasa-hayashi | foreign minister @ gpe:JP"


def _case(**documents: dict[str, str]) -> RuleTestCase:
    return RuleTestCase(
        rule="DC004",
        fire=True,
        groups=[],
        documents=documents or None,
        claims=[
            {"doc": "a", "text": "Foreign Minister Toshimitsu Motegi spoke.", "who": [MOTEGI]},
            {"doc": "b", "text": "Foreign Minister Yoshimasa Hayashi spoke.", "who": [HAYASHI]},
        ],
    )


def test_distant_known_times_are_an_info_update() -> None:
    (finding,) = check_case(_case(a={"published": "2019-05-01"}, b={"published": "2022-01-07"}))
    assert finding.severity == "info"
    assert "update" in finding.message and "Not a conflict" in finding.message
    assert {s.slot: s.verdict for s in finding.slots} == {"role": "update"}


def test_unknown_times_stay_an_error_that_names_the_open_question() -> None:
    (finding,) = check_case(_case())
    assert finding.severity == "error"
    assert "do not tell whether they report the same event" in finding.message


def test_close_times_are_a_conflict() -> None:
    (finding,) = check_case(_case(a={"published": "2022-01-05"}, b={"published": "2022-01-07"}))
    assert finding.severity == "error"
    assert {s.slot: s.verdict for s in finding.slots}["role"] == "conflict"


def _lone(events: list[list[int]] | None) -> RuleTestCase:
    return RuleTestCase(
        rule="UN001",
        fire=True,
        groups=[],
        events=events,
        claims=[
            {
                "doc": "a",
                "text": "The minister opened the new bridge over the river in Hamburg.",
                "where": ["gpe:hamburg"],
            },
            {
                "doc": "b",
                "text": "Crowds watched the bridge open in Hamburg on a rainy morning.",
                "where": ["gpe:hamburg"],
            },
            {
                "doc": "c",
                "text": "Engineers said the bridge over the river in Hamburg cost millions.",
                "where": ["gpe:hamburg"],
            },
        ],
    )


def test_a_lone_claim_about_a_reported_event_says_who_else_reports_it() -> None:
    findings = check_case(_lone([[0, 1, 2]]))
    first = next(f for f in findings if f.documents == ["a"])
    assert first.message.endswith("2 other sources report the same event without it.")
    assert first.event is not None and first.event.id == "e0"
    assert first.event.reported_by == ["a", "b", "c"]


def test_a_lone_claim_about_an_event_no_one_else_reports_says_nothing_more() -> None:
    findings = check_case(_lone(None))
    assert all(f.message.endswith("”.") for f in findings)
    assert all(f.event is None or f.event.id is None for f in findings)

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

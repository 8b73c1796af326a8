"""Every rule's YAML table of passing and failing cases, run by one parametrised test."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.rules.registry import all_rules
from factcheck.rules.testing import cases_folder, load_cases, run_case

CASES: list[dict[str, Any]] = [
    case for path in sorted(cases_folder().glob("*.yaml")) for case in load_cases(path)
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}-{c['name']}" for c in CASES])
def test_rule_case(case: dict[str, Any]) -> None:
    findings = run_case(case)
    assert {f.rule for f in findings} <= {case["rule"]}
    assert bool(findings) == case["fire"], [f.message for f in findings]
    if not case["fire"]:
        return
    if "count" in case:
        assert len(findings) == case["count"], [f.message for f in findings]
        assert all(len(set(f.documents)) == 1 for f in findings if f.kind == "unsupported")
    finding = findings[0]
    if "message" in case:
        assert case["message"] in finding.message
    verdicts = {s.slot: s.verdict for s in finding.slots}
    for slot, verdict in (case.get("slots") or {}).items():
        assert verdicts.get(slot) == verdict, finding.slots


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_has_cases_that_fire_and_cases_that_do_not(code: str) -> None:
    fires = {c["fire"] for c in CASES if c["rule"] == code}
    assert fires == {True, False}

"""Every rule's YAML table of passing and failing cases, run by one parametrised test."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.errors import ConfigError
from factcheck.rules import RuleTestCase, check_case, load_cases
from factcheck.rules.registry import all_rules
from factcheck.rules.testing import cases_folder

CASES: list[RuleTestCase] = [
    case for path in sorted(cases_folder().glob("*.yaml")) for case in load_cases(path)
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.name}" for c in CASES])
def test_rule_case(case: RuleTestCase) -> None:
    check_case(case)


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_has_cases_that_fire_and_cases_that_do_not(code: str) -> None:
    fires = {c.fire for c in CASES if c.rule == code}
    assert fires == {True, False}


def test_a_misspelt_case_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "DC001.yaml"
    path.write_text(
        "rule: DC001\ncases:\n  - name: typo\n    fire: true\n    mesage: oops\n"
        '    claims: [{doc: a, text: "x"}]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="mesage") as info:
        load_cases(path)
    assert info.value.code == "E020"
    with pytest.raises(TypeError, match="mesage"):
        RuleTestCase(claims=[], mesage="oops")  # type: ignore[call-arg]


def test_a_case_without_fire_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "DC001.yaml"
    path.write_text(
        'rule: DC001\ncases:\n  - name: no_fire\n    claims: [{doc: a, text: "x"}]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="fire"):
        load_cases(path)

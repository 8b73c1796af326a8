"""DC004 says when a holder's country was inferred from the document rather than written."""

from __future__ import annotations

from factcheck.rules.testing import run_case


def _case(inferred: bool) -> dict[str, object]:
    role = {"title": "foreign minister", "org": "gpe:JP", "org_inferred": inferred}
    return {
        "rule": "DC004",
        "name": "inferred",
        "fire": True,
        "groups": [],
        "claims": [
            {
                "doc": "a",
                "text": "Foreign Minister Kenji Sato spoke.",
                "who": [{"id": "person:kenji-sato", "role": role}],
            },
            {
                "doc": "b",
                "text": "Japanese Foreign Minister Taro Endo spoke.",
                "who": ["person:taro-endo | foreign minister @ gpe:JP"],
            },
        ],
    }


def _role_values(inferred: bool) -> dict[str, str]:
    findings = run_case(_case(inferred))
    assert findings and findings[0].rule == "DC004"
    role = next(s for s in findings[0].slots if s.slot == "role")
    return role.values


def test_a_holder_whose_country_was_inferred_says_so() -> None:
    values = _role_values(True)
    assert [v for v in values.values() if v.endswith("(inferred from the document)")] == [
        "Kenji Sato: foreign minister of Japan (inferred from the document)"
    ]


def test_a_written_country_is_not_marked() -> None:
    assert not any("inferred" in v for v in _role_values(False).values())

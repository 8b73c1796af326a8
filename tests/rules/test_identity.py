"""Fact-level finding identity: a document repeating a value keeps the fingerprint, a new value does not."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.models import Finding
from factcheck.review.fingerprint import identity_fingerprint
from factcheck.rules.testing import run_case

MOTEGI = "person:toshimitsu-motegi | foreign minister @ gpe:JP"
HAYASHI = "person:yoshimasa-hayashi | foreign minister @ gpe:JP"
KONO = "person:taro-kono | foreign minister @ gpe:JP"


def holder(doc: str, who: str, text: str = "Foreign Minister {} spoke.") -> dict[str, Any]:
    return {"doc": doc, "text": text.format(doc), "who": [who]}


def dc004(*claims: dict[str, Any]) -> Finding:
    (finding,) = run_case({"rule": "DC004", "fire": True, "groups": [], "claims": list(claims)})
    return finding


def date_finding(*claims: tuple[str, str]) -> Finding:
    specs = [
        {"doc": d, "text": f"The talks were held on {w} ({d}).", "what": "hold talk", "when": [w]}
        for d, w in claims
    ]
    (finding,) = run_case({"rule": "DC001", "fire": True, "similarity": 0.9, "claims": specs})
    return finding


BASE = (holder("a", MOTEGI), holder("b", HAYASHI))


@pytest.mark.parametrize(
    ("claims", "same"),
    [
        ((holder("b", HAYASHI), holder("a", MOTEGI)), True),  # order
        ((*BASE, holder("c", MOTEGI)), True),  # a new document joins the majority
        ((*BASE, holder("c", HAYASHI)), True),  # ... or the minority
        ((holder("x", MOTEGI), holder("y", HAYASHI)), True),  # other documents, same fact
        ((holder("a", MOTEGI, "Motegi, Japan's foreign minister ({}), spoke."), BASE[1]), True),
        ((*BASE, holder("c", KONO)), False),  # a third value
        ((holder("a", MOTEGI), holder("c", KONO)), False),  # another pair of values
    ],
)
def test_person_in_role_identity_is_role_and_set_of_holders(
    claims: tuple[dict[str, Any], ...], same: bool
) -> None:
    assert (dc004(*claims).fingerprint == dc004(*BASE).fingerprint) is same


def test_slot_rule_identity_is_slot_predicate_and_values() -> None:
    base = date_finding(("a", "2021-03-16"), ("b", "2021-03-17"))
    assert base.identity is not None
    assert base.identity.slot == "when" and base.identity.subject == "hold"
    assert len(base.identity.values) == 2
    joined = date_finding(("a", "2021-03-16"), ("b", "2021-03-17"), ("c", "2021-03-16"))
    assert joined.fingerprint == base.fingerprint
    assert joined.identity is not None and set(joined.identity.value_of) > set(
        base.identity.value_of
    )
    third = date_finding(("a", "2021-03-16"), ("b", "2021-03-17"), ("c", "2021-03-20"))
    assert third.fingerprint != base.fingerprint


def test_findings_keep_their_scheme_one_fingerprint_for_migration() -> None:
    finding = dc004(*BASE)
    assert finding.legacy_fingerprint and finding.legacy_fingerprint != finding.fingerprint


def test_identity_fingerprint_ignores_order_case_and_repeats() -> None:
    a = identity_fingerprint("DC001", slot="when", subject="Hold", values=["x", "Y", "x"])
    assert a == identity_fingerprint("DC001", slot="when", subject="hold", values=["y", "x"])
    assert a != identity_fingerprint("DC002", slot="when", subject="hold", values=["y", "x"])
    assert a != identity_fingerprint("DC001", slot="where", subject="hold", values=["y", "x"])
    assert a != identity_fingerprint("DC001", slot="when", subject="meet", values=["y", "x"])

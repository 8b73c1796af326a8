"""Per-group rule results: a rerun judges only changed groups and finds what a cold run finds."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from factcheck.models import Finding, SourceCluster
from factcheck.rules.engine import run_rules
from factcheck.rules.group_results import GroupResults
from factcheck.rules.testing import build_case
from factcheck.rules.UN001 import Unsupported
from factcheck.settings import Settings

# Two groups: a date the sources dispute, and a span of years two sources agree on.
CORPUS: dict[str, Any] = {
    "groups": [[0, 1, 2], [3, 4], [5, 6]],
    "similarity": 0.9,
    "claims": [
        {"doc": "a", "text": "The canal locks reopened on 4 May 2022.", "when": ["2022-05-04"]},
        {"doc": "b", "text": "The canal locks reopened on 4 May 2022.", "when": ["2022-05-04"]},
        {"doc": "c", "text": "The canal locks reopened on 6 May 2022.", "when": ["2022-05-06"]},
        {
            "doc": "a",
            "text": "The ferry has served the island for over three decades.",
            "quantities": ["more_than 3 decades"],
        },
        {
            "doc": "c",
            "text": "The ferry has served the island for more than 30 years.",
            "quantities": ["more_than 30 years"],
        },
        {
            "doc": "b",
            "text": "The harbour master counted 120 boats at the regatta.",
            "quantities": ["120 boats"],
        },
        {
            "doc": "c",
            "text": "The harbour master counted 150 boats at the regatta.",
            "quantities": ["150 boats"],
        },
    ],
}


def _run(
    corpus: dict[str, Any],
    store: GroupResults | None,
    settings: Settings | None = None,
    sources: list[SourceCluster] | None = None,
) -> list[str]:
    match, claims, documents, _ = build_case(corpus)
    if sources is not None:
        match = match.__class__(groups=match.groups, sources=sources, related=match.related)
    findings, _ = run_rules(
        match, claims, documents=documents, settings=settings or Settings(), store=store
    )
    return [f.model_dump_json() for f in findings]


def _rerun(previous: GroupResults, code: str = "v1") -> GroupResults:
    return GroupResults(previous.dumps(), code=code)


def test_a_rerun_replays_unchanged_groups_and_finds_what_a_cold_run_finds() -> None:
    cold = _run(CORPUS, None)
    assert {Finding.model_validate_json(f).rule for f in cold} >= {"DC001", "DC002", "AG001"}
    first = GroupResults(None, code="v1")
    assert _run(CORPUS, first) == cold
    assert first.stats() == {"rule_groups_judged": 3, "rule_groups_reused": 0}

    again = _rerun(first)
    assert _run(CORPUS, again) == cold
    assert again.stats() == {"rule_groups_judged": 0, "rule_groups_reused": 3}

    # One claim of the second group changes: that group alone is judged again.
    edited = copy.deepcopy(CORPUS)
    edited["claims"][4]["quantities"] = ["more_than 20 years"]
    edited["claims"][4]["text"] = "The ferry has served the island for more than 20 years."
    after_edit = _rerun(again)
    assert _run(edited, after_edit) == _run(edited, None)
    assert after_edit.stats() == {"rule_groups_judged": 1, "rule_groups_reused": 2}


def test_a_change_of_sources_settings_or_code_judges_groups_again() -> None:
    first = GroupResults(None, code="v1")
    _run(CORPUS, first)

    # b and c become copies of one source: every group holding either is judged again.
    sources = [SourceCluster(id="s0", documents=["b", "c"], similarity=0.95)]
    copies = _rerun(first)
    assert _run(CORPUS, copies, sources=sources) == _run(CORPUS, None, sources=sources)
    assert copies.stats() == {"rule_groups_judged": 3, "rule_groups_reused": 0}

    # 120 and 150 boats are within a 50 % tolerance: the stored DC002 finding must not return.
    loose = Settings(quantity_tolerance=0.5)
    options = _rerun(first)
    found = _run(CORPUS, options, settings=loose)
    assert found == _run(CORPUS, None, settings=loose) != _run(CORPUS, None)
    assert options.stats()["rule_groups_reused"] == 0

    new_code = _rerun(first, code="v2")
    _run(CORPUS, new_code)
    assert new_code.stats() == {"rule_groups_judged": 3, "rule_groups_reused": 0}


def test_unreadable_stored_results_are_judged_again() -> None:
    cold = _run(CORPUS, None)
    for data in (b"not json", b"[1, 2]", b'{"version": 99, "groups": {}}'):
        store = GroupResults(data, code="v1")
        assert _run(CORPUS, store) == cold
        assert store.stats()["rule_groups_judged"] == 3


# A claim no other source makes (UN001), beside the groups above.
LONE: dict[str, Any] = {
    **CORPUS,
    "claims": [
        *CORPUS["claims"],
        {
            "doc": "b",
            "text": "The lighthouse keeper retired in 2019 after forty years.",
            "when": ["2019"],
        },
    ],
}


def test_lone_claim_findings_are_reused_where_their_claims_are_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str] = []
    real = Unsupported.lone_finding

    def counting(self: Unsupported, ctx: Any, claim: Any, copies: Any) -> Finding:
        built.append(claim.id)
        return real(self, ctx, claim, copies)

    monkeypatch.setattr(Unsupported, "lone_finding", counting)
    cold = _run(LONE, None)
    assert any(Finding.model_validate_json(f).rule == "UN001" for f in cold)
    first = GroupResults(None, code="v1")
    assert _run(LONE, first) == cold
    assert built
    built.clear()
    again = _rerun(first)
    assert _run(LONE, again) == cold
    assert built == []  # every lone finding came from the store, with its event
    # The lone claim's text changes: its finding alone is built again.
    edited = copy.deepcopy(LONE)
    edited["claims"][-1]["text"] = "The lighthouse keeper retired in 2019 after thirty years."
    after_edit = _rerun(again)
    assert _run(edited, after_edit) == _run(edited, None)
    assert len(set(built)) == 1
    # Lone findings are not groups: the group counts are as without them.
    assert after_edit.stats() == {"rule_groups_judged": 0, "rule_groups_reused": 3}


def test_a_claim_key_stands_for_the_claim_in_the_group_key() -> None:
    match, claims, documents, _ = build_case(CORPUS)
    keys = {c.id: f"key of {c.id}" for c in claims}
    first = GroupResults(None, code="v1")
    run_rules(match, claims, documents=documents, settings=Settings(), store=first, claim_keys=keys)
    # Claims with the keys of the last run are taken as unchanged without being serialised,
    # so a claim edited under the same key (which the pipeline never does) still replays.
    edited = copy.deepcopy(CORPUS)
    edited["claims"][4]["quantities"] = ["more_than 20 years"]
    match, claims, documents, _ = build_case(edited)
    same_keys = _rerun(first)
    run_rules(
        match, claims, documents=documents, settings=Settings(), store=same_keys, claim_keys=keys
    )
    assert same_keys.stats() == {"rule_groups_judged": 0, "rule_groups_reused": 3}
    # A new key is a new claim: its group is judged again.
    new_keys = _rerun(first)
    keys[claims[4].id] = "another key"
    run_rules(
        match, claims, documents=documents, settings=Settings(), store=new_keys, claim_keys=keys
    )
    assert new_keys.stats() == {"rule_groups_judged": 1, "rule_groups_reused": 2}

"""Rule engine: registry, selection, severities, options, plugins, catalogue and determinism."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest

from factcheck.errors import ConfigError
from factcheck.models import Finding
from factcheck.rules import registry
from factcheck.rules.base import Rule, RuleContext
from factcheck.rules.catalogue import print_catalogue
from factcheck.rules.engine import run_rules
from factcheck.rules.testing import RuleTestCase, build_case, check_case
from factcheck.settings import Settings

BUILTIN = [
    "AG001",
    "DC001",
    "DC002",
    "DC003",
    "DC004",
    "DC005",
    "DC006",
    "DC007",
    "DC008",
    "DC009",
    "UN001",
]

CORPUS: dict[str, Any] = {
    "groups": [[0, 1, 2], [3, 4]],
    "claims": [
        {
            "doc": "a",
            "text": "The talks were held on 16 March 2021 in Tokyo.",
            "when": ["2021-03-16"],
            "who": ["person:toshimitsu-motegi | foreign minister @ gpe:JP"],
        },
        {"doc": "b", "text": "The talks were held on 16 March 2021.", "when": ["2021-03-16"]},
        {
            "doc": "c",
            "text": "The talks took place on 17 March 2021.",
            "when": ["2021-03-17"],
            "who": ["person:yoshimasa-hayashi | foreign minister @ gpe:JP"],
        },
        {
            "doc": "a",
            "text": "The alliance has lasted over six decades.",
            "quantities": ["more_than 6 decades"],
        },
        {
            "doc": "b",
            "text": "The alliance has lasted for over 60 years.",
            "quantities": ["more_than 60 years"],
        },
        {
            "doc": "c",
            "text": "Blinken will visit Seoul on Wednesday for more talks.",
            "who": ["person:antony-blinken"],
        },
    ],
}


def run(**settings: Any) -> tuple[list[Finding], list[str]]:
    match, claims, documents, _ = build_case(CORPUS)
    return run_rules(match, claims, documents=documents, settings=Settings(**settings))


def test_builtin_rules_are_registered_in_code_order() -> None:
    assert list(registry.all_rules()) == BUILTIN


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ([], [], BUILTIN),
        (["DC"], [], [c for c in BUILTIN if c.startswith("DC")]),
        (["discrepancy.date"], [], ["DC001"]),
        (
            ["discrepancy"],
            ["DC008", "discrepancy.actor"],
            ["DC001", "DC002", "DC003", "DC004", "DC006", "DC007", "DC009"],
        ),
        (["AG001", "UN"], [], ["AG001", "UN001"]),
        ([], ["ALL"], []),
    ],
)
def test_selection_by_code_prefix_and_name(
    select: list[str], ignore: list[str], expected: list[str]
) -> None:
    assert registry.selected_codes(Settings(select=select, ignore=ignore)) == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("select", ["XX"]),
        ("ignore", ["discrepancy.nothing"]),
        ("severity", {"ZZ9": "error"}),
        ("rules", {"QQ001": {}}),
    ],
)
def test_unknown_selector_is_e050(field: str, value: Any) -> None:
    with pytest.raises(ConfigError) as err:
        registry.selected_codes(Settings(**{field: value}))
    assert err.value.code == "E050"


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"AG001": {"min_source": 3}}, "unknown option 'min_source'"),
        ({"AG001": {"min_sources": 1}}, "option 'min_sources' must be an integer of at least 2"),
        ({"UN001": {"skip_quotes": "yes"}}, "option 'skip_quotes' must be bool"),
        ({"DC007": {"min_similarity": 2}}, "must be a number between 0 and 1"),
    ],
)
def test_bad_rule_options_name_rule_and_key(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        registry.selected_codes(Settings(rules=options))
    assert err.value.code == "E052"
    assert fragment in str(err.value)
    assert f"rule {next(iter(options))}" in str(err.value)


@pytest.mark.parametrize(
    ("overrides", "code", "severity"),
    [
        ({}, "DC001", "error"),
        ({"DC": "warning"}, "DC001", "warning"),
        ({"DC": "warning", "DC001": "info"}, "DC001", "info"),
        ({"discrepancy.date": "info", "DC": "warning"}, "DC001", "info"),
        ({"unsupported": "error"}, "UN001", "error"),
    ],
)
def test_severity_overrides_most_specific_wins(
    overrides: dict[str, Any], code: str, severity: str
) -> None:
    assert registry.severity_for(registry.all_rules()[code], overrides) == severity


def test_run_rules_reports_findings_and_codes() -> None:
    findings, codes = run()
    assert codes == BUILTIN
    rules = {f.rule for f in findings}
    assert {"DC001", "DC004", "AG001", "UN001"} <= rules
    agreements = [f for f in findings if f.rule == "AG001"]
    assert any(f.message.startswith("2 independent sources agree") for f in agreements)
    # every finding carries one evidence entry per claim, with line numbers
    for f in findings:
        assert f.evidence and all(e.line >= 1 for e in f.evidence)
        assert f.documents == sorted({e.document for e in f.evidence})


def test_run_rules_is_deterministic() -> None:
    first, _ = run()
    second, _ = run()
    assert [f.model_dump_json() for f in first] == [f.model_dump_json() for f in second]
    assert len({f.fingerprint for f in first}) == len(first)


def test_ignored_rule_does_not_run() -> None:
    findings, codes = run(ignore=["UN"], severity={"DC001": "info"})
    assert "UN001" not in codes and not any(f.rule == "UN001" for f in findings)
    assert all(f.severity == "info" for f in findings if f.rule == "DC001")


class _PluginRule(Rule):
    """Every group is interesting."""

    code = "XP001"
    name = "agreement.plugin"
    kind = "agreement"
    default_severity = "info"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        for group in ctx.groups:
            yield self.finding([ctx.by_id[i] for i in group.claims], self.summary(), group=group.id)


class _EntryPoint:
    def __init__(self, name: str, obj: object) -> None:
        self.name, self.value, self._obj = name, f"plugin:{name}", obj

    def load(self) -> object:
        return self._obj


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> list[_EntryPoint]:
    found: list[_EntryPoint] = []
    monkeypatch.setattr(
        registry, "entry_points", lambda group: found if group == "factcheck.rules" else []
    )
    registry.all_rules.cache_clear()
    yield found
    registry.all_rules.cache_clear()


def test_plugin_rules_come_from_entry_points(plugins: list[_EntryPoint]) -> None:
    plugins.append(_EntryPoint("XP001", _PluginRule))
    assert "XP001" in registry.all_rules()
    findings, codes = run(select=["XP"])
    assert codes == ["XP001"]
    assert [f.message for f in findings] == ["Every group is interesting."] * 2


def test_duplicate_codes_are_an_error(plugins: list[_EntryPoint]) -> None:
    dup = type("Dup", (_PluginRule,), {"code": "DC001", "__doc__": "Duplicate."})
    plugins.append(_EntryPoint("DC001", dup))
    with pytest.raises(ConfigError) as err:
        registry.all_rules()
    assert err.value.code == "E051" and "DC001" in str(err.value)


def test_plugin_that_is_not_a_rule_is_an_error(plugins: list[_EntryPoint]) -> None:
    plugins.append(_EntryPoint("bad", object()))
    with pytest.raises(ConfigError) as err:
        registry.all_rules()
    assert err.value.code == "E053"


def test_catalogue_text_lists_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    print_catalogue(Settings(), selectors=["DC004"], fmt="text")
    out = capsys.readouterr().out
    assert out.startswith("DC004  discrepancy.person-in-role  discrepancy  error\n")
    for section in ("What it does:", "Why it matters:", "Example:", "window_days = 30"):
        assert section in out


def test_catalogue_json(capsys: pytest.CaptureFixture[str]) -> None:
    print_catalogue(Settings(ignore=["UN"], severity={"AG": "warning"}), selectors=[], fmt="json")
    entries = json.loads(capsys.readouterr().out)
    assert [e["code"] for e in entries] == BUILTIN
    by_code = {e["code"]: e for e in entries}
    assert by_code["UN001"]["enabled"] is False
    assert by_code["AG001"]["severity"] == "warning"
    assert by_code["AG001"]["summary"] == "Independent sources agree on a claim."


def test_every_rule_documents_itself() -> None:
    for rule in registry.all_rules().values():
        doc = rule.documentation()
        assert rule.summary().endswith(".")
        assert all(s in doc for s in ("What it does:", "Why it matters:", "Example:")), rule.code


def test_person_in_role_evidence_prefers_the_sentence_stating_the_role() -> None:
    from factcheck.rules.testing import run_case

    motegi = "person:toshimitsu-motegi | foreign minister @ gpe:JP"
    case = {
        "rule": "DC004",
        "name": "evidence_choice",
        "groups": [],
        "claims": [
            {
                "doc": "a",
                "text": "Foreign Minister Yoshimasa Hayashi met Blinken.",
                "who": ["person:yoshimasa-hayashi | foreign minister @ gpe:JP"],
            },
            {
                # The extractor gives a later mention the document's role, not stated here.
                "doc": "b",
                "text": "Speaking to journalists, Motegi said the talks matter.",
                "who": [
                    {
                        "id": "person:toshimitsu-motegi",
                        "role": {"title": "foreign minister", "org": "gpe:JP", "stated": False},
                    }
                ],
            },
            {
                "doc": "b",
                "text": "The meeting involves Foreign Minister Toshimitsu Motegi.",
                "who": [motegi],
            },
        ],
    }
    findings = run_case(case)
    assert len(findings) == 1
    texts = {e.document: e.text for e in findings[0].evidence}
    assert texts["b"] == "The meeting involves Foreign Minister Toshimitsu Motegi."


def test_the_minimal_rule_of_the_plugin_docstring_runs(plugins: list[_EntryPoint]) -> None:
    """The rule `factcheck.rules` shows a plugin author works as written: it registers, passes
    the registry's checks and reports what its docstring's example says."""
    import textwrap

    import factcheck.rules

    doc = factcheck.rules.__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\nRegister it", 1)[0]
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(block), namespace)  # the docstring's code, as a plugin author copies it
    rule = namespace["PlaceDiscrepancy"]
    plugins.append(_EntryPoint("XX001", rule))
    assert registry.all_rules()["XX001"] is rule
    claims = [
        {
            "doc": "a",
            "text": "The talks were held in Tokyo.",
            "what": "hold",
            "where": ["gpe:tokyo"],
        },
        {
            "doc": "b",
            "text": "The talks were held in Seoul.",
            "what": "hold",
            "where": ["gpe:seoul"],
        },
    ]
    # check_case asserts the one finding and its message, as a YAML case of the rule would.
    case = RuleTestCase(
        rule="XX001",
        name="doc",
        fire=True,
        count=1,
        message="a says Tokyo; b says Seoul",
        claims=claims,
    )
    assert check_case(case)[0].name == "discrepancy.place_example"

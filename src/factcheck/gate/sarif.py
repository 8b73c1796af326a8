"""SARIF 2.1.0 output of the gate, for GitHub code scanning and other static-analysis viewers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..io import atomic_write_text, dumps_json
from ..models import Evidence, Finding, Report, Severity
from .evaluate import GateItem, GateResult, Location

__all__ = [
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "rule_descriptors",
    "sarif_uri",
    "to_sarif",
    "write_sarif",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://factcheck.invalid/"
_LEVEL: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}


def _registry_rules() -> list[dict[str, Any]]:
    """Rule metadata (code, name, summary, documentation, default severity) from the registry."""
    try:
        from ..rules.registry import all_rules
    except ImportError:  # a trimmed install without the registry: fall back to the findings
        return []
    out: list[dict[str, Any]] = []
    for code, rule in all_rules().items():
        out.append(
            {
                "code": code,
                "name": rule.name,
                "summary": rule.summary() or rule.name,
                "help": rule.documentation() or None,
                "severity": rule.default_severity,
            }
        )
    return out


def rule_descriptors(report: Report, findings: Sequence[Finding] = ()) -> list[dict[str, Any]]:
    """`tool.driver.rules`: the registry's rules, completed from the findings' codes and names."""
    rules: dict[str, dict[str, Any]] = {}
    for meta in _registry_rules():
        rules[meta["code"]] = meta
    for f in [*report.findings, *findings]:
        rules.setdefault(
            f.rule,
            {
                "code": f.rule,
                "name": f.name,
                "summary": f.name,
                "help": None,
                "severity": f.severity,
            },
        )
    for code in report.generated_with.rules:
        rules.setdefault(
            code, {"code": code, "name": code, "summary": code, "help": None, "severity": None}
        )
    out: list[dict[str, Any]] = []
    for code in sorted(rules):
        meta = rules[code]
        descriptor: dict[str, Any] = {
            "id": code,
            "name": meta["name"],
            "shortDescription": {"text": meta["summary"]},
            "properties": {"tags": ["factcheck", str(meta["name"]).split(".")[0]]},
        }
        if meta.get("help"):
            descriptor["fullDescription"] = {"text": meta["help"]}
            descriptor["help"] = {"text": meta["help"]}
        if meta.get("severity") in _LEVEL:
            descriptor["defaultConfiguration"] = {"level": _LEVEL[meta["severity"]]}
        out.append(descriptor)
    return out


def _level(severity: Severity) -> str:
    return _LEVEL[severity]


def sarif_uri(path: str) -> str:
    """A relative path as an RFC 3986 URI reference: every byte but unreserved ones and `/`
    percent-encoded (UTF-8), so spaces, `%`, `#`, `?`, `:` and line breaks in file names
    cannot change what the URI means."""
    return quote(path, safe="/")


def _location(loc: Location, evidence: Evidence | None) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": loc.line,
        "startColumn": loc.column,
        "endLine": loc.end_line,
        "endColumn": loc.end_column,
    }
    if evidence is not None:
        region["snippet"] = {"text": evidence.text}
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": sarif_uri(loc.path), "uriBaseId": "%SRCROOT%"},
            "region": region,
        },
    }


def _result(item: GateItem, rule_index: dict[str, int], review_note: str | None) -> dict[str, Any]:
    f = item.finding
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index[f.rule],
        "level": _level(f.severity),
        "kind": "fail",
        # What a reader sees in code scanning: sources by name, values in words (as the plain
        # text and annotations show them); the ids and ISO values stay in properties and JSON.
        "message": {"text": item.message},
        "partialFingerprints": {"factcheck/v1": f.fingerprint},
        "properties": {
            "kind": f.kind,
            "status": item.status,
            "failing": item.failing,
            "brought": item.brought,
            "documents": list(f.documents),
        },
    }
    if item.new_evidence:
        result["properties"]["newEvidence"] = list(item.new_evidence)
    if item.location is not None:
        result["locations"] = [_location(item.location, item.evidence)]
    related = []
    for n, (ev, loc) in enumerate(item.related):
        entry = _location(loc, ev) if loc is not None else {}
        entry["id"] = n
        entry["message"] = {"text": f"{item.name_of(ev.document)}: {ev.text}"}
        related.append(entry)
    if related:
        result["relatedLocations"] = related
    if item.status == "dismissed":
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if review_note:
            suppression["justification"] = review_note
        result["suppressions"] = [suppression]
    return result


def to_sarif(
    report: Report,
    result: GateResult,
    *,
    notes: dict[str, str] | None = None,
    include_agreements: bool = False,
    only_failing: bool = False,
) -> dict[str, Any]:
    """One SARIF run with the findings the gate looked at (agreements left out by default;
    with `only_failing`, the failing ones only, so code scanning is not flooded).

    Dismissed findings carry an accepted external suppression with the reviewer's note, so
    code scanning shows them as closed; `partialFingerprints` carries our fingerprint so that
    alerts follow a finding across commits.
    """
    items = [
        i
        for i in result.items
        if (include_agreements or i.finding.kind != "agreement") and (i.failing or not only_failing)
    ]
    rules = rule_descriptors(report, [i.finding for i in items])
    index = {r["id"]: n for n, r in enumerate(rules)}
    notes = notes or {}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "factcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The repository root."}}
                },
                "results": [_result(i, index, notes.get(i.finding.fingerprint)) for i in items],
            }
        ],
    }


def write_sarif(path: str | Path, sarif: dict[str, Any]) -> None:
    atomic_write_text(path, dumps_json(sarif))

"""`factcheck rules`: print the rule catalogue, as text or JSON, from the rules' own documentation."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import click

from ..settings import Settings
from .base import Rule
from .registry import all_rules, resolve, selected_codes, severity_for


def describe(rule: type[Rule], settings: Settings, *, enabled: bool) -> dict[str, Any]:
    """One catalogue entry: everything `factcheck rules --format json` says about a rule."""
    return {
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "severity": severity_for(rule, settings.severity),
        "default_severity": rule.default_severity,
        "enabled": enabled,
        "origin": rule.origin if rule.__module__.startswith("factcheck.") else rule.__module__,
        "summary": rule.summary(),
        "documentation": rule.documentation(),
        "config": [
            {"key": k.name, "default": k.default, "description": k.description}
            for k in rule.config_keys
        ],
    }


def catalogue(settings: Settings, *, selectors: list[str]) -> list[dict[str, Any]]:
    """Catalogue entries for the rules named by `selectors` (all rules when empty)."""
    rules = all_rules()
    codes = resolve(selectors, rules, setting="rules") if selectors else set(rules)
    enabled = set(selected_codes(settings, rules))
    return [describe(rules[c], settings, enabled=c in enabled) for c in sorted(codes)]


def print_catalogue(settings: Settings, *, selectors: list[str], fmt: str) -> None:
    """Print the catalogue: code, name, kind, severity, summary, then the documentation."""
    entries = catalogue(settings, selectors=selectors)
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False))
        return
    for i, e in enumerate(entries):
        if i:
            click.echo("")
        off = "" if e["enabled"] else "  (disabled)"
        click.echo(f"{e['code']}  {e['name']}  {e['kind']}  {e['severity']}{off}")
        click.echo(f"    {e['summary']}")
        if e["documentation"]:
            click.echo(textwrap.indent(e["documentation"], "    "))
        if e["config"]:
            click.echo("    Options:")
            for k in e["config"]:
                click.echo(f"      {k['key']} = {json.dumps(k['default'])}  {k['description']}")

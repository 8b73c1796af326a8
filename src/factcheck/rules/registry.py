"""Rule registry: built-in rules from this package, plugins from the "factcheck.rules" entry points."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from importlib.metadata import entry_points

from ..errors import ConfigError, Errors
from ..models import Severity
from ..settings import Settings
from .base import Rule

ENTRY_POINT_GROUP = "factcheck.rules"
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}\d{3}$")


def _builtin() -> list[type[Rule]]:
    """Every module of this package named like a code (AG001.py) holds the rule of that code."""
    from . import __path__ as package_path

    out: list[type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(package_path), key=lambda m: m.name):
        if not CODE_PATTERN.match(info.name):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        candidates = [
            v
            for v in vars(module).values()
            if isinstance(v, type)
            and issubclass(v, Rule)
            and v is not Rule
            and getattr(v, "code", "") == info.name
        ]
        if len(candidates) != 1:
            raise ConfigError.make(
                Errors.E053,
                path=getattr(module, "__file__", info.name),
                plugin=info.name,
                detail=f"expected one Rule subclass with code {info.name!r}, found {len(candidates)}",
            )
        out.append(candidates[0])
    return out


def _plugins() -> list[tuple[str, type[Rule]]]:
    out: list[tuple[str, type[Rule]]] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must name itself, whatever it raised
            raise ConfigError.make(Errors.E053, plugin=ep.value, detail=str(exc)) from None
        if not (isinstance(obj, type) and issubclass(obj, Rule)):
            raise ConfigError.make(
                Errors.E053, plugin=ep.value, detail="not a factcheck Rule subclass"
            )
        _check_declaration(obj, ep.value)
        out.append((ep.value, obj))
    return out


def _check_declaration(rule: type[Rule], where: str) -> None:
    problems = []
    if not CODE_PATTERN.match(rule.code):
        problems.append(f"code {rule.code!r} is not like 'AB123'")
    if not rule.name or "." not in rule.name:
        problems.append(f"name {rule.name!r} is not a dotted name")
    if rule.kind not in ("agreement", "discrepancy", "unsupported"):
        problems.append(f"kind {rule.kind!r} is unknown")
    if not rule.summary():
        problems.append("no docstring summary")
    if problems:
        raise ConfigError.make(Errors.E053, plugin=where, detail="; ".join(problems))


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    """Every known rule by code, sorted by code; two rules with one code are an error."""
    found: dict[str, tuple[str, type[Rule]]] = {}
    entries: list[tuple[str, type[Rule]]] = []
    for rule in _builtin():
        _check_declaration(rule, f"{rule.__module__}.{rule.__qualname__}")
        entries.append((f"{rule.__module__}.{rule.__qualname__}", rule))
    entries.extend(_plugins())
    for where, rule in entries:
        if rule.code in found and found[rule.code][1] is not rule:
            raise ConfigError.make(
                Errors.E051,
                path="settings",
                rule_code=rule.code,
                first=found[rule.code][0],
                second=where,
            )
        found[rule.code] = (where, rule)
    return {code: found[code][1] for code in sorted(found)}


def matches(selector: str, rule: type[Rule]) -> int:
    """How specifically `selector` names `rule` (0: not at all; longer match, higher).

    A selector is a code ("DC004"), a code prefix ("DC", "DC00"), a dotted name
    ("discrepancy.person-in-role") or a name prefix ending at a dot ("discrepancy"), or "ALL".
    """
    if selector.upper() == "ALL":
        return 1
    if selector == rule.code:
        return 1000
    if rule.code.startswith(selector) and selector[:1].isupper():
        return 10 + len(selector)
    if selector == rule.name:
        return 900
    if rule.name.startswith(selector + "."):
        return 10 + len(selector)
    return 0


def resolve(selectors: list[str], rules: dict[str, type[Rule]], *, setting: str) -> set[str]:
    """Codes named by `selectors`; a selector that names no rule is ConfigError E050."""
    out: set[str] = set()
    for sel in selectors:
        hit = {code for code, rule in rules.items() if matches(sel, rule)}
        if not hit:
            raise ConfigError.make(Errors.E050, path=f"settings.{setting}", selector=sel)
        out |= hit
    return out


def severity_for(rule: type[Rule], overrides: dict[str, Severity]) -> Severity:
    """The severity of `rule` after `settings.severity`: the most specific selector wins."""
    best: tuple[int, str] | None = None
    for sel in sorted(overrides):
        score = matches(sel, rule)
        if score and (best is None or score > best[0]):
            best = (score, sel)
    return overrides[best[1]] if best else rule.default_severity


def selected_codes(settings: Settings, rules: dict[str, type[Rule]] | None = None) -> list[str]:
    """Codes of the rules settings.select/ignore leave on, sorted (select empty: all)."""
    rules = rules if rules is not None else all_rules()
    chosen = resolve(settings.select, rules, setting="select") if settings.select else set(rules)
    chosen -= resolve(settings.ignore, rules, setting="ignore")
    resolve(sorted(settings.severity), rules, setting="severity")
    for code in sorted(settings.rules):
        if code not in rules:
            raise ConfigError.make(Errors.E050, path="settings.rules", selector=code)
        rules[code].resolve_options(settings.rules[code])
    return sorted(chosen)


def instantiate(settings: Settings, rules: dict[str, type[Rule]] | None = None) -> list[Rule]:
    """Configured instances of the selected rules, in code order (deterministic)."""
    rules = rules if rules is not None else all_rules()
    return [
        rules[code](
            options=settings.rules.get(code, {}),
            severity=severity_for(rules[code], settings.severity),
        )
        for code in selected_codes(settings, rules)
    ]

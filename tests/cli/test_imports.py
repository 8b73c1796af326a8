"""Lazy heavy imports: the quick commands and the backends module load no model library."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "spacy", "sentence_transformers", "transformers")
PROBE = """
import sys
{setup}
print("loaded:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _loaded(setup: str) -> list[str]:
    code = PROBE.format(setup=setup, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("loaded:")
    return [m for m in line.removeprefix("loaded:").split(",") if m]


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["report", "--help"]])
def test_quick_commands_import_no_model_library(argv: list[str]) -> None:
    setup = (
        "import contextlib, io\n"
        "from factcheck.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({argv!r}) == 0\n"
    )
    assert _loaded(setup) == []


def test_backends_module_does_not_import_torch() -> None:
    assert "torch" not in _loaded("import factcheck.match.backends")

"""Lazy heavy imports: the quick commands and the backends module load no model library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "spacy", "sentence_transformers", "transformers")
# What the default run needs besides: onnx and the quantizer only make the export.
RUNTIME = ("onnxruntime", "tokenizers", "onnx", "pydantic")
PROBE = """
import sys
{setup}
print("loaded:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _loaded(setup: str, modules: tuple[str, ...] = HEAVY, *, timeout: int = 120) -> list[str]:
    code = PROBE.format(setup=setup, heavy=modules)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=timeout
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
    # pydantic too: the quick commands read no settings and build no model.
    assert _loaded(setup, (*HEAVY, "pydantic")) == []


def test_backends_module_does_not_import_torch() -> None:
    assert "torch" not in _loaded("import factcheck.match.backends")


@pytest.mark.slow
def test_a_cold_int8_run_imports_no_torch(tmp_path: Path) -> None:
    """Once the ONNX export exists, a run that parses, embeds and verifies needs no PyTorch;
    a rerun over its cache loads no model at all."""
    from factcheck.match.backends import load_encoder, resolve_model_path
    from factcheck.settings import Settings

    settings = Settings()
    assert settings.embedding_backend == "onnx-int8" and settings.verifier != "off"
    # Made here when missing (that one-off export is what needs torch), in this process.
    load_encoder(resolve_model_path(settings.embedding_model), backend="onnx-int8", export_dir=None)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text(
        "The river council approved a new bridge on Monday. Work starts in May.\n"
    )
    (corpus / "two.txt").write_text(
        "A new bridge was approved by the river council on Monday. Building begins in June.\n"
    )
    out = tmp_path / "out"  # a fresh cache: extraction, embedding and the verifier all run
    setup = (
        "from factcheck.cli import main\n"
        f"assert main(['report', {str(corpus)!r}, '-o', {str(out)!r}, '-q']) == 0\n"
    )
    loaded = _loaded(setup, (*HEAVY, *RUNTIME), timeout=600)
    assert (out / "report.json").is_file()
    assert sorted(loaded) == ["onnxruntime", "pydantic", "spacy", "tokenizers"], loaded
    # Again over the same cache: everything comes from it, so no model and no claim layer loads,
    # nor numpy (vectors and matching) or the rule test helpers (they annotate claims).
    lean = (
        "factcheck.extract.claims",
        "numpy",
        "factcheck.rules.testing",
        "factcheck.extract.stance",
    )
    loaded = _loaded(setup, (*HEAVY, *RUNTIME, *lean), timeout=600)
    assert loaded == ["pydantic"], loaded

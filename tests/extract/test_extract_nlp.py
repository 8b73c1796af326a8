"""Loading spaCy: which pipelines may run without PyTorch (thinc would import it for them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.extract.nlp import needs_torch, resolve_model


def _pipeline(root: Path, requirements: list[str], architecture: str) -> Path:
    """A pipeline folder with just the two files `needs_torch` reads."""
    root.mkdir()
    (root / "meta.json").write_text(json.dumps({"name": "test", "requirements": requirements}))
    (root / "config.cfg").write_text(
        f'[components.tok2vec.model]\n@architectures = "{architecture}"\n'
    )
    return root


@pytest.mark.parametrize(
    ("requirements", "architecture", "expected"),
    [
        (["spacy>=3.7.5,<3.9.0"], "spacy.Tok2Vec.v2", False),  # a CNN pipeline: NumPy
        ([], "spacy.HashEmbedCNN.v2", False),
        (["spacy>=3.7", "spacy-curated-transformers>=0.2.2,<1.0.0"], "spacy.Tok2Vec.v2", True),
        (["spacy>=3.7"], "spacy-transformers.TransformerModel.v3", True),
        (["spacy>=3.7"], "my.PyTorchWrapper.v1", True),
        (["my-layers[gpu]==1.0"], "spacy.Tok2Vec.v2", True),
    ],
)
def test_needs_torch_reads_requirements_and_architectures(
    tmp_path: Path, requirements: list[str], architecture: str, expected: bool
) -> None:
    folder = _pipeline(tmp_path / "pipeline", requirements, architecture)
    assert needs_torch(str(folder)) is expected


def test_a_pipeline_it_cannot_read_counts_as_needing_torch(tmp_path: Path) -> None:
    assert needs_torch(str(tmp_path / "missing")) is True
    folder = tmp_path / "no-config"
    folder.mkdir()
    (folder / "meta.json").write_text('{"requirements": []}')
    assert needs_torch(str(folder)) is True


def test_the_default_pipeline_runs_without_torch() -> None:
    assert needs_torch(resolve_model("en_core_web_sm")) is False

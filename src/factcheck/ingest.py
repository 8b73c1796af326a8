"""Ingest: read documents from files and folders into normalised Document models (PLACEHOLDER)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from .errors import InputError
from .models import Document
from .settings import Settings

SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".json": "json"}


def collect_paths(paths: Sequence[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise InputError.make("E001", path=p)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.suffix.lower() in SUFFIXES and q.is_file()))
        else:
            out.append(p)
    if not out:
        raise InputError.make("E009", path=", ".join(map(str, paths)))
    return out


def read_document(path: Path, *, settings: Settings) -> Document:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    return Document(
        id=path.stem, path=str(path), format="txt", content_hash=hashlib.sha256(raw).hexdigest(),
        encoding="utf-8", characters=len(text), text=text, original=text,
    )


def load_documents(paths: Sequence[str | Path], *, settings: Settings) -> list[Document]:
    return [read_document(p, settings=settings) for p in collect_paths(paths)]

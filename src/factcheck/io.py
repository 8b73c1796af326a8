"""Atomic file writing and JSON (de)serialisation of models: nothing is ever half-written."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Errors, FactcheckError, InputError

M = TypeVar("M", bound=BaseModel)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then rename it over `path`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; reports are meant to be read by others (a web server, CI).
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# Canonical JSON: sorted keys, two-space indent, UTF-8 kept (and a trailing newline).
_CANONICAL = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)


def dumps_json(data: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 kept, trailing newline."""
    return _CANONICAL.encode(data) + "\n"


def model_json(model: BaseModel) -> str:
    return dumps_json(model.model_dump(mode="json"))


def model_json_chunks(model: BaseModel, *, size: int = 1 << 20) -> Iterator[str]:
    """`model_json(model)` in pieces of about `size` characters, for writing a large report to a
    file without holding its whole text (the pieces join to exactly `model_json`'s text)."""
    encoded = _CANONICAL.iterencode(model.model_dump(mode="json"))
    return coalesce(itertools.chain(encoded, ("\n",)), size=size)


def coalesce(chunks: Iterable[str], *, size: int = 1 << 20) -> Iterator[str]:
    """`chunks` joined into pieces of at least `size` characters but the last (and at least one
    piece): a renderer's many small strings written in few writes, never all held at once."""
    piece: list[str] = []
    held = 0
    yielded = False
    for chunk in chunks:
        piece.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(piece)
            piece, held, yielded = [], 0, True
    if piece or not yielded:
        yield "".join(piece)


def write_model(path: str | Path, model: BaseModel) -> None:
    atomic_write_text(path, model_json(model))


def read_model(path: str | Path, cls: type[M]) -> M:
    """Read and validate a JSON file; errors name the file."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.make(Errors.E001, path=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.make(Errors.E040, path=p, detail=str(exc)) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError.make(
            Errors.E040, path=p, detail=f"{exc.msg} at line {exc.lineno}"
        ) from None
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise InputError.make(Errors.E041, path=p, detail=f"{loc}: {first['msg']}") from None


__all__ = [
    "FactcheckError",
    "atomic_write_bytes",
    "atomic_write_text",
    "coalesce",
    "dumps_json",
    "model_json",
    "read_model",
    "write_model",
]

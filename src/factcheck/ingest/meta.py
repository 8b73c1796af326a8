"""Document metadata: YAML front matter, sidecar NAME.meta.json and JSON documents, strictly checked."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ErrorMessage, Errors, FactcheckError, InputError
from ..models import DocumentMeta
from .dates import parse_date
from .textmap import Builder, Mapped

# Accepted spellings of each DocumentMeta field.
KEYS: dict[str, str] = {
    "title": "title",
    "headline": "title",
    "source": "source",
    "publisher": "source",
    "site": "source",
    "site_name": "source",
    "url": "url",
    "link": "url",
    "canonical_url": "url",
    "published": "published",
    "date": "published",
    "published_at": "published",
    "publication_date": "published",
    "pubdate": "published",
    "date_published": "published",
    "datepublished": "published",
    "published_date": "published",
    "author": "author",
    "authors": "author",
    "byline": "author",
    "language": "language",
    "lang": "language",
}
TEXT_KEYS = ("text", "body", "content")
SIDECAR_SUFFIX = ".meta.json"
_FRONT = re.compile(r"\A---[ \t]*\r?\n")
_FRONT_END = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)


@dataclass
class FrontMatter:
    meta: DocumentMeta
    body_start: int


def validate(
    data: Mapping[str, Any], *, path: str | Path, code: ErrorMessage, where: str
) -> DocumentMeta:
    """DocumentMeta from a mapping of metadata keys; unknown keys and wrong types are errors."""
    fields: dict[str, Any] = {}
    for key, value in data.items():
        name = KEYS.get(str(key).lower().replace("-", "_").replace(" ", "_"))
        if name is None:
            raise InputError.make(
                code,
                path=path,
                detail=f"{where}: unknown key {key!r} "
                f"(expected one of {', '.join(sorted(set(KEYS.values())))})",
            )
        if value is None:
            continue
        if name in fields:
            raise InputError.make(code, path=path, detail=f"{where}: {name!r} is given twice")
        fields[name] = _value(name, value, path=path, code=code, where=f"{where}: {key}")
    return DocumentMeta(**fields)


def _value(name: str, value: Any, *, path: str | Path, code: ErrorMessage, where: str) -> Any:
    def fail(why: str) -> FactcheckError:
        return InputError.make(code, path=path, detail=f"{where}: {why}")

    if name == "published":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and (date := parse_date(value)) is not None:
            return date
        raise fail(f"{value!r} is not a date (use YYYY-MM-DD)")
    if name == "author" and isinstance(value, list):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail("expected a name or a list of names")
        return ", ".join(v.strip() for v in value)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise fail("is empty")
    if name == "url" and not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text, re.I):
        raise fail(f"{text!r} is not a URL")
    return text


def front_matter(text: str, *, path: str | Path) -> FrontMatter | None:
    """YAML front matter at the top of `text` (a block between '---' lines), or None."""
    m = _FRONT.match(text)
    if not m:
        return None
    end = _FRONT_END.search(text, m.end())
    if end is None:
        raise InputError.make(Errors.E006, path=path, detail="no closing '---' line")
    block = text[m.end() : end.start()]
    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError.make(Errors.E006, path=path, detail=f"{problem}{at}") from None
    if not isinstance(data, dict):
        raise InputError.make(Errors.E006, path=path, detail="expected 'key: value' lines")
    meta = validate(data, path=path, code=Errors.E006, where="front matter")
    return FrontMatter(meta=meta, body_start=end.end())


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path, raw: bytes) -> DocumentMeta:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError.make(Errors.E007, path=path, detail="not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputError.make(
            Errors.E007, path=path, detail=f"{exc.msg} at line {exc.lineno}"
        ) from None
    if not isinstance(data, dict):
        raise InputError.make(Errors.E007, path=path, detail="expected a JSON object")
    return validate(data, path=path, code=Errors.E007, where="sidecar")


def merge(*metas: DocumentMeta | None) -> DocumentMeta:
    """Later metadata wins field by field."""
    fields: dict[str, Any] = {}
    for meta in metas:
        if meta is not None:
            fields.update(meta.model_dump(exclude_none=True))
    return DocumentMeta(**fields)


# --------------------------------------------------------------------------- JSON documents

_ESCAPE = re.compile(
    r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)"
)


def json_document(source: str, *, path: str | Path) -> tuple[Mapped, DocumentMeta]:
    """Article text and metadata of a JSON document, the text mapped to its escapes in the file."""
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise InputError.make(
            Errors.E007, path=path, detail=f"not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None
    if not isinstance(data, dict):
        raise InputError.make(Errors.E007, path=path, detail="a JSON document must be an object")
    present = [k for k in TEXT_KEYS if k in data]
    if not present:
        raise InputError.make(Errors.E007, path=path, detail=f"no {' / '.join(TEXT_KEYS)} key")
    if len(present) > 1:
        raise InputError.make(
            Errors.E007, path=path, detail=f"more than one text key: {', '.join(present)}"
        )
    key = present[0]
    body = data[key]
    if not isinstance(body, str):
        raise InputError.make(Errors.E007, path=path, detail=f"{key!r} must be a string")
    meta = validate(
        {k: v for k, v in data.items() if k != key},
        path=path,
        code=Errors.E007,
        where="JSON document",
    )
    start = _value_position(source, key)
    mapped = _map_string(source, start, body) if start is not None else None
    if mapped is None:
        # Could not find the value (duplicate keys, odd layout): map it all to its key.
        builder = Builder()
        builder.put(body, 0, len(source))
        mapped = builder.build()
    return mapped, meta


def _value_position(source: str, key: str) -> int | None:
    """Offset of the opening quote of the top-level string value of `key`."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
    i = ws.match(source, 0).end()  # type: ignore[union-attr]
    if source[i : i + 1] != "{":
        return None
    i += 1
    found: int | None = None
    while True:
        i = ws.match(source, i).end()  # type: ignore[union-attr]
        if source[i : i + 1] == "}":
            return found
        name, i = decoder.raw_decode(source, i)
        i = ws.match(source, i).end()  # type: ignore[union-attr]
        i = ws.match(source, i + 1).end()  # type: ignore[union-attr]  # past ':'
        if name == key:
            found = i  # the last duplicate wins, as in json.loads
        _, i = decoder.raw_decode(source, i)
        i = ws.match(source, i).end()  # type: ignore[union-attr]
        if source[i : i + 1] == ",":
            i += 1


def _map_string(source: str, quote: int, expected: str) -> Mapped | None:
    builder = Builder()
    i = quote + 1
    while True:
        m = _ESCAPE.search(source, i)
        close = source.find('"', i)
        if m is None or close < m.start():
            builder.put_verbatim(source[i:close], i)
            break
        builder.put_verbatim(source[i : m.start()], i)
        builder.put(json.loads(f'"{m.group()}"'), m.start(), m.end())
        i = m.end()
    mapped = builder.build()
    return mapped if mapped.text == expected else None

"""JSON Schemas generated from the pydantic models into schemas/, and a staleness check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .io import atomic_write_text, dumps_json
from .models import Claim, ClaimSet, DocumentMeta, Report, ReviewsFile
from .settings import Settings

SCHEMAS: dict[str, type[BaseModel]] = {
    "claim": Claim,
    "claims": ClaimSet,
    "report": Report,
    "reviews": ReviewsFile,
    "config": Settings,
    "meta": DocumentMeta,
}
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(name: str) -> dict[str, Any]:
    schema = SCHEMAS[name].model_json_schema(mode="serialization")
    schema["$schema"] = SCHEMA_DIALECT
    schema["$id"] = f"https://factcheck.invalid/schemas/{name}.schema.json"
    return schema


def rendered() -> dict[str, str]:
    """File name -> canonical JSON text of every schema."""
    return {f"{name}.schema.json": dumps_json(schema_for(name)) for name in sorted(SCHEMAS)}


def write_schemas(folder: Path) -> list[Path]:
    written = []
    for filename, text in rendered().items():
        path = folder / filename
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            written.append(path)
    return written


def stale_schemas(folder: Path) -> list[Path]:
    """Schema files that are missing or differ from what the models generate."""
    stale = []
    for filename, text in rendered().items():
        path = folder / filename
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def load_schema(name: str, folder: Path | None = None) -> dict[str, Any]:
    """A schema from `folder` when given, else freshly generated (the two are equal when fresh)."""
    if folder is not None:
        import json

        data: dict[str, Any] = json.loads(
            (folder / f"{name}.schema.json").read_text(encoding="utf-8")
        )
        return data
    return schema_for(name)

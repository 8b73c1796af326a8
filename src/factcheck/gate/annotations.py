"""What the gate prints to a CI log: plain `file:line:` lines and GitHub workflow commands, both escaped.

GitHub Actions reads any output line that starts with `::` as a workflow command (`::error`,
`::stop-commands::`...). File names and messages come from the corpus, so every line the
gate prints goes through :func:`safe_line` (or is a command built by
:func:`github_annotation`): CR and LF cannot start a new line, `%` cannot smuggle an escape,
and no plain line starts with `::`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Literal

from ..models import Severity
from .evaluate import GateItem

__all__ = [
    "LEVEL",
    "escape_data",
    "escape_property",
    "gained_annotations",
    "github_annotation",
    "in_github_actions",
    "safe_line",
]

Level = Literal["error", "warning", "notice"]
# Annotation level per finding severity.
LEVEL: dict[Severity, Level] = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped as GitHub's runner unescapes them."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value: as a message, plus `:` and `,`."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def safe_line(text: str) -> str:
    """One plain log line that GitHub cannot read as a workflow command.

    Line breaks are escaped as in a command's message, so a file name holding a newline stays
    on its line; a line that would start with `::` gets a leading space.
    """
    line = escape_data(text)
    return " " + line if line.startswith("::") else line


def github_annotation(item: GateItem, *, level: Level | None = None, note: str = "") -> str:
    """A workflow command `::error file=...,line=...::message`, escaped per the command rules.

    The level follows the finding's severity (error, warning, notice) unless given; `note`
    is added to the message after a semicolon.
    """
    f = item.finding
    props: list[tuple[str, str]] = []
    if item.location is not None:
        loc = item.location
        props += [("file", loc.path), ("line", str(loc.line)), ("col", str(loc.column))]
        props += [("endLine", str(loc.end_line))]
        if loc.end_line == loc.line:
            props.append(("endColumn", str(loc.end_column)))
    props.append(("title", f"{f.rule} {f.name}"))
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    message = f"{item.message} [{f.rule} {f.fingerprint}]"
    if item.contradicts:  # only the other side: sources giving the same value agree with it
        against = sorted({item.name_of(d) for d in item.contradicts})
        message += f" (contradicts {', '.join(against)})"
    if note:
        message += f"; {note}"
    return f"::{level or LEVEL[f.severity]} {head}::{escape_data(message)}"


def gained_annotations(items: Iterable[GateItem]) -> list[str]:
    """A `::notice` for each reviewed finding that gained evidence since its review and does
    not fail: the verdict still holds, and the notice says which sources joined it."""
    return [
        github_annotation(i, level="notice", note=i.gained)
        for i in items
        if i.gained and not i.failing
    ]


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS", "").lower() == "true"

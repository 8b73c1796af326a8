"""What the gate prints to a CI log: plain `file:line:` lines and GitHub workflow commands, both escaped.

GitHub Actions reads any output line that starts with `::` as a workflow command (`::error`,
`::stop-commands::`...). File names and messages come from the corpus, so every line the
gate prints goes through :func:`safe_line` (or is a command built by
:func:`github_annotation`): CR and LF cannot start a new line, `%` cannot smuggle an escape,
and no plain line starts with `::`. Other control characters (ESC, which starts a terminal
escape sequence that colours, hides or rewrites what a CI log shows, and the rest of C0, DEL
and C1) are percent-encoded the same way (`%1B`), and so are the bytes of a file name that is
not UTF-8. Error lines, which show names Python-style (`\\n`, `caf\\xe9.txt`), get the same
characters as `\\x1b` (:func:`factcheck.errors.backslash_controls`, which every error line
goes through).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Literal

from ..errors import backslash_controls
from ..models import Severity
from .evaluate import GateItem

__all__ = [
    "LEVEL",
    "backslash_controls",
    "escape_controls",
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


# C0 controls (CR, LF, TAB, ESC...), DEL, C1 controls (U+0080-U+009F; U+009B is a one-character
# CSI) and the lone surrogates that stand for the bytes of a file name that is not UTF-8.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")


def _percent(match: re.Match[str]) -> str:
    ch = match.group()
    if ord(ch) >= 0xDC80:  # a byte of a name that is not UTF-8, as os.fsdecode keeps it
        return f"%{ord(ch) - 0xDC00:02X}"
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))


def escape_controls(value: str) -> str:
    """`value` with every control character percent-encoded (UTF-8): ESC as `%1B`, CR `%0D`,
    LF `%0A`, U+009B `%C2%9B`; a byte of a file name that is not UTF-8 as itself (`%E9`)."""
    return _CONTROL.sub(_percent, value)


def escape_data(value: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped as GitHub's runner unescapes them,
    and every other control character percent-encoded too (the runner leaves `%1B` as it is,
    so no escape sequence reaches the log or the annotation)."""
    return escape_controls(value.replace("%", "%25"))


def escape_property(value: str) -> str:
    """A workflow command's property value: as a message, plus `:` and `,`."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def safe_line(text: str) -> str:
    """One plain log line that GitHub cannot read as a workflow command.

    Line breaks and other control characters are escaped as in a command's message, so a file
    name holding a newline stays on its line and one holding ESC cannot colour, hide or rewrite
    the log; a line that would start with `::` gets a leading space.
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

"""Error catalogue: every error factcheck raises has a code, a message naming the file or setting, and an exit code."""

from __future__ import annotations

import os
import re
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """CLI exit codes (named, as in detect-secrets and click)."""

    OK = 0
    FINDINGS = 1  # the gate found new, unreviewed findings at the failing level
    USAGE = 2  # bad arguments, bad input or bad configuration
    INTERNAL = 3


class ErrorMessage:
    """One catalogue entry: its code (the attribute name in `Errors`) and its message template."""

    __slots__ = ("code", "template")

    def __init__(self, template: str) -> None:
        self.code = ""
        self.template = template

    def __set_name__(self, owner: type, name: str) -> None:
        self.code = name

    def format(self, **values: object) -> str:
        return self.template.format(**values)

    def __repr__(self) -> str:
        return f"Errors.{self.code}"


class Errors:
    """One catalogue of codes, as in spaCy's errors.py: the code is stable, the text is a template.

    Raise with `InputError.make(Errors.E001, path=...)`; a misspelt code fails under mypy.
    """

    E001 = ErrorMessage("path does not exist")
    E002 = ErrorMessage("file is empty")
    E003 = ErrorMessage("file looks binary (contains NUL bytes or mostly control characters)")
    E004 = ErrorMessage(
        "file is not valid UTF-8 and could not be decoded with the fallback encoding {encoding}"
    )
    E005 = ErrorMessage(
        "file is {size} bytes, over the limit of {limit} bytes (setting max_document_bytes)"
    )
    E006 = ErrorMessage("malformed front matter: {detail}")
    E007 = ErrorMessage("malformed metadata: {detail}")
    E008 = ErrorMessage("unsupported file type {suffix!r} (expected {expected})")
    E009 = ErrorMessage("no documents found")
    E010 = ErrorMessage("two documents share the id {id!r}: {other}")
    E011 = ErrorMessage("document has no article text left after removing page furniture")
    E012 = ErrorMessage("symlink loop: the link never reaches a file")
    E013 = ErrorMessage("cannot read {what}: {detail}")
    E020 = ErrorMessage("invalid configuration: {detail}")
    E021 = ErrorMessage("cannot read configuration: {detail}")
    E030 = ErrorMessage("cannot load model {model!r}: {detail}")
    E040 = ErrorMessage("invalid JSON file: {detail}")
    E041 = ErrorMessage("file does not match its schema: {detail}")
    E050 = ErrorMessage("unknown rule selector {selector!r}")
    E060 = ErrorMessage("git error: {detail}")
    E061 = ErrorMessage("--since {rev!r} is not a commit in this repository")
    E062 = ErrorMessage("changed file is not a document of the corpus (nor its metadata sidecar)")
    E070 = ErrorMessage("cache error: {detail}")
    E090 = ErrorMessage("cannot write to the output folder: {detail}")
    E091 = ErrorMessage("cannot write the reports: {detail}")
    E092 = ErrorMessage("system error: {detail}")
    E051 = ErrorMessage("two rules share the code {rule_code!r}: {first} and {second}")
    E052 = ErrorMessage("rule {rule}: {detail}")
    E053 = ErrorMessage("cannot load rule plugin {plugin!r}: {detail}")
    E080 = ErrorMessage(
        "the Ray engine needs Ray, which is not installed ({detail}); install it with: pip install 'factcheck[ray]'"
    )
    E081 = ErrorMessage("cannot start or join the Ray cluster: {detail}")
    E082 = ErrorMessage("a Ray worker failed: {detail}")


def shown_path(path: str | Path) -> str:
    """`path` as text that always prints and serialises: bytes that are not UTF-8 appear escaped.

    A file name is bytes on POSIX; Python keeps undecodable ones as lone surrogates, which JSON
    and pydantic refuse. `caf\\xe9.txt` is shown for the Latin-1 name, the same every run.
    """
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that no file name decodes to
        raw = str(path).encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


# Control characters but CR and LF (shown as \\r and \\n): the rest of C0 (ESC starts a sequence
# that colours, hides or rewrites what a terminal or CI log shows), DEL, C1 (U+009B is a
# one-character CSI) and the lone surrogates that stand for the bytes of a name not in UTF-8.
_CONTROL_BUT_LINE_BREAKS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\udc80-\udcff]")


def backslash_controls(value: str) -> str:
    """`value` with every control character but CR and LF shown as `\\xNN`, as Python shows
    the bytes of a file name (ESC as `\\x1b`, the byte 0xE9 of a Latin-1 name as `\\xe9`)."""

    def shown(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00 if code >= 0xDC80 else code:02x}"

    return _CONTROL_BUT_LINE_BREAKS.sub(shown, value)


def one_line(text: str) -> str:
    """`text` as one log line whatever a file name holds: CR and LF shown as \\r and \\n, every
    other control character as `\\xNN` (so ESC cannot colour or rewrite the log), and a leading
    `::` (which GitHub Actions reads as a workflow command) shown as `./::`."""
    text = backslash_controls(text.replace("\r", "\\r").replace("\n", "\\n"))
    return "./" + text if text.startswith("::") else text


class FactcheckError(Exception):
    """An error a user can act on. `str()` is one line: '<path>: <message> [<code>]'."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, code: str, message: str, *, path: str | Path | None = None) -> None:
        self.code = code
        self.message = message
        self.path = shown_path(path) if path is not None else None
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return one_line(f"{where}{self.message} [{self.code}]")

    @classmethod
    def make(
        cls, error: ErrorMessage, *, path: str | Path | None = None, **values: object
    ) -> FactcheckError:
        return cls(error.code, error.format(**values), path=path)


class InputError(FactcheckError):
    """A document or path given by the user cannot be read."""


class ConfigError(FactcheckError):
    """A configuration file or setting is invalid."""


class OutputError(FactcheckError):
    """The output folder, or a file in it, cannot be written (read-only, full disk, ...)."""


class ModelLoadError(FactcheckError):
    """A model (spaCy or sentence-transformers) cannot be loaded."""

    exit_code = ExitCode.INTERNAL

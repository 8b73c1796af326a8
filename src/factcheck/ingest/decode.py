"""Reading a document's bytes safely: size limit, binary detection, UTF-8 with a fallback encoding."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Errors, InputError, shown_path

log = logging.getLogger("factcheck.ingest")

# C0 controls other than tab, LF, VT, FF, CR; DEL; and the C1 block.
_C0 = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# More than this share of control bytes and a file is not text, whatever its encoding claims.
BINARY_CONTROL_SHARE = 0.05
SAMPLE_BYTES = 65536


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_bytes(path: Path, *, limit: int) -> bytes:
    """The file's bytes; E001 when missing, E005 (checked before reading) when too large."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError.make(Errors.E001, path=path) from None
    except OSError as exc:
        raise InputError.make(Errors.E013, path=path, what="file", detail=exc.strerror) from None
    if size > limit:
        raise InputError.make(Errors.E005, path=path, size=size, limit=limit)
    if size == 0:
        raise InputError.make(Errors.E002, path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError.make(Errors.E013, path=path, what="file", detail=exc.strerror) from None


def looks_binary(raw: bytes) -> bool:
    sample = raw[:SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    return len(_C0.findall(sample)) > BINARY_CONTROL_SHARE * max(len(sample), 1)


def decode(raw: bytes, *, path: str | Path, fallback: str) -> Decoded:
    """Decode `raw`: UTF-16 with a BOM, else UTF-8 (BOM removed), else `fallback` with a warning."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(Decoded(raw.decode("utf-16"), "utf-16"), path=path, fallback=fallback)
        except UnicodeDecodeError:
            raise InputError.make(Errors.E004, path=path, encoding="utf-16") from None
    if looks_binary(raw):
        raise InputError.make(Errors.E003, path=path)
    if raw.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", raw[len(codecs.BOM_UTF8) :]
    else:
        encoding, body = "utf-8", raw
    try:
        return _checked(Decoded(body.decode("utf-8"), encoding), path=path, fallback=fallback)
    except UnicodeDecodeError as exc:
        reason = f"not valid UTF-8 at byte {exc.start}"
    try:
        text = raw.decode(fallback)
    except (UnicodeDecodeError, LookupError):
        raise InputError.make(Errors.E004, path=path, encoding=fallback) from None
    message = f"{shown_path(path)}: {reason}; decoded with the fallback encoding {fallback}"
    log.warning(message)
    return _checked(Decoded(text, fallback, [message]), path=path, fallback=fallback)


def _checked(decoded: Decoded, *, path: str | Path, fallback: str) -> Decoded:
    # A fallback such as latin-1 decodes any byte; C1 controls in the result mean it guessed wrong.
    controls = len(_CONTROL_TEXT.findall(decoded.text[:SAMPLE_BYTES]))
    if controls > BINARY_CONTROL_SHARE * max(len(decoded.text[:SAMPLE_BYTES]), 1) or (
        decoded.encoding == fallback and controls
    ):
        if decoded.encoding == fallback:
            raise InputError.make(Errors.E004, path=path, encoding=fallback)
        raise InputError.make(Errors.E003, path=path)
    return decoded

"""Character normalisation (NFC, odd spaces, zero-width and control characters, line endings)."""

from __future__ import annotations

import re
import unicodedata

from .textmap import Builder, Mapped

_NEWLINES = re.compile(r"\r\n|\r|[\u2028\u2029\x85]")
# Invisible characters that carry no text: zero-width spaces and joiners, word joiner, BOM,
# soft hyphen, bidi marks and embeddings, and stray control characters.
_INVISIBLE = re.compile(
    "[\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]+"
)
# Spaces other than U+0020, tab, vertical tab and form feed all become one plain space each.
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
_SPACE_RUN = re.compile(r"( ) +")
_EDGE_SPACE = re.compile(r"^ +| +$", re.MULTILINE)
_BLANK_RUN = re.compile(r"(\n\n)\n+")


def normalise_characters(text: Mapped) -> Mapped:
    """NFC, line endings to \\n, odd spaces to a space, invisible characters removed.

    Curly quotes and dashes are kept: they are part of what the document says.
    """
    text = text.sub(_NEWLINES, _newline)
    text = text.sub(_INVISIBLE, "")
    text = text.sub(_ODD_SPACE, " ")
    return nfc(text)


def _newline(m: re.Match[str]) -> str:
    return "\n"


def tidy(text: Mapped) -> Mapped:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    text = text.keep_groups(_SPACE_RUN, 1)
    text = text.sub(_EDGE_SPACE, "")
    text = text.keep_groups(_BLANK_RUN, 1)
    start, end = 0, len(text)
    while start < end and text.text[start] == "\n":
        start += 1
    while end > start and text.text[end - 1] == "\n":
        end -= 1
    return text if (start, end) == (0, len(text)) else text.slice(start, end)


def nfc(text: Mapped) -> Mapped:
    """Unicode NFC, mapping each composed cluster to the characters it was composed from."""
    if unicodedata.is_normalized("NFC", text.text):
        return text
    builder = Builder(text)
    s = text.text
    i = 0
    n = len(s)
    while i < n:
        # Grow a cluster while adding the next character changes how it composes.
        j = i + 1
        while j < n and (
            unicodedata.combining(s[j])
            or unicodedata.normalize("NFC", s[i : j + 1])
            != unicodedata.normalize("NFC", s[i:j]) + unicodedata.normalize("NFC", s[j])
        ):
            j += 1
        cluster = s[i:j]
        composed = unicodedata.normalize("NFC", cluster)
        if composed == cluster:
            builder.keep(i, j)
        else:
            builder.replace(composed, i, j)
        i = j
    return builder.build()

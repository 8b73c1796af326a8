"""The input formats, in one table: file suffixes, the reader that turns a file's text into article
text and metadata, and whether the original file is plain text (offsets in it show the claim).

To add a format: write a reader `(original, path) -> Body`, add an `InputFormat` row below and
its name to `models.DocFormat`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import DocFormat, DocumentMeta
from . import html as html_format
from .markup import strip_markdown
from .meta import front_matter, json_document
from .textmap import Mapped

__all__ = ["FORMATS", "SUFFIXES", "Body", "InputFormat", "expected_suffixes", "is_plain_text"]


@dataclass(frozen=True)
class Body:
    """What a reader returns: the article text mapped to the file, and metadata found in the file."""

    text: Mapped
    embedded: DocumentMeta | None = None  # front matter or JSON fields
    page: DocumentMeta | None = None  # an HTML head (each field kept only when valid)


@dataclass(frozen=True)
class InputFormat:
    name: DocFormat
    suffixes: tuple[str, ...]
    # The original file is the text itself, so evidence offsets can be shown in it directly.
    plain_text: bool
    read: Callable[[str, str], Body]


def _read_text(original: str, path: str, *, markdown: bool = False) -> Body:
    body = Mapped.identity(original)
    embedded = None
    fm = front_matter(original, path=path)
    if fm is not None:
        embedded = fm.meta
        body = body.slice(fm.body_start, len(original))
    if markdown:
        body = strip_markdown(body)
    return Body(body, embedded=embedded)


def _read_markdown(original: str, path: str) -> Body:
    return _read_text(original, path, markdown=True)


def _read_html(original: str, path: str) -> Body:
    result = html_format.extract(original)
    return Body(result.text, page=_page_meta(result.meta))


def _read_json(original: str, path: str) -> Body:
    body, embedded = json_document(original, path=path)
    return Body(body, embedded=embedded)


def _page_meta(values: dict[str, object]) -> DocumentMeta:
    """What an HTML head says, each field kept only when valid (a page's own tags are not ours to reject)."""
    good: dict[str, object] = {}
    for key, value in values.items():
        try:
            DocumentMeta.model_validate({key: value})
        except ValueError:
            continue
        good[key] = value
    return DocumentMeta.model_validate(good)


FORMATS: tuple[InputFormat, ...] = (
    InputFormat("txt", (".txt",), plain_text=True, read=_read_text),
    InputFormat("md", (".md",), plain_text=True, read=_read_markdown),
    InputFormat("html", (".html", ".htm"), plain_text=False, read=_read_html),
    InputFormat("json", (".json",), plain_text=False, read=_read_json),
)
BY_NAME: dict[str, InputFormat] = {f.name: f for f in FORMATS}
SUFFIXES: dict[str, DocFormat] = {s: f.name for f in FORMATS for s in f.suffixes}


def expected_suffixes() -> str:
    """'.txt, .md, .html, .htm or .json', for error messages."""
    names = list(SUFFIXES)
    return ", ".join(names[:-1]) + " or " + names[-1]


def is_plain_text(name: str) -> bool:
    return BY_NAME[name].plain_text

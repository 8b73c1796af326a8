"""Ingest: read .txt, .md, .html and .json documents (the table in `formats`) into normalised Documents mapped to their files.

Each document goes through: decode (size, binary and encoding checks) -> metadata (front matter,
JSON fields, HTML head, sidecar NAME.meta.json) -> format text extraction (Markdown markers,
HTML tags, JSON escapes) -> character normalisation -> dateline -> page-furniture removal. Every
step keeps a map from the article text back to the decoded file, so any span of `Document.text`
can be located in the file with `Document.locate`.

>>> doc = document_from_text("Loading\\n\\nTokyo hosted the talks.\\n")
>>> doc.text, [d.reason for d in doc.dropped]
('Tokyo hosted the talks.', ['widget'])
"""

from __future__ import annotations

import bisect
import datetime as dt
import errno
import hashlib
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Errors, FactcheckError, InputError, shown_path
from ..models import DocFormat, Document, DocumentMeta, DroppedLine, SkippedFile
from ..settings import Settings
from .dates import find_dateline
from .decode import decode, read_bytes
from .formats import BY_NAME, SUFFIXES, expected_suffixes
from .furniture import classify, credit, has_letters, is_short_label, tokens
from .headline import headline
from .markup import unwrap
from .meta import SIDECAR_SUFFIX, merge, read_sidecar, sidecar_path
from .normalise import normalise_characters, tidy
from .textmap import Builder, Mapped

__all__ = [
    "INGEST_VERSION",
    "SUFFIXES",
    "Corpus",
    "collect_paths",
    "document_from_text",
    "load_corpus",
    "load_documents",
    "read_document",
]

log = logging.getLogger("factcheck.ingest")

# Bump when the same bytes would give a different Document (for cache keys built on content_hash).
INGEST_VERSION = "2"


# --------------------------------------------------------------------------- paths


def collect_paths(
    paths: Sequence[str | Path],
    *,
    follow_symlinks: bool = False,
    keep_going: bool = False,
    skipped: list[SkippedFile] | None = None,
) -> list[Path]:
    """Document files under `paths`, in argument order, folders walked recursively and sorted.

    Folders skip hidden files and folders, sidecar `*.meta.json` files and other suffixes; a file
    named explicitly must have a supported suffix (E008). The same file twice is read once.
    A symlink in a folder that leads outside it is left out, with one warning line naming every
    such link, unless `follow_symlinks`; a symlink loop is an error (E012), and so is a folder
    that cannot be read (E013), which `keep_going` turns into a warning (and an entry in
    `skipped`, when given).
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        real = _real(p)
        if real.is_dir():
            walk = _Walk(p, real, follow_symlinks=follow_symlinks, keep_going=keep_going)
            files = walk.files()
            if skipped is not None:
                skipped += walk.skipped
        elif _is_sidecar(p):
            continue
        elif p.suffix.lower() not in SUFFIXES:
            raise InputError.make(
                Errors.E008, path=p, suffix=p.suffix, expected=expected_suffixes()
            )
        else:
            files = [p]
        for q in files:
            key = _real(q)
            if key not in seen:
                seen.add(key)
                out.append(q)
    if not out:
        raise InputError.make(Errors.E009, path=", ".join(map(shown_path, paths)) or ".")
    return out


def _is_sidecar(p: Path) -> bool:
    return p.name.lower().endswith(SIDECAR_SUFFIX)


def _real(p: Path) -> Path:
    """`p` with every symlink resolved; E012 for a loop, E001 when it leads nowhere."""
    try:
        return p.resolve(strict=True)
    except RuntimeError:  # Python before 3.13 reports a loop this way
        raise InputError.make(Errors.E012, path=p) from None
    except FileNotFoundError:
        raise InputError.make(Errors.E001, path=p) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError.make(Errors.E012, path=p) from None
        raise InputError.make(Errors.E013, path=p, what="path", detail=exc.strerror) from None


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError as exc:
        raise InputError.make(
            Errors.E013, path=entry.path, what="path", detail=exc.strerror
        ) from None


class _Walk:
    """One folder's document files, sorted by their path under it.

    Links inside the folder are read where they point; a link to a folder inside it is not
    walked again (its files are reached where they are). Links that lead outside are collected
    in `left_out` and named in one warning unless `follow_symlinks`.
    """

    def __init__(self, root: Path, real: Path, *, follow_symlinks: bool, keep_going: bool) -> None:
        self.root, self.real = root, real
        self.follow, self.keep_going = follow_symlinks, keep_going
        self.visited = {real}
        self.found: list[tuple[str, Path]] = []
        self.left_out: list[Path] = []
        self.skipped: list[SkippedFile] = []

    def files(self) -> list[Path]:
        self.visit(self.root)
        if self.left_out:
            log.warning(
                "%s: not following %d symlink(s) that lead outside it: %s "
                "(set follow_symlinks = true or pass --follow-symlinks to read them)",
                shown_path(self.root),
                len(self.left_out),
                ", ".join(shown_path(q.relative_to(self.root)) for q in self.left_out),
            )
        return [q for _, q in sorted(self.found)]

    def fail(self, error: FactcheckError) -> None:
        if not self.keep_going:
            raise error
        log.warning("%s; skipped (keep_going)", error)
        self.skipped.append(_skipped(error))

    def visit(self, folder: Path) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.fail(InputError.make(Errors.E013, path=folder, what="folder", detail=exc.strerror))
            return
        for entry in entries:
            q = folder / entry.name
            if entry.name.startswith(".") or _is_sidecar(q):
                continue
            try:
                self.visit_entry(entry, q)
            except InputError as exc:
                self.fail(exc)

    def visit_entry(self, entry: os.DirEntry[str], q: Path) -> None:
        is_document = q.suffix.lower() in SUFFIXES
        if entry.is_symlink():
            try:
                target = _real(q)  # a loop is an error whatever the link is called
            except InputError as exc:
                if exc.code == Errors.E001.code and not is_document:
                    return  # a dangling link to something that would not be read anyway
                raise
            if not (is_document or target.is_dir()):
                return
            if not target.is_relative_to(self.real):
                if not self.follow:
                    self.left_out.append(q)
                    return
            elif target.is_dir():
                return
            if target.is_dir():
                if target not in self.visited:
                    self.visited.add(target)
                    self.visit(q)
                return
        elif _is_dir(entry):
            self.visit(q)
            return
        if is_document:
            self.found.append((q.relative_to(self.root).as_posix(), q))


# --------------------------------------------------------------------------- documents


def document_id(path: Path, roots: Sequence[str | Path]) -> str:
    """A document's id: its path under the folder given that holds it, without the suffix
    ('sub/story' for corpus/sub/story.txt, so two story.txt in different folders are two
    documents), or the file name without suffix for a file given by itself."""
    for root in map(Path, roots):
        if root != path and path.is_relative_to(root):
            return shown_path(path.relative_to(root).with_suffix("").as_posix())
    return shown_path(path.stem)


@dataclass(frozen=True)
class Corpus:
    """The documents read, and the files left out with the reason (for the report)."""

    documents: list[Document]
    skipped: list[SkippedFile]


def _skipped(error: FactcheckError) -> SkippedFile:
    return SkippedFile(path=error.path or "", code=error.code, reason=error.message)


def load_documents(paths: Sequence[str | Path], *, settings: Settings) -> list[Document]:
    """The documents of :func:`load_corpus` (the files it skips are logged as warnings)."""
    return load_corpus(paths, settings=settings).documents


def load_corpus(paths: Sequence[str | Path], *, settings: Settings) -> Corpus:
    """Every document under `paths`, each with its id from `document_id`; two documents with
    the same id (a.txt beside a.md, or one name in two folders given) are an error (E010).

    A document left with no article text (E011: it was all page furniture) is a warning and
    the run goes on without it; so is any other unreadable file or folder under `keep_going`.
    Each one skipped is logged and listed in `Corpus.skipped`, in the order met.
    """
    skipped: list[SkippedFile] = []
    files = collect_paths(
        paths,
        follow_symlinks=settings.follow_symlinks,
        keep_going=settings.keep_going,
        skipped=skipped,
    )
    ids: dict[str, Path] = {}
    id_of: dict[Path, str] = {}
    for p in files:
        doc_id = document_id(p, paths)
        if doc_id in ids:
            raise InputError.make(Errors.E010, path=p, id=doc_id, other=shown_path(ids[doc_id]))
        ids[doc_id] = p
        id_of[p] = doc_id
    documents = []
    for p in files:
        try:
            documents.append(read_document(p, settings=settings, doc_id=id_of[p]))
        except InputError as exc:
            if exc.code != Errors.E011.code and not settings.keep_going:
                raise
            log.warning("%s; skipped", exc)
            skipped.append(_skipped(exc))
    if not documents:
        raise InputError.make(Errors.E009, path=", ".join(map(shown_path, paths)) or ".")
    return Corpus(documents=documents, skipped=skipped)


def read_document(path: str | Path, *, settings: Settings, doc_id: str | None = None) -> Document:
    """Read one file into a Document (errors E001-E008, E011 name the file); `doc_id`
    defaults to the file name without its suffix."""
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        if not path.exists():
            raise InputError.make(Errors.E001, path=path)
        raise InputError.make(
            Errors.E008, path=path, suffix=path.suffix, expected=expected_suffixes()
        )
    raw = read_bytes(path, limit=settings.max_document_bytes)
    digest = hashlib.sha256(raw)
    sidecar = sidecar_path(path)
    sidecar_meta: DocumentMeta | None = None
    if sidecar != path and sidecar.is_file():
        side_raw = read_bytes(sidecar, limit=settings.max_document_bytes)
        sidecar_meta = read_sidecar(sidecar, side_raw)
        # Editing the metadata must invalidate whatever was cached for the document.
        digest.update(b"\x00" + SIDECAR_SUFFIX.encode() + b"\x00" + side_raw)
    decoded = decode(raw, path=path, fallback=settings.fallback_encoding)
    if not decoded.text.strip():
        raise InputError.make(Errors.E002, path=path)
    return _build(
        decoded.text,
        _Source(
            id=doc_id if doc_id is not None else shown_path(path.stem),
            path=shown_path(path),
            format=fmt,
            encoding=decoded.encoding,
            content_hash=digest.hexdigest(),
            warnings=list(decoded.warnings),
        ),
        settings=settings,
        override=sidecar_meta,
    )


def document_from_text(
    text: str,
    *,
    id: str = "doc",
    published: dt.date | None = None,
    title: str | None = None,
    format: DocFormat = "txt",
    settings: Settings | None = None,
) -> Document:
    """A Document from a string, through the same steps as a file (for tests and the API).

    `published` and `title` act as metadata; the path is '<id>'.
    """
    if not text.strip():
        raise InputError.make(Errors.E002, path=f"<{id}>")
    source = _Source(
        id=id,
        path=f"<{id}>",
        format=format,
        encoding="utf-8",
        content_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    )
    return _build(
        text,
        source,
        settings=settings or Settings(),
        override=DocumentMeta(title=title, published=published),
    )


@dataclass
class _Source:
    id: str
    path: str
    format: DocFormat
    encoding: str
    content_hash: str
    warnings: list[str] = field(default_factory=list)


def _build(
    original: str, src: _Source, *, settings: Settings, override: DocumentMeta | None
) -> Document:
    read = BY_NAME[src.format].read(original, src.path)
    body, embedded, page = read.text, read.embedded, read.page
    body = tidy(normalise_characters(body))
    if not body.text:
        raise InputError.make(Errors.E011, path=src.path)
    meta = merge(page, embedded, override)

    lines = _LineIndex(original)
    published, published_from = meta.published, "metadata" if meta.published else None
    if published is None:
        found = find_dateline(body.text.split("\n"))
        if found is not None:
            published, published_from = found[0], "dateline"
    dropped: list[DroppedLine] = []
    if settings.drop_furniture:
        body, dropped = drop_furniture(body, lines)
        body = tidy(body)
    body = unwrap(body)
    if not body.text:
        raise InputError.make(Errors.E011, path=src.path)
    offset_map, end_map = body.breakpoints()
    return Document(
        id=src.id,
        path=src.path,
        format=src.format,
        title=meta.title or _title(body.text),
        source=meta.source,
        url=meta.url,
        published=published,
        published_from=published_from,  # type: ignore[arg-type]
        content_hash=src.content_hash,
        encoding=src.encoding,
        characters=len(body.text),
        dropped=dropped,
        warnings=src.warnings,
        text=body.text,
        original=original,
        offset_map=offset_map,
        end_map=end_map,
    )


def _title(text: str) -> str | None:
    """The text's headline (ingest.headline, the rule the extractor's headline claim follows)."""
    found = headline(text)
    return text[found[0] : found[1]] if found else None


class _LineIndex:
    """1-based line numbers of offsets in the original (LF, CRLF and CR end lines)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def drop_furniture(body: Mapped, lines: _LineIndex) -> tuple[Mapped, list[DroppedLine]]:
    """Remove page-furniture lines (and trailing photo credits), listing each in `dropped`."""
    builder = Builder(body)
    dropped: list[DroppedLine] = []
    seen_labels: set[tuple[str, ...]] = set()
    text = body.text
    for a, b in body.lines():
        line = text[a:b]
        newline = b + 1 if b < len(text) else b
        if not line.strip():
            builder.keep(a, newline)
            continue
        where = lines.line(body.start_of(a))
        reason = classify(line)
        keep_to = b
        if reason is None and (found := credit(line)) is not None:
            start, why = found
            if start == 0:
                reason = why
            else:
                dropped.append(
                    DroppedLine(
                        line=lines.line(body.start_of(a + start)),
                        text=line[start:].strip(),
                        reason=why,
                    )
                )
                keep_to = a + start
        label = tokens(line) if is_short_label(line) else None
        if reason is None and label and label in seen_labels:
            reason = "repeated line"
        if reason is not None:
            dropped.append(DroppedLine(line=where, text=line.strip(), reason=reason))
            continue
        if label and has_letters(line):
            seen_labels.add(label)
        builder.keep(a, keep_to)
        builder.keep(b, newline)
    return builder.build(), dropped

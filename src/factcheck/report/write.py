"""Write report.json, .md, .html and the CSV tables as one set: all or none of a run's files.

The files (report.json, report.md, report.html, report.csv and sources.csv) are rendered
one at a time, each written and fsynced into a temporary folder beside them
(`.report.tmp-*`) as it is rendered (report.json and report.html in pieces, sources.csv row by
row), so memory holds one format at a time, and of the large ones a piece at a time; the folder is renamed to `.report.pending` once all are in: that rename is the commit point.
The three files are then moved into place and the pending folder removed. A crash before the
commit leaves the old set (and a temporary folder the next writer removes); a crash after it
leaves a pending folder that the next writer, or a reader through `settle_reports`, moves
into place first. Writers take an exclusive lock on the folder, so concurrent runs never
remove each other's temporary files.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Errors, OutputError
from ..io import model_json_chunks
from ..review.store import with_reviews
from .render import render_html_chunks, render_markdown
from .spreadsheet import render_csv, sources_csv_rows

if TYPE_CHECKING:
    from ..models import Review
    from ..pipeline import RunResult
    from ..settings import Settings

REPORT_FILES = ("report.json", "report.md", "report.html", "report.csv", "sources.csv")
PENDING = ".report.pending"
TMP_PREFIX = ".report.tmp-"
# Left by earlier versions, which replaced each file on its own (io.atomic_write_bytes).
_OLD_TMP = (".report.json.*.tmp", ".report.md.*.tmp", ".report.html.*.tmp")


def check_output_folder(output: str | Path) -> None:
    """Fail at once (E090) when `output` cannot be written or its disk is full, before any model loads.

    A folder that does not exist yet is not created here (an input error must not leave one
    behind): the nearest existing folder above it must then be writable.
    """
    folder = Path(output)
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        # An unnamed temporary file (O_TMPFILE on Linux): nothing is left, even after a crash.
        # One byte written and synced: a disk that is already full fails here, not hours later.
        with tempfile.TemporaryFile(dir=existing) as probe:
            probe.write(b"\0")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise OutputError.make(Errors.E090, path=folder, detail=_reason(exc)) from None


def write_reports(
    result: RunResult,
    output: str | Path,
    *,
    settings: Settings | None = None,
    reviews: Mapping[str, Review] | None = None,
) -> list[Path]:
    """Write the reports into `output` as one set and return their paths (REPORT_FILES order).

    Each format is written into the temporary folder as soon as it is rendered, and the set is
    committed only when all are in, so an error in any leaves the previous reports untouched.
    An OSError while writing (a full disk, a read-only folder) is E091, with the previous set
    left in place. `settings` supplies report_context_chars; `reviews` (fingerprint -> review)
    adds review status to report.md, report.html and report.csv.
    """
    folder = Path(output)
    renderers = _renderers(result, settings=settings, reviews=reviews)
    staging: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            _settle(folder)
            staging = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=folder))
            for name in REPORT_FILES:
                _write_synced(staging / name, renderers[name]())
            _fsync(staging)
            os.rename(staging, folder / PENDING)
            staging = None
            _fsync(folder)
            _move_pending(folder)
    except Exception as exc:  # a render or write failed before the commit: drop the staging
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError.make(
                Errors.E091,
                path=folder,
                detail=f"{_reason(exc)}; the previous reports are unchanged",
            ) from None
        raise
    return [folder / name for name in REPORT_FILES]


def render_reports(
    result: RunResult,
    *,
    settings: Settings | None = None,
    reviews: Mapping[str, Review] | None = None,
) -> dict[str, str]:
    """Every report file's text, by file name; with `reviews`, report.json lists each
    finding's review status too."""
    renderers = _renderers(result, settings=settings, reviews=reviews)
    return {name: "".join(renderers[name]()) for name in REPORT_FILES}


def _renderers(
    result: RunResult,
    *,
    settings: Settings | None,
    reviews: Mapping[str, Review] | None,
) -> dict[str, Callable[[], Iterable[str]]]:
    """How to render each report file, as text in one piece or in chunks, when called."""
    report = result.report if reviews is None else with_reviews(result.report, reviews)
    context = settings.report_context_chars if settings is not None else None
    return {
        "report.json": lambda: model_json_chunks(report),
        "report.md": lambda: (render_markdown(report, reviews=reviews),),
        "report.html": lambda: render_html_chunks(
            report, result.documents, context_chars=context, reviews=reviews
        ),
        "report.csv": lambda: (render_csv(report, reviews=reviews),),
        "sources.csv": lambda: sources_csv_rows(report),
    }


def settle_reports(folder: str | Path) -> None:
    """Finish a swap a crash interrupted, so a reader sees one whole set (best effort).

    A reader that cannot write the folder reads what is there: the old set, or the new
    report.json beside the pending rest only when the folder is also read-only to writers.
    """
    path = Path(folder)
    if not (path / PENDING).exists():
        return
    with contextlib.suppress(OSError), _locked(path):
        _settle(path)


def _settle(folder: Path) -> None:
    """Under the lock: roll a committed set forward, then remove temporary leftovers."""
    if (folder / PENDING).is_dir():
        _move_pending(folder)
    leftovers = [p for pattern in (f"{TMP_PREFIX}*", *_OLD_TMP) for p in folder.glob(pattern)]
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _move_pending(folder: Path) -> None:
    pending = folder / PENDING
    for name in REPORT_FILES:
        if (pending / name).exists():
            os.replace(pending / name, folder / name)
    _fsync(folder)
    shutil.rmtree(pending, ignore_errors=True)


def _write_synced(path: Path, chunks: Iterable[str]) -> None:
    # Created 0666 less the umask: reports are meant to be read by others (a web server, CI).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


def _fsync(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    # A lock on the folder itself: no lock file to leave behind in a folder kept in git.
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)

"""The CI gate: decide from a report, the reviews and the changed files whether a change may pass."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..ingest.meta import sidecar_path
from ..models import KIND_ORDER, DocumentRecord, Evidence, Finding, Report
from ..review.store import ReviewIndex

__all__ = [
    "FailOn",
    "GateItem",
    "GateResult",
    "Location",
    "evaluate",
    "locate_evidence",
]

FailOn = Literal["discrepancy", "unsupported"]
Status = Literal["unreviewed", "confirmed", "dismissed"]


@dataclass(frozen=True)
class Location:
    """Where a finding is shown: a file (relative to the repository root) and a region in it."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class GateItem:
    """One finding the gate looked at, with its review status and where to point."""

    finding: Finding
    status: Status
    failing: bool
    evidence: Evidence | None
    location: Location | None
    related: tuple[tuple[Evidence, Location | None], ...] = ()

    def line(self) -> str:
        """`file:line: message [RULE fingerprint]`, the form editors and CI logs link."""
        where = f"{self.location.path}:{self.location.line}: " if self.location else ""
        return f"{where}{self.finding.message} [{self.finding.rule} {self.finding.fingerprint}]"


@dataclass
class GateResult:
    """What the gate decided: every finding in scope, the failing ones flagged."""

    items: list[GateItem] = field(default_factory=list)
    changed_documents: list[str] | None = None

    @property
    def failing(self) -> list[GateItem]:
        return [i for i in self.items if i.failing]

    @property
    def passed(self) -> bool:
        return not self.failing


def _document_file(doc: DocumentRecord, base: Path) -> Path:
    p = Path(doc.path)
    return (p if p.is_absolute() else base / p).resolve()


def _inputs(document: Path) -> set[Path]:
    """The files a document is read from: itself and its metadata sidecar, present or not."""
    return {document, sidecar_path(document)}


def _display_path(path: Path, root: Path | None, base: Path) -> str:
    for anchor in (root, base):
        if anchor is not None and path.is_relative_to(anchor):
            return path.relative_to(anchor).as_posix()
    return path.as_posix()


def locate_evidence(ev: Evidence, file: Path, display: str) -> Location:
    """The evidence's region, its end computed from the file when it can be read.

    Columns count Unicode code points, as the report's offsets do.
    """
    end_line, end_column = ev.line, ev.column + max(len(ev.text), 1)
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None
    if text is not None and ev.end <= len(text) and ev.end > ev.start:
        head = text[: ev.end]
        end_line = head.count("\n") + 1
        end_column = ev.end - (head.rfind("\n") + 1) + 1
    elif "\n" in ev.text:
        end_line = ev.line + ev.text.count("\n")
        end_column = len(ev.text.rsplit("\n", 1)[1]) + 1
    return Location(display, ev.line, ev.column, max(end_line, ev.line), end_column)


def evaluate(
    report: Report,
    *,
    reviews: ReviewIndex,
    changed: Collection[Path] | None = None,
    fail_on: FailOn = "discrepancy",
    fail_on_unreviewed: bool = False,
    fail_on_confirmed: bool = False,
    root: Path | None = None,
    base: Path | None = None,
) -> GateResult:
    """Decide which findings fail the gate.

    In scope are the findings with evidence in a changed document (`changed` holds absolute
    file paths; None means every document counts as changed). A document is changed when its
    file or its metadata sidecar `NAME.meta.json` is in `changed`: the sidecar can change the
    publication date and so the claims. A finding in scope fails when:

    - it is not dismissed, and not confirmed (unless `fail_on_confirmed`), and
    - its kind is at or above `fail_on` (discrepancy > unsupported > agreement) and its
      severity is not "info"; or, with `fail_on_unreviewed`, it has no verdict at all and is
      not an agreement, whatever its kind and severity.

    Agreements never fail. `root` is the repository root and `base` the folder the report's
    document paths are relative to (default: the current folder).
    """
    base = (base or Path.cwd()).resolve()
    files = {d.id: _document_file(d, base) for d in report.documents}
    changed_set = {Path(p).resolve() for p in changed} if changed is not None else None
    changed_docs = (
        sorted(doc for doc, path in files.items() if _inputs(path) & changed_set)
        if changed_set is not None
        else None
    )
    threshold = KIND_ORDER[fail_on]
    items: list[GateItem] = []
    for f in report.findings:
        in_scope = [e for e in f.evidence if changed_docs is None or e.document in changed_docs]
        if not in_scope:
            continue
        verdict = reviews.verdict(f.fingerprint)
        status: Status = verdict if verdict is not None else "unreviewed"
        at_level = KIND_ORDER[f.kind] >= threshold and f.severity != "info"
        if f.kind == "agreement" or status == "dismissed":
            failing = False
        elif status == "confirmed":
            failing = fail_on_confirmed and at_level
        else:
            failing = at_level or fail_on_unreviewed
        ev = min(in_scope, key=lambda e: (e.document, e.line, e.column))

        def where(e: Evidence) -> Location | None:
            file = files.get(e.document)
            return locate_evidence(e, file, _display_path(file, root, base)) if file else None

        related = tuple((e, where(e)) for e in f.evidence if e is not ev)
        items.append(GateItem(f, status, failing, ev, where(ev), related))
    return GateResult(items=items, changed_documents=changed_docs)

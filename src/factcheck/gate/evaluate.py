"""The CI gate: decide from a report, the reviews and the changed files whether a change may pass."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import shown_path
from ..ingest.meta import sidecar_path
from ..models import KIND_ORDER, DocumentRecord, Evidence, Finding, Report
from ..report.readable import readable, source_names
from ..review.store import ReviewIndex, new_documents

__all__ = [
    "FailOn",
    "GateItem",
    "GateResult",
    "Location",
    "describe_rule",
    "evaluate",
    "expand_folders",
    "locate_evidence",
    "outliers",
    "unknown_changes",
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
    # The documents of the related evidence that give another value than the blamed claim
    # (a discrepancy's other side); empty for agreements and lone claims, which contradict none.
    contradicts: tuple[str, ...] = ()
    # Whether a changed document brings the finding (a new value, or a conflict that was not
    # there); False when the changed documents only side with what other sources already say.
    brought: bool = True
    # Documents that joined the finding since its review (new evidence; never a failure).
    new_evidence: tuple[str, ...] = ()
    # Document id -> the name a reader knows it by (outlet, title, file), as the report shows it.
    names: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        """The finding's message as a person reads it: sources by name, dates and durations in
        words (the ids stay in the JSON output)."""
        return readable(self.finding.message, self.names)

    def name_of(self, document: str) -> str:
        return self.names.get(document, document)

    def line(self) -> str:
        """`file:line: message [RULE fingerprint]`, the form editors and CI logs link."""
        where = f"{self.location.path}:{self.location.line}: " if self.location else ""
        return f"{where}{self.message} [{self.finding.rule} {self.finding.fingerprint}]"

    @property
    def gained(self) -> str:
        """'' or a note that the reviewed finding has new evidence since its review."""
        if not self.new_evidence or self.status == "unreviewed":
            return ""
        added = ", ".join(self.name_of(d) for d in self.new_evidence)
        return f"{self.status}; new evidence since the review: {added}"


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


def _changed_path(path: str | Path) -> Path:
    """A path named as changed, absolute and in the form the report keeps document paths in
    (`shown_path`): a file name that is not UTF-8 (`caf\\xe9.txt`) still matches its document."""
    return Path(shown_path(Path(path).resolve()))


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


def outliers(finding: Finding, changed_docs: Collection[str] | None) -> list[Evidence]:
    """The finding's evidence in changed documents that brings it: blame the outlier.

    With a disputed slot (the finding's identity gives each claim's value), a changed
    document's claim is blamed when its value is not among the values that the unchanged
    documents already give: a third value, or a conflict with sources that agreed. A claim
    that repeats a value the unchanged sources give sides with them and is not blamed. Without
    per-claim values (agreements, lone claims, plugin rules), every claim in a changed
    document counts. None for `changed_docs` means every document counts as changed.
    """
    if changed_docs is None:
        return list(finding.evidence)
    in_changed = [e for e in finding.evidence if e.document in changed_docs]
    identity = finding.identity
    if finding.kind != "discrepancy" or identity is None or not identity.value_of:
        return in_changed
    before = {
        identity.value_of[e.claim]
        for e in finding.evidence
        if e.document not in changed_docs and e.claim in identity.value_of
    }
    return [e for e in in_changed if identity.value_of.get(e.claim) not in before]


def _contradicted(finding: Finding, blamed: Evidence) -> tuple[list[Evidence], list[Evidence]]:
    """The other evidence of a discrepancy split into what `blamed` contradicts (another value)
    and the rest (the same value); of another kind, nothing is contradicted."""
    others = [e for e in finding.evidence if e is not blamed]
    if finding.kind != "discrepancy":
        return [], others
    identity = finding.identity
    if identity is None or not identity.value_of or blamed.claim not in identity.value_of:
        return others, []
    mine = identity.value_of[blamed.claim]
    against = [e for e in others if identity.value_of.get(e.claim, mine) != mine]
    return against, [e for e in others if e not in against]


def unknown_changes(
    report: Report,
    named: Collection[Path],
    *,
    base: Path | None = None,
    skipped: Collection[Path] = (),
) -> list[Path]:
    """Paths named as changed that are neither a document of the report nor its sidecar, and
    folders that hold none of these.

    `skipped` are the files the run could not read and went on without (keep_going): of the
    corpus all the same, so neither they nor a folder holding one is unknown.
    """
    base = (base or Path.cwd()).resolve()
    inputs: set[Path] = {Path(p).resolve() for p in skipped}
    for d in report.documents:
        inputs |= _inputs(_document_file(d, base))
    unknown = []
    for p in sorted({Path(x).resolve() for x in named}):
        key = _changed_path(p)
        if key in inputs:
            continue
        if p.is_dir() and any(i.is_relative_to(key) for i in inputs):
            continue
        unknown.append(p)
    return unknown


def expand_folders(
    report: Report, changed: Collection[Path], *, base: Path | None = None
) -> set[Path]:
    """`changed` (absolute paths) with each folder among them replaced by the files of the
    report's documents under it, at any depth: a changed folder means that every document in
    it changed."""
    base = (base or Path.cwd()).resolve()
    files = [_document_file(d, base) for d in report.documents]
    out: set[Path] = set()
    for p in changed:
        if p.is_dir():
            out |= {f for f in files if f.is_relative_to(_changed_path(p))}
        else:
            out.add(p)
    return out


def describe_rule(
    *,
    fail_on: FailOn,
    fail_on_unreviewed: bool = False,
    fail_on_confirmed: bool = False,
    changed: bool = True,
    fail_on_from: str | None = None,
) -> str:
    """The failing rule that applies, in words, for the gate's summary line.

    `fail_on_from` says where the failing level came from, as the line shows it: by default
    the option (`--fail-on discrepancy`); `fail_on = "unsupported" in factcheck.toml` for a
    config file, `default fail_on = "discrepancy"` when nothing set it.
    """
    kinds = "discrepancies" if fail_on == "discrepancy" else "discrepancies and unsupported claims"
    source = fail_on_from or f"--fail-on {fail_on}"
    rule = (
        "every unreviewed finding except agreements (--fail-on-unreviewed)"
        if fail_on_unreviewed
        else f"unreviewed {kinds} of severity warning or error ({source})"
    )
    if fail_on_confirmed:  # at the failing level only, whatever --fail-on-unreviewed says
        rule += f", confirmed {kinds} of severity warning or error too (--fail-on-confirmed)"
    if changed:
        rule += ", when a changed document brings the value or conflict"
    return "fail on " + rule


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

    - a changed document brings it (see `outliers`: a new value, or a conflict that was not
      there; siding with values other sources already give never fails), and
    - it is not dismissed, and not confirmed (unless `fail_on_confirmed`), and
    - its kind is at or above `fail_on` (discrepancy > unsupported > agreement) and its
      severity is not "info"; or, with `fail_on_unreviewed`, it has no verdict at all and is
      not an agreement, whatever its kind and severity.

    Agreements never fail. `root` is the repository root and `base` the folder the report's
    document paths are relative to (default: the current folder).
    """
    base = (base or Path.cwd()).resolve()
    files = {d.id: _document_file(d, base) for d in report.documents}
    changed_set = {_changed_path(p) for p in changed} if changed is not None else None
    changed_docs = (
        sorted(doc for doc, path in files.items() if _inputs(path) & changed_set)
        if changed_set is not None
        else None
    )
    threshold = KIND_ORDER[fail_on]
    names = source_names(report.documents)
    items: list[GateItem] = []

    def where(e: Evidence) -> Location | None:
        file = files.get(e.document)
        return locate_evidence(e, file, _display_path(file, root, base)) if file else None

    def first(evidence: list[Evidence]) -> Evidence:
        return min(evidence, key=lambda e: (e.document, e.line, e.column))

    for f in report.findings:
        in_scope = [e for e in f.evidence if changed_docs is None or e.document in changed_docs]
        if not in_scope:
            continue
        review = reviews.review_of(f)
        status: Status = review.verdict if review is not None else "unreviewed"
        blamed = outliers(f, changed_docs)
        at_level = KIND_ORDER[f.kind] >= threshold and f.severity != "info"
        if f.kind == "agreement" or status == "dismissed" or not blamed:
            failing = False
        elif status == "confirmed":
            failing = fail_on_confirmed and at_level
        else:
            failing = at_level or fail_on_unreviewed
        ev = first(blamed or in_scope)
        against, rest = _contradicted(f, ev)
        related = tuple((e, where(e)) for e in [*against, *rest])
        items.append(
            GateItem(
                f,
                status,
                failing,
                ev,
                where(ev),
                related,
                contradicts=tuple(dict.fromkeys(e.document for e in against)),
                brought=bool(blamed),
                new_evidence=tuple(new_documents(review, f)),
                names=names,
            )
        )
    return GateResult(items=items, changed_documents=changed_docs)

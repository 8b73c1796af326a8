"""The CI gate: decide from a report, the reviews and the changed files whether a change may pass."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import InputError
from .ingest.meta import sidecar_path
from .models import KIND_ORDER, DocumentRecord, Evidence, Finding, Report
from .reviews import ReviewIndex

__all__ = [
    "FailOn",
    "GateItem",
    "GateResult",
    "Location",
    "changed_since",
    "evaluate",
    "github_annotation",
    "in_github_actions",
    "locate_evidence",
    "repo_root",
    "split_paths",
]

FailOn = Literal["discrepancy", "unsupported"]
Status = Literal["unreviewed", "confirmed", "dismissed"]


# --------------------------------------------------------------------------- git


def _git(args: Sequence[str], *, cwd: Path) -> str:
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise InputError.make("E060", path=cwd, detail="git is not installed") from None
    except subprocess.TimeoutExpired:
        raise InputError.make("E060", path=cwd, detail=f"git {' '.join(args)} timed out") from None
    if out.returncode != 0:
        detail = (out.stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]
        raise InputError.make("E060", path=cwd, detail=f"git {' '.join(args)}: {detail}")
    return out.stdout


def repo_root(cwd: str | Path | None = None) -> Path | None:
    """Top folder of the git work tree holding `cwd`, or None outside a repository."""
    here = Path(cwd or Path.cwd())
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], cwd=here).strip()).resolve()
    except InputError:
        return None


def changed_since(rev: str, *, cwd: str | Path | None = None) -> tuple[Path, set[Path]]:
    """The repository root and the files added, modified or deleted since `rev`, plus untracked ones.

    A renamed file is listed under both names (deleted and added), so a metadata sidecar that
    was moved away from its document still marks that document as changed. The comparison
    starts from the merge base of `rev` and HEAD, so on a pull request branch
    `--since origin/main` lists what the branch changed, not what main gained meanwhile. Paths
    are absolute. A bad revision or a folder outside git raises InputError E060.
    """
    here = Path(cwd or Path.cwd())
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd=here).strip()).resolve()
    verify = ["rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}"]
    base = _git(verify, cwd=root).strip()
    # Unrelated histories or no HEAD yet: compare with the revision itself.
    with contextlib.suppress(InputError):
        base = _git(["merge-base", base, "HEAD"], cwd=root).strip() or base
    diff = _git(
        ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=AMD", base, "--"], cwd=root
    )
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd=root)
    names = [n for n in (diff + untracked).split("\0") if n]
    return root, {(root / n).resolve() for n in names}


# --------------------------------------------------------------------------- paths


def split_paths(paths: Sequence[str | Path]) -> tuple[list[Path], set[Path]]:
    """Corpus paths to run the pipeline over, and files named explicitly inside a folder argument.

    `factcheck gate seeds/ seeds/new.txt` checks the whole of seeds/ and treats new.txt as
    changed: this is how the pre-commit hook passes the staged files. A file given twice (on
    its own and through its folder) is read once.
    """
    given = [Path(p) for p in paths]
    folders = [p.resolve() for p in given if p.is_dir()]
    corpus: list[Path] = []
    named: set[Path] = set()
    for p in given:
        full = p.resolve()
        if p.is_dir() or not any(full.is_relative_to(f) for f in folders):
            if p not in corpus:
                corpus.append(p)
            if not p.is_dir() and folders:
                named.add(full)
        else:
            named.add(full)
    return corpus, named


# --------------------------------------------------------------------------- evaluation


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


# --------------------------------------------------------------------------- GitHub Actions


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_annotation(
    item: GateItem, *, level: Literal["error", "warning", "notice"] = "error"
) -> str:
    """A workflow command `::error file=...,line=...::message`, escaped per the command rules."""
    f = item.finding
    props: list[tuple[str, str]] = []
    if item.location is not None:
        loc = item.location
        props += [("file", loc.path), ("line", str(loc.line)), ("col", str(loc.column))]
        props += [("endLine", str(loc.end_line))]
        if loc.end_line == loc.line:
            props.append(("endColumn", str(loc.end_column)))
    props.append(("title", f"{f.rule} {f.name}"))
    head = ",".join(f"{k}={_escape_property(v)}" for k, v in props)
    message = f"{f.message} [{f.rule} {f.fingerprint}]"
    return f"::{level} {head}::{_escape_data(message)}"


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS", "").lower() == "true"

"""The reviews file: human verdicts per finding fingerprint, stored so that git branches merge cleanly.

Every writer goes through :func:`update_reviews`: it takes an exclusive lock, re-reads the
file, applies its change to what is there now and replaces the file atomically, so two
reviewers (or eight concurrent `factcheck review --confirm` calls) never lose a verdict.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import getpass
import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import ValidationError

from ..errors import Errors, InputError
from ..io import atomic_write_text
from ..models import (
    REVIEWS_VERSION,
    Finding,
    FindingReview,
    PastVerdict,
    Report,
    Review,
    ReviewsFile,
    Verdict,
)
from .fingerprint import alias_fingerprints

__all__ = [
    "Outcome",
    "ReviewIndex",
    "adopt_baseline",
    "aliases",
    "apply_verdicts",
    "default_reviewer",
    "dumps_reviews",
    "find_fingerprint",
    "load_reviews",
    "locked",
    "match_reviews",
    "migrate_reviews",
    "new_documents",
    "now_utc",
    "prune_stale",
    "record_verdict",
    "review_statuses",
    "save_reviews",
    "set_verdict",
    "stale_reviews",
    "update_reviews",
    "with_reviews",
]

T = TypeVar("T")
# What recording a verdict did: written, already so, or refused (another reviewer's verdict).
Outcome = Literal["recorded", "unchanged", "refused"]

# Between two reviews the separator sits on its own line, so adding a review anywhere (first,
# middle or last) is a pure insertion of lines: no neighbouring line gains or loses a comma,
# and two branches that add different reviews merge without conflicts.
_SEPARATOR = "    ,"
# Reviews sit on indented lines, so a line starting with a marker can only come from git.
_CONFLICT = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)


def now_utc() -> dt.datetime:
    """The current time in UTC at second precision (what a review records)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def default_reviewer(*, cwd: str | Path | None = None) -> str:
    """`git config user.name`, else $USER (or the login name), else 'unknown'."""
    try:
        out = subprocess.run(
            ["git", "config", "user.name"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        name = out.stdout.strip()
        if out.returncode == 0 and name:
            return name
    except (OSError, subprocess.SubprocessError):
        pass
    name = os.environ.get("USER", "")
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = ""
    return name or "unknown"


def dumps_reviews(reviews: ReviewsFile) -> str:
    """Canonical, merge-friendly text: one line per review, sorted by fingerprint.

    Each review is the canonical JSON of its fields (sorted keys) on a single line; the file
    as a whole is valid JSON that parses to the same data as `io.model_json` of the model.
    """
    ordered = sorted(reviews.reviews, key=lambda r: r.fingerprint)
    lines = ["{", '  "reviews": [']
    for i, review in enumerate(ordered):
        if i:
            lines.append(_SEPARATOR)
        data = review.model_dump(mode="json")
        lines.append("    " + json.dumps(data, sort_keys=True, ensure_ascii=False))
    lines.append("  ],")
    lines.append(f'  "version": {json.dumps(reviews.version)}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _sorted(reviews: ReviewsFile) -> ReviewsFile:
    return ReviewsFile(
        version=reviews.version, reviews=sorted(reviews.reviews, key=lambda r: r.fingerprint)
    )


def save_reviews(path: str | Path, reviews: ReviewsFile) -> None:
    """Write the reviews file atomically (temporary file, fsync, rename).

    Callers that change what is there should use :func:`update_reviews` instead, which holds
    the lock and merges with what others saved meanwhile.
    """
    atomic_write_text(path, dumps_reviews(reviews))


@contextlib.contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock for the reviews file at `path` (blocking until it is free).

    The lock is `fcntl.flock` on the file's folder: the file itself is replaced by a rename on
    every write, so a lock on it would guard a file nobody reads any more, and a separate lock
    file would be left behind in the repository. fcntl is in the standard library and the
    gate runs on Linux and macOS CI, so no dependency is needed; flock is released by the
    kernel when a process dies, so a crashed reviewer never leaves the file locked.
    """
    folder = Path(path).absolute().parent
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def update_reviews(path: str | Path, change: Callable[[ReviewsFile], tuple[ReviewsFile, T]]) -> T:
    """Lock, re-read, apply `change` to the current contents, write atomically if it changed.

    `change` gets the file as it is now (others may have saved since you last read it) and
    returns the new contents and a result, which is returned.
    """
    with locked(path):
        current = load_reviews(path)
        updated, result = change(current)
        if dumps_reviews(updated) != dumps_reviews(current) or not Path(path).exists():
            save_reviews(path, updated)
    return result


def load_reviews(path: str | Path, *, missing_ok: bool = True) -> ReviewsFile:
    """Read and validate a reviews file; a missing file is an empty one unless `missing_ok=False`.

    Errors (unreadable, not JSON, wrong shape, a fingerprint reviewed twice, a newer version)
    raise InputError naming the file.
    """
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return ReviewsFile()
        raise InputError.make(Errors.E001, path=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.make(Errors.E040, path=p, detail=str(exc)) from None
    if _CONFLICT.search(raw):
        raise InputError.make(
            Errors.E040,
            path=p,
            detail="unresolved git merge conflict markers; keep one line per review",
        )
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError.make(
            Errors.E040, path=p, detail=f"{exc.msg} at line {exc.lineno}"
        ) from None
    try:
        reviews = ReviewsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise InputError.make(Errors.E041, path=p, detail=f"{loc}: {first['msg']}") from None
    if reviews.version != REVIEWS_VERSION:
        raise InputError.make(
            Errors.E041, path=p, detail=f"version {reviews.version!r}, expected {REVIEWS_VERSION!r}"
        )
    seen: set[str] = set()
    for review in reviews.reviews:
        if review.fingerprint in seen:
            raise InputError.make(
                Errors.E041, path=p, detail=f"fingerprint {review.fingerprint} is reviewed twice"
            )
        seen.add(review.fingerprint)
    return _sorted(reviews)


def aliases(finding: Finding) -> list[str]:
    """The other fingerprints a review of `finding` may be under (see `alias_fingerprints`).

    Each subject one of its claims gives, picked instead of the finding's own, with the same
    rule, slot and values: never another value set, so a new value is still a new finding.
    """
    identity = finding.identity
    if identity is None or not identity.subjects:
        return []
    every = _aliases(finding.rule, identity.slot, tuple(identity.subjects), tuple(identity.values))
    return [fp for fp in every if fp != finding.fingerprint]


@functools.lru_cache(maxsize=65536)
def _aliases(
    rule: str, slot: str | None, subjects: tuple[str, ...], values: tuple[str, ...]
) -> list[str]:
    # Cached: a review session matches its findings again after every answer.
    return alias_fingerprints(rule, slot=slot, subjects=subjects, values=values)


def match_reviews(reviews: Mapping[str, Review], findings: Iterable[Finding]) -> dict[str, Review]:
    """Each finding's review (finding fingerprint -> review), for those that have one.

    A finding's review is the one under its fingerprint; else (made before a scheme change)
    the one under its scheme-1 `legacy_fingerprint`; else one that shares a key with it. A
    finding's keys are its fingerprint and its aliases (the fingerprints it had when another of
    its claims' subjects was picked: a document that joined since sorted first, or tipped the
    predicate's majority); a review's are its fingerprint and the ones it was under before a
    migration (`Review.aliases`), so a review that moved with a joining document still finds
    its finding when that document goes again. A key counts only when no other finding holds
    it, so one verdict never covers two findings; of several reviews that match one finding,
    the latest applies.
    """
    found = list(findings)
    out: dict[str, Review] = {}
    used: set[str] = set()
    for f in found:
        review = reviews.get(f.fingerprint)
        if review is not None:
            out[f.fingerprint] = review
            used.add(review.fingerprint)
    for f in found:
        old = f.legacy_fingerprint
        if f.fingerprint not in out and old and old in reviews and old not in used:
            out[f.fingerprint] = reviews[old]
            used.add(old)
    keys_of = {f.fingerprint: {f.fingerprint, *aliases(f)} for f in found}
    holders = Counter(k for keys in keys_of.values() for k in keys)
    by_key: dict[str, list[Review]] = {}
    for r in reviews.values():
        for k in {r.fingerprint, *r.aliases}:
            by_key.setdefault(k, []).append(r)
    for fp, keys in keys_of.items():
        if fp in out:
            continue
        candidates = {
            r.fingerprint: r
            for k in keys
            if holders[k] == 1
            for r in by_key.get(k, [])
            if r.fingerprint not in used
        }
        if candidates:
            review = max(candidates.values(), key=lambda r: (r.time, r.fingerprint))
            out[fp] = review
            used.add(review.fingerprint)
    return out


@dataclass(frozen=True)
class ReviewIndex:
    """Verdicts looked up by fingerprint, and by finding (see `match_reviews`)."""

    by_fingerprint: Mapping[str, Review]
    # The review of each of the findings the index was made for (finding fingerprint -> review).
    matched: Mapping[str, Review] = field(default_factory=dict)
    known: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, reviews: ReviewsFile | Mapping[str, Review], findings: Iterable[Finding] = ()
    ) -> ReviewIndex:
        """The index of `reviews`; give the report's `findings` so that each review is matched
        to one finding at most (an alias shared by two findings matches neither)."""
        by_fp = (
            {r.fingerprint: r for r in reviews.reviews}
            if isinstance(reviews, ReviewsFile)
            else dict(reviews)
        )
        found = list(findings)
        return cls(by_fp, match_reviews(by_fp, found), frozenset(f.fingerprint for f in found))

    def verdict(self, fingerprint: str) -> Verdict | None:
        review = self.by_fingerprint.get(fingerprint)
        return review.verdict if review is not None else None

    def review_of(self, finding: Finding) -> Review | None:
        """The finding's review: under its fingerprint, its scheme-1 one, or an alias."""
        if finding.fingerprint in self.known:
            return self.matched.get(finding.fingerprint)
        return match_reviews(self.by_fingerprint, [finding]).get(finding.fingerprint)


def record_verdict(
    reviews: ReviewsFile,
    fingerprint: str,
    verdict: Verdict,
    *,
    note: str = "",
    reviewer: str,
    time: dt.datetime | None = None,
    finding: Finding | None = None,
    force: bool = False,
) -> tuple[ReviewsFile, Outcome, Review | None]:
    """Set the verdict on `fingerprint`, keeping any earlier verdict in the record's history.

    Returns the new file, what happened, and the verdict that was there before. Changing a
    verdict (or its note) that another reviewer made is refused unless `force`: the caller asks
    the person first. The same verdict again without a new note leaves the record unchanged,
    unless the finding gained documents since: then it records that they were seen (keeping
    the note), which is no change of verdict and needs no `force`.
    """
    before = ReviewIndex.of(reviews).by_fingerprint.get(fingerprint)
    same = before is not None and before.verdict == verdict and (not note or note == before.note)
    if same and before is not None:
        if finding is None or not new_documents(before, finding):
            return reviews, "unchanged", before
        note = before.note
    elif before is not None and before.reviewer != reviewer and not force:
        return reviews, "refused", before
    when = (time or now_utc()).astimezone(dt.UTC).replace(microsecond=0)
    history = list(before.history) if before is not None else []
    if before is not None:
        history.append(
            PastVerdict(
                verdict=before.verdict, note=before.note, reviewer=before.reviewer, time=before.time
            )
        )
    review = Review(
        fingerprint=fingerprint,
        verdict=verdict,
        note=note,
        reviewer=reviewer,
        time=when,
        rule=finding.rule if finding else before.rule if before else None,
        message=finding.message if finding else before.message if before else None,
        documents=list(finding.documents) if finding else before.documents if before else [],
        history=history,
        aliases=list(before.aliases) if before is not None else [],
    )
    kept = [r for r in reviews.reviews if r.fingerprint != fingerprint]
    return (
        _sorted(ReviewsFile(version=reviews.version, reviews=[*kept, review])),
        "recorded",
        before,
    )


def set_verdict(
    reviews: ReviewsFile,
    fingerprint: str,
    verdict: Verdict,
    *,
    note: str = "",
    reviewer: str,
    time: dt.datetime | None = None,
    finding: Finding | None = None,
) -> ReviewsFile:
    """A new ReviewsFile with the verdict on `fingerprint` set, whoever made the earlier one."""
    out, _, _ = record_verdict(
        reviews,
        fingerprint,
        verdict,
        note=note,
        reviewer=reviewer,
        time=time,
        finding=finding,
        force=True,
    )
    return out


def adopt_baseline(
    reviews: ReviewsFile,
    findings: Sequence[Finding],
    *,
    note: str,
    reviewer: str,
    verdict: Verdict = "confirmed",
    time: dt.datetime | None = None,
) -> tuple[ReviewsFile, list[Finding]]:
    """Adopt a corpus as it stands (a baseline): every finding without a verdict gets `verdict`.

    Findings that already have a verdict keep it. Returns the new file and the findings marked.
    """
    index = ReviewIndex.of(reviews, findings)
    marked: list[Finding] = []
    for f in findings:
        if index.review_of(f) is None:
            reviews = set_verdict(
                reviews, f.fingerprint, verdict, note=note, reviewer=reviewer, time=time, finding=f
            )
            marked.append(f)
    return reviews, marked


def apply_verdicts(
    path: str | Path,
    verdicts: Sequence[tuple[str, Verdict, Finding | None]],
    *,
    note: str,
    reviewer: str,
    force: bool = False,
    findings: Sequence[Finding] = (),
) -> list[tuple[str, Verdict, Outcome, Review | None]]:
    """Record several verdicts in one locked update of the file at `path`, all or nothing.

    Reviews under scheme-1 fingerprints of `findings` migrate in the same write. When one
    verdict would change another reviewer's (and not `force`), nothing is written and the
    outcomes say which were refused.
    """

    def change(
        current: ReviewsFile,
    ) -> tuple[ReviewsFile, list[tuple[str, Verdict, Outcome, Review | None]]]:
        start, _ = migrate_reviews(current, findings)
        out = start
        results: list[tuple[str, Verdict, Outcome, Review | None]] = []
        for fingerprint, verdict, finding in verdicts:
            out, outcome, before = record_verdict(
                out,
                fingerprint,
                verdict,
                note=note,
                reviewer=reviewer,
                finding=finding,
                force=force,
            )
            results.append((fingerprint, verdict, outcome, before))
        if any(r[2] == "refused" for r in results):
            return current, results
        return out, results

    return update_reviews(path, change)


def migrate_reviews(
    reviews: ReviewsFile, findings: Iterable[Finding]
) -> tuple[ReviewsFile, list[tuple[str, str]]]:
    """Move reviews that `match_reviews` found under another fingerprint to the finding's own.

    That is a scheme-1 `legacy_fingerprint` (rule, claim texts and documents), or an alias (the
    fingerprint before a joining document changed which claim's subject is picked). The review
    keeps the documents it covered (a scheme-1 one covered exactly the finding's documents), so
    what joined since is still shown as new evidence. Returns the new file and the (old, new)
    fingerprints moved.
    """
    found = list(findings)
    matched = match_reviews({r.fingerprint: r for r in reviews.reviews}, found)
    moved: list[tuple[str, str]] = []
    out = {r.fingerprint: r for r in reviews.reviews}
    for f in found:
        review = matched.get(f.fingerprint)
        if review is None or review.fingerprint == f.fingerprint:
            continue
        old = review.fingerprint
        documents = review.documents
        if not documents and old == f.legacy_fingerprint:
            documents = list(f.documents)
        out.pop(old, None)
        # The fingerprints it was under stay its keys: if the joining document goes again,
        # the finding's fingerprint goes back and the review still finds it.
        was = sorted({old, *review.aliases} - {f.fingerprint})
        out[f.fingerprint] = review.model_copy(
            update={"fingerprint": f.fingerprint, "documents": documents, "aliases": was}
        )
        moved.append((old, f.fingerprint))
    return _sorted(ReviewsFile(version=reviews.version, reviews=list(out.values()))), moved


def new_documents(review: Review | None, finding: Finding) -> list[str]:
    """Documents that joined the finding since it was reviewed (none when unknown or unreviewed)."""
    if review is None or not review.documents:
        return []
    seen = set(review.documents)
    return [d for d in finding.documents if d not in seen]


def review_statuses(report: Report, reviews: Mapping[str, Review]) -> list[FindingReview]:
    """Each reviewed finding's verdict, in report order, with the documents that joined it since.

    `reviews` maps fingerprints to reviews; a review still under a finding's scheme-1
    fingerprint counts for it, as in the gate.
    """
    index = ReviewIndex.of(reviews, report.findings)
    out: list[FindingReview] = []
    for f in report.findings:
        review = index.review_of(f)
        if review is not None:
            out.append(
                FindingReview(
                    fingerprint=f.fingerprint,
                    verdict=review.verdict,
                    note=review.note,
                    reviewer=review.reviewer,
                    time=review.time,
                    new_evidence=new_documents(review, f),
                )
            )
    return out


def with_reviews(report: Report, reviews: Mapping[str, Review]) -> Report:
    """The report with `reviews` (fingerprint -> review) as its review statuses."""
    return report.model_copy(update={"reviews": review_statuses(report, reviews)})


def stale_reviews(reviews: ReviewsFile, report: Report) -> list[Review]:
    """Reviews that match no finding of the report and share no key with one.

    One under an old fingerprint or an alias of a current finding is not stale (see
    `match_reviews`); nor is one that shares a key with a current finding although another
    review covers that finding (two reviewed findings that a joining document merged into one):
    the claim it reviewed is still there, and if the merge goes, the review applies again.
    """
    by_fp = {r.fingerprint: r for r in reviews.reviews}
    matched = {r.fingerprint for r in match_reviews(by_fp, report.findings).values()}
    keys = {k for f in report.findings for k in (f.fingerprint, *aliases(f))}
    return [
        r
        for r in reviews.reviews
        if r.fingerprint not in matched and not {r.fingerprint, *r.aliases} & keys
    ]


def prune_stale(reviews: ReviewsFile, report: Report) -> tuple[ReviewsFile, list[Review]]:
    """The reviews without the stale ones, and the stale ones removed."""
    stale = stale_reviews(reviews, report)
    gone = {r.fingerprint for r in stale}
    kept = [r for r in reviews.reviews if r.fingerprint not in gone]
    return ReviewsFile(version=reviews.version, reviews=kept), stale


def find_fingerprint(findings: Iterable[Finding], key: str) -> Finding | list[Finding] | None:
    """The finding whose fingerprint is `key` or starts with it (at least 6 characters).

    Returns the finding, None when nothing matches, or the candidates when a prefix is ambiguous.
    """
    key = key.strip().lower()
    candidates: dict[str, Finding] = {}
    for f in findings:
        if f.fingerprint == key:
            return f
        if len(key) >= 6 and f.fingerprint.startswith(key):
            candidates[f.fingerprint] = f
    if len(candidates) == 1:
        return next(iter(candidates.values()))
    if candidates:
        return list(candidates.values())
    return None

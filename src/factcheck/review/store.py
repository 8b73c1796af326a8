"""The reviews file: human verdicts per finding fingerprint, stored so that git branches merge cleanly."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..errors import Errors, InputError
from ..io import atomic_write_text
from ..models import REVIEWS_VERSION, Finding, Report, Review, ReviewsFile, Verdict

__all__ = [
    "ReviewIndex",
    "default_reviewer",
    "dumps_reviews",
    "find_fingerprint",
    "load_reviews",
    "now_utc",
    "prune_stale",
    "save_reviews",
    "set_verdict",
    "stale_reviews",
]

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
    """Write the reviews file atomically (temporary file, fsync, rename)."""
    atomic_write_text(path, dumps_reviews(reviews))


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


@dataclass(frozen=True)
class ReviewIndex:
    """Verdicts looked up by fingerprint."""

    by_fingerprint: Mapping[str, Review]

    @classmethod
    def of(cls, reviews: ReviewsFile) -> ReviewIndex:
        return cls({r.fingerprint: r for r in reviews.reviews})

    def verdict(self, fingerprint: str) -> Verdict | None:
        review = self.by_fingerprint.get(fingerprint)
        return review.verdict if review is not None else None


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
    """A new ReviewsFile with the verdict on `fingerprint` set (replacing any earlier one)."""
    when = (time or now_utc()).astimezone(dt.UTC).replace(microsecond=0)
    review = Review(
        fingerprint=fingerprint,
        verdict=verdict,
        note=note,
        reviewer=reviewer,
        time=when,
        rule=finding.rule if finding else None,
        message=finding.message if finding else None,
    )
    kept = [r for r in reviews.reviews if r.fingerprint != fingerprint]
    return _sorted(ReviewsFile(version=reviews.version, reviews=[*kept, review]))


def stale_reviews(reviews: ReviewsFile, report: Report) -> list[Review]:
    """Reviews whose fingerprint the report no longer produces."""
    current = {f.fingerprint for f in report.findings}
    return [r for r in reviews.reviews if r.fingerprint not in current]


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

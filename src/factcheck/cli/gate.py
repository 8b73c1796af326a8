"""`factcheck gate`: fail CI on new, unreviewed findings that involve changed documents."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import Errors, ExitCode, InputError
from .options import CONTEXT, quiet_of, reviews_option, settings_of

if TYPE_CHECKING:
    from ..models import Report
    from ..settings import Settings


def _run_pipeline(
    paths: Sequence[Path], *, settings: Settings, output: Path | None, quiet: bool
) -> Report:
    """The report over `paths`, written to `output` when given (tests replace this function)."""
    from ..pipeline import run
    from ..progress import Progress
    from ..report.write import write_reports

    result = run(
        paths,
        settings=settings,
        output=output,
        progress=Progress(enabled=None if not quiet else False),
    )
    if output is not None:
        # The same settings as `factcheck report` (report_context_chars and the rest).
        write_reports(result, output, settings=settings)
    return result.report


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--since",
    metavar="GIT_REV",
    help="Only documents added, modified or renamed since this revision (from its merge "
    "base with HEAD), plus untracked files, count as changed; a document whose sidecar "
    "NAME.meta.json was added, modified or deleted counts as changed too.",
)
@click.option(
    "--changed",
    "changed_files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Count FILE as changed (repeatable); files named in PATHS inside "
    "a folder of PATHS count as changed too.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["discrepancy", "unsupported"]),
    default=None,
    help="Lowest kind that fails: discrepancy > unsupported. [default: setting fail_on]",
)
@reviews_option
@click.option(
    "--fail-on-unreviewed",
    is_flag=True,
    help="Also fail on every finding that has no verdict yet and is not an agreement, "
    "whatever its kind or severity.",
)
@click.option(
    "--fail-on-confirmed",
    is_flag=True,
    help="Confirmed findings fail again (at the failing level).",
)
@click.option(
    "--sarif",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write SARIF 2.1.0 here (for GitHub code scanning).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write report.json, .md and .html here (and keep the cache here).",
)
@click.pass_context
def gate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    since: str | None,
    changed_files: tuple[Path, ...],
    fail_on: str | None,
    reviews_path: Path | None,
    fail_on_unreviewed: bool,
    fail_on_confirmed: bool,
    sarif: Path | None,
    output: Path | None,
) -> None:
    """Fail CI on new, unreviewed findings that involve changed documents.

    Runs the pipeline over PATHS, then exits 0 when no finding at or above the failing level
    (default: discrepancy; severity "info" never fails) involves a changed document and is
    still unreviewed, 1 when one does (each listed as `file:line: message [RULE fingerprint]`),
    2 on usage or input errors. Dismissed findings never fail; confirmed ones fail again only
    with --fail-on-confirmed. A finding involves a document when any of its evidence is in it.

    Which documents count as changed: with --since REV, those git lists as added, modified
    or renamed since REV, plus untracked files; files given in PATHS inside a folder also given
    in PATHS (this is how the pre-commit hook passes staged files), and --changed FILE. A
    document counts as changed when its metadata sidecar NAME.meta.json does (added, modified
    or deleted), as the sidecar can change its publication date and so its claims. With none
    of these, every document counts. Inside GitHub Actions (GITHUB_ACTIONS=true) it also prints
    ::error annotations at each finding's file and line.

    \b
    Examples:
      factcheck gate seeds/ --since origin/main --sarif factcheck.sarif
      factcheck gate seeds/ seeds/new-article.txt        # new-article.txt is the change
      factcheck gate seeds/ -o reports/ && factcheck review
    """
    from ..gate.annotations import github_annotation, in_github_actions
    from ..gate.evaluate import evaluate
    from ..gate.git import changed_since, repo_root, split_paths
    from ..gate.sarif import to_sarif, write_sarif
    from ..review.store import ReviewIndex, load_reviews, stale_reviews

    quiet = quiet_of(ctx)
    settings = settings_of(ctx, fail_on=fail_on)
    reviews_file = reviews_path or Path(settings.reviews)
    # Read the reviews before the slow part, so a broken file fails fast.
    reviews = load_reviews(reviews_file)
    corpus, named = split_paths(paths)
    root = repo_root()
    changed: set[Path] | None = None
    if since is not None:
        root, changed = changed_since(since)
    for extra in changed_files:
        if not extra.exists():
            raise InputError.make(Errors.E001, path=extra)
    if named or changed_files:
        changed = (changed or set()) | named | {p.resolve() for p in changed_files}

    report = _run_pipeline(corpus, settings=settings, output=output, quiet=quiet)
    decision = evaluate(
        report,
        reviews=ReviewIndex.of(reviews),
        changed=changed,
        fail_on=settings.fail_on,
        fail_on_unreviewed=fail_on_unreviewed,
        fail_on_confirmed=fail_on_confirmed,
        root=root,
    )
    if sarif is not None:
        notes = {r.fingerprint: r.note for r in reviews.reviews if r.note}
        write_sarif(sarif, to_sarif(report, decision, notes=notes))

    failing = decision.failing
    for item in failing:
        click.echo(item.line())
    if in_github_actions():
        for item in failing:
            click.echo(github_annotation(item))
    if not quiet:
        scope = (
            "all documents"
            if decision.changed_documents is None
            else f"{len(decision.changed_documents)} changed document(s)"
        )
        reviewed = sum(1 for i in decision.items if i.status != "unreviewed")
        click.echo(
            f"factcheck gate: {len(failing)} failing finding(s) in {scope}; "
            f"{len(decision.items)} in scope, {reviewed} reviewed; fail on {settings.fail_on}"
            + (f"; SARIF in {sarif}" if sarif else ""),
            err=True,
        )
        stale = stale_reviews(reviews, report)
        if stale:
            click.echo(
                f"{len(stale)} review(s) in {reviews_file} match no finding any more: "
                "list them with `factcheck review --stale`, remove them with `--prune`.",
                err=True,
            )
        if failing:
            click.echo(
                "Review them with `factcheck review` (after `-o reports/`) or "
                "`factcheck review --dismiss FINGERPRINT --note WHY`.",
                err=True,
            )
    if failing:
        sys.exit(int(ExitCode.FINDINGS))

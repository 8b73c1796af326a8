"""`factcheck gate` (fail CI on new, unreviewed findings) and `factcheck review` (record verdicts)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import ExitCode, InputError
from .models import Finding, Report, Verdict

if TYPE_CHECKING:
    from .settings import Settings

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Review-file options, declared once so every command taking them agrees on name, type and help.
_reviews_option = click.option(
    "--reviews",
    "reviews_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Reviews file. [default: setting reviews, reports/reviews.json]",
)
_report_option = click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("reports/report.json"),
    show_default=True,
    help="The report to review.",
)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    # The group's State (cli.State) knows the --config file; used directly the command loads its own.
    obj = ctx.find_root().obj
    if obj is not None and hasattr(obj, "settings"):
        settings: Settings = obj.settings(**overrides)
        return settings
    from .settings import load_settings

    return load_settings(None, **overrides)


def _quiet(ctx: click.Context) -> bool:
    return bool(getattr(ctx.find_root().obj, "quiet", False))


def _run_pipeline(
    paths: Sequence[Path], *, settings: Settings, output: Path | None, quiet: bool
) -> Report:
    """The report over `paths`, written to `output` when given (tests replace this function)."""
    from .pipeline import run
    from .progress import Progress
    from .report.write import write_reports

    result = run(
        paths,
        settings=settings,
        output=output,
        progress=Progress(enabled=None if not quiet else False),
    )
    if output is not None:
        write_reports(result, output)
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
@_reviews_option
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
    from .gate import (
        changed_since,
        evaluate,
        github_annotation,
        in_github_actions,
        repo_root,
        split_paths,
    )
    from .reviews import ReviewIndex, load_reviews, stale_reviews
    from .sarif import to_sarif, write_sarif

    quiet = _quiet(ctx)
    settings = _settings(ctx, fail_on=fail_on)
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
            raise InputError.make("E001", path=extra)
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


def _resolve(
    report: Report | None, key: str, *, force: bool, report_path: Path
) -> tuple[str, Finding | None]:
    from .reviews import find_fingerprint

    if report is not None:
        hit = find_fingerprint(report.findings, key)
        if isinstance(hit, Finding):
            return hit.fingerprint, hit
        if isinstance(hit, list):
            options = ", ".join(f.fingerprint for f in hit[:5])
            raise click.UsageError(f"fingerprint prefix {key!r} is ambiguous: {options}")
    if not force:
        raise click.UsageError(
            f"{report_path}: no finding has fingerprint {key!r} (use --force to record it anyway)"
        )
    return key.strip().lower(), None


@click.command(context_settings=CONTEXT)
@_report_option
@_reviews_option
@click.option("--all", "include_all", is_flag=True, help="Walk agreements too.")
@click.option(
    "--confirm",
    multiple=True,
    metavar="FINGERPRINT",
    help="Record a confirmed verdict without asking (repeatable; a unique prefix of 6+ "
    "characters will do).",
)
@click.option(
    "--dismiss",
    multiple=True,
    metavar="FINGERPRINT",
    help="Record a dismissed verdict without asking (repeatable).",
)
@click.option("--note", default="", help="Note stored with --confirm / --dismiss.")
@click.option(
    "--reviewer", default=None, help="Reviewer name. [default: git config user.name, else $USER]"
)
@click.option("--force", is_flag=True, help="Accept fingerprints the report does not contain.")
@click.option("--stale", is_flag=True, help="List reviews whose finding the report no longer has.")
@click.option("--prune", is_flag=True, help="Remove those stale reviews from the reviews file.")
@click.pass_context
def review(
    ctx: click.Context,
    report_path: Path,
    reviews_path: Path | None,
    include_all: bool,
    confirm: tuple[str, ...],
    dismiss: tuple[str, ...],
    note: str,
    reviewer: str | None,
    force: bool,
    stale: bool,
    prune: bool,
) -> None:
    """Review findings: mark each confirmed or dismissed, with a note.

    Without options, walks the unreviewed findings of the report (discrepancies first, then
    unsupported; agreements with --all), showing each source with the claim marked and the
    slot-by-slot comparison, and reads one key per line: [c]onfirm, [d]ismiss, [n]ote,
    [s]kip, [b]ack, [q]uit. Every answer is saved at once (atomically); end of input quits.

    \b
    Examples:
      factcheck review
      factcheck review --dismiss 3f9c2a81d0 --note "different meetings, both right"
      factcheck review --stale
      factcheck review --prune
    """
    from .io import read_model
    from .reviews import (
        default_reviewer,
        load_reviews,
        prune_stale,
        save_reviews,
        set_verdict,
        stale_reviews,
    )

    verdicts: list[tuple[str, Verdict]] = [(k, "confirmed") for k in confirm] + [
        (k, "dismissed") for k in dismiss
    ]
    if verdicts and (stale or prune):
        raise click.UsageError("--confirm/--dismiss cannot be combined with --stale or --prune")
    if note and not verdicts:
        raise click.UsageError("--note needs --confirm or --dismiss")
    settings = _settings(ctx)
    reviews_file = reviews_path or Path(settings.reviews)
    reviews = load_reviews(reviews_file)
    report: Report | None = None
    if report_path.is_file() or not (force and verdicts):
        report = read_model(report_path, Report)

    if stale or prune:
        assert report is not None
        if prune:
            kept, removed = prune_stale(reviews, report)
            if removed:
                save_reviews(reviews_file, kept)
            for r in removed:
                click.echo(
                    f"pruned {r.fingerprint} {r.verdict} {r.rule or ''} {r.message or ''}".rstrip()
                )
            click.echo(f"{len(removed)} stale review(s) removed from {reviews_file}", err=True)
        else:
            old = stale_reviews(reviews, report)
            for r in old:
                click.echo(f"{r.fingerprint} {r.verdict} {r.rule or ''} {r.message or ''}".rstrip())
            click.echo(f"{len(old)} stale review(s) in {reviews_file}", err=True)
        return

    who = reviewer or default_reviewer()
    if verdicts:
        seen: dict[str, Verdict] = {}
        for key, verdict in verdicts:
            fingerprint, finding = _resolve(report, key, force=force, report_path=report_path)
            if seen.get(fingerprint, verdict) != verdict:
                raise click.UsageError(f"{fingerprint} is both confirmed and dismissed")
            seen[fingerprint] = verdict
            reviews = set_verdict(
                reviews, fingerprint, verdict, note=note, reviewer=who, finding=finding
            )
        save_reviews(reviews_file, reviews)
        for fingerprint, verdict in seen.items():
            click.echo(f"{verdict} {fingerprint}")
        return

    from .review_tui import ReviewSession

    assert report is not None
    session = ReviewSession(
        report,
        reviews_path=reviews_file,
        reviewer=who,
        include_agreements=include_all,
    )
    session.run()

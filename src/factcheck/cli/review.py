"""`factcheck review`: record confirmed or dismissed verdicts, one at a time or interactively."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode
from .options import CONTEXT, report_option, reviews_option, settings_of

if TYPE_CHECKING:
    # The models load with the command, not with `factcheck --help`.
    from ..models import Finding, Report, Review, ReviewsFile, Verdict


def _resolve(
    report: Report | None, key: str, *, force: bool, report_path: Path
) -> tuple[str, Finding | None]:
    from ..models import Finding
    from ..review.store import find_fingerprint

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
@report_option
@reviews_option
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
@click.option(
    "--force",
    is_flag=True,
    help="Accept fingerprints the report does not contain, and change verdicts that another "
    "reviewer made (the earlier verdict stays in the record's history).",
)
@click.option(
    "--accept-all",
    is_flag=True,
    help="Adopt the corpus as it stands (a baseline): mark every finding that has no verdict "
    "yet as confirmed with --note (agreements too with --all).",
)
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
    accept_all: bool,
) -> None:
    """Review findings: mark each confirmed or dismissed, with a note.

    Without options, walks the unreviewed findings of the report (discrepancies first, then
    unsupported; agreements with --all), showing each source with the claim marked and the
    slot-by-slot comparison, and reads one key per line: [c]onfirm, [d]ismiss, [n]ote,
    [s]kip, [b]ack, [q]uit. Every answer is saved at once; end of input quits.

    Every write locks the reviews file, re-reads it and merges, so verdicts that others save
    meanwhile are kept; changing another reviewer's verdict asks first (with --confirm or
    --dismiss it needs --force), and the earlier verdict stays in the record's history.
    Reviews recorded under the fingerprints of earlier versions migrate on the next write.

    \b
    Examples:
      factcheck review
      factcheck review --dismiss 3f9c2a81d0 --note "different meetings, both right"
      factcheck review --accept-all --note "baseline: conflicts known on adoption"
      factcheck review --stale
      factcheck review --prune
    """
    from ..io import read_model
    from ..models import Report
    from ..report.write import settle_reports
    from ..review.store import (
        adopt_baseline,
        apply_verdicts,
        default_reviewer,
        load_reviews,
        migrate_reviews,
        prune_stale,
        stale_reviews,
        update_reviews,
    )

    verdicts: list[tuple[str, Verdict]] = [(k, "confirmed") for k in confirm] + [
        (k, "dismissed") for k in dismiss
    ]
    if (verdicts or accept_all) and (stale or prune):
        raise click.UsageError(
            "--confirm/--dismiss/--accept-all cannot be combined with --stale or --prune"
        )
    if verdicts and accept_all:
        raise click.UsageError("--accept-all cannot be combined with --confirm or --dismiss")
    if accept_all and not note.strip():
        raise click.UsageError(
            "--accept-all needs --note saying why (it is kept with each verdict)"
        )
    if note and not (verdicts or accept_all):
        raise click.UsageError("--note needs --confirm, --dismiss or --accept-all")
    settings = settings_of(ctx)
    reviews_file = reviews_path or Path(settings.reviews)
    reviews = load_reviews(reviews_file)
    report: Report | None = None
    settle_reports(report_path.parent)  # finish a report swap a crash interrupted
    if report_path.is_file() or not (force and verdicts):
        report = read_model(report_path, Report)

    if stale or prune:
        assert report is not None
        from ..report.readable import readable, source_names

        names = source_names(report.documents)
        if prune:
            findings = report.findings

            def prune_change(current: ReviewsFile) -> tuple[ReviewsFile, list[Review]]:
                migrated, _ = migrate_reviews(current, findings)
                return prune_stale(migrated, report)

            removed = update_reviews(reviews_file, prune_change)
            for r in removed:
                click.echo(
                    f"pruned {r.fingerprint} {r.verdict} {r.rule or ''} "
                    f"{readable(r.message or '', names)}".rstrip()
                )
            click.echo(f"{len(removed)} stale review(s) removed from {reviews_file}", err=True)
        else:
            old = stale_reviews(reviews, report)
            for r in old:
                click.echo(
                    f"{r.fingerprint} {r.verdict} {r.rule or ''} "
                    f"{readable(r.message or '', names)}".rstrip()
                )
            click.echo(f"{len(old)} stale review(s) in {reviews_file}", err=True)
        return

    who = reviewer or default_reviewer()
    if accept_all:
        assert report is not None
        queue = [f for f in report.findings if include_all or f.kind != "agreement"]
        all_findings = report.findings

        def adopt_change(current: ReviewsFile) -> tuple[ReviewsFile, list[Finding]]:
            migrated, _ = migrate_reviews(current, all_findings)
            return adopt_baseline(migrated, queue, note=note, reviewer=who)

        marked = update_reviews(reviews_file, adopt_change)
        click.echo(
            f"{len(marked)} finding(s) marked confirmed in {reviews_file} "
            f"({len(queue) - len(marked)} already had a verdict)",
            err=True,
        )
        return
    if verdicts:
        seen: dict[str, tuple[Verdict, Finding | None]] = {}
        for key, verdict in verdicts:
            fingerprint, finding = _resolve(report, key, force=force, report_path=report_path)
            if seen.get(fingerprint, (verdict, None))[0] != verdict:
                raise click.UsageError(f"{fingerprint} is both confirmed and dismissed")
            seen[fingerprint] = (verdict, finding)
        results = apply_verdicts(
            reviews_file,
            [(fp, v, f) for fp, (v, f) in seen.items()],
            note=note,
            reviewer=who,
            force=force,
            findings=report.findings if report is not None else (),
        )
        refused = [r for r in results if r[2] == "refused"]
        for fingerprint, verdict, outcome, before in results:
            if outcome == "refused" and before is not None:
                click.echo(
                    f"{fingerprint}: already {before.verdict} by {before.reviewer} "
                    f"({before.time:%Y-%m-%d}{': ' + before.note if before.note else ''}); "
                    "use --force to change another reviewer's verdict",
                    err=True,
                )
            elif outcome == "unchanged":
                click.echo(f"{verdict} {fingerprint} (unchanged)")
            elif not refused:
                click.echo(f"{verdict} {fingerprint}")
        if refused:
            click.echo(f"nothing written to {reviews_file}", err=True)
            sys.exit(int(ExitCode.USAGE))
        return

    from ..review.session import ReviewSession

    assert report is not None
    session = ReviewSession(
        report,
        reviews_path=reviews_file,
        reviewer=who,
        include_agreements=include_all,
    )
    session.run()

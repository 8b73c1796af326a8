"""`factcheck review`: record confirmed or dismissed verdicts, one at a time or interactively."""

from __future__ import annotations

from pathlib import Path

import click

from ..models import Finding, Report, Verdict
from .options import CONTEXT, report_option, reviews_option, settings_of


def _resolve(
    report: Report | None, key: str, *, force: bool, report_path: Path
) -> tuple[str, Finding | None]:
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
    from ..io import read_model
    from ..report.write import settle_reports
    from ..review.store import (
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
    settings = settings_of(ctx)
    reviews_file = reviews_path or Path(settings.reviews)
    reviews = load_reviews(reviews_file)
    report: Report | None = None
    settle_reports(report_path.parent)  # finish a report swap a crash interrupted
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

    from ..review.session import ReviewSession

    assert report is not None
    session = ReviewSession(
        report,
        reviews_path=reviews_file,
        reviewer=who,
        include_agreements=include_all,
    )
    session.run()

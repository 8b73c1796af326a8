"""`factcheck gate`: fail CI on new, unreviewed findings that involve changed documents."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import Errors, ExitCode, InputError
from .options import CONTEXT, quiet_of, reviews_option, settings_of

if TYPE_CHECKING:
    from ..models import Report, Review
    from ..settings import Settings


def _run_pipeline(
    paths: Sequence[Path],
    *,
    settings: Settings,
    output: Path | None,
    quiet: bool,
    reviews: Mapping[str, Review] | None = None,
) -> Report:
    """The report over `paths`, written to `output` when given, with the review status of each
    reviewed finding (tests replace this function)."""
    from ..pipeline import run
    from ..progress import Progress
    from ..report.write import check_output_folder, write_reports

    if output is not None:
        check_output_folder(output)  # before any model loads, as `factcheck report` does
    result = run(
        paths,
        settings=settings,
        output=output,
        progress=Progress(enabled=None if not quiet else False),
    )
    if output is not None:
        # The same settings as `factcheck report` (report_context_chars and the rest).
        write_reports(result, output, settings=settings, reviews=reviews)
    return result.report


def _fail_on_from(ctx: click.Context, option: str | None, value: str) -> str:
    """Where the failing level came from, as the summary line names it: the option, the
    config file that set `fail_on` (the one the settings were read from), or the default."""
    if option is not None:
        return f"--fail-on {option}"
    from ..settings import config_for, read_config

    obj = ctx.find_root().obj
    path = getattr(obj, "config", None) or config_for(())
    if path is not None and "fail_on" in read_config(Path(path)):
        full = Path(path).resolve()
        shown = full.relative_to(Path.cwd()) if full.is_relative_to(Path.cwd()) else full
        table = " [tool.factcheck]" if full.name == "pyproject.toml" else ""
        return f'fail_on = "{value}" in {shown.as_posix()}{table}'
    return f'default fail_on = "{value}"'


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
    metavar="PATH",
    help="Count PATH as changed (repeatable); a folder counts as every document under it. "
    "Files and folders named in PATHS inside a folder of PATHS count as changed too.",
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
    "--output-format",
    "output_format",
    type=click.Choice(["text", "github", "json", "sarif"]),
    default=None,
    help="How failing findings are printed on stdout: text (`file:line: message [RULE "
    "fingerprint]`), github (workflow-command annotations, level after severity), json (the "
    "decision on every finding in scope) or sarif (SARIF 2.1.0). [default: text, plus github "
    "annotations when GITHUB_ACTIONS=true]",
)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append a Markdown summary (failing and changed-document findings only, under 64 KiB, "
    "evidence collapsed) to this file. [default: $GITHUB_STEP_SUMMARY when set]",
)
@click.option(
    "--sarif",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write SARIF 2.1.0 here (for GitHub code scanning).",
)
@click.option(
    "--sarif-failing-only",
    is_flag=True,
    help="Put only the failing findings in the SARIF (code scanning shows nothing else).",
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
    output_format: str | None,
    summary_path: Path | None,
    sarif: Path | None,
    sarif_failing_only: bool,
    output: Path | None,
) -> None:
    """Fail CI on new, unreviewed findings that involve changed documents.

    Runs the pipeline over PATHS, then exits 0 when no changed document brings a finding at
    or above the failing level (default: discrepancy; severity "info" never fails) that is
    still unreviewed, 1 when one does (each listed as `file:line: message [RULE fingerprint]`),
    2 on usage or input errors (a named or --changed file that does not exist or is not in
    the corpus, a bad --since revision, a file the run skipped under keep_going). Dismissed
    findings never fail; confirmed ones fail again only with --fail-on-confirmed.

    Blame the outlier: a changed document brings a discrepancy when it gives a value that the
    unchanged sources do not (a third value, or a conflict where they agreed); it points at
    that document's line, with the sources it contradicts as related locations. A document
    that sides with values other sources already give does not fail, and a reviewed finding
    that gains evidence keeps its verdict (the summary says so).

    Which documents count as changed: with --since REV, those git lists as added, modified
    or renamed since REV, plus untracked files; files given in PATHS inside a folder also given
    in PATHS (this is how the pre-commit hook passes staged files), and --changed PATH; a folder
    given so (`factcheck gate seeds/ seeds/sub/`) means every document under it. A
    document counts as changed when its metadata sidecar NAME.meta.json does (added, modified
    or deleted), as the sidecar can change its publication date and so its claims. With none
    of these, every document counts. Every line printed is escaped so that a file name cannot
    issue GitHub workflow commands.

    \b
    Examples:
      factcheck gate seeds/ --since origin/main --sarif factcheck.sarif --sarif-failing-only
      factcheck gate seeds/ --since origin/main --output-format github --summary summary.md
      factcheck gate seeds/ seeds/new-article.txt        # new-article.txt is the change
      factcheck gate seeds/ -o reports/ && factcheck review
    """
    from ..gate.annotations import (
        gained_annotations,
        github_annotation,
        in_github_actions,
        safe_line,
    )
    from ..gate.evaluate import describe_rule, evaluate, expand_folders, unknown_changes
    from ..gate.git import changed_since, repo_root, split_paths, unstaged_note
    from ..gate.sarif import to_sarif, write_sarif
    from ..gate.summary import json_summary, markdown_summary
    from ..io import dumps_json
    from ..review.store import ReviewIndex, load_reviews, stale_reviews

    def say(text: str) -> None:
        click.echo(safe_line(text), err=True)

    quiet = quiet_of(ctx)
    settings = settings_of(ctx, fail_on=fail_on)
    reviews_file = reviews_path or Path(settings.reviews)
    # Read the reviews and check the named files before the slow part, so mistakes fail fast.
    reviews = load_reviews(reviews_file)
    corpus, named = split_paths(paths)
    for extra in [*sorted(named), *changed_files]:
        if not extra.exists():
            raise InputError.make(Errors.E001, path=extra)
    root = repo_root()
    changed: set[Path] | None = None
    if since is not None:
        root, changed = changed_since(since)
    explicit = named | {p.resolve() for p in changed_files}

    report = _run_pipeline(
        corpus,
        settings=settings,
        output=output,
        quiet=quiet,
        reviews=ReviewIndex.of(reviews).by_fingerprint,
    )
    # Files the run could not read and went on without (keep_going): a changed one is not
    # "outside the corpus", and the gate cannot vouch for what it did not read (exit 2 below,
    # as `factcheck report` does). A document that was all page furniture (E011) has no claims.
    unread = [s for s in report.skipped if s.code != Errors.E011.code]
    skipped_files = {Path(s.path).resolve() for s in report.skipped}
    stray = unknown_changes(report, explicit, skipped=skipped_files)
    if stray:
        raise InputError.make(Errors.E062, path=stray[0])
    if explicit:  # a named folder: every document under it
        changed = (changed or set()) | expand_folders(report, explicit)
    index = ReviewIndex.of(reviews, report.findings)
    decision = evaluate(
        report,
        reviews=index,
        changed=changed,
        fail_on=settings.fail_on,
        fail_on_unreviewed=fail_on_unreviewed,
        fail_on_confirmed=fail_on_confirmed,
        root=root,
    )
    rule = describe_rule(
        fail_on=settings.fail_on,
        fail_on_unreviewed=fail_on_unreviewed,
        fail_on_confirmed=fail_on_confirmed,
        changed=decision.changed_documents is not None,
        fail_on_from=_fail_on_from(ctx, fail_on, settings.fail_on),
    )
    # Reviewers' notes by current fingerprint (a review may still sit under a scheme-1 one).
    notes = {f.fingerprint: r.note for f in report.findings if (r := index.review_of(f)) and r.note}
    if sarif is not None:
        write_sarif(sarif, to_sarif(report, decision, notes=notes, only_failing=sarif_failing_only))
    summary_file = summary_path or (
        Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None
    )
    if summary_file is not None:
        with summary_file.open("a", encoding="utf-8") as fh:
            fh.write(markdown_summary(decision, rule=rule))

    failing = decision.failing
    fmt = output_format or "text"
    if fmt == "text":
        for item in failing:
            click.echo(safe_line(item.line()))
    if fmt == "github" or (output_format is None and in_github_actions()):
        for item in failing:
            click.echo(github_annotation(item))
        for line in gained_annotations(decision.items):  # a verdict that still holds: a notice
            click.echo(line)
    if fmt == "json":
        click.echo(dumps_json(json_summary(decision, rule=rule)), nl=False)
    if fmt == "sarif":
        sarif_doc = to_sarif(report, decision, notes=notes, only_failing=sarif_failing_only)
        click.echo(dumps_json(sarif_doc), nl=False)
    if not quiet:
        for item in decision.items:
            if item.gained and not item.failing:
                say(f"{item.line()}: note: {item.gained}")
        scope = (
            "all documents"
            if decision.changed_documents is None
            else f"{len(decision.changed_documents)} changed document(s)"
        )
        reviewed = sum(1 for i in decision.items if i.status != "unreviewed")
        sided = sum(1 for i in decision.items if not i.brought)
        say(
            f"factcheck gate: {len(failing)} failing finding(s) in {scope}; "
            f"{len(decision.items)} in scope, {reviewed} reviewed"
            + (f", {sided} only sided with other sources" if sided else "")
            + f"; {rule}"
            + (f"; SARIF in {sarif}" if sarif else "")
        )
        if os.environ.get("PRE_COMMIT") == "1":  # run as a pre-commit hook
            staging = unstaged_note(reviews_file)
            if staging:
                say(f"note: {staging}")
        stale = stale_reviews(reviews, report)
        if stale:
            say(
                f"{len(stale)} review(s) in {reviews_file} match no finding any more: "
                "list them with `factcheck review --stale`, remove them with `--prune`."
            )
        if failing:
            say(
                "Review them with `factcheck review` (after `-o reports/`) or "
                "`factcheck review --dismiss FINGERPRINT --note WHY`."
            )
    if unread:
        say(
            f"factcheck gate: {len(unread)} file(s) could not be read and were skipped "
            f"(keep_going), so the gate cannot vouch for them: {unread[0].path} "
            f"({unread[0].reason} [{unread[0].code}]){' and others' if len(unread) > 1 else ''}; "
            "exit code 2"
        )
        sys.exit(int(ExitCode.USAGE))
    if failing:
        sys.exit(int(ExitCode.FINDINGS))

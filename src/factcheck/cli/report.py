"""`factcheck report`: run the whole pipeline and write the reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import Errors, ExitCode
from .options import (
    CONTEXT,
    State,
    follow_symlinks_option,
    ignore_option,
    keep_going_option,
    select_option,
)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for report.json, .md, .html, report.csv and sources.csv.",
)
@click.option(
    "--output-format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="What is printed on stdout: text (the summary), json (report.json) or csv "
    "(report.csv, a row per finding). The files are written either way.",
)
@select_option
@ignore_option
@click.option(
    "--reviews",
    "reviews_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Reviews file whose verdicts and notes the reports show beside each finding.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run ingest, extraction and embedding here, or as distributed batch stages on Ray.",
)
@click.option(
    "--address", help="Ray cluster to join (e.g. 10.0.0.5:6379); default: start a local one."
)
@follow_symlinks_option
@keep_going_option
@click.pass_obj
def report(
    state: State,
    paths: tuple[Path, ...],
    output: Path,
    no_cache: bool,
    engine: str,
    address: str | None,
    follow_symlinks: bool,
    keep_going: bool,
    output_format: str,
    select: list[str] | None,
    ignore: list[str] | None,
    reviews_path: Path | None,
) -> None:
    """Run the whole pipeline over PATHS (files or folders) and write the reports.

    Writes OUTPUT/report.json (validates against schemas/report.schema.json), report.md,
    report.html, report.csv and sources.csv as one set (a crash leaves the old set or the new
    one), and prints a summary table. The output folder is checked first: if it cannot be written, nothing runs (exit 2).

    \b
    Examples:
      factcheck report seeds/ -o reports/
      factcheck report seeds/ --select DC --output-format json -q
      factcheck report seeds/ --ignore UN001 --reviews reports/reviews.json
    """
    from ..pipeline import run
    from ..progress import Progress
    from ..report.terminal import print_summary
    from ..report.write import check_output_folder, write_reports

    settings = state.settings(
        paths,
        use_cache=False if no_cache else None,
        follow_symlinks=True if follow_symlinks else None,
        keep_going=True if keep_going else None,
        select=select,
        ignore=ignore,
    )
    check_output_folder(output)
    reviews = None
    if reviews_path is not None:
        from ..review.store import ReviewIndex, load_reviews

        reviews = ReviewIndex.of(load_reviews(reviews_path, missing_ok=False)).by_fingerprint
    progress = Progress(enabled=False if state.quiet else None)
    if engine == "ray":
        from ..engines.distributed import run_distributed

        result = run_distributed(
            paths, settings=settings, output=output, address=address, progress=progress
        )
    else:
        if address:
            raise click.UsageError("--address needs --engine ray")
        result = run(paths, settings=settings, output=output, progress=progress)
    written = write_reports(result, output, settings=settings, reviews=reviews)
    if output_format == "json":
        click.echo((output / "report.json").read_text(encoding="utf-8"), nl=False)
    elif output_format == "csv":
        click.echo((output / "report.csv").read_text(encoding="utf-8"), nl=False)
    elif not state.quiet:
        print_summary(result.report, written=written, top=settings.summary_top)
    # Under --keep-going the run goes on past files it cannot read, but the exit code still
    # says the input was bad (2), after the reports are written; a document that was all page
    # furniture (E011) is only a warning.
    unread = [s for s in result.report.skipped if s.code != Errors.E011.code]
    if unread:
        click.echo(
            f"factcheck: {len(unread)} file(s) or folder(s) could not be read and were skipped "
            "(--keep-going); the reports cover the rest; exit code 2",
            err=True,
        )
        sys.exit(int(ExitCode.USAGE))

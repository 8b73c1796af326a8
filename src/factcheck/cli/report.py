"""`factcheck report`: run the whole pipeline and write the reports."""

from __future__ import annotations

from pathlib import Path

import click

from .options import CONTEXT, State, follow_symlinks_option, keep_going_option


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for report.json, .md and .html.",
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
) -> None:
    """Run the whole pipeline over PATHS (files or folders) and write the reports.

    Writes OUTPUT/report.json (validates against schemas/report.schema.json), report.md and
    report.html as one set (a crash leaves the old set or the new one), and prints a summary
    table. The output folder is checked first: if it cannot be written, nothing runs (exit 2).
    """
    from ..pipeline import run
    from ..progress import Progress
    from ..report.terminal import print_summary
    from ..report.write import check_output_folder, write_reports

    settings = state.settings(
        use_cache=False if no_cache else None,
        follow_symlinks=True if follow_symlinks else None,
        keep_going=True if keep_going else None,
    )
    check_output_folder(output)
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
    written = write_reports(result, output, settings=settings)
    if not state.quiet:
        print_summary(result.report, written=written, top=settings.summary_top)

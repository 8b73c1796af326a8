"""`factcheck report`: run the whole pipeline and write the reports."""

from __future__ import annotations

from pathlib import Path

import click

from .options import CONTEXT, State


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
@click.pass_obj
def report(
    state: State,
    paths: tuple[Path, ...],
    output: Path,
    no_cache: bool,
    engine: str,
    address: str | None,
) -> None:
    """Run the whole pipeline over PATHS (files or folders) and write the reports.

    Writes OUTPUT/report.json (validates against schemas/report.schema.json), report.md and
    report.html, each atomically, and prints a summary table.
    """
    from ..pipeline import run
    from ..progress import Progress
    from ..report.terminal import print_summary
    from ..report.write import write_reports

    settings = state.settings(use_cache=False if no_cache else None)
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

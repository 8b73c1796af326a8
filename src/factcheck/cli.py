"""The `factcheck` command line: a thin layer over the Python API and the stages."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ExitCode, FactcheckError
from .settings import Settings, load_settings

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class State:
    """Options shared by every command."""

    def __init__(self, config: Path | None, quiet: bool) -> None:
        self.config = config
        self.quiet = quiet

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(self.config, **overrides)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="factcheck")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (factcheck.toml or pyproject.toml); default: the nearest one.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary, only errors.")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, quiet: bool) -> None:
    """Check facts across sources: extract claims, match them across documents, and report
    agreements, discrepancies and unsupported claims.

    \b
    Examples:
      factcheck report seeds/ -o reports/
      factcheck extract seeds/000_a4afdf5c2965e67e.txt --format table
      factcheck gate seeds/ --since origin/main --sarif factcheck.sarif
      factcheck review
    """
    ctx.obj = State(config, quiet)


@cli.command(context_settings=CONTEXT)
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
    from .pipeline import run
    from .progress import Progress
    from .report.terminal import print_summary
    from .report.write import write_reports

    settings = state.settings(use_cache=False if no_cache else None)
    progress = Progress(enabled=False if state.quiet else None)
    if engine == "ray":
        from .distributed import run_distributed

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


@cli.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@click.pass_obj
def extract(state: State, files: tuple[Path, ...], fmt: str) -> None:
    """Print the claims extracted from FILES (JSON validates against schemas/claims.schema.json)."""
    from .extract import Extractor
    from .extract.show import claims_table
    from .ingest import load_documents
    from .io import model_json
    from .models import ClaimSet

    settings = state.settings()
    documents = load_documents(files, settings=settings)
    extractor = Extractor(settings=settings)
    claims = [c for batch in extractor.extract_many(documents) for c in batch]
    if fmt == "json":
        click.echo(
            model_json(ClaimSet(documents=[d.record() for d in documents], claims=claims)), nl=False
        )
    else:
        claims_table(claims)


@cli.command(context_settings=CONTEXT)
@click.option("--write", "mode", flag_value="write", help="Regenerate schemas/*.schema.json.")
@click.option("--check", "mode", flag_value="check", help="Exit 1 when a schema file is stale.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
)
def schema(mode: str | None, folder: Path) -> None:
    """Write or check the JSON Schemas generated from the data models."""
    from .schema import rendered, stale_schemas, write_schemas

    if mode == "write":
        for path in write_schemas(folder):
            click.echo(f"wrote {path}")
    elif mode == "check":
        stale = stale_schemas(folder)
        for path in stale:
            click.echo(f"{path}: stale; run `factcheck schema --write`", err=True)
        if stale:
            sys.exit(ExitCode.FINDINGS)
    else:
        for name, text in rendered().items():
            click.echo(f"# {name}\n{text}")


@cli.command(context_settings=CONTEXT)
@click.argument("selectors", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def rules(state: State, selectors: tuple[str, ...], fmt: str) -> None:
    """List the rule catalogue with each rule's documentation (optionally only SELECTORS)."""
    from .rules.catalogue import print_catalogue

    print_catalogue(state.settings(), selectors=list(selectors), fmt=fmt)


def _register_optional_commands() -> None:
    from .gatecli import gate, review

    cli.add_command(gate)
    cli.add_command(review)


_register_optional_commands()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn errors into one-line messages and exit codes."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="factcheck",
            standalone_mode=False,
        )
    except FactcheckError as exc:
        click.echo(f"factcheck: error: {exc}", err=True)
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("factcheck: aborted", err=True)
        return int(ExitCode.USAGE)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else int(ExitCode.USAGE)
    except KeyboardInterrupt:
        click.echo("factcheck: interrupted", err=True)
        return 130
    return int(ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())

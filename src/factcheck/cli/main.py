"""The `factcheck` group and `main(argv) -> int`; each command lives in its own module beside this one."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from .. import __version__
from ..errors import Errors, ExitCode, FactcheckError, shown_path
from .extract import extract
from .gate import gate
from .options import CONFIG_HELP, CONTEXT, QUIET_HELP, State, global_options
from .report import report
from .review import review
from .rules import rules
from .schema import schema


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="factcheck")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help=CONFIG_HELP,
)
@click.option("-q", "--quiet", is_flag=True, help=QUIET_HELP)
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


for _command in (report, extract, schema, rules, gate, review):
    _command.params.extend(global_options())
    cli.add_command(_command)


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
    except OSError as exc:
        # An environment fault nothing closer caught (a full disk, a folder gone read-only):
        # still one line and exit 2, never a traceback.
        where = f"{shown_path(exc.filename)}: " if exc.filename else ""
        detail = Errors.E092.format(detail=exc.strerror or exc)
        click.echo(f"factcheck: error: {where}{detail} [{Errors.E092.code}]", err=True)
        return int(ExitCode.USAGE)
    except KeyboardInterrupt:
        click.echo("factcheck: interrupted", err=True)
        return 130
    return int(ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())

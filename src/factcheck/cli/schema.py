"""`factcheck schema`: write or check the JSON Schemas generated from the data models."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ExitCode
from .options import CONTEXT


@click.command(context_settings=CONTEXT)
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
    from ..schema import rendered, stale_schemas, write_schemas

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

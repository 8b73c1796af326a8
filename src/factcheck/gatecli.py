"""`factcheck gate` and `factcheck review` (PLACEHOLDER until the gate issue lands)."""

from __future__ import annotations

import click


@click.command()
@click.argument("paths", nargs=-1, required=True)
def gate(paths: tuple[str, ...]) -> None:
    """Fail CI on new, unreviewed discrepancies (not implemented yet)."""
    raise click.UsageError("gate is not implemented yet")


@click.command()
def review() -> None:
    """Review flagged findings (not implemented yet)."""
    raise click.UsageError("review is not implemented yet")

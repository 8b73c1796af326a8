"""`factcheck rules`: print the rule catalogue."""

from __future__ import annotations

import click

from .options import CONTEXT, State


@click.command(context_settings=CONTEXT)
@click.argument("selectors", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def rules(state: State, selectors: tuple[str, ...], fmt: str) -> None:
    """List the rule catalogue with each rule's documentation (optionally only SELECTORS)."""
    from ..rules.catalogue import print_catalogue

    print_catalogue(state.settings(), selectors=list(selectors), fmt=fmt)

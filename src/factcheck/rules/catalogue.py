"""`factcheck rules`: print the rule catalogue (PLACEHOLDER)."""

from __future__ import annotations

import click

from ..settings import Settings


def print_catalogue(settings: Settings, *, selectors: list[str], fmt: str) -> None:
    click.echo("AG001 agreement.same-fact\nUN001 unsupported.single-source")

"""Table view of extracted claims for `factcheck extract --format table` (PLACEHOLDER)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ..models import Claim


def claims_table(claims: Sequence[Claim]) -> None:
    for c in claims:
        click.echo(f"{c.span.document}:{c.span.line}  {c.text}")

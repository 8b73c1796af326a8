"""Terminal summary of a report (PLACEHOLDER)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from ..models import Report


def print_summary(report: Report, *, written: Sequence[Path] = ()) -> None:
    for kind, n in report.summary.by_kind.items():
        click.echo(f"{kind}: {n}")
    for path in written:
        click.echo(f"wrote {path}")

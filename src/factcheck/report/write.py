"""Write report.json, report.md and report.html atomically, all rendered before any is written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..io import atomic_write_text, model_json
from .render import render_html, render_markdown

if TYPE_CHECKING:
    from ..pipeline import RunResult


def write_reports(result: RunResult, output: Path) -> list[Path]:
    """Render every format first, so an error in one leaves the previous reports untouched."""
    rendered = {
        "report.json": model_json(result.report),
        "report.md": render_markdown(result.report),
        "report.html": render_html(result.report, result.documents),
    }
    paths = []
    for name, text in rendered.items():
        path = output / name
        atomic_write_text(path, text)
        paths.append(path)
    return paths

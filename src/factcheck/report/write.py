"""Write report.json, report.md and report.html atomically, all rendered before any is written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..io import atomic_write_text, model_json
from .render import render_html, render_markdown

if TYPE_CHECKING:
    from ..pipeline import RunResult
    from ..settings import Settings

REPORT_FILES = ("report.json", "report.md", "report.html")


def write_reports(
    result: RunResult, output: str | Path, *, settings: Settings | None = None
) -> list[Path]:
    """Write the three reports into `output` and return their paths (json, md, html).

    Every format is rendered first, so an error in one leaves the previous reports untouched;
    each file is then replaced atomically. `settings` supplies report_context_chars.
    """
    folder = Path(output)
    rendered = {
        "report.json": model_json(result.report),
        "report.md": render_markdown(result.report),
        "report.html": render_html(
            result.report,
            result.documents,
            context_chars=settings.report_context_chars if settings is not None else None,
        ),
    }
    paths = []
    for name in REPORT_FILES:
        path = folder / name
        atomic_write_text(path, rendered[name])
        paths.append(path)
    return paths

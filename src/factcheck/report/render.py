"""Render a Report as Markdown and HTML (PLACEHOLDER: minimal)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from ..models import Document, Report


def render_markdown(report: Report) -> str:
    lines = ["# Consistency report", ""]
    for kind, n in report.summary.by_kind.items():
        lines.append(f"- {kind}: {n}")
    lines.append("")
    for f in report.findings:
        lines.append(f"- **{f.kind}** `{f.rule}` {f.message}")
    return "\n".join(lines) + "\n"


def render_html(report: Report, documents: Sequence[Document] = ()) -> str:
    items = "".join(
        f"<li>{html.escape(f.kind)}: {html.escape(f.message)}</li>" for f in report.findings
    )
    return f"<!doctype html><html><head><meta charset='utf-8'><title>factcheck report</title></head><body><ul>{items}</ul></body></html>\n"

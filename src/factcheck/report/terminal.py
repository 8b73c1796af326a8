"""Terminal summary of a report: counts per kind, rule and document, top discrepancies, files written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..models import SEVERITY_ORDER, Finding, Report
from ..settings import Settings
from .readable import counted, readable, source_names
from .render import SECTIONS

__all__ = ["print_summary", "top_discrepancies"]

KIND_STYLES = {"discrepancy": "bold red", "unsupported": "yellow", "agreement": "green"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "dim"}
DEFAULT_TOP: int = Settings.model_fields["summary_top"].default


def top_discrepancies(report: Report, n: int) -> list[Finding]:
    """The `n` discrepancies to show first: most severe, then in report order."""
    found = [(i, f) for i, f in enumerate(report.findings) if f.kind == "discrepancy"]
    found.sort(key=lambda item: (-SEVERITY_ORDER.get(item[1].severity, 0), item[0]))
    return [f for _, f in found[:n]]


def _table(*headers: str, numeric: int = 0) -> Table:
    """A borderless table that squeezes well in narrow terminals; the last `numeric` columns are counts."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
    for i, header in enumerate(headers):
        is_num = i >= len(headers) - numeric
        table.add_column(
            header, justify="right" if is_num else "left", no_wrap=is_num, overflow="fold"
        )
    return table


def _where(report: Report, f: Finding) -> list[str]:
    paths = {d.id: d.path for d in report.documents}
    return [f"{paths.get(ev.document, ev.document)}:{ev.line}" for ev in f.evidence]


def print_summary(
    report: Report,
    *,
    written: Sequence[Path] = (),
    top: int | None = None,
    console: Console | None = None,
) -> None:
    """Print a short summary: counts per kind, per rule and per document, the top discrepancies
    with file:line, and the paths written.

    Without a `console` it prints to stdout; rich leaves out colour when that is not a terminal
    (and honours NO_COLOR). `top` defaults to the setting summary_top; it also caps the
    document table, ranked by discrepancies then unsupported claims.
    """
    console = console or Console(highlight=False)
    n_top = DEFAULT_TOP if top is None else top
    labels = source_names(report.documents)
    s = report.summary
    console.print(
        Text(
            f"factcheck: {counted(s.documents, 'documents')}, {counted(s.claims, 'claims')}, "
            f"{counted(s.groups, 'matched groups')}, {counted(len(report.findings), 'findings')}",
            style="bold",
        )
    )

    kinds = _table("Kind", "Findings", numeric=1)
    for kind, title in SECTIONS:
        kinds.add_row(Text(title, style=KIND_STYLES[kind]), str(s.by_kind.get(kind, 0)))
    console.print(kinds)

    if s.by_rule:
        names: dict[str, tuple[str, str]] = {}
        for f in report.findings:
            names.setdefault(f.rule, (f.name, f.kind))
        rules = _table("Rule", "Name", "Findings", numeric=1)
        for code, count in sorted(s.by_rule.items()):
            name, rule_kind = names.get(code, ("", ""))
            rules.add_row(Text(code, style=KIND_STYLES.get(rule_kind, "")), name, str(count))
        console.print(rules)

    if s.by_document:
        ranked = sorted(
            s.by_document.items(),
            key=lambda item: (
                -item[1].get("discrepancy", 0),
                -item[1].get("unsupported", 0),
                item[0],
            ),
        )
        limit = max(n_top, 1)
        docs = _table("Document", *(title for _, title in SECTIONS), numeric=len(SECTIONS))
        for doc, counts in ranked[:limit]:
            docs.add_row(labels.get(doc, doc), *(str(counts.get(kind, 0)) for kind, _ in SECTIONS))
        console.print(docs)
        if len(ranked) > limit:
            console.print(
                Text(f"... and {len(ranked) - limit} more documents (see report.md)", style="dim")
            )

    worst = top_discrepancies(report, n_top)
    if worst:
        total = s.by_kind.get("discrepancy", 0)
        console.print(Text(f"Top discrepancies ({len(worst)} of {total})", style="bold"))
        for i, f in enumerate(worst, 1):
            head = Text(f"{i:>2}. ")
            head.append(f.rule, style="bold")
            head.append(" ")
            head.append(f.severity, style=SEVERITY_STYLES.get(f.severity, ""))
            head.append(f" {f.name}")
            console.print(head)
            console.print(Padding(Text(readable(f.message, labels)), (0, 0, 0, 4), expand=False))
            for where in _where(report, f):
                # Kept whole so that editors and CI logs can jump to file:line.
                console.print(Text(f"    {where}", style="cyan"), soft_wrap=True)
    elif report.findings:
        console.print(Text("No discrepancies.", style="green"))

    if written:
        console.print(Text("Wrote:", style="bold"))
        for path in written:
            console.print(Text(f"  {path}"), soft_wrap=True)

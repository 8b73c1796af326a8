"""Table view of extracted claims for `factcheck extract --format table`."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..models import Claim, Entity


def _entity(e: Entity) -> str:
    role = ""
    if e.role is not None:
        org = e.role.org.split(":", 1)[-1] if e.role.org else ""
        inferred = " (inferred)" if e.role.org_inferred else ""
        role = f" [{e.role.title}{' of ' + org if org else ''}{inferred}]"
    return escape(f"{e.name}{role}")


def _when(c: Claim) -> str:
    parts = []
    for t in c.when:
        if t.resolved and t.value:
            parts.append(f"{t.text}={t.value}")
        else:
            parts.append(f"{t.text}=?")
    return "\n".join(parts)


def _flags(c: Claim) -> str:
    out: list[str] = [c.kind] if c.kind != "statement" else []
    if c.polarity == "negative":
        out.append("NOT")
    if c.modality != "asserted":
        out.append(c.modality)
    if c.attribution is not None:
        who = c.attribution.speaker.name if c.attribution.speaker else c.attribution.text or "?"
        out.append(f"by {who}")
    return "\n".join(out)


def claims_table(claims: Sequence[Claim], *, console: Console | None = None) -> None:
    """Print one row per claim: location, text, who, what, when, where, quantities, flags."""
    console = console or Console()
    table = Table(show_lines=True, expand=True)
    table.add_column("claim", no_wrap=True, style="dim")
    table.add_column("text", ratio=4)
    table.add_column("who", ratio=2)
    table.add_column("what", ratio=2)
    table.add_column("when", ratio=2)
    table.add_column("where", ratio=1)
    table.add_column("qty", ratio=1)
    table.add_column("mode", ratio=1)
    for c in claims:
        what = c.what.lemma + (f" → {c.what.object}" if c.what.object else "")
        qty = "\n".join(
            f"{'~' if q.bound == 'approx' else '>' if q.bound == 'more_than' else '<' if q.bound == 'less_than' else '≥' if q.bound == 'at_least' else '≤' if q.bound == 'at_most' else ''}"
            f"{q.value:g} {q.unit or ''}".strip()
            for q in c.quantities
        )
        table.add_row(
            f"{c.id}\nL{c.span.line}",
            escape(c.text),
            "\n".join(_entity(e) for e in c.who),
            escape(what),
            escape(_when(c)),
            escape("\n".join(e.name for e in c.where)),
            escape(qty),
            escape(_flags(c)),
        )
    console.print(table)

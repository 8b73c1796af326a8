"""The claims of `factcheck extract --format table`: one short block per claim, readable at 80 columns."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from ..models import Claim, Entity, Quantity
from ..report.readable import entity_name, readable
from .units import units


def _entity(e: Entity) -> str:
    role = ""
    if e.role is not None:
        org = entity_name(e.role.org) if e.role.org else ""
        inferred = " (inferred)" if e.role.org_inferred else ""
        # How the title is held, as DC004 reads it: only a current holder is compared.
        held = "" if e.role.tenure == "current" else f"{e.role.tenure} "
        role = f" [{held}{e.role.title}{' of ' + org if org else ''}{inferred}]"
    return f"{e.name}{role}"


def _when(c: Claim) -> str:
    parts = []
    for t in c.when:
        if t.resolved and t.value:
            parts.append(f"{t.text} ({readable(t.value)})")
        else:
            parts.append(f"{t.text} (unresolved)")
    return "; ".join(parts)


# Columns before a slot's value: two spaces, the label ("figures") and one space.
_INDENT = 10

_BOUND = {
    "approx": "about ",
    "more_than": "more than ",
    "less_than": "less than ",
    "at_least": "at least ",
    "at_most": "at most ",
}


# Units written in the plural after a number other than one ("60 years"): the duration words of
# data/units.yaml and the units their figures are in; others stay as they are ("USD",
# "percent", "people").
_COUNTED_UNITS = frozenset(units().durations) | frozenset(
    d.unit for d in units().durations.values()
)


def _plural(unit: str) -> str:
    """ "years", "centuries" ("y" after a consonant), "days"."""
    return f"{unit[:-1]}ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else f"{unit}s"


def _quantity(q: Quantity) -> str:
    value = f"{int(q.value):,}" if q.value == int(q.value) else f"{q.value:,}"
    plural = q.value != 1 and q.unit in _COUNTED_UNITS
    unit = f" {_plural(q.unit) if plural else q.unit}" if q.unit else ""
    return f"{_BOUND.get(q.bound, '')}{value}{unit}"


def _flags(c: Claim) -> list[str]:
    out: list[str] = [c.kind] if c.kind != "statement" else []
    if c.polarity == "negative":
        out.append("NOT")
    if c.modality != "asserted":
        out.append(c.modality)
    if c.attribution is not None:
        who = c.attribution.speaker.name if c.attribution.speaker else c.attribution.text or "?"
        out.append(f"by {' '.join(who.split())}")
    return out


def claims_table(claims: Sequence[Claim], *, console: Console | None = None) -> None:
    """Print each claim as a short block that fits any width (80 columns included).

    The first line gives the claim id, its line in the document and its flags (kind, NOT,
    modality, who says it); then the claim's text and one labelled line per slot that has a
    value: who, what, when, where, figures. Values read as in the report: dates and durations
    in words, organisations by name.
    """
    console = console or Console(highlight=False)
    for i, c in enumerate(claims):
        if i:
            console.print()
        head = Text(c.id, style="bold")
        head.append(f"  line {c.span.line}", style="dim")
        flags = _flags(c)
        if flags:
            head.append("  " + " · ".join(flags), style="yellow")
        console.print(head)
        what = c.what.lemma + (f" → {c.what.object}" if c.what.object else "")
        slots = [
            ("text", c.text),
            ("who", ", ".join(_entity(e) for e in c.who)),
            ("what", what),
            ("when", _when(c)),
            ("where", ", ".join(e.name for e in c.where)),
            ("figures", "; ".join(_quantity(q) for q in c.quantities)),
        ]
        # Values wrap under themselves, never past the console's width, with no padding.
        width = max(20, console.width - _INDENT)
        for label, value in slots:
            if not value:
                continue
            for j, line in enumerate(Text(" ".join(value.split())).wrap(console, width)):
                lead = f"  {label:<{_INDENT - 2}}" if j == 0 else " " * _INDENT
                line.rstrip()
                console.print(Text(lead, style="dim") + line, soft_wrap=True)

"""`factcheck extract`'s claim blocks fit 80 columns, wrap values under themselves and read like the report."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from factcheck.extract.show import claims_table
from factcheck.models import Entity, Predicate, Quantity, Role, TimeExpression
from tests.conftest import make_claim

LONG = (
    "The regional council said on Tuesday that the harbour bridge, closed since the storm, "
    "would reopen to traffic after repairs costing more than four million dollars, officials said."
)


def test_every_line_fits_80_columns_with_values_wrapped_under_themselves() -> None:
    minister = Entity(
        id="person:jane-roe",
        name="Jane Roe",
        kind="person",
        mention="Roe",
        role=Role(title="transport minister", org="gpe:NZ"),
    )
    claim = make_claim(
        "harbour/2021-bridge-reopening-story",
        LONG,
        who=[
            minister,
            *(
                Entity(id=f"org:c{i}", name=f"Council {i}", kind="org", mention="c")
                for i in range(8)
            ),
        ],
        what=Predicate(lemma="reopen", object="bridge to traffic after repairs"),
        when=[
            TimeExpression(
                text="Tuesday", value="2021-03-16", resolved=True, begin=dt.date(2021, 3, 16)
            ),
            TimeExpression(text="since the storm"),
        ],
        quantities=[
            Quantity(
                text="more than four million dollars",
                value=4_000_000,
                unit="USD",
                bound="more_than",
            )
        ],
        modality="reported",
    )
    out = io.StringIO()
    claims_table([claim, claim], console=Console(file=out, width=80, no_color=True))
    lines = out.getvalue().splitlines()
    assert lines[0] == "harbour/2021-bridge-reopening-story:0  line 1  reported"
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    # The text wraps under itself: its lines up to "who" give it back whole.
    end = lines.index(next(line for line in lines if line.startswith("  who ")))
    assert lines[1].startswith("  text    ") and end > 2
    assert " ".join(line[10:] for line in lines[1:end]) == LONG
    assert any(
        x.startswith("  who     Jane Roe [transport minister of New Zealand], Council 0")
        for x in lines
    )
    assert "  when    Tuesday (16 March 2021); since the storm (unresolved)" in lines
    assert (
        "  figures more than 4e+06 USD" not in lines
        and "  figures more than 4,000,000 USD" in lines
    )
    assert "" in lines  # a blank line between claims


def test_a_role_not_held_now_says_how_it_is_held() -> None:
    former = Entity(
        id="person:jane-roe",
        name="Jane Roe",
        kind="person",
        mention="Jane Roe",
        role=Role(title="transport minister", org="gpe:NZ", tenure="former"),
    )
    out = io.StringIO()
    claims_table(
        [make_claim("a", "Former Transport Minister Jane Roe spoke.", who=[former])],
        console=Console(file=out, width=80, no_color=True),
    )
    assert "Jane Roe [former transport minister of New Zealand]" in out.getvalue()

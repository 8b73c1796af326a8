"""The report as CSV for spreadsheet users: a row per finding, and a findings × sources table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence

from ..models import Report, Review
from .readable import readable, source_names
from .render import glance_of

__all__ = ["render_csv", "render_sources_csv", "sources_csv_rows"]

FINDING_COLUMNS = (
    "kind",
    "rule",
    "name",
    "severity",
    "message",
    "sources",
    "claims",
    "locations",
    "review",
    "review_note",
    "fingerprint",
)
# A spreadsheet runs a cell that starts with one of these as a formula; document text is
# untrusted, so such a cell gets a leading apostrophe (OWASP's advice on CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _write(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    return buffer.getvalue()


def render_csv(report: Report, *, reviews: Mapping[str, Review] | None = None) -> str:
    """report.csv: one row per finding, with its sources (by name), claims and file:line.

    Several claims or sources in one cell are separated by newlines, which CSV quotes.
    """
    names = source_names(report.documents)
    paths = {d.id: d.path for d in report.documents}
    reviews = reviews or {}
    rows: list[list[str]] = [list(FINDING_COLUMNS)]
    for f in report.findings:
        review = reviews.get(f.fingerprint)
        sources = list(dict.fromkeys(names.get(ev.document, ev.document) for ev in f.evidence))
        rows.append(
            [
                f.kind,
                f.rule,
                f.name,
                f.severity,
                readable(f.message, names),
                "\n".join(sources),
                "\n".join(ev.text for ev in f.evidence),
                "\n".join(f"{paths.get(ev.document, ev.document)}:{ev.line}" for ev in f.evidence),
                review.verdict if review else "",
                review.note if review else "",
                f.fingerprint,
            ]
        )
    return _write(rows)


def render_sources_csv(report: Report) -> str:
    """sources.csv: a row per finding, a column per source; a cell holds what that source says
    (the disputed value for a discrepancy, the claim's sentence otherwise), empty when silent."""
    return "".join(sources_csv_rows(report))


def sources_csv_rows(report: Report) -> Iterator[str]:
    """sources.csv as CSV text one row at a time: the table is findings x sources, so on a large
    corpus it must never be held whole (10,000 documents: over 1 GB as lists of cells)."""
    names = source_names(report.documents)
    docs = [d.id for d in report.documents]
    yield _write([["kind", "rule", "message", *(names[d] for d in docs)]])
    for f in report.findings:
        said: dict[str, str] = {}
        glance = glance_of(f, names, "")
        if glance is not None:
            for value in glance.values:
                for doc in value.documents:
                    said[doc] = value.value
        for ev in f.evidence:
            said.setdefault(ev.document, ev.text)
        yield _write(
            [[f.kind, f.rule, readable(f.message, names), *(said.get(d, "") for d in docs)]]
        )

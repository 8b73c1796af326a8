"""The gate's Markdown summary for a pull request ($GITHUB_STEP_SUMMARY): failing and changed-document findings only."""

from __future__ import annotations

import html
from collections.abc import Sequence

from .annotations import escape_controls
from .evaluate import GateItem, GateResult

__all__ = ["MAX_SUMMARY_BYTES", "json_summary", "markdown_summary"]

# GitHub refuses a step summary over 1 MiB and shows at most 1 MiB per job; a PR comment or
# summary stays readable far below that. The summary is cut to fit under this size.
MAX_SUMMARY_BYTES = 64 * 1024


def _cell(text: str, limit: int = 300) -> str:
    """Text for a Markdown table cell: HTML-escaped, no line breaks, pipes or control characters
    (ESC and the rest percent-encoded, as in the log lines), cut at `limit`."""
    text = escape_controls(" ".join(text.split()))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text, quote=False).replace("|", "&#124;").replace("`", "&#96;")


def _where(item: GateItem) -> str:
    if item.location is None:
        return ""
    return f"{_cell(item.location.path, 120)}:{item.location.line}"


def _status(item: GateItem) -> str:
    if item.failing:
        return "**fails**"
    if item.gained:
        return _cell(item.gained, 200)
    if not item.brought:
        return f"{item.status}; the change sides with other sources"
    return item.status


def _details(item: GateItem) -> str:
    rows = []
    for ev, loc in [(item.evidence, item.location), *item.related]:
        if ev is None:
            continue
        where = (
            f"{_cell(loc.path, 120)}:{loc.line}"
            if loc is not None
            else _cell(item.name_of(ev.document))
        )
        rows.append(f"<li><code>{where}</code> {_cell(ev.text, 400)}</li>")
    return (
        f"<details><summary>{_cell(item.finding.rule)} <code>{item.finding.fingerprint}</code>: "
        f"evidence</summary>\n<ul>\n" + "\n".join(rows) + "\n</ul>\n</details>\n"
    )


def _table(items: Sequence[GateItem]) -> list[str]:
    lines = ["| | rule | where | finding | status |", "|---|---|---|---|---|"]
    for item in items:
        f = item.finding
        lines.append(
            f"| {f.severity} | {_cell(f.rule)} | {_where(item)} | {_cell(item.message)} "
            f"<code>{f.fingerprint}</code> | {_status(item)} |"
        )
    return lines


def markdown_summary(
    result: GateResult, *, rule: str, limit: int = MAX_SUMMARY_BYTES, title: str = "factcheck gate"
) -> str:
    """Markdown of the failing findings and the other findings of changed documents.

    Findings that involve no changed document are left out (they are in the full report);
    the evidence of each finding sits in a collapsed <details> block. The text is cut, with
    a note saying how many findings were left out, to stay under `limit` bytes.
    """
    failing = result.failing
    changed = [i for i in result.items if not i.failing and i.finding.kind != "agreement"]
    if result.changed_documents is None:
        changed = []  # every document counts as changed: list what fails only
    verdict = "❌ fails" if failing else "✅ passes"
    scope = (
        "all documents"
        if result.changed_documents is None
        else f"{len(result.changed_documents)} changed document(s)"
    )
    head = [
        f"### {title}: {verdict}",
        "",
        f"{len(failing)} failing finding(s) in {scope}; {_cell(rule, 400)}.",
        "",
    ]
    sections: list[tuple[str, list[GateItem]]] = [("Failing", failing)]
    if changed:
        sections.append(("Other findings in changed documents (not failing)", changed))
    out = "\n".join(head) + "\n"
    total = sum(len(items) for _, items in sections)
    # Every byte is counted: the section headers, the rows and details with the line breaks
    # that join them, and the longest cut note there can be, so the text stays under `limit`.
    budget = limit - _size(out) - _size(_cut_note(total))
    left_out = 0
    for name, items in sections:
        if not items:
            continue
        if left_out:  # an earlier section was cut: what fails comes first, nothing after it
            left_out += len(items)
            continue
        block = [f"#### {name} ({len(items)})", "", *_table([])]
        budget -= _size("\n".join(block)) + len("\n\n") + len("\n")
        details: list[str] = []
        for item in items:
            row = _table([item])[-1]
            detail = _details(item)
            size = _size(row) + _size(detail) + 2  # each joined by a line break
            if budget - size < 0:
                left_out += len(items) - len(details)
                break
            budget -= size
            block.append(row)
            details.append(detail)
        if details:
            out += "\n".join(block) + "\n\n" + "\n".join(details) + "\n"
    if left_out:
        out += _cut_note(left_out)
    return out


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut_note(left_out: int) -> str:
    return (
        f"\n_{left_out} more finding(s) left out to keep this summary short; "
        "see the report or SARIF._\n"
    )


def json_summary(result: GateResult, *, rule: str) -> dict[str, object]:
    """The gate's decision as JSON (`--output-format json`): every finding in scope."""

    def location(loc: object) -> dict[str, object] | None:
        if loc is None:
            return None
        return {k: getattr(loc, k) for k in ("path", "line", "column", "end_line", "end_column")}

    return {
        "passed": result.passed,
        "rule": rule,
        "changed_documents": result.changed_documents,
        "failing": len(result.failing),
        "findings": [
            {
                "fingerprint": i.finding.fingerprint,
                "rule": i.finding.rule,
                "kind": i.finding.kind,
                "severity": i.finding.severity,
                "message": i.finding.message,
                "status": i.status,
                "failing": i.failing,
                "brought": i.brought,
                "new_evidence": list(i.new_evidence),
                "contradicts": list(i.contradicts),
                "location": location(i.location),
                "related": [
                    {"document": e.document, "location": location(loc)} for e, loc in i.related
                ],
            }
            for i in result.items
        ],
    }

"""Render a Report as Markdown and as one self-contained HTML page with the sources side by side."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import jinja2

from ..ingest.formats import is_plain_text
from ..io import dumps_json
from ..models import Document, DocumentRecord, Evidence, Finding, Kind, Report
from ..settings import Settings

__all__ = [
    "Context",
    "Excerpt",
    "context_window",
    "document_excerpts",
    "evidence_context",
    "find_near",
    "md_code",
    "md_text",
    "render_html",
    "render_markdown",
    "text_offset",
]

# Section order of both reports: what needs attention first.
SECTIONS: tuple[tuple[Kind, str], ...] = (
    ("discrepancy", "Discrepancies"),
    ("unsupported", "Unsupported"),
    ("agreement", "Agreements"),
)
KIND_LABELS: dict[str, str] = {
    "discrepancy": "Discrepancy",
    "unsupported": "Unsupported",
    "agreement": "Agreement",
}

# More claims than this and the slot table gets a row per claim instead of a column per claim.
MAX_CLAIM_COLUMNS = 4
DEFAULT_CONTEXT_CHARS: int = Settings.model_fields["report_context_chars"].default


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class Context:
    """Document text around a claim: `before` + `marked` + `after`.

    `clipped_start`/`clipped_end` say that the paragraph goes on beyond what is shown;
    `located` is False when the claim could not be found in the document, and then
    `marked` is the evidence text alone.
    """

    before: str
    marked: str
    after: str
    clipped_start: bool = False
    clipped_end: bool = False
    located: bool = True
    start: int = 0
    """Offset of the first character shown, in the text the context was taken from."""

    @property
    def end(self) -> int:
        return self.start + len(self.before) + len(self.marked) + len(self.after)

    @property
    def span(self) -> tuple[int, int]:
        first = self.start + len(self.before)
        return first, first + len(self.marked)


@dataclass(frozen=True)
class Excerpt:
    """A stretch of one document's text with one or more claims marked (overlapping contexts merged)."""

    segments: tuple[tuple[str, bool], ...]
    where: tuple[str, ...]
    clipped_start: bool = False
    clipped_end: bool = False
    located: bool = True


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_NEWLINE = re.compile(r"\n")
_SPACE = re.compile(r"\s")
# One-for-one replacements, so offsets in the folded string are offsets in the original.
_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
    }
)


def text_offset(doc: Document, original_offset: int) -> int:
    """Offset in `doc.text` that maps to `original_offset` (the inverse of `original_offset()`)."""
    best_text, best_orig = 0, 0
    for t, o in doc.offset_map:
        if best_orig <= o <= original_offset:
            best_text, best_orig = t, o
    return max(0, min(best_text + (original_offset - best_orig), len(doc.text)))


def find_near(haystack: str, needle: str, near: int) -> tuple[int, int] | None:
    """Span of `needle` in `haystack` closest to offset `near`.

    Tries an exact match, then one that tolerates different whitespace, then one that also
    ignores case and typographic quotes and dashes (ingest may normalise those).
    """
    needle = needle.strip()
    if not needle:
        return None
    spans: list[tuple[int, int]] = []
    i = haystack.find(needle)
    while i >= 0:
        spans.append((i, i + len(needle)))
        i = haystack.find(needle, i + 1)
    if not spans:
        loose = r"\s+".join(re.escape(w) for w in needle.split())
        spans = [m.span() for m in re.finditer(loose, haystack)]
    if not spans:
        folded = r"\s+".join(re.escape(w) for w in needle.translate(_FOLD).split())
        spans = [m.span() for m in re.finditer(folded, haystack.translate(_FOLD), re.IGNORECASE)]
    if not spans:
        return None
    return min(spans, key=lambda s: (abs(s[0] - near), s[0]))


def _same_text(a: str, b: str) -> bool:
    return a.split() == b.split()


def _locate(doc: Document, ev: Evidence) -> tuple[str, int, int] | None:
    """The text to take context from, and the claim's span in it.

    Plain text and Markdown show the original file at the evidence's own offsets while those
    still hold the sentence. HTML and JSON originals are markup, so there (and for stale
    offsets) the sentence is looked up in the article text, nearest to where the offset maps.
    """
    if is_plain_text(doc.format):
        if 0 <= ev.start <= ev.end <= len(doc.original) and _same_text(
            doc.original[ev.start : ev.end], ev.text
        ):
            return doc.original, ev.start, ev.end
        span = find_near(doc.original, ev.text, ev.start)
        if span is not None:
            return doc.original, span[0], span[1]
    span = find_near(doc.text, ev.text, text_offset(doc, ev.start))
    if span is not None:
        return doc.text, span[0], span[1]
    return None


def _last_sep_end(sep: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    last = None
    for m in sep.finditer(text, lo, hi):
        last = m.end()
    return last


def _first_sep_start(sep: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    m = sep.search(text, lo, hi)
    return m.start() if m else None


def context_window(
    text: str, start: int, end: int, *, max_chars: int = DEFAULT_CONTEXT_CHARS
) -> Context:
    """The paragraph around `text[start:end]`, or a window of about `max_chars` within it.

    A paragraph is bounded by blank lines when the text has any (hard-wrapped text), else by
    single newlines (one paragraph per line); when that is too long, by single newlines; when
    that is still too long, a window centred on the span, cut at word boundaries. The span
    itself is never cut.
    """
    start, end = max(0, start), min(len(text), max(start, end))
    lo, hi = max(0, start - max_chars), min(len(text), end + max_chars)
    limit = max(max_chars, end - start)
    para: tuple[int | None, int | None] = (None, None)
    seps = (_BLANK_LINE, _NEWLINE) if _BLANK_LINE.search(text) else (_NEWLINE,)
    for sep in seps:
        a = _last_sep_end(sep, text, lo, start)
        b = _first_sep_start(sep, text, end, hi)
        a = 0 if a is None and lo == 0 else a
        b = len(text) if b is None and hi == len(text) else b
        if sep is seps[0]:
            para = (a, b)
        if a is not None and b is not None and b - a <= limit:
            return _context(text, a, start, end, b, clipped=(False, False))
    floor = para[0] if para[0] is not None else lo
    ceil = para[1] if para[1] is not None else hi
    budget = max(0, max_chars - (end - start))
    before, after = budget // 2, budget - budget // 2
    if start - before < floor:
        after += before - (start - floor)
        before = start - floor
    if end + after > ceil:
        before = min(start - floor, before + (end + after - ceil))
        after = ceil - end
    a, b = start - before, end + after
    if a > floor:
        m = _SPACE.search(text, a, start)
        a = m.end() if m else a
    if b < ceil:
        cut = _last_sep_end(_SPACE, text, end, b)
        b = cut - 1 if cut is not None else b
    return _context(
        text, a, start, end, b, clipped=(a > floor or para[0] is None, b < ceil or para[1] is None)
    )


def _context(
    text: str, a: int, start: int, end: int, b: int, *, clipped: tuple[bool, bool]
) -> Context:
    before = text[a:start].lstrip()
    return Context(
        before=before,
        marked=text[start:end],
        after=text[end:b].rstrip(),
        clipped_start=clipped[0],
        clipped_end=clipped[1],
        start=start - len(before),
    )


def evidence_context(
    doc: Document | None, ev: Evidence, *, max_chars: int = DEFAULT_CONTEXT_CHARS
) -> Context:
    """Context of one piece of evidence in its document (works for text, Markdown, HTML and JSON)."""
    return _evidence_context(doc, ev, max_chars)[1]


def _evidence_context(
    doc: Document | None, ev: Evidence, max_chars: int
) -> tuple[str | None, Context]:
    """The text the context was taken from (None when not located) and the context."""
    found = _locate(doc, ev) if doc is not None else None
    if found is None:
        return None, Context(before="", marked=ev.text, after="", located=False)
    text, start, end = found
    return text, context_window(text, start, end, max_chars=max_chars)


def document_excerpts(
    doc: Document | None,
    items: Sequence[tuple[Evidence, str]],
    *,
    max_chars: int = DEFAULT_CONTEXT_CHARS,
) -> list[Excerpt]:
    """Excerpts for several pieces of evidence in one document, in document order.

    Contexts that overlap are merged into one excerpt with several marks, so a paragraph that
    holds three claims of a finding is shown once. `items` pairs each evidence with its
    "file:line" label.
    """
    located: list[tuple[str, Context, str]] = []
    unlocated: list[Excerpt] = []
    for ev, where in items:
        text, ctx = _evidence_context(doc, ev, max_chars)
        if text is None:
            unlocated.append(Excerpt(segments=((ctx.marked, True),), where=(where,), located=False))
        else:
            located.append((text, ctx, where))
    # Both candidate texts of a document are merged separately: offsets differ between them.
    located.sort(
        key=lambda item: (
            item[0] is not (doc.original if doc else None),
            item[1].start,
            item[1].span,
        )
    )
    merged: list[tuple[str, list[Context], list[str]]] = []
    for text, ctx, where in located:
        last = merged[-1] if merged else None
        if last is not None and last[0] is text and ctx.start <= max(c.end for c in last[1]):
            last[1].append(ctx)
            if where not in last[2]:
                last[2].append(where)
        else:
            merged.append((text, [ctx], [where]))
    return [_excerpt(text, contexts, where) for text, contexts, where in merged] + unlocated


def _excerpt(text: str, contexts: list[Context], where: list[str]) -> Excerpt:
    a = min(c.start for c in contexts)
    last = max(contexts, key=lambda c: c.end)
    b = last.end
    marks: list[list[int]] = []
    for lo, hi in sorted(c.span for c in contexts):
        if marks and lo <= marks[-1][1]:
            marks[-1][1] = max(marks[-1][1], hi)
        else:
            marks.append([lo, hi])
    segments: list[tuple[str, bool]] = []
    pos = a
    for lo, hi in marks:
        if lo > pos:
            segments.append((text[pos:lo], False))
        segments.append((text[lo:hi], True))
        pos = hi
    if b > pos:
        segments.append((text[pos:b], False))
    return Excerpt(
        segments=tuple(segments),
        where=tuple(where),
        clipped_start=min(contexts, key=lambda c: c.start).clipped_start,
        clipped_end=last.clipped_end,
    )


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class SourceView:
    evidence: Evidence
    where: str


@dataclass(frozen=True)
class ColumnView:
    """One evidence document of a finding, with excerpts around its claims."""

    document: str
    title: str | None
    published: str | None
    excerpts: list[Excerpt]


@dataclass(frozen=True)
class SlotRow:
    slot: str
    verdict: str
    values: list[str]
    note: str


@dataclass(frozen=True)
class FindingView:
    number: int
    finding: Finding
    kind_label: str
    anchor: str
    documents_json: str
    claim_labels: list[str]
    slots: list[SlotRow]
    has_notes: bool
    by_claim: bool
    evidence: list[SourceView]
    columns: list[ColumnView]


@dataclass(frozen=True)
class RuleRow:
    code: str
    name: str
    kind: str
    severity: str
    count: int


@dataclass(frozen=True)
class DocumentRow:
    record: DocumentRecord
    published: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    findings: list[FindingView]


def _where(ev: Evidence, records: Mapping[str, DocumentRecord]) -> str:
    record = records.get(ev.document)
    return f"{record.path if record else ev.document}:{ev.line}"


def _published(record: DocumentRecord | None) -> str:
    if record is None or record.published is None:
        return ""
    return record.published.isoformat()


def _claim_columns(f: Finding) -> tuple[list[str], list[str]]:
    """Claim ids in evidence order (then any others the slots name) and a header for each."""
    ids: list[str] = []
    docs: dict[str, str] = {}
    for ev in f.evidence:
        if ev.claim not in docs:
            ids.append(ev.claim)
            docs[ev.claim] = ev.document
    extra = sorted({k for s in f.slots for k in s.values} - set(ids))
    ids.extend(extra)
    per_doc: dict[str, int] = {}
    for cid in ids:
        d = docs.get(cid, cid)
        per_doc[d] = per_doc.get(d, 0) + 1
    labels = [docs[c] if c in docs and per_doc[docs[c]] == 1 else c for c in ids]
    return ids, labels


def _finding_view(
    number: int,
    f: Finding,
    records: Mapping[str, DocumentRecord],
    documents: Mapping[str, Document] | None,
    max_chars: int,
) -> FindingView:
    ids, labels = _claim_columns(f)
    slots = [
        SlotRow(
            slot=s.slot,
            verdict=s.verdict,
            values=[s.values.get(c, "") for c in ids],
            note=s.note or "",
        )
        for s in f.slots
    ]
    evidence = [SourceView(evidence=ev, where=_where(ev, records)) for ev in f.evidence]
    per_doc: dict[str, list[tuple[Evidence, str]]] = {}
    for view in evidence:
        per_doc.setdefault(view.evidence.document, []).append((view.evidence, view.where))
    columns: list[ColumnView] = []
    if documents is not None:
        for doc_id, items in per_doc.items():
            record = records.get(doc_id)
            columns.append(
                ColumnView(
                    document=doc_id,
                    title=record.title if record else None,
                    published=_published(record) or None,
                    excerpts=document_excerpts(documents.get(doc_id), items, max_chars=max_chars),
                )
            )
    return FindingView(
        number=number,
        finding=f,
        kind_label=KIND_LABELS.get(f.kind, f.kind),
        anchor=f"f-{f.fingerprint}",
        documents_json=json.dumps(sorted(set(f.documents) | set(per_doc))),
        claim_labels=labels,
        slots=slots,
        has_notes=any(s.note for s in slots),
        by_claim=len(labels) > MAX_CLAIM_COLUMNS,
        evidence=evidence,
        columns=columns,
    )


def _sections(
    report: Report, documents: Mapping[str, Document] | None, max_chars: int
) -> list[Section]:
    records = {d.id: d for d in report.documents}
    out = []
    for kind, title in SECTIONS:
        found = [f for f in report.findings if f.kind == kind]
        views = [_finding_view(i, f, records, documents, max_chars) for i, f in enumerate(found, 1)]
        out.append(Section(kind=kind, title=title, findings=views))
    return out


def _rule_rows(report: Report) -> list[RuleRow]:
    info: dict[str, tuple[str, str, set[str]]] = {}
    for f in report.findings:
        name, kind, severities = info.setdefault(f.rule, (f.name, f.kind, set()))
        severities.add(f.severity)
    rows = []
    for code, count in sorted(report.summary.by_rule.items()):
        name, kind, severities = info.get(code, ("", "", set()))
        rows.append(
            RuleRow(
                code=code, name=name, kind=kind, severity=", ".join(sorted(severities)), count=count
            )
        )
    return rows


def _document_rows(report: Report) -> list[DocumentRow]:
    return [
        DocumentRow(
            record=d, published=_published(d), counts=report.summary.by_document.get(d.id, {})
        )
        for d in report.documents
    ]


def _models_line(report: Report) -> list[tuple[str, str]]:
    return sorted(report.generated_with.models.items())


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_BLOCK = re.compile(r"^([+\-=]|\d+(?=[.)]))")


def md_text(text: str) -> str:
    """Text for inline Markdown: one line, with every character that could start markup escaped.

    Newlines would end a table row or list item, so all whitespace runs become one space.
    """
    out = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    out = _MD_ENTITY.sub(r"\\&", out)
    m = _MD_BLOCK.match(out)
    if m:
        out = "\\" + out if not m.group(1)[0].isdigit() else m.group(1) + "\\" + out[m.end() :]
    return out


def md_code(text: str, *, in_table: bool = False) -> str:
    """An inline code span holding `text` verbatim, fenced by more backticks than it contains."""
    text = " ".join(text.split())
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    if in_table:
        # GFM splits table cells on a pipe even inside code spans unless it is escaped.
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[int] = ()
) -> list[str]:
    align = ["---:" if i in numeric else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return lines


def _md_generated(report: Report) -> str:
    g = report.generated_with
    parts = [f"Generated with factcheck {md_code(g.factcheck)}"]
    models = ", ".join(f"{md_text(k)} {md_code(v)}" for k, v in _models_line(report))
    if models:
        parts.append(f"models: {models}")
    if g.rules:
        parts.append("rules: " + ", ".join(md_code(r) for r in sorted(g.rules)))
    return " · ".join(parts) + "."


def _md_slots(view: FindingView) -> list[str]:
    """The slot comparison: a row per slot, or a row per claim when there are many claims
    (a column per claim would make the table too wide to read)."""
    labels = [md_code(label, in_table=True) for label in view.claim_labels]
    if not view.by_claim:
        header = ["Slot", "Verdict", *labels]
        if view.has_notes:
            header.append("Note")
        rows = []
        for s in view.slots:
            row = [md_text(s.slot), md_text(s.verdict), *(md_text(v) for v in s.values)]
            if view.has_notes:
                row.append(md_text(s.note))
            rows.append(row)
        return _md_table(header, rows)
    rows = [[label, *(md_text(s.values[i]) for s in view.slots)] for i, label in enumerate(labels)]
    rows.append(["*verdict*", *(md_text(s.verdict) for s in view.slots)])
    if view.has_notes:
        rows.append(["*note*", *(md_text(s.note) for s in view.slots)])
    return _md_table(["Claim", *(md_text(s.slot) for s in view.slots)], rows)


def _md_finding(view: FindingView) -> list[str]:
    f = view.finding
    lines = [
        f"### {view.number}. {md_text(f.message)}",
        "",
        f"{md_code(f.rule)} {md_text(f.name)} · severity **{md_text(f.severity)}** · "
        f"fingerprint {md_code(f.fingerprint)}",
        "",
    ]
    if view.slots:
        lines += [*_md_slots(view), ""]
    if view.evidence:
        lines += ["Evidence:", ""]
        lines += [f"- {md_code(s.where)} “{md_text(s.evidence.text)}”" for s in view.evidence]
        lines.append("")
    return lines


def render_markdown(report: Report) -> str:
    """The report as Markdown: summary, documents, merged sources, then findings by kind."""
    s = report.summary
    total = len(report.findings)
    out = ["# Consistency report", "", _md_generated(report), "", "## Summary", ""]
    out += [
        f"{s.documents} documents, {s.claims} claims, {s.groups} groups of matching claims; "
        f"{total} findings.",
        "",
    ]
    out += _md_table(
        ["Kind", "Findings"],
        [[title, str(s.by_kind.get(kind, 0))] for kind, title in SECTIONS],
        numeric=[1],
    )
    rules = _rule_rows(report)
    if rules:
        out.append("")
        out += _md_table(
            ["Rule", "Name", "Kind", "Severity", "Findings"],
            [
                [
                    md_code(r.code, in_table=True),
                    md_text(r.name),
                    md_text(r.kind),
                    md_text(r.severity),
                    str(r.count),
                ]
                for r in rules
            ],
            numeric=[4],
        )
    out += ["", "## Documents", ""]
    if report.documents:
        out += _md_table(
            ["Id", "Title", "Date", "Source", "Dropped lines", *(title for _, title in SECTIONS)],
            [
                [
                    md_code(r.record.id, in_table=True),
                    md_text(r.record.title or ""),
                    r.published,
                    md_text(r.record.source or ""),
                    str(len(r.record.dropped)),
                    *(str(r.counts.get(kind, 0)) for kind, _ in SECTIONS),
                ]
                for r in _document_rows(report)
            ],
            numeric=[4, 5, 6, 7],
        )
    else:
        out.append("No documents.")
    out += ["", "## Merged sources", ""]
    if report.sources:
        out += ["Near-duplicate documents, counted as one source:", ""]
        out += [
            f"- {md_code(c.id)} (similarity {c.similarity:.2f}): "
            + ", ".join(md_code(d) for d in c.documents)
            for c in report.sources
        ]
    else:
        out.append("None: every document counts as an independent source.")
    out.append("")
    for section in _sections(report, None, DEFAULT_CONTEXT_CHARS):
        out += [f"## {section.title} ({len(section.findings)})", ""]
        if not section.findings:
            out += ["None.", ""]
        for view in section.findings:
            out += _md_finding(view)
    out += _md_related(report)
    return "\n".join(out).rstrip("\n") + "\n"


# Pairs listed in report.md; report.json holds them all.
MD_RELATED_LIMIT = 50


def _md_related(report: Report) -> list[str]:
    """Candidate pairs the verifier set apart as a different fact or event (collapsed)."""
    if not report.related:
        return []
    shown = report.related[:MD_RELATED_LIMIT]
    out = [
        f"## Related, different fact or event ({len(report.related)})",
        "",
        "Candidate pairs that the verifier judged to be about another fact or event: they are "
        "not compared, so they can neither agree nor conflict.",
        "",
        "<details><summary>Show the pairs</summary>",
        "",
    ]
    for pair in shown:
        a, b = pair.evidence
        out.append(
            f"- {pair.relation} ({pair.probability:.2f}): {md_code(f'{a.document}:{a.line}')} "
            f"“{md_text(a.text)}” / {md_code(f'{b.document}:{b.line}')} “{md_text(b.text)}”"
        )
    if len(report.related) > len(shown):
        out.append(f"- … and {len(report.related) - len(shown)} more in report.json")
    out += ["", "</details>", ""]
    return out


# --------------------------------------------------------------------------- HTML


@functools.cache
def _environment() -> jinja2.Environment:
    # Autoescape is on for every template: document text is untrusted and never marked safe.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("factcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(
    report: Report, documents: Sequence[Document] = (), *, context_chars: int | None = None
) -> str:
    """The report as one self-contained HTML page (inline CSS and JS, nothing fetched).

    `documents` supply the text around each claim; a finding whose document is missing shows
    its evidence sentence alone. `context_chars` defaults to the setting report_context_chars.
    """
    max_chars = context_chars if context_chars is not None else DEFAULT_CONTEXT_CHARS
    by_id = {d.id: d for d in documents}
    sections = _sections(report, by_id, max_chars)
    template = _environment().get_template("report.html.j2")
    doc_rows = _document_rows(report)
    return template.render(
        report=report,
        summary=report.summary,
        sections=sections,
        total=len(report.findings),
        rules=_rule_rows(report),
        documents=doc_rows,
        models=_models_line(report),
        settings_json=dumps_json(report.generated_with.settings),
        kinds=SECTIONS,
    )

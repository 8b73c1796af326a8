"""Render a Report as Markdown and as one self-contained HTML page with the sources side by side."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..ingest.formats import is_plain_text
from ..io import coalesce, dumps_json
from ..models import (
    ENTITY_KINDS,
    Document,
    DocumentRecord,
    Evidence,
    Finding,
    Kind,
    Report,
    Review,
)
from ..review.store import new_documents
from ..settings import Settings
from .readable import counted, date_words, entity_name, readable, source_label, source_names

__all__ = [
    "MD_LIMIT_BYTES",
    "Context",
    "Excerpt",
    "Glance",
    "context_window",
    "document_excerpts",
    "evidence_context",
    "find_near",
    "md_code",
    "md_text",
    "render_html",
    "render_html_chunks",
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
    label: str = ""
    url: str | None = None
    highlights: tuple[str, ...] = ()
    """Conflicting values to highlight inside the marked sentences."""

    @property
    def parts(self) -> list[list[tuple[str, str]]]:
        """Each excerpt as (text, class) runs: '' plain, 'claim' the claim, 'value' a
        conflicting value inside it."""
        return [highlight(ex.segments, self.highlights) for ex in self.excerpts]


def highlight(segments: Sequence[tuple[str, bool]], values: Sequence[str]) -> list[tuple[str, str]]:
    """Split the marked segments where a conflicting value occurs (case-insensitive)."""
    wanted = sorted({v for v in values if len(v) > 1}, key=len, reverse=True)
    pattern = (
        re.compile("|".join(r"\s+".join(map(re.escape, v.split())) for v in wanted), re.I)
        if wanted
        else None
    )
    out: list[tuple[str, str]] = []
    for text, marked in segments:
        if not marked:
            out.append((text, ""))
            continue
        pos = 0
        for m in pattern.finditer(text) if pattern is not None else ():
            if m.start() > pos:
                out.append((text[pos : m.start()], "claim"))
            out.append((m.group(0), "value"))
            pos = m.end()
        if pos < len(text) or not text:
            out.append((text[pos:], "claim"))
    return out


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
    message: str
    kind_label: str
    anchor: str
    documents_json: str
    claim_labels: list[str]
    slots: list[SlotRow]
    has_notes: bool
    by_claim: bool
    evidence: list[SourceView]
    columns: list[ColumnView]
    glance: Glance | None = None
    review: ReviewView | None = None


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
    label: str = ""
    url: str | None = None


@dataclass(frozen=True)
class ChartBar:
    """One document's bar in the visual summary: a segment per kind of finding."""

    label: str
    document: str
    y: int
    segments: list[tuple[str, int, int, int]]
    """(kind, x, width, count) in SVG units."""
    total: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bars: list[ChartBar]
    more: int


CHART_BARS = 25
CHART_ROW = 22


def findings_chart(report: Report, names: Mapping[str, str]) -> Chart:
    """A horizontal bar per document (most disputed first), split by kind of finding."""
    label_width, bar_width = 170, 300
    rows = sorted(
        report.summary.by_document.items(),
        key=lambda item: (-item[1].get("discrepancy", 0), -sum(item[1].values()), item[0]),
    )
    top = rows[:CHART_BARS]
    most = max((sum(c.values()) for _, c in top), default=0) or 1
    bars = []
    for i, (doc, counts) in enumerate(top):
        x, segments = label_width, list[tuple[str, int, int, int]]()
        for kind, _ in SECTIONS:
            n = counts.get(kind, 0)
            if n:
                w = max(2, round(bar_width * n / most))
                segments.append((kind, x, w, n))
                x += w
        label = names.get(doc, doc)
        bars.append(
            ChartBar(
                label=label if len(label) <= 26 else label[:25] + "…",
                document=doc,
                y=i * CHART_ROW,
                segments=segments,
                total=sum(counts.values()),
            )
        )
    return Chart(
        width=label_width + bar_width + 40,
        height=max(1, len(bars)) * CHART_ROW,
        label_width=label_width,
        bars=bars,
        more=len(rows) - len(top),
    )


@dataclass(frozen=True)
class GlanceValue:
    """One side of a disputed fact: the value and the sources that state it."""

    value: str
    sources: list[str]
    documents: list[str]
    outlier: bool = False


@dataclass(frozen=True)
class Glance:
    """A disputed fact in one line: what, and who says which value (plus its review, if any)."""

    anchor: str
    subject: str
    values: list[GlanceValue]
    verdict: str | None = None
    note: str = ""
    # Sources that joined the finding since its review (the verdict still holds).
    new_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewView:
    """A finding's review: the verdict, by whom, the note, and the sources added since."""

    verdict: str
    reviewer: str
    note: str
    new_evidence: tuple[str, ...] = ()

    @property
    def gained(self) -> str:
        """'' or 'new evidence since the review: A, B'."""
        if not self.new_evidence:
            return ""
        return "new evidence since the review: " + ", ".join(self.new_evidence)


@dataclass(frozen=True)
class FindingViews:
    """A section's finding views, each built as it is read and dropped after, so a report of
    many findings never holds all their views (and excerpts) at once; every read builds them
    again, in order, numbered from 1."""

    findings: Sequence[Finding]
    build: Callable[[int, Finding], FindingView]

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self) -> Iterator[FindingView]:
        return (self.build(i, f) for i, f in enumerate(self.findings, 1))


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    findings: FindingViews


def _where(ev: Evidence, records: Mapping[str, DocumentRecord]) -> str:
    record = records.get(ev.document)
    return f"{record.path if record else ev.document}:{ev.line}"


def web_link(url: str | None) -> str | None:
    """`url` when it is an http(s) address, else None: metadata is untrusted (no javascript:)."""
    return url if url and re.match(r"https?://[^\s]+$", url, re.I) else None


def _published(record: DocumentRecord | None) -> str:
    if record is None or record.published is None:
        return ""
    return date_words(record.published.isoformat())


def _claim_columns(f: Finding, names: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Claim ids in evidence order (then any others the slots name) and a header for each
    (the source's name; the claim id where one source has several claims)."""
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
    seen: dict[str, int] = {}
    labels: list[str] = []
    for cid in ids:
        doc = docs.get(cid)
        if doc is None:
            labels.append(cid)
            continue
        name = names.get(doc, doc)
        if per_doc[doc] == 1:
            labels.append(name)
        else:
            seen[doc] = seen.get(doc, 0) + 1
            labels.append(f"{name} ({seen[doc]})")
    return ids, labels


# A disputed slot in words, for the conflicts at a glance.
SLOT_WORDS: dict[str, str] = {
    "when": "the date",
    "where": "the place",
    "quantity": "the figure",
    "who": "who took part",
    "role": "who held the role",
    "polarity": "whether it happened",
    "attribution": "who said it",
    "what": "what happened",
    "modality": "how certain it is",
}

_NAME_PIECES = re.compile(r"\s*[;,:(]\s*")


def _value_label(value: str, texts: Sequence[str]) -> str:
    """How a disputed value reads: an entity id by the name the slot text gives it, else in words."""
    kind, sep, rest = value.partition(":")
    if sep and kind in ENTITY_KINDS:
        want = sorted(w for w in re.split(r"[-_]+", rest.lower()) if w)
        for text in texts:
            for piece in _NAME_PIECES.split(text):
                words = sorted(re.sub(r"[^\w\s-]", "", piece.lower()).replace("-", " ").split())
                if words and words == want:
                    return piece.strip()
        return entity_name(value)
    return readable(value)


def glance_of(
    f: Finding,
    names: Mapping[str, str],
    anchor: str,
    review: Review | None = None,
) -> Glance | None:
    """A discrepancy as one line: the disputed values and their sources, the outlier marked."""
    if f.kind != "discrepancy":
        return None
    doc_of = {ev.claim: ev.document for ev in f.evidence}
    value_of = dict(f.identity.value_of) if f.identity else {}
    slot_name = f.identity.slot if f.identity else None
    slot = next((s for s in f.slots if s.slot == slot_name), None)
    if slot is None:
        slot = next((s for s in f.slots if s.verdict == "conflict"), None)
    if not value_of and slot is not None:
        value_of = {c: v for c, v in slot.values.items() if v}
    docs_by_value: dict[str, list[str]] = {}
    for claim, value in sorted(value_of.items()):
        doc = doc_of.get(claim, claim.rsplit(":", 1)[0])
        listed = docs_by_value.setdefault(value, [])
        if doc not in listed:
            listed.append(doc)
    if len(docs_by_value) < 2:
        return None
    texts = {
        v: [slot.values.get(c, "") for c, x in value_of.items() if x == v] if slot else []
        for v in docs_by_value
    }
    fewest = min(len(d) for d in docs_by_value.values())
    most = max(len(d) for d in docs_by_value.values())
    lonely = [v for v, d in docs_by_value.items() if len(d) == fewest]
    values = [
        GlanceValue(
            value=_value_label(v, texts[v]),
            sources=[names.get(d, d) for d in docs],
            documents=docs,
            outlier=fewest < most and len(lonely) == 1 and v == lonely[0],
        )
        for v, docs in sorted(docs_by_value.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    what = slot.slot if slot is not None else slot_name
    subject = readable(f.identity.subject) if f.identity else SLOT_WORDS.get(what or "", f.name)
    # The identity's subject is normalised (lower case): show it as the message writes it.
    message = readable(f.message)
    at = message.lower().find(subject.lower())
    if at >= 0:
        subject = message[at : at + len(subject)]
    if f.identity and slot_name in {"when", "where", "quantity"}:
        subject = f"{SLOT_WORDS[slot_name or '']} of {subject}"
    return Glance(
        anchor=anchor,
        subject=subject,
        values=values,
        verdict=review.verdict if review else None,
        note=review.note if review else "",
        new_evidence=tuple(names.get(d, d) for d in new_documents(review, f)),
    )


def _finding_view(
    number: int,
    f: Finding,
    records: Mapping[str, DocumentRecord],
    documents: Mapping[str, Document] | None,
    max_chars: int,
    names: Mapping[str, str],
    reviews: Mapping[str, Review],
) -> FindingView:
    ids, labels = _claim_columns(f, names)
    slots = [
        SlotRow(
            slot=s.slot,
            verdict=s.verdict,
            values=[readable(s.values.get(c, "")) for c in ids],
            note=readable(s.note or ""),
        )
        for s in f.slots
    ]
    anchor = _anchor(f)
    review = _review_of(f, reviews)
    glance = glance_of(f, names, anchor, review)
    highlights: dict[str, list[str]] = {}
    for gv in glance.values if glance else ():
        for doc in gv.documents:
            highlights.setdefault(doc, []).append(gv.value)
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
                    label=names.get(doc_id, doc_id),
                    url=web_link(record.url) if record else None,
                    highlights=tuple(highlights.get(doc_id, ())),
                )
            )
    return FindingView(
        number=number,
        finding=f,
        message=readable(f.message, names),
        kind_label=KIND_LABELS.get(f.kind, f.kind),
        anchor=anchor,
        documents_json=json.dumps(sorted(set(f.documents) | set(per_doc))),
        claim_labels=labels,
        slots=slots,
        has_notes=any(s.note for s in slots),
        by_claim=len(labels) > MAX_CLAIM_COLUMNS,
        evidence=evidence,
        columns=columns,
        glance=glance,
        review=ReviewView(
            verdict=review.verdict,
            reviewer=review.reviewer,
            note=review.note,
            new_evidence=tuple(names.get(d, d) for d in new_documents(review, f)),
        )
        if review is not None
        else None,
    )


def _anchor(f: Finding) -> str:
    return f"f-{f.fingerprint}"


def _review_of(f: Finding, reviews: Mapping[str, Review]) -> Review | None:
    return reviews.get(f.fingerprint) or (
        reviews.get(f.legacy_fingerprint) if f.legacy_fingerprint else None
    )


def _glances(report: Report, reviews: Mapping[str, Review] | None) -> list[Glance]:
    """Each discrepancy's glance line, in report order (what its finding view carries)."""
    names = source_names(report.documents)
    found = (f for f in report.findings if f.kind == "discrepancy")
    glances = (glance_of(f, names, _anchor(f), _review_of(f, reviews or {})) for f in found)
    return [g for g in glances if g is not None]


def _sections(
    report: Report,
    documents: Mapping[str, Document] | None,
    max_chars: int,
    reviews: Mapping[str, Review] | None = None,
) -> list[Section]:
    records = {d.id: d for d in report.documents}
    names = source_names(report.documents)

    def build(number: int, f: Finding) -> FindingView:
        return _finding_view(number, f, records, documents, max_chars, names, reviews or {})

    return [
        Section(
            kind=kind,
            title=title,
            findings=FindingViews([f for f in report.findings if f.kind == kind], build),
        )
        for kind, title in SECTIONS
    ]


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
            record=d,
            published=_published(d),
            counts=report.summary.by_document.get(d.id, {}),
            label=source_label(d),
            url=web_link(d.url),
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
    labels = [md_text(label) for label in view.claim_labels]
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


# report.md must fit a pull-request comment (65,536 characters); this leaves room to spare.
MD_LIMIT_BYTES = 60_000
# Longest document text (a sentence, a title) quoted in report.md; report.json has it whole.
MD_TEXT_CHARS = 400


def _clip(text: str, limit: int = MD_TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Budget:
    """Bytes left for report.md. Every line goes through `add` (always: headings, counts) or
    `fit` (a block, whole or not at all), so the total is known; each `fit` leaves `keep`
    bytes for the headings and counts still to come."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    @staticmethod
    def size(lines: Sequence[str]) -> int:
        return sum(len(line.encode("utf-8")) + 1 for line in lines)

    def add(self, out: list[str], lines: Sequence[str]) -> None:
        self.left -= self.size(lines)
        out.extend(lines)

    def fit(self, out: list[str], lines: Sequence[str], *, keep: int = 0) -> bool:
        n = self.size(lines)
        if n + keep > self.left:
            return False
        self.left -= n
        out.extend(lines)
        return True


def _md_finding(view: FindingView) -> list[str]:
    f = view.finding
    head = f"{md_code(f.rule)} {md_text(f.name)} · severity **{md_text(f.severity)}**"
    if f.kind == "discrepancy":
        # The fingerprint is what `factcheck review` and the reviews file name.
        head += f" · fingerprint {md_code(f.fingerprint)}"
    lines = [f"### {view.number}. {md_text(_clip(view.message))}", "", head, ""]
    if view.review is not None:
        r = view.review
        said = f"Reviewed: **{md_text(r.verdict)}**" + (
            f" by {md_text(r.reviewer)}" if r.reviewer else ""
        )
        if r.note:
            said += f" (“{md_text(_clip(r.note, 200))}”)"
        if r.gained:
            said += f"; {md_text(r.gained)}"
        lines += [said, ""]
    if view.slots:
        lines += [*_md_slots(view), ""]
    if view.evidence:
        lines += ["Evidence:", ""]
        lines += [
            f"- {md_code(s.where)} “{md_text(_clip(s.evidence.text))}”" for s in view.evidence
        ]
        lines.append("")
    return lines


def _md_glance_line(g: Glance) -> str:
    sides = []
    for v in g.values:
        side = f"**{md_text(v.value)}** ({md_text(', '.join(v.sources))})"
        if v.outlier:
            side += " ← outlier"
        sides.append(side)
    line = f"- {md_text(g.subject)}: " + " vs ".join(sides)
    if g.verdict:
        line += f" · reviewed: {md_text(g.verdict)}"
        if g.note:
            line += f" (“{md_text(_clip(g.note, 200))}”)"
        if g.new_evidence:
            line += f"; new evidence since the review: {md_text(', '.join(g.new_evidence))}"
    return line


def _md_short(view: FindingView) -> str:
    """One line for a finding listed in brief: its source, where, and the claim."""
    if not view.evidence:
        return f"- {md_text(_clip(view.message, 240))}"
    ev = view.evidence[0]
    source = view.claim_labels[0] if view.claim_labels else ev.evidence.document
    return f"- {md_text(source)} {md_code(ev.where)}: “{md_text(_clip(ev.evidence.text, 240))}”"


def _md_list(
    budget: _Budget,
    title: str,
    views: FindingViews,
    *,
    brief: bool,
    keep: int,
    collapsed: bool = False,
) -> list[str]:
    """A section of findings: as many as the budget allows, the rest counted."""
    out: list[str] = []
    budget.add(out, [f"## {title} ({len(views)})", ""])
    if not views:
        budget.add(out, ["None.", ""])
        return out
    if collapsed:
        budget.add(out, ["<details><summary>Show them</summary>", ""])
    shown = 0
    for view in views:
        if not budget.fit(out, [_md_short(view)] if brief else _md_finding(view), keep=keep):
            break
        shown += 1
    if brief:
        budget.add(out, [""])
    if shown < len(views):
        budget.add(out, [f"… and {len(views) - shown} more: see report.html or report.json.", ""])
    if collapsed:
        budget.add(out, ["</details>", ""])
    return out


def _md_documents(report: Report, budget: _Budget, keep: int) -> list[str]:
    out: list[str] = []
    budget.add(out, ["## Documents", ""])
    if not report.documents:
        budget.add(out, ["No documents.", ""])
        return out
    budget.add(out, [f"<details><summary>{len(report.documents)} documents</summary>", ""])
    header = ["Source", "Title", "Date", "File", "Dropped lines", *(t for _, t in SECTIONS)]
    numeric = [4, 5, 6, 7]
    budget.add(out, _md_table(header, [], numeric=numeric))
    shown = 0
    for r in _document_rows(report):
        row = _md_table(
            header,
            [
                [
                    md_text(r.record.source or ""),
                    md_text(_clip(r.record.title or "", 120)),
                    r.published,
                    md_code(r.record.path, in_table=True),
                    str(len(r.record.dropped)),
                    *(str(r.counts.get(kind, 0)) for kind, _ in SECTIONS),
                ]
            ],
            numeric=numeric,
        )[2:]
        if not budget.fit(out, row, keep=keep):
            break
        shown += 1
    if shown < len(report.documents):
        more = f"… and {len(report.documents) - shown} more documents in report.json."
        budget.add(out, ["", more])
    budget.add(out, ["", "</details>", ""])
    if report.skipped:
        budget.add(out, [f"### Skipped files ({len(report.skipped)})", ""])
        listed = 0
        for k in report.skipped:
            line = f"- {md_code(k.path)}: {md_text(k.reason)} [{k.code}]"
            if not budget.fit(out, [line], keep=keep // 2):
                break
            listed += 1
        if listed < len(report.skipped):
            budget.add(out, [f"- … and {len(report.skipped) - listed} more in report.json"])
        budget.add(out, [""])
    return out


def render_markdown(report: Report, *, reviews: Mapping[str, Review] | None = None) -> str:
    """The report as Markdown, under MD_LIMIT_BYTES on any corpus (a pull-request comment).

    Summary and the conflicts at a glance first, then discrepancies in full, agreements, the
    unsupported claims one line each (collapsed), the documents (collapsed) and the related
    pairs; what does not fit is counted and left to report.html and report.json. `reviews`
    (fingerprint -> review) adds each disputed fact's review status.
    """
    budget = _Budget(MD_LIMIT_BYTES)
    s = report.summary
    total = len(report.findings)
    out = ["# Consistency report", "", _md_generated(report), "", "## Summary", ""]
    out += [
        f"{counted(s.documents, 'documents')}, {counted(s.claims, 'claims')}, "
        f"{counted(s.groups, 'groups')} of matching claims; {counted(total, 'findings')}.",
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
    places = claim_places_line(report)
    if places:
        out += ["", md_text(places)]
    out.append("")
    head, out = out, []
    budget.add(out, head)
    # What every later section needs at least (its heading and a "… more" line).
    keep = 2_000
    sections = {sec.kind: sec for sec in _sections(report, None, DEFAULT_CONTEXT_CHARS, reviews)}
    glances = _glances(report, reviews)
    if glances:
        budget.add(out, ["## Conflicts at a glance", ""])
        shown = 0
        for g in glances:
            if not budget.fit(out, [_md_glance_line(g)], keep=keep * 3):
                break
            shown += 1
        if shown < len(glances):
            budget.add(out, [f"- … and {len(glances) - shown} more disputed facts below."])
        budget.add(out, [""])
    titles = dict(SECTIONS)
    out += _md_list(
        budget, titles["discrepancy"], sections["discrepancy"].findings, brief=False, keep=keep * 2
    )
    out += _md_list(
        budget, titles["agreement"], sections["agreement"].findings, brief=False, keep=keep
    )
    out += _md_list(
        budget,
        titles["unsupported"],
        sections["unsupported"].findings,
        brief=True,
        keep=keep,
        collapsed=True,
    )
    out += _md_documents(report, budget, keep // 2)
    budget.add(out, ["## Merged sources", ""])
    if report.sources:
        budget.add(out, ["Near-duplicate documents, counted as one source:", ""])
        names = source_names(report.documents)
        shown = 0
        for c in report.sources:
            line = f"- similarity {c.similarity:.2f}: " + ", ".join(
                md_text(names.get(d, d)) for d in c.documents
            )
            if not budget.fit(out, [line], keep=keep // 2):
                break
            shown += 1
        if shown < len(report.sources):
            budget.add(out, [f"- … and {len(report.sources) - shown} more in report.json"])
    else:
        budget.add(out, ["None: every document counts as an independent source."])
    budget.add(out, [""])
    out += _md_related(report, budget)
    return "\n".join(out).rstrip("\n") + "\n"


def claim_places_line(report: Report) -> str:
    """Where the claims went, one place each: "96 claims: 4 in discrepancies, ..." (or "")."""
    if not report.claims:
        return ""
    by = report.summary.by_place
    unreported = sum(1 for o in report.claims if o.place == "unsupported" and o.finding is None)
    parts = [
        f"{by.get('discrepancy', 0)} in discrepancies",
        f"{by.get('agreement', 0)} in agreements",
        f"{by.get('unsupported', 0)} unsupported"
        + (f" ({unreported} not reported: quotes, short or slotless claims)" if unreported else ""),
        f"{by.get('related', 0)} related to another source's different fact or event",
    ]
    return f"Each claim is counted once, where it ended: {', '.join(parts)} (the claims list in report.json)."


# Pairs listed in report.md at most; report.json holds them all.
MD_RELATED_LIMIT = 50


def _md_related(report: Report, budget: _Budget | None = None) -> list[str]:
    """Candidate pairs the verifier set apart as a different fact or event (collapsed)."""
    if not report.related:
        return []
    budget = budget or _Budget(MD_LIMIT_BYTES)
    paths = {d.id: d.path for d in report.documents}
    out: list[str] = []
    budget.add(
        out,
        [
            f"## Related, different fact or event ({len(report.related)})",
            "",
            "Candidate pairs that the verifier judged to be about another fact or event: they "
            "are not compared, so they can neither agree nor conflict.",
            "",
            "<details><summary>Show the pairs</summary>",
            "",
        ],
    )
    shown = 0
    for pair in report.related[:MD_RELATED_LIMIT]:
        a, b = (
            (md_code(f"{paths.get(e.document, e.document)}:{e.line}"), md_text(_clip(e.text, 240)))
            for e in pair.evidence
        )
        line = f"- {pair.relation} ({pair.probability:.2f}): {a[0]} “{a[1]}” / {b[0]} “{b[1]}”"
        if not budget.fit(out, [line], keep=200):
            break
        shown += 1
    if len(report.related) > shown:
        budget.add(out, [f"- … and {len(report.related) - shown} more in report.json"])
    budget.add(out, ["", "</details>", ""])
    return out


# --------------------------------------------------------------------------- HTML


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in the user's cache folder, if it can be made.

    Compiling report.html.j2 costs a tenth of a run that finds everything else in its cache.
    Jinja keys each entry by the template's source checksum and writes it atomically, so an
    edited template is compiled afresh and concurrent runs cannot read half an entry.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "factcheck" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@functools.cache
def _environment() -> jinja2.Environment:
    # Autoescape is on for every template: document text is untrusted and never marked safe.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("factcheck", "templates"),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(
    report: Report,
    documents: Sequence[Document] = (),
    *,
    context_chars: int | None = None,
    reviews: Mapping[str, Review] | None = None,
) -> str:
    """The report as one self-contained HTML page (inline CSS, JS and SVG, nothing fetched).

    `documents` supply the text around each claim; a finding whose document is missing shows
    its evidence sentence alone. `context_chars` defaults to the setting report_context_chars.
    `reviews` (fingerprint -> review) shows each disputed fact's review status and note.
    """
    return "".join(
        render_html_chunks(report, documents, context_chars=context_chars, reviews=reviews)
    )


def render_html_chunks(
    report: Report,
    documents: Sequence[Document] = (),
    *,
    context_chars: int | None = None,
    reviews: Mapping[str, Review] | None = None,
    size: int = 1 << 20,
) -> Iterator[str]:
    """`render_html`'s page in pieces of about `size` characters, rendered as they are read:
    a page of many findings is written without holding its text, or all its finding views."""
    max_chars = context_chars if context_chars is not None else DEFAULT_CONTEXT_CHARS
    by_id = {d.id: d for d in documents}
    names = source_names(report.documents)
    template = _environment().get_template("report.html.j2")
    page = template.generate(
        report=report,
        summary=report.summary,
        sections=_sections(report, by_id, max_chars, reviews),
        total=len(report.findings),
        rules=_rule_rows(report),
        documents=_document_rows(report),
        models=_models_line(report),
        settings_json=dumps_json(report.generated_with.settings),
        kinds=SECTIONS,
        names=names,
        glances=_glances(report, reviews),
        chart=findings_chart(report, names),
        places=claim_places_line(report),
    )
    return coalesce(page, size=size)

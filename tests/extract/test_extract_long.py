"""Long documents: a text over spaCy's max_length is parsed in pieces, with every offset kept."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.extract import Extractor
from factcheck.extract.nlp import parse, split_text
from factcheck.ingest import document_from_text

PARAGRAPH = (
    "Japanese Foreign Minister Yoshimasa Hayashi met Antony Blinken in Tokyo on Monday. "
    'The two ministers discussed security in the region, a spokesman said.\n"We agreed to '
    'work together," Hayashi told reporters after the talks.\n\n'
)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("One.\n\nTwo three.", 10, ["One.\n\n", "Two three."]),
        ("First line\nsecond line", 15, ["First line\n", "second line"]),
        ("A cat sat. A dog ran. End", 14, ["A cat sat. ", "A dog ran. End"]),
        ("wordswithoutanyspace", 8, ["wordswit", "houtanys", "pace"]),
        ("short", 100, ["short"]),
    ],
)
def test_split_text_cuts_at_the_most_natural_break(
    text: str, limit: int, expected: list[str]
) -> None:
    assert split_text(text, limit) == expected


def test_split_text_prefers_paragraphs_and_rejoins_exactly() -> None:
    text = PARAGRAPH * 40
    pieces = split_text(text, 1000)
    assert "".join(pieces) == text
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:-1])


@pytest.fixture(scope="module")
def blank() -> Any:
    import spacy

    from factcheck.extract.nlp import register_components

    register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("factcheck_line_breaks")  # as in the real pipeline: a line break ends a sentence
    return nlp


def test_pieces_join_into_one_doc_with_the_same_offsets(blank: Any) -> None:
    text = PARAGRAPH * 30
    whole = next(parse(blank, [text], batch_size=4))
    blank.max_length = 2_000  # E088 for the whole text now; parse cuts it
    try:
        with pytest.raises(ValueError, match="E088"):
            blank(text)
        [pieced, short] = parse(blank, [text, "Short text."], batch_size=4)
    finally:
        blank.max_length = 1_000_000
    assert pieced.text == text and short.text == "Short text."
    assert [(t.idx, t.text) for t in pieced if not t.is_space] == [
        (t.idx, t.text) for t in whole if not t.is_space
    ]
    assert [s.start_char for s in pieced.sents] == [s.start_char for s in whole.sents]


@pytest.mark.slow
def test_claims_of_a_long_text_match_a_whole_parse(extractor: Extractor) -> None:
    # The real pipeline with its limit lowered stands in for a document of several megabytes.
    doc = document_from_text(PARAGRAPH * 6, id="long")
    whole = extractor.extract(doc)
    nlp = extractor.nlp
    nlp.max_length = len(doc.text) // 3
    try:
        pieced = extractor.extract(doc)
        many = next(extractor.extract_many([doc]))
    finally:
        nlp.max_length = 1_000_000
    assert whole and pieced == whole and many == whole
    for claim in pieced:
        assert doc.original[claim.span.start : claim.span.end] == claim.sentence


def test_title_range_lookups_by_bisection_agree_with_a_scan() -> None:
    # Entity linking asks these for every mention of a long document (it used to scan them all).
    import random
    import re

    from factcheck.extract.entities import _Ranges

    rng = random.Random(16)
    words = ["Minister", "Secretary of State", "Tokyo", "met", " ", "  ", "\n", "Blinken"]
    text = " ".join(rng.choice(words) for _ in range(400))
    matches = list(re.finditer(r"Minister|Secretary of State", text))
    pairs = [m.span() for m in matches]
    ranges = _Ranges(iter(matches))
    for _ in range(2000):
        s = rng.randrange(len(text))
        e = rng.randrange(s + 1, min(len(text), s + 30) + 1)
        assert ranges.covering(s, e) == any(a <= s and e <= b for a, b in pairs)
        lo = rng.randrange(e)
        scan = next(((a, b) for a, b in pairs if lo <= b <= e), None)
        assert ranges.ending_within(lo, e) == scan


class _Counted(list[Any]):
    """A list that counts how many elements are read from it (by index or by iteration)."""

    reads = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            self.reads += 1
            yield item

    def __getitem__(self, i: Any) -> Any:
        self.reads += 1
        return super().__getitem__(i)


def _quoted_text(paragraphs: int, seed: int) -> str:
    # Quotations of one to three sentences, some opened with straight quotes, some with curly
    # ones, some introduced by a colon on the line before, and plain sentences between them.
    import random

    rng = random.Random(seed)
    said = ["Hayashi said", "the minister told reporters", "a spokesman added"]
    out = []
    for n in range(paragraphs):
        quote = " ".join(f"Point {n}.{k} was settled." for k in range(rng.randint(1, 3)))
        opener, closer = rng.choice([('"', '"'), ("\u201c", "\u201d")])
        lead = "The talks went on for hours:\n" if rng.random() < 0.3 else "The talks went on. "
        tail = " They met again later." if rng.random() < 0.5 else ""
        out.append(f"{lead}{opener}{quote}{closer} {rng.choice(said)}.{tail}\n\n")
    return "".join(out)


def _context(nlp: Any, text: str, *, counted: bool = False) -> Any:
    import re

    from factcheck.extract.claims import _Context, quote_regions

    sdoc = nlp(text)
    wrap = _Counted if counted else list
    quotes = wrap(quote_regions(text))
    paragraphs = wrap([m.start() for m in re.finditer(r"(?m)^(?=\S)", text)] or [0])
    sents = wrap(sdoc.sents)
    doc = document_from_text(text, id="quoted")
    return _Context(doc, sdoc, None, quotes, paragraphs, sents, None)  # type: ignore[arg-type]


def _scan_quote_context(ctx: Any, sent: Any) -> list[tuple[int, int]]:
    """What `_Context._quote_context` gave when it scanned every sentence and region."""

    def in_quote(pos: int) -> tuple[int, int] | None:
        return next(((a, b) for a, b in ctx.quotes if a <= pos < b), None)

    def paragraph_start(pos: int) -> int:
        return max((p for p in ctx.paragraphs if p <= pos), default=0)

    sents = list(ctx.sents)
    idx = next(i for i, s in enumerate(sents) if s.start == sent.start)
    region = next((r for t in sent if (r := in_quote(t.idx))), None)
    lo = hi = idx
    if region is not None:
        inside = [
            i for i, s in enumerate(sents) if s.start_char < region[1] and region[0] < s.end_char
        ]
        lo, hi = min(inside), max(inside)
    order = [idx] + [i for i in range(lo, hi + 1) if i != idx]
    para = paragraph_start(sents[lo].start_char)
    if lo - 1 >= 0:
        before = sents[lo - 1]
        if paragraph_start(before.start_char) == para or before.text.rstrip().endswith(":"):
            order.append(lo - 1)
    if hi + 1 < len(sents) and paragraph_start(sents[hi + 1].start_char) == paragraph_start(
        sents[hi].start_char
    ):
        order.append(hi + 1)
    return [(sents[i].start_char, sents[i].end_char) for i in order]


def test_quote_context_gives_what_a_scan_of_every_sentence_gives(blank: Any) -> None:
    text = _quoted_text(120, seed=3) + 'An unclosed "quotation at the end. And one more.'
    ctx = _context(blank, text)
    for sent in ctx.sents:
        got = [(s.start_char, s.end_char) for s in ctx._quote_context(sent)]
        assert got == _scan_quote_context(ctx, sent)
    for t in blank(text):
        assert ctx.in_quote(t.idx) == next(((a, b) for a, b in ctx.quotes if a <= t.idx < b), None)


def test_quote_context_reads_a_bounded_number_of_sentences_per_call(blank: Any) -> None:
    # Quadratic work used to stall a 2.1 MB document here: every quoted sentence scanned all the
    # sentences, quote regions and paragraph starts of its document. Counting what is read
    # (not timing it) catches that on any machine: a scan reads about n items per call, a
    # bisection a few times log2(n).
    import math

    ctx = _context(blank, _quoted_text(1500, seed=4), counted=True)
    n = len(ctx.sents) + len(ctx.quotes) + len(ctx.paragraphs)
    setup = ctx.sents.reads + ctx.quotes.reads + ctx.paragraphs.reads
    calls = 0
    for sent in list.__iter__(ctx.sents):
        ctx._quote_context(sent)
        calls += 1
    reads = ctx.sents.reads + ctx.quotes.reads + ctx.paragraphs.reads - setup
    assert calls > 3000 and n > 9000
    assert reads <= 6 * math.log2(n) * calls  # 80 per call here; a scan reads over 9000


def test_sentence_entities_are_the_sentences_ents_from_its_own_tokens() -> None:
    import random

    import spacy
    from spacy.tokens import Doc, Span

    from factcheck.extract.quantities import sentence_entities

    nlp = spacy.blank("en")
    rng = random.Random(7)
    words = [
        rng.choice(["Harbour", "council", "met", "on", "Tuesday", "40", "boats"])
        for _ in range(400)
    ]
    starts = [i == 0 or rng.random() < 0.15 for i in range(len(words))]
    doc = Doc(nlp.vocab, words=words, sent_starts=starts)
    ents: list[Span] = []
    i = 0
    labels = ["CARDINAL", "ORG", "DATE", "QUANTITY"]
    while i < len(words):
        if rng.random() < 0.3:
            # Lengths up to 4 tokens, so some entities cross a sentence boundary or touch one.
            n = min(len(words) - i, rng.randint(1, 4))
            ents.append(Span(doc, i, i + n, label=rng.choice(labels)))
            i += n + rng.randint(0, 1)  # some entities are adjacent
        else:
            i += 1
    doc.ents = ents
    sents = list(doc.sents)
    assert len(sents) > 30
    crossing = [e for e in doc.ents if e.sent.end < e.end]
    assert crossing, "the corpus must hold entities that leave their sentence"

    def shape(spans: list[Span]) -> list[tuple[int, int, str]]:
        return [(e.start, e.end, e.label_) for e in spans]

    for sent in sents:
        assert shape(sentence_entities(sent)) == shape(list(sent.ents))

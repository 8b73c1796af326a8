"""One long document (FNC-1 bodies joined, about 2.1 MB by default): parse and claim-building time, and the quotation-context lookups' share."""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from factcheck.extract import Extractor
from factcheck.extract.claims import _Context
from factcheck.ingest import document_from_text
from factcheck.settings import Settings
from fnc1_util import DEFAULT_FNC1, read_bodies


def long_text(bodies: dict[str, str], size: int) -> str:
    """Bodies in file order, separated by blank lines, until the text reaches `size` bytes."""
    parts: list[str] = []
    total = 0
    for body in bodies.values():
        if total >= size:
            break
        parts.append(body.strip())
        total += len(body.encode("utf-8")) + 2
    return "\n\n".join(parts)[:size]


def timed(method: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)

    return wrapper


def scan_quote_context(ctx: _Context, sent: Any) -> list[Any]:
    """`_Context._quote_context` as it was before bisection: a scan of every sentence, quote
    region and paragraph start per call (kept here to measure what the change saved)."""

    def in_quote(pos: int) -> tuple[int, int] | None:
        return next(((a, b) for a, b in ctx.quotes if a <= pos < b), None)

    def paragraph_start(pos: int) -> int:
        return max((p for p in ctx.paragraphs if p <= pos), default=0)

    sents = ctx.sents
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
    if lo > 0 and (
        paragraph_start(sents[lo - 1].start_char) == para
        or sents[lo - 1].text.rstrip().endswith(":")
    ):
        order.append(lo - 1)
    if hi + 1 < len(sents) and paragraph_start(sents[hi + 1].start_char) == paragraph_start(
        sents[hi].start_char
    ):
        order.append(hi + 1)
    return [sents[i] for i in order]


def lookups_only(text: str, doc: Any, sample: int) -> None:
    """Quotation-context lookups for every quoted sentence, on a blank pipeline's sentences
    (tokenizer and sentencizer only: the lookups' cost does not depend on the parser)."""
    import re

    import spacy

    from factcheck.extract.claims import quote_regions
    from factcheck.extract.nlp import register_components, split_text

    register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("factcheck_line_breaks")
    t0 = time.perf_counter()
    sdoc = spacy.tokens.Doc.from_docs([nlp(p) for p in split_text(text, 100_000)])
    parse = time.perf_counter() - t0
    quotes = quote_regions(text)
    paragraphs = [m.start() for m in re.finditer(r"(?m)^(?=\S)", text)] or [0]
    sents = list(sdoc.sents)
    ctx = _Context(doc, sdoc, None, quotes, paragraphs, sents, None)  # type: ignore[arg-type]
    quoted = [s for s in sents if any(ctx.in_quote(t.idx) for t in s)]
    t0 = time.perf_counter()
    for s in quoted:
        ctx._quote_context(s)
    new = time.perf_counter() - t0
    t0 = time.perf_counter()
    for s in quoted[:sample]:
        scan_quote_context(ctx, s)
    old = (time.perf_counter() - t0) / max(1, min(sample, len(quoted))) * len(quoted)
    print(f"blank parse: {parse:.1f} s, {len(sents):,} sentences, {len(quoted):,} quoted")
    print(f"_quote_context, bisection: {new:.2f} s for {len(quoted):,} calls")
    print(f"_quote_context, scan (before): about {old:,.0f} s ({sample} calls timed)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT_FNC1)
    ap.add_argument("--bytes", type=int, default=2_100_000, help="document size (default 2.1 MB)")
    ap.add_argument(
        "--lookups-only",
        action="store_true",
        help="time only the quotation-context lookups (blank pipeline), against the old scan",
    )
    ap.add_argument("--sample", type=int, default=200, help="scan calls timed (--lookups-only)")
    args = ap.parse_args()

    text = long_text(read_bodies(args.data / "train_bodies.csv"), args.bytes)
    doc = document_from_text(text, id="long")
    if args.lookups_only:
        lookups_only(doc.text, doc, args.sample)
        return
    extractor = Extractor(settings=Settings())
    _ = extractor.nlp, extractor.builder  # load the pipeline and tables before the clock starts

    quote_context: list[float] = []
    in_quote: list[float] = []
    _Context._quote_context = timed(_Context._quote_context, quote_context)  # type: ignore[method-assign]
    _Context.in_quote = timed(_Context.in_quote, in_quote)  # type: ignore[method-assign]
    t0 = time.perf_counter()
    claims = extractor.extract(doc)
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"document: {len(text.encode('utf-8')):,} bytes, {len(doc.text):,} characters")
    print(f"extract: {total:.1f} s, {len(claims):,} claims, peak RSS {peak:,.0f} MB")
    print(f"_quote_context: {len(quote_context):,} calls, {sum(quote_context):.2f} s")
    print(f"in_quote: {len(in_quote):,} calls, {sum(in_quote):.2f} s")


if __name__ == "__main__":
    main()

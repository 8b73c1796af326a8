"""Behaviour fingerprints of extraction: count and sha256 of FNC-1 time expressions and claims."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from factcheck.extract.timex import find_time_expressions, normalise_time
from fnc1_util import DEFAULT_FNC1, make_document, read_bodies

# A fixed publication date, so that relative expressions resolve the same on every run.
DCT = dt.date(2016, 6, 15)


def digest(rows: Iterable[str]) -> tuple[int, str]:
    """How many rows, and the sha256 of them sorted, one per line."""
    ordered = sorted(rows)
    return len(ordered), hashlib.sha256("\n".join(ordered).encode("utf-8")).hexdigest()


def time_rows(bodies: dict[str, str]) -> list[str]:
    """(doc, span, text, value, interval, granularity) of every time expression, as JSON."""
    rows = []
    for doc_id, text in bodies.items():
        for f in find_time_expressions(text):
            e = normalise_time(
                f.text,
                dct=DCT,
                start=f.start,
                end=f.end,
                before=text[max(0, f.start - 40) : f.start],
                after=text[f.end : f.end + 40],
            )
            rows.append(
                json.dumps(
                    [
                        doc_id,
                        f.start,
                        f.end,
                        f.text,
                        e.value,
                        str(e.begin),
                        str(e.finish),
                        e.granularity,
                        e.resolved,
                        e.relative,
                    ]
                )
            )
    return rows


def claim_rows(bodies: dict[str, str]) -> list[str]:
    """Every claim of the bodies, as its JSON dump (all the fields extraction fills)."""
    from factcheck.extract import Extractor
    from factcheck.settings import Settings

    extractor = Extractor(settings=Settings(spacy_processes=1))
    docs = [make_document(doc_id, text) for doc_id, text in bodies.items()]
    return [c.model_dump_json() for batch in extractor.extract_many(docs) for c in batch]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bodies", type=Path, default=DEFAULT_FNC1 / "train_bodies.csv")
    ap.add_argument("--times", type=int, nargs="*", default=[400, 0], help="0: all bodies")
    ap.add_argument(
        "--claims", type=int, default=80, help="bodies whose claims are hashed; 0: none"
    )
    args = ap.parse_args()
    bodies = read_bodies(args.bodies)
    for n in args.times:
        chosen = dict(list(bodies.items())[: n or None])
        count, sha = digest(time_rows(chosen))
        print(f"time expressions of {len(chosen)} bodies: {count:,} sha256 {sha}")
    if args.claims:
        chosen = dict(list(bodies.items())[: args.claims])
        count, sha = digest(claim_rows(chosen))
        print(f"claims of {len(chosen)} bodies: {count:,} sha256 {sha}")


if __name__ == "__main__":
    main()

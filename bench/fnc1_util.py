"""FNC-1 loading for the benchmarks: stance pairs, article bodies, and bodies as Documents."""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from factcheck.models import Document

DEFAULT_FNC1 = Path(__file__).resolve().parents[1].parent / "shared" / "benchdata" / "fnc1"


@dataclass(frozen=True)
class StancePair:
    headline: str
    body_id: str
    stance: str  # agree | disagree | discuss | unrelated


def read_bodies(path: Path) -> dict[str, str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}


def read_stances(path: Path) -> list[StancePair]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [StancePair(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh)]
    # The file repeats some rows; count each distinct pair once.
    return list(dict.fromkeys(rows))


def sample(pairs: list[StancePair], n: int | None, *, seed: int = 13) -> list[StancePair]:
    if n is None or n >= len(pairs):
        return pairs
    return random.Random(seed).sample(pairs, n)


def make_document(doc_id: str, text: str) -> Document:
    """A Document for text that is already clean (no furniture, no front matter)."""
    raw = text.encode("utf-8")
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        format="txt",
        content_hash=hashlib.sha256(raw).hexdigest(),
        encoding="utf-8",
        characters=len(text),
        text=text,
        original=text,
    )

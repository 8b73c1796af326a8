"""Read MEANTIME CAT XML files: tokens, sentences, TIMEX3 annotations and the document creation time."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Timex:
    """One gold TIMEX3: its token ids, text, type and value."""

    tokens: list[str]
    text: str
    type: str
    value: str
    sentence: int
    start: int = 0
    end: int = 0


@dataclass
class MeantimeDoc:
    """One MEANTIME article: its text rebuilt from tokens, with character offsets per token."""

    path: Path
    name: str
    text: str
    dct: dt.date | None
    token_offsets: dict[str, tuple[int, int]]
    token_sentence: dict[str, int]
    sentences: dict[int, tuple[int, int]]
    timexes: list[Timex] = field(default_factory=list)

    def sentence_at(self, offset: int) -> int:
        """The number of the sentence holding character `offset` (the last one before it)."""
        best = min(self.sentences, default=0)
        for number, (start, _end) in self.sentences.items():
            if start <= offset and number > best:
                best = number
        return best


def _parse_dct(value: str) -> dt.date | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{2})-(\d{2})-(\d{4})", value)
    if m:  # one file writes day-month-year
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    return None


_NO_SPACE_BEFORE = {",", ".", ":", ";", "'s", "n't", ")", "%", "?", "!", "'", "’s"}


def _glued(previous: str, token: str) -> bool:
    """Whether a token joins the previous one without a space, so that text reads naturally."""
    return token in _NO_SPACE_BEFORE or previous in {"(", "$", '"', "“"}


def read_doc(path: Path) -> MeantimeDoc:
    root = ET.parse(path).getroot()
    parts: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    tok_sent: dict[str, int] = {}
    sentences: dict[int, tuple[int, int]] = {}
    pos = 0
    prev_sent = None
    for tok in root.iter("token"):
        tid, text, sent = tok.get("t_id", ""), tok.text or "", int(tok.get("sentence", "0"))
        if prev_sent is not None:
            sep = "\n" if sent != prev_sent else "" if _glued(parts[-1], text) else " "
            parts.append(sep)
            pos += len(sep)
        offsets[tid] = (pos, pos + len(text))
        tok_sent[tid] = sent
        b, _ = sentences.get(sent, (pos, pos))
        sentences[sent] = (b, pos + len(text))
        parts.append(text)
        pos += len(text)
        prev_sent = sent
    text = "".join(parts)
    dct: dt.date | None = None
    timexes: list[Timex] = []
    for t in root.iter("TIMEX3"):
        ids = [a.get("t_id", "") for a in t.findall("token_anchor")]
        if t.get("functionInDocument") == "CREATION_TIME":
            dct = _parse_dct(t.get("value", ""))
            continue
        if not ids:
            continue
        start = min(offsets[i][0] for i in ids)
        end = max(offsets[i][1] for i in ids)
        timexes.append(
            Timex(
                ids,
                text[start:end],
                t.get("type", ""),
                t.get("value", ""),
                tok_sent[ids[0]],
                start,
                end,
            )
        )
    timexes.sort(key=lambda x: x.start)
    return MeantimeDoc(
        path, root.get("doc_name", path.stem), text, dct, offsets, tok_sent, sentences, timexes
    )


def read_corpus(folder: Path) -> list[MeantimeDoc]:
    return [read_doc(p) for p in sorted(folder.rglob("*.xml"))]

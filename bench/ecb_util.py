"""ECB+ loading for the benchmarks: validated sentences per document and their cross-document event chains."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ECBPLUS = Path(__file__).resolve().parents[1].parent / "shared" / "benchdata" / "ecbplus"
DEV_TOPICS = (2, 5, 12, 18, 21, 23, 34, 35)


@dataclass
class EcbDocument:
    name: str  # e.g. "2_1ecb"
    topic: int
    half: str  # "ecb" or "ecbplus": the two different real events of a topic
    sentences: dict[int, str] = field(default_factory=dict)  # validated sentences only
    chains: dict[int, set[str]] = field(default_factory=dict)  # sentence -> event chain ids


def validated_sentences(path: Path) -> dict[str, set[int]]:
    """File name (e.g. '2_1ecb') -> sentence numbers listed in ECBplus_coreference_sentences.csv."""
    out: dict[str, set[int]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[f"{row['Topic'].strip()}_{row['File'].strip()}"].add(int(row["Sentence Number"]))
    return out


def _detok(tokens: list[str]) -> str:
    text = ""
    for tok in tokens:
        if (
            not text
            or tok in {",", ".", "!", "?", ";", ":", "'s", "n't", ")", "'", "%"}
            or text.endswith(("(", "$"))
        ):
            text += tok
        else:
            text += " " + tok
    return text


def load_topic(
    root: Path, topic: int, selected: dict[str, set[int]], *, events_only: bool = True
) -> list[EcbDocument]:
    docs = []
    for path in sorted((root / "ECB+" / str(topic)).glob("*.xml")):
        name = path.stem
        keep = selected.get(name, set())
        if not keep:
            continue
        tree = ET.parse(path).getroot()
        tokens: dict[str, tuple[int, str]] = {}
        by_sentence: dict[int, list[str]] = defaultdict(list)
        for tok in tree.iter("token"):
            s = int(tok.get("sentence", "0"))
            tokens[tok.get("t_id", "")] = (s, tok.text or "")
            by_sentence[s].append(tok.text or "")
        mention_sentences: dict[str, set[int]] = {}
        markables = tree.find("Markables")
        for m in markables if markables is not None else []:
            mid = m.get("m_id", "")
            anchors = [a.get("t_id", "") for a in m.findall("token_anchor")]
            mention_sentences[mid] = {tokens[t][0] for t in anchors if t in tokens}
        half = "ecbplus" if name.endswith("ecbplus") else "ecb"
        doc = EcbDocument(name=name, topic=topic, half=half)
        for s in sorted(keep):
            if s in by_sentence:
                doc.sentences[s] = _detok(by_sentence[s])
        relations = tree.find("Relations")
        for rel in relations if relations is not None else []:
            if rel.tag != "CROSS_DOC_COREF":
                continue
            chain = rel.get("note", "")
            if events_only and not chain.startswith(("ACT", "NEG")):
                continue
            for src in rel.findall("source"):
                for s in mention_sentences.get(src.get("m_id", ""), set()):
                    if s in doc.sentences:
                        doc.chains.setdefault(s, set()).add(chain)
        docs.append(doc)
    return docs

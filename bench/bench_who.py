"""MEANTIME *who* benchmark: person and organisation mention P/R/F1, and cross-document entity linking as B³ F1.

Usage: nice .venv/bin/python bench/bench_who.py [--data ../shared/benchdata/meantime] [--errors]

Gold: every ENTITY_MENTION whose entity is a person (PER) or organisation (ORG) and whose
syntactic type is a name (NAM, or PRE.NAM: a name modifying a noun, "Boeing engineers").
MEANTIME marks whole noun phrases ("Spokeswoman Sandy Angers", "the GAO"), with appositions
as mentions of their own; the extractor marks names. A predicted mention of the same type
matches a gold mention when it lies inside the gold extent, one to one, the smallest gold
extent first; a gold mention that holds another mention of the same entity is left out (the
inner one is the name). MEANTIME annotates entities in the title and the first four sentences
of the body (sentences 0 and 2-5; sentence 1 is the creation-time line): only these are scored.

Linking: the gold clusters are the cross-document instances the mentions REFER_TO; the
response cluster of a mention is the id its predicted mention has after per-document linking
and the corpus-level pass (extract.corpus.corpus_map), over all 120 documents at once. B³ is
reported on the gold mentions that were found ("found"), and end to end, a gold mention that
was not found being a cluster of its own ("all").
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from meantime_util import MeantimeDoc, read_doc

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/benchdata/meantime"
TYPES = {"PER": "person", "ORG": "org"}
NAME_TYPES = {"NAM", "PRE.NAM"}
SCORED_SENTENCES = frozenset({0, 2, 3, 4, 5})


@dataclass
class GoldMention:
    """One gold person or organisation name: character extent, type and cross-document instance."""

    doc: str
    start: int
    end: int
    kind: str  # 'person' or 'org'
    instance: str  # '' when the entity has no cross-document instance
    text: str


@dataclass
class Predicted:
    """One predicted mention: character extent, kind and its id after corpus linking."""

    doc: str
    start: int
    end: int
    kind: str
    id: str
    text: str


def read_gold(doc: MeantimeDoc) -> list[GoldMention]:
    """Gold person and organisation names of one document (see the module docstring)."""
    root = ET.parse(doc.path).getroot()
    markables = root.find("Markables")
    relations = root.find("Relations")
    if markables is None or relations is None:
        raise SystemExit(f"{doc.path}: no Markables or Relations element (not MEANTIME CAT XML?)")
    entities = {e.get("m_id"): e for e in markables if e.tag == "ENTITY"}
    target: dict[str | None, str | None] = {}
    for rel in relations:
        if rel.tag != "REFERS_TO":
            continue
        tgt = rel.find("target")
        for src in rel.findall("source"):
            target[src.get("m_id")] = tgt.get("m_id") if tgt is not None else None
    found: list[tuple[GoldMention, str, str]] = []
    sentence_at = {a: doc.token_sentence[t] for t, (a, _) in doc.token_offsets.items()}
    for m in markables:
        if m.tag != "ENTITY_MENTION":
            continue
        ent = entities.get(target.get(m.get("m_id")))
        ids = [a.get("t_id", "") for a in m.findall("token_anchor")]
        if ent is None or not ids or ent.get("ent_type") not in TYPES:
            continue
        start = min(doc.token_offsets[i][0] for i in ids)
        end = max(doc.token_offsets[i][1] for i in ids)
        gm = GoldMention(
            doc.name,
            start,
            end,
            TYPES[ent.get("ent_type", "")],
            ent.get("instance_id", ""),
            doc.text[start:end],
        )
        found.append((gm, m.get("syntactic_type") or "", ent.get("m_id", "")))
    out = []
    for gm, syn, eid in found:
        if syn not in NAME_TYPES or sentence_at.get(gm.start) not in SCORED_SENTENCES:
            continue
        inner = any(
            o is not gm and oe == eid and gm.start <= o.start and o.end <= gm.end
            for o, _, oe in found
        )
        if not inner:
            out.append(gm)
    return out


def predict(docs: list[MeantimeDoc]) -> list[Predicted]:
    """Person and organisation mentions of every document, with ids linked across the corpus."""
    from factcheck.extract import Extractor
    from factcheck.extract.corpus import corpus_map
    from factcheck.settings import Settings

    extractor = Extractor(settings=Settings())
    nlp, linker = extractor.nlp, extractor.builder.linker
    raw: list[tuple[str, Any]] = []
    for doc, sdoc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        for m in linker.link(sdoc, doc.text).mentions:
            raw.append((doc.name, m))
    mapping = corpus_map(m.entity for _, m in raw)
    out = []
    for name, m in raw:
        linked = mapping.get(m.entity.id)
        kind, eid = m.entity.kind, m.entity.id
        if linked is not None and (linked.kind == kind or linked.kind == "person"):
            # A lone surname the NER took for a place is linked to its person (corpus_map).
            kind, eid = linked.kind, linked.id
        if kind not in {"person", "org"}:
            continue
        out.append(Predicted(name, m.start, m.end, kind, eid, m.entity.mention))
    return out


def align(gold: list[GoldMention], pred: list[Predicted]) -> dict[int, int]:
    """Gold index -> predicted index, one to one: a prediction inside a gold extent of its type."""
    by_doc: dict[str, list[int]] = collections.defaultdict(list)
    for j, p in enumerate(pred):
        by_doc[p.doc].append(j)
    out: dict[int, int] = {}
    used: set[int] = set()
    for i in sorted(range(len(gold)), key=lambda i: gold[i].end - gold[i].start):
        g = gold[i]
        for j in by_doc[g.doc]:
            p = pred[j]
            if j not in used and p.kind == g.kind and g.start <= p.start and p.end <= g.end:
                out[i] = j
                used.add(j)
                break
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp}


def b_cubed(key: list[str], response: list[str]) -> dict[str, float]:
    """B³ precision, recall and F1 of a response clustering against a key, item by item."""
    key_size = collections.Counter(key)
    resp_size = collections.Counter(response)
    both = collections.Counter(zip(key, response, strict=True))
    n = len(key)
    if not n:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    p = sum(both[(k, r)] / resp_size[r] for k, r in zip(key, response, strict=True)) / n
    r = sum(both[(k, r_)] / key_size[k] for k, r_ in zip(key, response, strict=True)) / n
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(
    gold: list[GoldMention], pred: list[Predicted], docs: list[MeantimeDoc]
) -> dict[str, Any]:
    scored = {
        d.name: [span for s, span in d.sentences.items() if s in SCORED_SENTENCES] for d in docs
    }
    pred = [p for p in pred if any(a <= p.start < b for a, b in scored[p.doc])]
    pairs = align(gold, pred)
    mentions = {}
    for kind in ("person", "org", None):
        g = [i for i, x in enumerate(gold) if kind is None or x.kind == kind]
        n_pred = sum(1 for x in pred if kind is None or x.kind == kind)
        mentions[kind or "all"] = prf(sum(1 for i in g if i in pairs), n_pred, len(g))
    linked = [i for i, g in enumerate(gold) if g.instance]
    found = [i for i in linked if i in pairs]
    key_found = [gold[i].instance for i in found]
    resp_found = [pred[pairs[i]].id for i in found]
    key_all = [gold[i].instance for i in linked]
    resp_all = [pred[pairs[i]].id if i in pairs else f"missed:{i}" for i in linked]
    return {
        "pred": pred,
        "pairs": pairs,
        "mentions": mentions,
        "gold": len(gold),
        "instances": len(set(key_all)),
        "linked_mentions": len(linked),
        "b3_found": b_cubed(key_found, resp_found),
        "b3_all": b_cubed(key_all, resp_all),
    }


def print_errors(gold: list[GoldMention], res: dict[str, Any]) -> None:
    pred, pairs = res["pred"], res["pairs"]
    matched = set(pairs.values())
    for i, g in enumerate(gold):
        if i not in pairs:
            print("MISS", g.doc[:30], g.kind, repr(g.text), sep="\t")
    for j, p in enumerate(pred):
        if j not in matched:
            print("EXTRA", p.doc[:30], p.kind, repr(p.text), p.id, sep="\t")
    clusters: dict[str, set[str]] = collections.defaultdict(set)
    for i, j in pairs.items():
        if gold[i].instance:
            clusters[gold[i].instance].add(pred[j].id)
    for inst, ids in sorted(clusters.items()):
        if len(ids) > 1:
            print("SPLIT", inst, sorted(ids), sep="\t")
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for i, j in pairs.items():
        if gold[i].instance:
            owners[pred[j].id].add(gold[i].instance)
    for pid, insts in sorted(owners.items()):
        if len(insts) > 1:
            print("MERGED", pid, sorted(insts), sep="\t")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--errors", action="store_true", help="print misses, extras, splits, merges")
    args = ap.parse_args(argv)
    folder = args.data / "intra_cross-doc_annotation"
    if not folder.is_dir():
        raise SystemExit(f"{folder}: not found (MEANTIME's intra_cross-doc_annotation folder)")
    docs = [read_doc(p) for p in sorted(folder.rglob("*.xml"))]
    gold = [g for d in docs for g in read_gold(d)]
    res = score(gold, predict(docs), docs)
    print(f"documents: {len(docs)}  gold person/org names: {res['gold']}")
    for k, v in res["mentions"].items():
        print(
            f"  mentions {k:7s} P {100 * v['p']:.1f}  R {100 * v['r']:.1f}  F1 {100 * v['f1']:.1f}"
        )
    print(
        f"cross-document linking: {res['linked_mentions']} gold mentions of {res['instances']} instances"
    )
    for name in ("b3_found", "b3_all"):
        v = res[name]
        label = "found mentions" if name == "b3_found" else "end to end"
        print(
            f"  B3 {label:15s} P {100 * v['p']:.1f}  R {100 * v['r']:.1f}  F1 {100 * v['f1']:.1f}"
        )
    if args.errors:
        print_errors(gold, res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

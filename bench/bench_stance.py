"""Stance benchmark of the rule engine's comparison functions on Emergent and FNC-1 (not run by CI)."""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from factcheck.extract.stance import with_stance
from factcheck.models import Claim, Document, Predicate
from factcheck.rules.slots import compare_pair, same_predicate
from factcheck.settings import Settings

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "benchdata"
EMERGENT = DATA / "emergent" / "url-versions-2015-06-14-clean-train.csv"
FNC1 = DATA / "fnc1"
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
# Stand-ins for the extractor's polarity and modality while it is a placeholder: clause negation
# and attribution ("X says", "reports") are what the real extractor marks.
NEGATION = re.compile(r"(^no\b|\b(not|never|n't|no longer|nor)\b|n't\b)", re.IGNORECASE)
REPORTED = re.compile(
    r"\b(says?|said|claims?|claimed|according to|reports?|reported|sources?|told|insists?|"
    r"accuses?|predicts?|analyst|investigat\w*|prob(e|es|ing))\b|^[^:]{2,40}:",
    re.IGNORECASE,
)


def document(doc_id: str, text: str) -> Document:
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        format="txt",
        content_hash="0" * 64,
        encoding="utf-8",
        characters=len(text),
        text=text,
        original=text,
    )


class ClaimSource:
    """Claims of a text: from the real extractor when it is ready, else one claim per sentence."""

    def __init__(self) -> None:
        from factcheck import extract

        self.real = "PLACEHOLDER" not in (extract.__doc__ or "")
        self.extractor = extract.Extractor(settings=Settings()) if self.real else None
        self.failures = 0

    def claims(self, doc_id: str, text: str) -> list[Claim]:
        doc = document(doc_id, text)
        if self.extractor is not None:
            try:
                found = self.extractor.extract(doc)
            except Exception:  # an extractor bug on one text must not end a long run
                self.failures += 1
                found = []
            if found:
                return found
        out = []
        for i, m in enumerate(SENTENCE.finditer(text)):
            s = m.group().strip()
            if not s:
                continue
            start = m.start() + m.group().index(s)
            # The fallback claims go through the extractor's cue step, as extracted ones do.
            out.append(
                with_stance(
                    Claim(
                        id=f"{doc_id}:{i}",
                        document=doc_id,
                        text=s,
                        sentence=s,
                        span=doc.locate(start, start + len(s)),
                        what=Predicate(lemma=""),
                        polarity="negative" if NEGATION.search(s) else "positive",
                        modality="reported" if REPORTED.search(s) else "asserted",
                    )
                )
            )
        return out


def denies(claim: Claim) -> bool:
    """A denial or falsity verdict the extractor did not already mark as a negation (as DC006)."""
    return claim.denial is not None


def stance(claim: Sequence[Claim], article: Sequence[Claim], *, gate: str = "negation") -> str:
    """agreement / discrepancy / unsupported of `article` towards `claim`, via compare_pair.

    A negative article claim (negation or denial) against a positive claim is a discrepancy;
    a hedged, reported or planned article claim is unsupported (it repeats without confirming);
    any other slot conflict (date, figure, place, actor) is a discrepancy; else an agreement.
    With gate="dc006" a negative article claim counts only as DC006 counts it: a denial, or a
    negation of the same predicate (or a synonym); gate="negation" takes any negative claim.
    """
    verdicts = []
    for a in article:
        for c in claim:
            pair = compare_pair(c, a)
            if (
                a.polarity != c.polarity
                and a.polarity == "negative"
                and (gate == "negation" or denies(a) or same_predicate(a, c))
            ):
                verdicts.append("discrepancy")
            elif a.modality != "asserted":
                verdicts.append("unsupported")
            elif pair.conflicts():
                verdicts.append("discrepancy")
            else:
                verdicts.append("agreement")
    for v in ("discrepancy", "unsupported", "agreement"):
        if v in verdicts:
            return v
    return "unsupported"


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    scores = []
    for lab in labels:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab and g != lab for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(scores) / len(scores)


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> str:
    counts = Counter(zip(gold, pred, strict=True))
    width = max(len(x) for x in labels) + 2
    lines = ["gold \\ pred".ljust(width) + "".join(lab.rjust(width) for lab in labels)]
    for g in labels:
        lines.append(g.ljust(width) + "".join(str(counts[(g, p)]).rjust(width) for p in labels))
    return "\n".join(lines)


def run_emergent(path: Path, sample: int | None, seed: int, gate: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if sample and sample < len(rows):
        rows = random.Random(seed).sample(rows, sample)
    source = ClaimSource()
    to_label = {"agreement": "for", "discrepancy": "against", "unsupported": "observing"}
    gold, pred = [], []
    t0 = time.perf_counter()
    for i, r in enumerate(rows):
        c = source.claims(f"claim{i}", r["claimHeadline"])
        a = source.claims(f"article{i}", r["articleHeadline"])
        gold.append(r["articleHeadlineStance"])
        pred.append(to_label[stance(c, a, gate=gate)])
    labels = ["for", "against", "observing"]
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    print(
        f"Emergent: {len(gold)} pairs, extractor={'real' if source.real else 'placeholder'}, "
        f"{time.perf_counter() - t0:.1f}s"
    )
    print(f"accuracy {acc:.3f}  macro-F1 {macro_f1(gold, pred, labels):.3f}")
    print(confusion(gold, pred, labels))


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    """The official FNC-1 weighted score as a share of the best possible score."""

    def score(g: str, p: str) -> float:
        s = 0.0
        if (g == "unrelated") == (p == "unrelated"):
            s += 0.25
        if g != "unrelated" and g == p:
            s += 0.75
        return s

    best = sum(score(g, g) for g in gold)
    return sum(score(g, p) for g, p in zip(gold, pred, strict=True)) / best


def run_fnc(folder: Path, sample: int | None, seed: int, top_k: int, gate: str) -> None:
    csv.field_size_limit(sys.maxsize)
    with (folder / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with (folder / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        pairs = list(
            dict.fromkeys((r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh))
        )
    if sample and sample < len(pairs):
        pairs = random.Random(seed).sample(pairs, sample)
    from factcheck.match.embed import Embedder

    settings = Settings()
    embedder = Embedder(settings=settings)
    source = ClaimSource()
    t0 = time.perf_counter()
    body_claims = {b: source.claims(f"body{b}", bodies[b]) for b in sorted({p[1] for p in pairs})}
    head_claims = {h: source.claims("headline", h) for h in sorted({p[0] for p in pairs})}
    texts = sorted({c.text for cs in [*body_claims.values(), *head_claims.values()] for c in cs})
    vecs = dict(zip(texts, embedder.encode(texts), strict=True))
    to_label = {"agreement": "agree", "discrepancy": "disagree", "unsupported": "discuss"}
    gold, pred = [], []
    for headline, body, label in pairs:
        hc, bc = head_claims[headline], body_claims[body]
        if not hc or not bc:
            gold.append(label)
            pred.append("unrelated")
            continue
        # Matching as the pipeline does it: body claims similar enough to a headline claim.
        scored = sorted(
            ((max(float(vecs[h.text] @ vecs[b.text]) for h in hc), b) for b in bc),
            key=lambda x: -x[0],
        )
        matched = [b for s, b in scored[:top_k] if s >= settings.similarity_threshold]
        gold.append(label)
        pred.append(to_label[stance(hc, matched, gate=gate)] if matched else "unrelated")
    labels = ["agree", "disagree", "discuss", "unrelated"]
    print(
        f"FNC-1: {len(gold)} pairs, {len(body_claims)} bodies, "
        f"extractor={'real' if source.real else 'placeholder'}, embedder={embedder.model_id}, "
        f"threshold={settings.similarity_threshold}, top_k={top_k}, "
        f"extractor failures={source.failures}, "
        f"{time.perf_counter() - t0:.1f}s"
    )
    print(
        f"FNC score {100 * fnc_score(gold, pred):.1f}% of max  "
        f"macro-F1 {macro_f1(gold, pred, labels):.3f}  "
        f"accuracy {sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold):.3f}"
    )
    print(confusion(gold, pred, labels))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emergent", type=Path, default=EMERGENT)
    parser.add_argument("--fnc1", type=Path, default=FNC1)
    parser.add_argument("--only", choices=["emergent", "fnc1"])
    parser.add_argument("--sample", type=int, default=None, help="pairs per set (fixed seed)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--top-k", type=int, default=3, help="body claims matched per headline")
    parser.add_argument(
        "--polarity-gate",
        choices=["negation", "dc006"],
        default="negation",
        help="which negative article claims contradict: any (earlier runs) or as DC006 gates them",
    )
    args = parser.parse_args(argv)
    if args.only in (None, "emergent"):
        run_emergent(args.emergent, args.sample, args.seed, args.polarity_gate)
    if args.only in (None, "fnc1"):
        run_fnc(args.fnc1, args.sample, args.seed, args.top_k, args.polarity_gate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

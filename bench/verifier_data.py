"""Training and validation pairs for the claim-pair verifier, built from ../shared/benchdata dev splits."""

from __future__ import annotations

import csv
import hashlib
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecb_util import DEV_TOPICS, load_topic, validated_sentences

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "benchdata"

# The verifier's classes, in the order of its output: what a pair of claims (or a claim and the
# evidence a document gives for it) says about one fact.
LABELS: tuple[str, ...] = ("agree", "conflict", "discuss", "different", "unrelated")
FNC_LABELS = {
    "agree": "agree",
    "disagree": "conflict",
    "discuss": "discuss",
    "unrelated": "unrelated",
}
EMERGENT_LABELS = {"for": "agree", "against": "conflict", "observing": "discuss"}
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"')\]]*|$)")


@dataclass(frozen=True)
class Pair:
    """One labelled example: a claim, the evidence it is checked against, and where it came from."""

    claim: str
    evidence: str
    label: str
    source: str  # fnc1 | emergent | ecbplus
    group: str  # the unit of the split: headline, claim id or topic


def bucket(key: str, *, folds: int = 4) -> int:
    """A stable fold for a split key: the same on every machine and Python version."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % folds


def is_validation(key: str) -> bool:
    return bucket(key) == 0


def norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def sentences(text: str) -> list[str]:
    out = []
    for para in text.split("\n"):
        for m in SENTENCE.finditer(para):
            s = m.group().strip()
            if len(s) >= 20:
                out.append(s)
    return out


# --- Emergent: claim headline against article headline, split by claim ----------------------


def emergent_pairs(root: Path, *, negatives_per_claim: int, seed: int) -> list[Pair]:
    path = root / "emergent" / "url-versions-2015-06-14-clean-train.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = [
        Pair(
            r["claimHeadline"],
            r["articleHeadline"],
            EMERGENT_LABELS[r["articleHeadlineStance"]],
            "emergent",
            r["claimId"],
        )
        for r in rows
    ]
    # Unrelated pairs: a claim against headlines written about another claim of the same side of
    # the split, so that no validation text reaches training through a negative.
    rng = random.Random(seed)
    by_claim: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_claim.setdefault(r["claimId"], []).append(r)
    claims = sorted(by_claim)
    for cid in claims:
        side = is_validation(cid)
        others = [c for c in claims if c != cid and is_validation(c) == side]
        for other in rng.sample(others, min(negatives_per_claim, len(others))):
            art = rng.choice(by_claim[other])
            out.append(
                Pair(
                    by_claim[cid][0]["claimHeadline"],
                    art["articleHeadline"],
                    "unrelated",
                    "emergent",
                    cid,
                )
            )
    return out


def headline_pairs(
    root: Path,
    *,
    encode: Callable[[list[str]], object],
    per_claim: int,
    seed: int,
    other_cosine: tuple[float, float] = (0.4, 0.7),
) -> list[Pair]:
    """Claim against claim: two outlets' article headlines about one Emergent claim.

    What a run judges most is one claim against another claim, in other words and often with
    other names ("Washington stated ..." / "A fact sheet said ..."), and two claims that share
    their names but state different things. Emergent's article headlines give both without a
    new label: two headlines that each assert the same claim ("for") state one fact (agree); one
    asserting it and one denying it ("against") conflict; a headline written about *another*
    claim that is close to it in meaning (cosine within `other_cosine`: the same topic, its
    names and words, but another rumour) states a different fact. Split by claim like the
    claim-against-headline pairs; at most `per_claim` pairs of each kind for a claim.
    """
    import numpy as np

    path = root / "emergent" / "url-versions-2015-06-14-clean-train.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_claim: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        stances = by_claim.setdefault(r["claimId"], {})
        texts = stances.setdefault(r["articleHeadlineStance"], [])
        if r["articleHeadline"] not in texts:
            texts.append(r["articleHeadline"])
    out = _within_groups(by_claim, per_group=per_claim, seed=seed, source="headlines")
    claims = sorted(by_claim)
    # Different facts: for each claim's asserting headlines, the nearest headlines of other
    # claims on the same side of the split whose cosine lies in the band.
    texts = sorted({t for c in claims for ts in by_claim[c].values() for t in ts})
    vecs = dict(zip(texts, np.asarray(encode(texts)), strict=True)) if texts else {}
    low, high = other_cosine
    for cid in claims:
        side = is_validation(cid)
        mine = by_claim[cid].get("for", [])
        others = [
            t
            for c in claims
            if c != cid and is_validation(c) == side
            for t in by_claim[c].get("for", [])
        ]
        if not mine or not others:
            continue
        cands = []
        for a in mine:
            for b in others:
                cos = float(vecs[a] @ vecs[b])
                if low <= cos < high:
                    cands.append((-cos, a, b))
        for _, a, b in sorted(cands)[:per_claim]:
            out.append(Pair(a, b, "different", "headlines", cid))
    return out


def fnc_headline_pairs(
    root: Path,
    *,
    encode: Callable[[list[str]], object],
    per_body: int,
    seed: int,
    other_cosine: tuple[float, float] = (0.4, 0.7),
) -> list[Pair]:
    """Claim against claim from FNC-1: two headlines that one training body agrees with (agree),
    one it agrees with and one it disagrees with (conflict), and a headline another body agrees
    with at cosine within `other_cosine` (different), as `headline_pairs` does for Emergent.

    Training side only: the body and both headlines are on the training side of FNC-1's split,
    so the FNC-1 validation pairs stay as they are.
    """
    csv.field_size_limit(sys.maxsize)
    with (root / "fnc1" / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(
            dict.fromkeys((r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh))
        )
    by_body: dict[str, dict[str, list[str]]] = {}
    stance = {"agree": "for", "disagree": "against"}
    for h, b, s in rows:
        if s not in stance or is_validation("b:" + b) or is_validation("h:" + norm(h)):
            continue
        texts = by_body.setdefault("b:" + b, {}).setdefault(stance[s], [])
        if h not in texts:
            texts.append(h)
    # FNC-1 holds several bodies per story: bodies that share a related headline (agree,
    # disagree or discuss) are one story, and a headline of the same story is never a
    # "different" fact.
    parent = {"b:" + b: "b:" + b for _, b, s in rows if s != "unrelated"}

    def find(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    first: dict[str, str] = {}
    for h, b, s in sorted(rows):
        if s == "unrelated":
            continue
        if norm(h) in first:
            parent[find("b:" + b)] = find(first[norm(h)])
        else:
            first[norm(h)] = "b:" + b
    return _group_pairs(
        by_body,
        story={g: find(g) for g in by_body},
        side=is_validation,
        encode=encode,
        per_group=per_body,
        seed=seed,
        other_cosine=other_cosine,
        source="fnc1-headlines",
    )


def _within_groups(
    by_group: dict[str, dict[str, list[str]]], *, per_group: int, seed: int, source: str
) -> list[Pair]:
    """Pairs inside each group: two of its "for" texts agree, a "for" and an "against" text
    conflict; at most `per_group` of each kind, sampled with `seed`, groups in sorted order."""
    rng = random.Random(seed)
    out: list[Pair] = []
    for g in sorted(by_group):
        pro, con = by_group[g].get("for", []), by_group[g].get("against", [])
        same = [(a, b) for i, a in enumerate(pro) for b in pro[i + 1 :] if norm(a) != norm(b)]
        opposed = [(a, b) for a in pro for b in con]
        for label, pool in (("agree", same), ("conflict", opposed)):
            for a, b in rng.sample(pool, min(per_group, len(pool))):
                a, b = (a, b) if rng.random() < 0.5 else (b, a)
                out.append(Pair(a, b, label, source, g))
    return out


def _group_pairs(
    by_group: dict[str, dict[str, list[str]]],
    *,
    side: Callable[[str], bool],
    encode: Callable[[list[str]], object],
    per_group: int,
    seed: int,
    other_cosine: tuple[float, float],
    source: str,
    story: dict[str, str] | None = None,
) -> list[Pair]:
    """Pairs of texts within a group (its "for" texts: agree; "for" and "against": conflict)
    and across groups on the same `side` of the split and of another `story` (a "for" text of
    another group within the cosine band: different), at most `per_group` of each kind for a
    group."""
    import numpy as np

    out = _within_groups(by_group, per_group=per_group, seed=seed, source=source)
    groups = sorted(by_group)
    texts = sorted({t for g in groups for t in by_group[g].get("for", [])})
    if not texts:
        return out
    index = {t: i for i, t in enumerate(texts)}
    vecs = np.asarray(encode(texts))
    low, high = other_cosine
    for g in groups:
        mine = by_group[g].get("for", [])
        others = sorted(
            {
                t
                for h in groups
                if h != g and side(h) == side(g) and (story is None or story[h] != story[g])
                for t in by_group[h].get("for", [])
                if t not in mine
            }
        )
        if not mine or not others:
            continue
        cos = vecs[[index[t] for t in mine]] @ vecs[[index[t] for t in others]].T
        found = [
            (-float(cos[i, j]), mine[i], others[j])
            for i, j in zip(*np.nonzero((cos >= low) & (cos < high)), strict=True)
        ]
        for _, a, b in sorted(found)[:per_group]:
            out.append(Pair(a, b, "different", source, g))
    return out


# --- FNC-1: headline against the body sentences nearest to it, split by headline and body ----


def fnc_pairs(
    root: Path,
    *,
    encode: Callable[[list[str]], object],
    top_k: int,
    per_label: dict[str, int],
    seed: int,
) -> tuple[list[Pair], list[Pair]]:
    """(train, validation): validation holds the pairs whose headline and body are both held out.

    A pair with one side held out and the other not is dropped, so that no headline and no body
    text is on both sides of the split. Training is sampled per label (`per_label`, the rare
    "disagree" class whole); validation is kept whole, in its natural class balance.
    """
    import numpy as np

    csv.field_size_limit(sys.maxsize)
    with (root / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with (root / "fnc1" / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(
            dict.fromkeys((r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh))
        )
    train_rows, val_rows = [], []
    for h, b, s in rows:
        vh, vb = is_validation("h:" + norm(h)), is_validation("b:" + b)
        if vh and vb:
            val_rows.append((h, b, s))
        elif not vh and not vb:
            train_rows.append((h, b, s))
    rng = random.Random(seed)
    chosen: list[tuple[str, str, str]] = []
    for label in sorted(FNC_LABELS):
        of_label = sorted(r for r in train_rows if r[2] == label)
        n = per_label.get(label, len(of_label))
        chosen.extend(of_label if n >= len(of_label) else rng.sample(of_label, n))
    needed = chosen + val_rows
    body_sents = {
        b: sentences(bodies[b]) or [bodies[b][:400]] for b in sorted({r[1] for r in needed})
    }
    texts = sorted({s for ss in body_sents.values() for s in ss} | {r[0] for r in needed})
    vecs = dict(zip(texts, np.asarray(encode(texts)), strict=True))

    def evidence(headline: str, body: str) -> str:
        ss = body_sents[body]
        scores = np.array([float(vecs[headline] @ vecs[s]) for s in ss])
        best = sorted(np.argsort(-scores, kind="stable")[:top_k])  # in the body's own order
        return " ".join(ss[i] for i in best)

    def make(rows_: Iterable[tuple[str, str, str]]) -> list[Pair]:
        return [Pair(h, evidence(h, b), FNC_LABELS[s], "fnc1", "h:" + norm(h)) for h, b, s in rows_]

    return make(chosen), make(val_rows)


def fnc_story_pairs(
    root: Path,
    *,
    encode: Callable[[list[str]], object],
    per_story: int,
    seed: int,
    core: float = 0.5,
    far: float = 0.35,
    same: float = 0.6,
    band: tuple[float, float] = (0.4, 0.75),
) -> list[Pair]:
    """Two outlets' sentences on one story: the same fact, or different facts of it.

    A story is an FNC-1 headline with two or more bodies that agree with it. Each body's
    sentence nearest the headline (cosine >= `core`) restates it; two such sentences of two
    bodies that are also close to each other (>= `same`) state one fact (agree). A sentence of
    one body far from the headline (< `far`: another happening of the story) against the other
    body's restatement, when the two are topically close (cosine within `band`: they share the
    story's names), states a different fact (different): the pairs a run meets most among its
    candidates. Split like the claim-against-body pairs: a story's pairs are in validation when
    its headline and both bodies are held out, in training when all three are kept.
    """
    import numpy as np

    csv.field_size_limit(sys.maxsize)
    with (root / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with (root / "fnc1" / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        agreeing: dict[str, list[str]] = {}
        for r in csv.DictReader(fh):
            if r["Stance"] == "agree":
                found = agreeing.setdefault(r["Headline"], [])
                if r["Body ID"] not in found:
                    found.append(r["Body ID"])
    stories = {h: sorted(b, key=int) for h, b in sorted(agreeing.items()) if len(b) >= 2}
    body_sents = {b: sentences(bodies[b]) for bs in stories.values() for b in bs}
    texts = sorted({x for ss in body_sents.values() for x in ss} | set(stories))
    vecs = dict(zip(texts, np.asarray(encode(texts)), strict=True)) if texts else {}
    rng = random.Random(seed)
    out: list[Pair] = []
    for h, bs in stories.items():
        side = is_validation("h:" + norm(h))
        bs = [b for b in bs if is_validation("b:" + b) == side and body_sents[b]]
        nearest = {}
        for b in bs:
            best = max(body_sents[b], key=lambda x: float(vecs[h] @ vecs[x]))
            if float(vecs[h] @ vecs[best]) >= core:
                nearest[b] = best
        kept = sorted(nearest, key=int)
        agree, different = [], []
        for i, x in enumerate(kept):
            for y in kept[i + 1 :]:
                if float(vecs[nearest[x]] @ vecs[nearest[y]]) >= same:
                    agree.append((nearest[x], nearest[y]))
            for y in kept:
                if y == x:
                    continue
                for f in body_sents[x]:
                    cos = float(vecs[f] @ vecs[nearest[y]])
                    if float(vecs[h] @ vecs[f]) < far and band[0] <= cos < band[1]:
                        different.append((-cos, f, nearest[y]))
        picked = [(a, b, "agree") for a, b in agree[:per_story]] + [
            (a, b, "different") for _, a, b in sorted(different)[:per_story]
        ]
        for a, b, label in picked:
            a, b = (a, b) if rng.random() < 0.5 else (b, a)
            out.append(Pair(a, b, label, "fncstory", "h:" + norm(h)))
    return out


# --- Same story, different facts: two sentences of one article ------------------------------


def story_pairs(
    root: Path, *, train: int, validation: int, seed: int
) -> tuple[list[Pair], list[Pair]]:
    """Two non-adjacent sentences of one FNC-1 body: the same story, mostly different facts.

    They teach what news corpora are full of and no labelled set marks: sentences about one
    event that state different things ("released a statement on Sunday" / "the document singles
    out China"), which must not count as agreeing. Bodies follow the FNC-1 body split.
    """
    csv.field_size_limit(sys.maxsize)
    with (root / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    rng = random.Random(seed)
    out: dict[bool, list[Pair]] = {False: [], True: []}
    want = {False: train, True: validation}
    ids = sorted(bodies, key=int)
    rng.shuffle(ids)
    for b in ids:
        side = is_validation("b:" + b)
        if len(out[side]) >= want[side]:
            continue
        ss = [x for x in sentences(bodies[b]) if len(x.split()) >= 8 and len(x) <= 300]
        if len(ss) < 4:
            continue
        i = rng.randrange(len(ss) - 2)
        j = rng.randrange(i + 2, len(ss))
        a, c = (ss[i], ss[j]) if rng.random() < 0.5 else (ss[j], ss[i])
        out[side].append(Pair(a, c, "different", "story", "b:" + b))
    return out[False], out[True]


# --- ECB+: sentences about the same event, a different event of the same kind, or another topic


def ecb_pairs(root: Path, *, per_topic: int, seed: int) -> list[Pair]:
    """Same cross-document event chain: agree; the other half of the topic: different; another topic: unrelated."""
    selected = validated_sentences(root / "ecbplus" / "ECBplus_coreference_sentences.csv")
    rng = random.Random(seed)
    topics = sorted({int(name.split("_")[0]) for name in selected})
    loaded = {t: load_topic(root / "ecbplus", t, selected) for t in topics}
    out: list[Pair] = []
    for t in topics:
        sents = [
            (d, s, text) for d in loaded[t] for s, text in d.sentences.items() if d.chains.get(s)
        ]
        same, different = [], []
        for i, (d1, s1, x1) in enumerate(sents):
            for d2, s2, x2 in sents[i + 1 :]:
                if d1.name == d2.name:
                    continue
                if d1.half == d2.half and d1.chains[s1] & d2.chains[s2]:
                    same.append((x1, x2))
                elif d1.half != d2.half:
                    different.append((x1, x2))
        group = f"topic:{t}"
        for label, pool in (("agree", same), ("different", different)):
            for x1, x2 in rng.sample(pool, min(per_topic, len(pool))):
                a, b = (x1, x2) if rng.random() < 0.5 else (x2, x1)
                out.append(Pair(a, b, label, "ecbplus", group))
        others = [u for u in topics if u != t and (u in DEV_TOPICS) == (t in DEV_TOPICS)]
        for _ in range(per_topic // 2):
            if not sents or not others:
                break
            u = rng.choice(others)
            pool_u = [text for d in loaded[u] for text in d.sentences.values()]
            if pool_u:
                out.append(
                    Pair(rng.choice(sents)[2], rng.choice(pool_u), "unrelated", "ecbplus", group)
                )
    return out


def ecb_story_pairs(root: Path, *, per_topic: int, seed: int) -> list[Pair]:
    """Two documents on one real event, two sentences with no event in common: different facts.

    The pairs a run meets most among its candidates: two outlets' sentences about one story
    that share its names and setting but report different happenings of it ("the ministers
    met on Tuesday" / "the minister thanked his hosts"). ECB+ marks them without a new label:
    both sentences are in cross-document event chains of the same half of a topic (one real
    event), and no chain holds both.
    """
    selected = validated_sentences(root / "ecbplus" / "ECBplus_coreference_sentences.csv")
    rng = random.Random(seed)
    out: list[Pair] = []
    for t in sorted({int(name.split("_")[0]) for name in selected}):
        sents = [
            (d, s, text)
            for d in load_topic(root / "ecbplus", t, selected)
            for s, text in d.sentences.items()
            if d.chains.get(s)
        ]
        pool = [
            (x1, x2)
            for i, (d1, s1, x1) in enumerate(sents)
            for d2, s2, x2 in sents[i + 1 :]
            if d1.name != d2.name and d1.half == d2.half and not d1.chains[s1] & d2.chains[s2]
        ]
        for x1, x2 in rng.sample(pool, min(per_topic, len(pool))):
            a, b = (x1, x2) if rng.random() < 0.5 else (x2, x1)
            out.append(Pair(a, b, "different", "ecbstory", f"topic:{t}"))
    return out


def ecb_is_validation(p: Pair) -> bool:
    return int(p.group.split(":")[1]) in DEV_TOPICS


def build(
    root: Path = DATA,
    *,
    encode: Callable[[list[str]], object],
    seed: int = 13,
    top_k: int = 3,
    fnc_per_label: dict[str, int] | None = None,
    ecb_per_topic: int = 45,
    ecb_train_share: float = 0.67,
    emergent_negatives: int = 2,
    emergent_repeat: int = 3,
    story: tuple[int, int] = (1500, 400),
    same_fact_cosine: float = 0.6,
    paraphrase_repeat: int = 3,
    fnc_conflict_repeat: int = 1,
    other_fact_cosine: float | None = None,
    headline_pairs_per_claim: int = 0,
    fnc_headline_pairs_per_body: int = 0,
    fnc_story_pairs_per_story: int = 0,
) -> tuple[list[Pair], list[Pair]]:
    """(train, validation) over the three corpora; no text of a validation pair is in training.

    Emergent's headline pairs are the closest to what the verifier sees in a run (one claim
    against one claim) and the fewest, so each is seen `emergent_repeat` times per epoch; ECB+
    training pairs are subsampled to `ecb_train_share` (its validation pairs are kept whole).
    ECB+ sentences in one event chain are trained on as "agree" only when they are close
    paraphrases (validation keeps them all, to measure how the verifier sees same-event pairs).
    FNC-1's rarest class, "disagree" (conflict), is seen `fnc_conflict_repeat` times per epoch.
    With `other_fact_cosine`, sentences of one event chain that are further apart than that
    are trained on as "different" (another fact of the same event): the pairs a run meets most
    among its candidates, two claims about one event that share its names but state different
    things; those between it and `same_fact_cosine` are too close to call and are left out.
    With `headline_pairs_per_claim`, Emergent article headlines are also paired with each other
    (`headline_pairs`: claim against claim), on both sides of the split. With
    `fnc_story_pairs_per_story`, two FNC-1 bodies' sentences on one story are paired too
    (`fnc_story_pairs`: the same fact, or different facts of one story), on both sides.
    """
    per_label = fnc_per_label or {"agree": 4000, "discuss": 3000, "unrelated": 1500}
    fnc_train, fnc_val = fnc_pairs(root, encode=encode, top_k=top_k, per_label=per_label, seed=seed)
    emergent = emergent_pairs(root, negatives_per_claim=emergent_negatives, seed=seed)
    em_train = [p for p in emergent if not is_validation(p.group)]
    em_val = [p for p in emergent if is_validation(p.group)]
    ecb = ecb_pairs(root, per_topic=ecb_per_topic, seed=seed)
    ecb_train = [p for p in ecb if not ecb_is_validation(p)]
    ecb_train = random.Random(seed).sample(ecb_train, round(ecb_train_share * len(ecb_train)))
    ecb_val = [p for p in ecb if ecb_is_validation(p)]
    story_train, story_val = story_pairs(root, train=story[0], validation=story[1], seed=seed)
    # Sentences in one event chain are about one event, and mostly state different facts;
    # the close paraphrases among them (cosine >= `same_fact_cosine`) state the same fact, the
    # rest are not trained on. Two sentences of one story that close may restate each other,
    # so they are not trained on as "different" either.
    cos = _cosines(encode, [(p.claim, p.evidence) for p in ecb_train + story_train])
    n = len(ecb_train)
    ecb_train = [
        p
        if p.label != "agree" or c >= same_fact_cosine
        else Pair(p.claim, p.evidence, "different", p.source, p.group)
        for p, c in zip(ecb_train, cos[:n], strict=True)
        if p.label != "agree"
        or c >= same_fact_cosine
        or (other_fact_cosine is not None and c < other_fact_cosine)
    ]
    story_train = [p for p, c in zip(story_train, cos[n:], strict=True) if c < same_fact_cosine]
    # Sentence-level paraphrases are the rarest pairs and the ones a run sees most: each is
    # seen `paraphrase_repeat` times, so sentence style alone never reads as "different".
    ecb_train += [p for p in ecb_train if p.label == "agree"] * max(0, paraphrase_repeat - 1)
    heads = (
        headline_pairs(root, encode=encode, per_claim=headline_pairs_per_claim, seed=seed)
        if headline_pairs_per_claim > 0
        else []
    )
    if fnc_story_pairs_per_story > 0:
        heads += fnc_story_pairs(
            root, encode=encode, per_story=fnc_story_pairs_per_story, seed=seed
        )
    heads_train = [p for p in heads if not is_validation(p.group)]
    if fnc_headline_pairs_per_body > 0:
        heads_train += fnc_headline_pairs(
            root, encode=encode, per_body=fnc_headline_pairs_per_body, seed=seed
        )
    val = fnc_val + em_val + ecb_val + story_val + [p for p in heads if is_validation(p.group)]
    # Emergent's article headlines are FNC-1's headlines: drop training pairs that share a text
    # with any validation pair, across corpora.
    held = {norm(p.claim) for p in val} | {norm(p.evidence) for p in val if p.source != "fnc1"}
    fnc_train += [p for p in fnc_train if p.label == "conflict"] * max(0, fnc_conflict_repeat - 1)
    train = [
        p
        for p in fnc_train
        + em_train * max(1, emergent_repeat)
        + ecb_train
        + story_train
        + heads_train
        if norm(p.claim) not in held and norm(p.evidence) not in held
    ]
    return train, val


def _cosines(
    encode: Callable[[list[str]], object], pairs: Sequence[tuple[str, str]]
) -> list[float]:
    import numpy as np

    texts = sorted({t for pair in pairs for t in pair})
    vecs = dict(zip(texts, np.asarray(encode(texts)), strict=True))
    return [float(vecs[a] @ vecs[b]) for a, b in pairs]


def describe(pairs: Sequence[Pair]) -> str:
    counts = Counter((p.source, p.label) for p in pairs)
    lines = []
    for src in sorted({p.source for p in pairs}):
        lines.append(
            f"  {src:9s} "
            + "  ".join(f"{lab} {counts[(src, lab)]}" for lab in LABELS if counts[(src, lab)])
        )
    return "\n".join(lines)


# --- figures ----------------------------------------------------------------------------


def softmax(z: object, t: float = 1.0) -> object:
    import numpy as np

    z = np.asarray(z, dtype=np.float64) / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: object, gold: Sequence[int]) -> float:
    import numpy as np

    y = np.asarray(gold)
    best, best_t = math.inf, 1.0
    for t in np.arange(0.5, 4.01, 0.05):
        p = softmax(logits, float(t))
        nll = -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
        if nll < best:
            best, best_t = nll, float(t)
    return round(best_t, 2)


def ece(probs: object, gold: Sequence[int], bins: int = 10) -> float:
    import numpy as np

    p = np.asarray(probs)
    conf, pred, y = p.max(axis=1), p.argmax(axis=1), np.asarray(gold)
    total = 0.0
    for b in range(bins):
        m = (conf > b / bins) & (conf <= (b + 1) / bins)
        if m.any():
            total += m.mean() * abs(float((pred[m] == y[m]).mean()) - float(conf[m].mean()))
    return total


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    scores = []
    for lab in labels:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    def score(g: str, p: str) -> float:
        return 0.25 * ((g == "unrelated") == (p == "unrelated")) + 0.75 * (
            g != "unrelated" and g == p
        )

    return sum(map(score, gold, pred)) / sum(score(g, g) for g in gold)


def evaluate(val: Sequence[Pair], probs: object) -> dict[str, object]:
    """Figures per corpus on the validation pairs, each in its corpus's own terms."""
    import numpy as np

    p = np.asarray(probs)
    ix = {x: i for i, x in enumerate(LABELS)}
    figures: dict[str, object] = {}
    fnc = [i for i, v in enumerate(val) if v.source == "fnc1"]
    if fnc:
        to_fnc = {
            "agree": "agree",
            "conflict": "disagree",
            "discuss": "discuss",
            "unrelated": "unrelated",
        }
        gold = [to_fnc[val[i].label] for i in fnc]
        # "different" is a related story about another event: FNC-1 calls that unrelated.
        q = p[fnc][:, [ix["agree"], ix["conflict"], ix["discuss"], ix["unrelated"]]].copy()
        q[:, 3] += p[fnc][:, ix["different"]]
        pred = [("agree", "disagree", "discuss", "unrelated")[k] for k in q.argmax(axis=1)]
        labs = ["agree", "disagree", "discuss", "unrelated"]
        figures["fnc1"] = {
            "pairs": len(fnc),
            "weighted_score": round(100 * fnc_score(gold, pred), 1),
            "macro_f1": round(macro_f1(gold, pred, labs), 3),
            "per_class_f1": {lab: round(macro_f1(gold, pred, [lab]), 3) for lab in labs},
            "accuracy": round(float(np.mean([g == x for g, x in zip(gold, pred, strict=True)])), 3),
            "confusion": {
                g: dict(Counter(x for gg, x in zip(gold, pred, strict=True) if gg == g))
                for g in labs
            },
        }
    em = [i for i, v in enumerate(val) if v.source == "emergent" and v.label != "unrelated"]
    if em:
        gold = [val[i].label for i in em]
        q = p[em][:, [ix["agree"], ix["conflict"], ix["discuss"]]]
        pred = [("agree", "conflict", "discuss")[k] for k in q.argmax(axis=1)]
        figures["emergent"] = {
            "pairs": len(em),
            "accuracy": round(float(np.mean([g == x for g, x in zip(gold, pred, strict=True)])), 3),
            "macro_f1": round(macro_f1(gold, pred, ["agree", "conflict", "discuss"]), 3),
        }
    ecb = [i for i, v in enumerate(val) if v.source == "ecbplus"]
    if ecb:
        same = p[ecb][:, [ix["agree"], ix["conflict"], ix["discuss"]]].sum(axis=1) >= 0.5
        gold_same = np.array([val[i].label == "agree" for i in ecb])
        tp = int((same & gold_same).sum())
        prec = tp / max(int(same.sum()), 1)
        rec = tp / max(int(gold_same.sum()), 1)
        hard = np.array([val[i].label != "unrelated" for i in ecb])
        figures["ecbplus"] = {
            "pairs": len(ecb),
            "same_event_precision": round(prec, 3),
            "same_event_recall": round(rec, 3),
            "same_event_f1": round(2 * prec * rec / max(prec + rec, 1e-9), 3),
            "accuracy_same_vs_other_half": round(float((same[hard] == gold_same[hard]).mean()), 3),
        }
    heads = [i for i, v in enumerate(val) if v.source == "headlines"]
    if heads:
        rel = p[heads].argmax(axis=1)
        gold_h = [val[i].label for i in heads]
        same_fact = p[heads][:, [ix["agree"], ix["conflict"], ix["discuss"]]].sum(axis=1) >= 0.5
        per: dict[str, object] = {}
        for lab in ("agree", "conflict", "different"):
            m = np.array([g == lab for g in gold_h])
            if m.any():
                per[lab] = {
                    "pairs": int(m.sum()),
                    "judged_same_fact": round(float(same_fact[m].mean()), 3),
                    "judged_label": round(float((rel[m] == ix[lab]).mean()), 3),
                }
        truth = np.array([g != "different" for g in gold_h])
        figures["headlines"] = {
            "pairs": len(heads),
            "same_fact_accuracy": round(float((same_fact == truth).mean()), 3),
            "per_label": per,
        }
    cross = [i for i, v in enumerate(val) if v.source == "fncstory"]
    if cross:
        same_fact = p[cross][:, [ix["agree"], ix["conflict"], ix["discuss"]]].sum(axis=1) >= 0.5
        gold_c = [val[i].label for i in cross]
        figures["fncstory"] = {
            lab: {
                "pairs": int(m.sum()),
                "judged_same_fact": round(float(same_fact[m].mean()), 3),
            }
            for lab in ("agree", "different")
            if (m := np.array([g == lab for g in gold_c])).any()
        }
    story = [i for i, v in enumerate(val) if v.source == "story"]
    if story:
        rel = p[story].argmax(axis=1)
        figures["story"] = {
            "pairs": len(story),
            "judged_other_fact": round(
                float(np.isin(rel, [ix["different"], ix["unrelated"]]).mean()), 3
            ),
            "judged_agree": round(float((rel == ix["agree"]).mean()), 3),
        }
    return figures

"""Cross-document claim matching: embedding neighbours plus slot evidence, grouped without long chains."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from ..cache import Cache
from ..models import Claim, ClaimEvent, ClaimGroup, ClaimPair, Document, MatchResult
from ..progress import Progress
from ..settings import Settings
from .ann import NeighbourTable, pairs_of, update_topk
from .components import ComponentMemo, by_component
from .duplicates import Prints, source_clusters
from .embed import Embedder, text_hash
from .events import (
    CANDIDATE_FLOOR,
    cluster_events,
    document_profiles,
    event_id,
    load_event_model,
    pair_features,
)
from .greedy import Replay, agglomerate
from .pair_memo import PairMemo, claim_digests64
from .pair_score import DEFAULT_WEIGHTS, PairScore, Weights, score_pair
from .verify import Verdict, Verifier

__all__ = [
    "DEFAULT_WEIGHTS",
    "PairScore",
    "Weights",
    "group_id",
    "group_pairs",
    "match_claims",
    "score_pair",
]


# Cache state: each document text's shingles and MinHash signature (`duplicates.Prints`).
_PRINTS = "duplicates|prints"


def group_id(claim_ids: Sequence[str]) -> str:
    """Deterministic group id from its (sorted) claim ids."""
    return "g" + hashlib.sha1("\n".join(sorted(claim_ids)).encode()).hexdigest()[:12]


def group_pairs(
    n: int,
    edges: Sequence[tuple[int, int, float]],
    *,
    source: Sequence[str],
    min_link_share: float = 0.5,
    vectors: np.ndarray | None = None,
    min_mean_cosine: float | None = None,
    same_source_cosine: float = 0.9,
    replay: Replay | None = None,
) -> list[list[int]]:
    """Groups of items from accepted pairs, strongest pairs first, without long chains.

    Two groups merge only if afterwards
    - every member is paired with at least `min_link_share` of the members from other
      sources (a-b-c may form a group, a chain a-b-c-d of loosely related claims cannot);
    - with `vectors`: the mean cosine over all cross-source member pairs (paired or not) is
      at least `min_mean_cosine` (average link), and members from one source are
      restatements of each other (cosine >= `same_source_cosine`): a fact is stated once per
      document, so two different claims of one document mean the group drifted to a topic.

    With a `replay`, the merges the last run tested on the same groups are taken from it
    (:class:`~factcheck.match.greedy.Replay`); the groups are the same.
    """
    adj: list[set[int]] = [set() for _ in range(n)]
    for i, j, _ in edges:
        adj[i].add(j)
        adj[j].add(i)

    def fits(a: list[int], b: list[int]) -> bool:
        group = a + b
        inside = set(group)
        per_source = Counter(source[m] for m in group)
        for m in group:
            others = len(group) - per_source[source[m]]
            if len(adj[m] & inside) < min_link_share * others:
                return False
        if vectors is None:
            return True
        sims = vectors[a] @ vectors[b].T
        cross = np.array([[source[i] != source[j] for j in b] for i in a])
        if np.any(sims[~cross] < same_source_cosine):
            return False
        if min_mean_cosine is not None:
            full = vectors[group] @ vectors[group].T
            src = np.array([source[m] for m in group])
            mask = np.triu(src[:, None] != src[None, :], 1)
            if mask.any() and float(full[mask].mean()) < min_mean_cosine:
                return False
        return True

    ordered = sorted(edges, key=lambda e: (-e[2], e[0], e[1]))
    return [g for g in agglomerate(n, ordered, fits, replay=replay) if len(g) > 1]


def match_claims(
    claims: Sequence[Claim],
    *,
    documents: Sequence[Document],
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    verifier: Verifier | None = None,
    cache: Cache | None = None,
    claim_keys: Sequence[str] | None = None,
) -> MatchResult:
    """Group claims from different, independent documents that state the same fact.

    Candidates are each claim's `settings.top_k` nearest claims by cosine (exact search, or a
    faiss index above `settings.ann_threshold` claims), scored by cosine plus slot evidence
    (`score_pair`). Without a `verifier`, a candidate is accepted when its score reaches
    `settings.similarity_threshold`. With one, every candidate scoring at least
    `settings.verifier_floor` is judged by the cross-encoder, and it is accepted when the
    verifier gives it at least `settings.verifier_same_fact` probability of stating the same
    fact (whether the two sources agree on it or not); a pair that scored above the threshold
    but that the verifier calls a different fact or event is kept in `MatchResult.related`, so
    no candidate the matcher found vanishes without a verdict. Claims of one document, or of
    near-duplicate documents (`settings.duplicate_threshold`), are never paired.

    With a `cache`, the verifier's verdicts are kept per pair of texts, and the neighbour
    table is kept for the next run, which then searches only the claims that are new or whose
    neighbours left (:func:`~factcheck.match.ann.update_topk`); the result is the same. With
    `claim_keys` too (one per claim, equal keys only for claims equal in everything matching
    reads about them and their documents: `factcheck.pipeline.claim_keys`), each candidate
    pair's match score and event probability are kept (:class:`~factcheck.match.pair_memo.PairMemo`),
    so the next run computes them only for pairs that are new.
    """
    progress = progress or Progress(enabled=False)
    prints = Prints(cache.get_state(_PRINTS)) if cache is not None else None
    sources = source_clusters(documents, threshold=settings.duplicate_threshold, prints=prints)
    if cache is not None and prints is not None:
        cache.put_state(_PRINTS, prints.dumps())
    result = MatchResult(groups=[], sources=sources)
    if len(claims) < 2:
        return result
    texts = [c.text for c in claims]
    if embedder.needs_model(texts):
        model = f"{settings.embedding_model} ({settings.embedding_backend})"
        with progress.step(f"Loading the embedding model {model}"):
            embedder.load()
    with progress.task("Embedding claims", total=len(claims), unit="claims") as advance:
        vectors = embedder.encode(texts, advance=advance)
    source = [result.source_of(c.document) for c in claims]
    floor = settings.similarity_threshold - weights.slack
    table = _neighbours(claims, vectors, source, settings=settings, embedder=embedder, cache=cache)
    # Every pair either reads: the candidates (cosine >= floor) and the event model's pairs.
    ii, jj, sims = pairs_of(table.neighbours, threshold=min(floor, CANDIDATE_FLOOR))
    values = _pair_values(
        claims,
        vectors,
        source,
        (ii, jj, sims),
        weights=weights,
        claim_keys=claim_keys,
        cache=cache,
        models=embedder.model_id,
    )
    accepted: list[tuple[int, int, float]] = []
    cosine: dict[tuple[int, int], float] = {}
    verdicts: dict[tuple[int, int], Verdict] = {}
    related: list[ClaimPair] = []
    candidates: list[tuple[int, int, float, float]] = []
    is_candidate = sims >= floor
    for i, j, s, sc in zip(
        ii[is_candidate].tolist(),
        jj[is_candidate].tolist(),
        sims[is_candidate].tolist(),
        values[is_candidate, 0].tolist(),
        strict=True,
    ):
        cosine[(i, j)] = float(s)
        candidates.append((i, j, float(s), sc))
    if verifier is None:
        accepted = [(i, j, sc) for i, j, _, sc in candidates if sc >= settings.similarity_threshold]
    else:
        judged = [(i, j, sc) for i, j, _, sc in candidates if sc >= settings.verifier_floor]
        pairs = [_ordered_texts(claims[i], claims[j]) for i, j, _ in judged]
        found = _verify(verifier, pairs, cache=cache, progress=progress)
        for (i, j, sc), verdict in zip(judged, found, strict=True):
            verdicts[(i, j)] = verdict
            if verdict.same_fact >= settings.verifier_same_fact:
                # The verifier's probability leads; the match score only breaks near-ties.
                accepted.append((i, j, verdict.same_fact + sc / 100))
            elif sc >= settings.similarity_threshold:
                a, b = sorted((claims[i].id, claims[j].id))
                related.append(_pair(a, b, cosine[(i, j)], verdict))
    min_mean_cosine = settings.similarity_threshold - weights.slack / 2

    def solve_groups(
        items: list[int], edges: list[tuple[int, int, float]], replay: Replay | None
    ) -> list[list[int]]:
        return group_pairs(
            len(items),
            edges,
            source=[source[m] for m in items],
            vectors=vectors[items],
            min_mean_cosine=min_mean_cosine,
            replay=replay,
        )

    # group_pairs merges along accepted pairs only and reads only the two groups it merges, so
    # each connected component is solved alone, and a rerun solves only those a change touched.
    memo = _component_memo(
        "groups", cache, claim_keys, models=embedder.model_id, extra=min_mean_cosine
    )
    clusters = [
        c
        for c in by_component(
            len(claims),
            accepted,
            solve=solve_groups,
            describe=_describe(claim_keys),
            memo=memo,
            labels=source,
        )
        if len(c) > 1
    ]
    if memo is not None and cache is not None:
        cache.put_state(f"components|groups|{embedder.model_id}", memo.dumps())
    events = _events(
        claims,
        (ii, jj, sims),
        values[:, 1],
        clusters,
        source,
        cache=cache,
        claim_keys=claim_keys,
        models=embedder.model_id,
    )
    return replace(
        result,
        groups=_build_groups(claims, clusters, accepted, cosine, verdicts),
        related=sorted(related, key=lambda p: (p.a, p.b)),
        events=events,
    )


def _component_memo(
    name: str, cache: Cache | None, claim_keys: Sequence[str] | None, *, models: str, extra: object
) -> ComponentMemo | None:
    """The last run's clusters per component (see `by_component`), when claims have keys."""
    if cache is None or claim_keys is None:
        return None
    from .. import pipeline  # the code digest (lazily: the pipeline imports this module)

    namespace = f"{pipeline.code_digest()}|{models}|{extra!r}"
    return ComponentMemo(cache.get_state(f"components|{name}|{models}"), namespace=namespace)


def _describe(claim_keys: Sequence[str] | None) -> Callable[[int], str]:
    """What a clustering reads about item i besides its source (which `by_component` digests
    as the pattern of its `labels`): the claim, by its key (text, slots, document); without
    keys there is no memo and nothing is described."""
    if claim_keys is None:
        return lambda i: ""
    return lambda i: claim_keys[i]


def _pair_values(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    source: Sequence[str],
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    weights: Weights,
    claim_keys: Sequence[str] | None,
    cache: Cache | None,
    models: str,
) -> np.ndarray:
    """Per pair (i, j, cosine): its match score and, for claims of different sources, the event
    model's probability (NaN otherwise); from the last run's memo where the pair is unchanged."""
    ii, jj, sims = pairs
    memo: PairMemo | None = None
    state = f"pairs|{models}"
    if claim_keys is not None and cache is not None:
        from .. import pipeline  # the code digest (lazily: the pipeline imports this module)

        namespace = f"{pipeline.code_digest()}|{models}|{weights!r}"
        memo = PairMemo(cache.get_state(state), namespace=namespace)
        digest = claim_digests64(list(claim_keys))
        da, db = digest[ii], digest[jj]
        values = memo.lookup(da, db, sims)
    else:
        values = np.full((len(ii), 2), np.nan, dtype=np.float64)
    code = {s: n for n, s in enumerate(sorted(set(source)))}
    label = np.array([code[s] for s in source], dtype=np.int64)
    cross = label[ii] != label[jj]
    missing = np.nonzero(np.isnan(values[:, 0]) | (cross & np.isnan(values[:, 1])))[0]
    if len(missing):
        values[missing] = np.nan
        touched = {claims[i].document for i in ii[missing].tolist()}
        touched.update(claims[j].document for j in jj[missing].tolist())
        rows = [n for n, c in enumerate(claims) if c.document in touched]
        # A document's profile reads all its claims and nothing else: those of the documents
        # the new pairs touch are all that is needed.
        profiles = document_profiles([claims[n] for n in rows], vectors[rows])
        model = load_event_model()
        for m in missing.tolist():
            a, b, s = claims[int(ii[m])], claims[int(jj[m])], float(sims[m])
            score = score_pair(a, b, s, weights=weights).score
            values[m, 0] = score
            if source[int(ii[m])] != source[int(jj[m])]:
                same = score if weights == DEFAULT_WEIGHTS else None
                x = pair_features(a, b, s, profiles, match_score=same)
                values[m, 1] = model.probability(x)
    if memo is not None and cache is not None:
        memo.keep(da, db, sims, values)
        cache.put_state(state, memo.dumps())
    return values


def _events(
    claims: Sequence[Claim],
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    probability: np.ndarray,
    clusters: list[list[int]],
    source: Sequence[str],
    *,
    cache: Cache | None = None,
    claim_keys: Sequence[str] | None = None,
    models: str = "",
) -> list[ClaimEvent]:
    """The events claims of two or more documents concern: fact groups and lone claims linked
    by the event model over the neighbour table's cross-source pairs (those with cosine at
    least `CANDIDATE_FLOOR` and a `probability`; a fact group is never split; see
    `factcheck.match.events`)."""
    model = load_event_model()
    ii, jj, sims = pairs
    edges = [
        (i, j, p)
        for i, j, s, p in zip(
            ii.tolist(), jj.tolist(), sims.tolist(), probability.tolist(), strict=True
        )
        if s >= CANDIDATE_FLOOR and source[i] != source[j]
    ]
    grouped = {m for members in clusters for m in members}
    units = clusters + [[i] for i in range(len(claims)) if i not in grouped]
    unit_of = [0] * len(claims)
    for n, unit in enumerate(units):
        for m in unit:
            unit_of[m] = n

    def solve(
        items: list[int], local: list[tuple[int, int, float]], replay: Replay | None
    ) -> list[list[int]]:
        mine: dict[int, list[int]] = {}
        for k, m in enumerate(items):
            mine.setdefault(unit_of[m], []).append(k)
        document = [source[m] for m in items]
        return cluster_events(
            list(mine.values()),
            local,
            document=document,
            threshold=model.threshold,
            link=model.link,
            replay=replay,
        )

    # cluster_events merges along edges that reach the threshold, and its average link reads
    # only the edges among the two clusters' members: each component is solved alone.
    memo = _component_memo("events", cache, claim_keys, models=models, extra=None)
    found = by_component(
        len(claims),
        edges,
        links=[e for e in edges if e[2] >= model.threshold],
        joined=units,
        solve=solve,
        describe=_describe(claim_keys),
        memo=memo,
        labels=source,
    )
    if memo is not None and cache is not None:
        cache.put_state(f"components|events|{models}", memo.dumps())
    out = []
    for members in found:
        documents = sorted({claims[m].document for m in members})
        if len(documents) > 1:
            ids = sorted(claims[m].id for m in members)
            out.append(ClaimEvent(id=event_id(ids), claims=ids, documents=documents))
    return sorted(out, key=lambda e: (e.claims[0], e.id))


def _neighbours(
    claims: Sequence[Claim],
    vectors: np.ndarray,
    source: Sequence[str],
    *,
    settings: Settings,
    embedder: Embedder,
    cache: Cache | None,
) -> NeighbourTable:
    """Every claim's top-k table, updated from the one the cache holds for these settings."""
    keys = [f"{c.id}|{text_hash(c.text)}" for c in claims]
    rank = np.empty(len(claims), dtype=np.int64)
    rank[sorted(range(len(claims)), key=lambda i: claims[i].id)] = np.arange(len(claims))
    state = f"neighbours|{embedder.model_id}|k={settings.top_k}|exact<={settings.ann_threshold}"
    stored = cache.get_state(state) if cache is not None else None
    previous = NeighbourTable.loads(stored) if stored is not None else None
    if previous is not None:
        previous = _renamed(previous, keys, source)
    table, _ = update_topk(
        vectors,
        k=settings.top_k,
        keys=keys,
        labels=source,
        rank=rank,
        previous=previous,
        ann_threshold=settings.ann_threshold,
    )
    if cache is not None:
        cache.put_state(state, table.dumps())
    return table


def _renamed(
    previous: NeighbourTable, keys: Sequence[str], labels: Sequence[str]
) -> NeighbourTable:
    """The last run's table with each source under this run's name where it holds the same rows.

    A source is named by its smallest document, so a new copy that sorts first renames it.
    A row stays valid while the rows that share its source are the same, whatever the name:
    where the rows of this run that the last run had under one name all have one name, and
    no other name's rows took it, the old name is replaced; every other row is compared as
    before (a row whose source changed is searched again).
    """
    now = dict(zip(keys, labels, strict=True))
    to_new: dict[str, set[str]] = {}
    for key, old in zip(previous.keys, previous.labels, strict=True):
        new = now.get(key)
        if new is not None:
            to_new.setdefault(old, set()).add(new)
    from_old: dict[str, set[str]] = {}
    for old, names in to_new.items():
        for new in names:
            from_old.setdefault(new, set()).add(old)
    rename = {}
    for old, names in to_new.items():
        new = min(names)
        if len(names) == 1 and new != old and len(from_old[new]) == 1:
            rename[old] = new
    if not rename:
        return previous
    return replace(previous, labels=[rename.get(x, x) for x in previous.labels])


def _verify(
    verifier: Verifier,
    pairs: Sequence[tuple[str, str]],
    *,
    cache: Cache | None,
    progress: Progress,
) -> list[Verdict]:
    """The verifier's verdicts, from the cache for pairs of texts it judged before."""
    hashes = [_pair_hash(a, b) for a, b in pairs]
    known = cache.get_verdicts(verifier.model_id, hashes) if cache is not None else {}
    todo = list(dict.fromkeys(h for h in hashes if h not in known))
    text_of = dict(zip(hashes, pairs, strict=True))
    if todo and not verifier.loaded:
        with progress.step("Loading the claim-pair verifier"):
            verifier.load()
    with progress.task("Verifying candidate pairs", total=len(todo), unit="pairs") as step:
        found = verifier.verify([text_of[h] for h in todo], advance=step)
    fresh = {h: v.probabilities for h, v in zip(todo, found, strict=True)}
    if cache is not None:
        cache.put_verdicts(verifier.model_id, fresh)
    known.update(fresh)
    return [Verdict(tuple(known[h])) for h in hashes]


def _pair_hash(a: str, b: str) -> str:
    return hashlib.sha256(f"{a}\0{b}".encode()).hexdigest()[:32]


def _ordered_texts(a: Claim, b: Claim) -> tuple[str, str]:
    """The pair's texts in text order: the cross-encoder is not symmetric, so a pair must be
    judged the same whichever end came first, and whatever the documents are called."""
    first, second = sorted((a.text, b.text))
    return first, second


def _pair(a: str, b: str, cosine: float, verdict: Verdict | None) -> ClaimPair:
    if verdict is None:
        return ClaimPair(a=a, b=b, similarity=round(cosine, 4))
    return ClaimPair(
        a=a,
        b=b,
        similarity=round(cosine, 4),
        relation=verdict.relation,
        probabilities=verdict.as_dict(),
    )


def _build_groups(
    claims: Sequence[Claim],
    clusters: list[list[int]],
    accepted: list[tuple[int, int, float]],
    cosine: dict[tuple[int, int], float],
    verdicts: dict[tuple[int, int], Verdict],
) -> list[ClaimGroup]:
    # One pass over the accepted pairs, each filed under the cluster holding both ends
    # (checking every pair against every cluster is quadratic on large corpora).
    cluster_of = {m: n for n, members in enumerate(clusters) for m in members}
    pairs_of: dict[int, list[ClaimPair]] = {}
    for i, j, _ in accepted:
        n = cluster_of.get(i)
        if n is not None and cluster_of.get(j) == n:
            a, b = sorted((claims[i].id, claims[j].id))
            pairs_of.setdefault(n, []).append(_pair(a, b, cosine[(i, j)], verdicts.get((i, j))))
    out = []
    for n, members in enumerate(clusters):
        pairs = pairs_of.get(n, [])
        ids = sorted(claims[m].id for m in members)
        out.append(
            ClaimGroup(id=group_id(ids), claims=ids, pairs=sorted(pairs, key=lambda p: (p.a, p.b)))
        )
    return sorted(out, key=lambda g: (g.claims[0], g.id))

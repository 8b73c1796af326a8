"""Cross-document claim matching (PLACEHOLDER: cosine above threshold, connected components)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .embed import Embedder
from .models import Claim, ClaimGroup, ClaimPair, Document, SourceCluster
from .progress import Progress
from .settings import Settings


@dataclass
class MatchResult:
    groups: list[ClaimGroup]
    sources: list[SourceCluster] = field(default_factory=list)

    def source_of(self, document: str) -> str:
        """Id of the independent source a document belongs to (itself unless merged)."""
        for cluster in self.sources:
            if document in cluster.documents:
                return cluster.id
        return document


def match_claims(
    claims: Sequence[Claim], *, documents: Sequence[Document], settings: Settings,
    embedder: Embedder, progress: Progress | None = None,
) -> MatchResult:
    vecs = embedder.encode([c.text for c in claims])
    sims = vecs @ vecs.T
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    pairs: list[ClaimPair] = []
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if claims[i].document != claims[j].document and sims[i, j] >= settings.similarity_threshold:
                pairs.append(ClaimPair(a=claims[i].id, b=claims[j].id, similarity=round(float(sims[i, j]), 4)))
                parent[find(i)] = find(j)
    comps: dict[int, list[int]] = {}
    for i in range(len(claims)):
        comps.setdefault(find(i), []).append(i)
    groups = []
    for members in comps.values():
        if len(members) < 2:
            continue
        ids = sorted(claims[i].id for i in members)
        groups.append(ClaimGroup(id=f"g{len(groups)}", claims=ids, pairs=[p for p in pairs if p.a in ids]))
    return MatchResult(groups=groups)

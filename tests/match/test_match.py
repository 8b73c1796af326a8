"""Tests for cross-document matching: slot scoring, chain-free grouping, same-source exclusion, real paraphrases."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest

from factcheck.match.embed import Embedder
from factcheck.match.score import group_id, group_pairs, match_claims, score_pair
from factcheck.models import Entity, MatchResult, Predicate, SourceCluster, TimeExpression
from factcheck.settings import Settings
from tests.conftest import make_claim, make_document


def day(d: str) -> TimeExpression:
    date = dt.date.fromisoformat(d)
    return TimeExpression(
        text=d, value=d, begin=date, finish=date, granularity="day", resolved=True
    )


PERSON = Entity(id="person:jane-doe", name="Jane Doe", kind="person", mention="Jane Doe")
OTHER = Entity(id="person:john-roe", name="John Roe", kind="person", mention="John Roe")


@pytest.mark.parametrize(
    ("slots_a", "slots_b", "direction", "evidence"),
    [
        ({"who": [PERSON]}, {"who": [PERSON]}, 1, "who"),
        ({"what": Predicate(lemma="resign")}, {"what": Predicate(lemma="resign")}, 1, "predicate"),
        ({"what": Predicate(lemma="say")}, {"what": Predicate(lemma="say")}, 0, None),
        ({"when": [day("2021-03-16")]}, {"when": [day("2021-03-16")]}, 1, "when"),
        ({"when": [day("2021-03-16")]}, {"when": [day("2021-04-20")]}, -1, "when-disjoint"),
    ],
)
def test_slot_evidence_moves_the_score(
    slots_a: dict[str, object], slots_b: dict[str, object], direction: int, evidence: str | None
) -> None:
    a = make_claim("a", "the minister left office", **slots_a)
    b = make_claim("b", "the minister quit", **slots_b)
    scored = score_pair(a, b, 0.6)
    assert np.sign(round(scored.score - 0.6, 6)) == direction
    if evidence:
        assert evidence in scored.evidence


def test_shared_names_count_when_slots_are_empty() -> None:
    a = make_claim("a", "On Monday the mayor of Springfield opened the Elm Street bridge.")
    b = make_claim("b", "The Elm Street bridge in Springfield was opened on Monday.")
    c = make_claim("c", "On Monday the mayor of Shelbyville closed the Oak Avenue tunnel.")
    assert score_pair(a, b, 0.6).score > 0.6
    assert score_pair(a, c, 0.6).score < score_pair(a, b, 0.6).score


def test_grouping_does_not_chain() -> None:
    # A path 0-1-2-3-4-5 of pairwise matches: connected components would make one group.
    edges = [(i, i + 1, 0.9 - 0.01 * i) for i in range(5)]
    groups = group_pairs(6, edges, source=[f"d{i}" for i in range(6)])
    assert all(len(g) <= 3 for g in groups)
    assert sum(len(g) for g in groups) <= 6


def test_grouping_keeps_a_clique_together() -> None:
    edges = [(i, j, 0.8) for i in range(4) for j in range(i + 1, 4)]
    assert group_pairs(4, edges, source=["a", "b", "c", "d"]) == [[0, 1, 2, 3]]


class StubEmbedder(Embedder):
    """Bag-of-words vectors; enough to test matching logic without a model."""

    def __init__(self) -> None:
        super().__init__(settings=Settings())

    def needs_model(self, texts):  # type: ignore[no-untyped-def]
        return False  # no model to load

    def encode(self, texts, *, advance=None):  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().strip(".").split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_claims_of_one_document_are_never_paired() -> None:
    text = "The bridge over the river reopened to traffic after repairs."
    claims = [make_claim("a", text), make_claim("a", text, index=1)]
    result = match_claims(
        claims, documents=[make_document("a", text)], settings=Settings(), embedder=StubEmbedder()
    )
    assert result.groups == []


def test_near_duplicate_documents_count_as_one_source() -> None:
    body = (
        "The city council voted on Tuesday to close the old library on Main Street next spring, "
        "citing repair costs that the mayor put at four million dollars. Residents protested. "
    ) * 3
    copy = body + "Reporting by a wire service."
    other = (
        "Library users in the city gathered outside the council chamber to protest against "
        "the planned closure, which they said would leave the east side with no branch."
    )
    sentence = "The council voted to close the old library on Main Street."
    claims = [
        make_claim("wire", sentence),
        make_claim("reprint", sentence),
        make_claim("local", sentence),
    ]
    documents = [
        make_document("wire", body),
        make_document("reprint", copy),
        make_document("local", other),
    ]
    result = match_claims(claims, documents=documents, settings=Settings(), embedder=StubEmbedder())
    assert [s.documents for s in result.sources] == [["reprint", "wire"]]
    assert result.source_of("wire") == result.source_of("reprint") == "reprint"
    assert result.source_of("local") == "local"
    pairs = {(p.a, p.b) for g in result.groups for p in g.pairs}
    assert ("reprint:0", "wire:0") not in pairs
    assert pairs and all("local:0" in p for p in pairs)


def test_group_ids_are_deterministic_and_sorted() -> None:
    texts = {
        "x": "The museum reopened its doors on Friday.",
        "y": "The museum reopened its doors on Friday.",
        "z": "The museum reopened its doors on Friday.",
    }
    claims = [make_claim(d, t) for d, t in texts.items()]
    documents = [
        make_document(d, f"{d} unrelated body text number {i}") for i, d in enumerate(texts)
    ]
    one = match_claims(claims, documents=documents, settings=Settings(), embedder=StubEmbedder())
    two = match_claims(
        list(reversed(claims)), documents=documents, settings=Settings(), embedder=StubEmbedder()
    )
    assert one.groups == two.groups
    assert [g.claims for g in one.groups] == [["x:0", "y:0", "z:0"]]
    assert one.groups[0].id == group_id(["z:0", "x:0", "y:0"])


def test_source_of_unknown_document_is_itself() -> None:
    result = MatchResult(
        groups=[], sources=[SourceCluster(id="a", documents=["a", "b"], similarity=0.95)]
    )
    assert (result.source_of("b"), result.source_of("c")) == ("a", "c")


PARAPHRASE_CASES = [
    # (claim in doc A, claim in doc B, should match)
    (
        "The central bank raised its benchmark interest rate by half a percentage point on Wednesday.",
        "On Wednesday the central bank increased its key rate by 0.5 percentage points.",
        True,
    ),
    (
        "The central bank raised its benchmark interest rate by half a percentage point on Wednesday.",
        "The central bank's governor will step down at the end of the year.",
        False,
    ),
    (
        "Rescue teams pulled twelve survivors from the collapsed building overnight.",
        "Overnight, rescuers freed 12 people trapped in the rubble of the collapsed building.",
        True,
    ),
    (
        "Rescue teams pulled twelve survivors from the collapsed building overnight.",
        "The owner of the collapsed building was questioned by police about safety permits.",
        False,
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text_a", "text_b", "expected"), PARAPHRASE_CASES)
def test_real_model_matches_paraphrases_not_same_topic_facts(
    embedder: Embedder, text_a: str, text_b: str, expected: bool
) -> None:
    claims = [make_claim("a", text_a), make_claim("b", text_b)]
    documents = [make_document("a", text_a), make_document("b", text_b)]
    result = match_claims(claims, documents=documents, settings=Settings(), embedder=embedder)
    assert bool(result.groups) is expected

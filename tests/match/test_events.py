"""Event clusters: average-link merging of fact groups and lone claims, the shipped model, and the matcher's events."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from factcheck.extract import Extractor
from factcheck.match.embed import Embedder
from factcheck.match.events import (
    EVENT_FEATURES,
    EventModel,
    cluster_events,
    load_event_model,
)
from factcheck.match.score import match_claims
from factcheck.settings import Settings
from tests.conftest import make_document


def test_a_unit_is_never_split() -> None:
    # 0 and 1 are one fact group; only 1 is linked to 2, yet the group joins 2 whole.
    out = cluster_events([[0, 1]], [(1, 2, 0.9)], document=["a", "b", "c"], threshold=0.5, link=0.5)
    assert out == [[0, 1, 2]]


def test_average_link_stops_a_chain() -> None:
    docs = ["a", "b", "c", "d"]
    chain = [(0, 1, 0.9), (1, 2, 0.9), (2, 3, 0.9)]
    # The third link would make a cluster whose mean over its six cross pairs is 0.45 of 0.9.
    strict = cluster_events([], chain, document=docs, threshold=0.5, link=0.75)
    assert strict == [[0, 1, 2], [3]]
    loose = cluster_events([], chain, document=docs, threshold=0.5, link=0.25)
    assert loose == [[0, 1, 2, 3]]


def test_weak_edges_merge_nothing() -> None:
    out = cluster_events([], [(0, 1, 0.49)], document=["a", "b"], threshold=0.5, link=0.5)
    assert out == [[0], [1]]


def test_pairs_of_one_document_do_not_dilute_the_mean() -> None:
    # 0 and 1 are both of document a: the only cross pairs of {0, 1} + {2} are (0, 2), (1, 2).
    docs = ["a", "a", "b"]
    out = cluster_events([[0, 1]], [(0, 2, 0.8)], document=docs, threshold=0.5, link=0.9)
    assert out == [[0, 1], [2]]  # mean 0.4 over the two cross pairs is below 0.45
    out = cluster_events(
        [[0, 1]], [(0, 2, 0.8), (1, 2, 0.7)], document=docs, threshold=0.5, link=0.9
    )
    assert out == [[0, 1, 2]]


def test_result_does_not_depend_on_input_order() -> None:
    rng = random.Random(7)
    docs = [f"d{i % 5}" for i in range(30)]
    edges = [
        (i, j, round(rng.random(), 3))
        for i in range(30)
        for j in range(i + 1, 30)
        if docs[i] != docs[j] and rng.random() < 0.2
    ]
    units = [[0, 6], [12, 18, 24]]
    first = cluster_events(units, edges, document=docs, threshold=0.5, link=0.5)
    shuffled = edges[:]
    rng.shuffle(shuffled)
    flipped = [(j, i, p) for i, j, p in shuffled]
    again = cluster_events(units[::-1], flipped, document=docs, threshold=0.5, link=0.5)
    assert first == again
    assert sorted(m for c in first for m in c) == list(range(30))


def test_a_model_file_for_other_features_is_a_clear_error(tmp_path: Path) -> None:
    data = load_event_model().to_json()
    data["features"] = ["cosine"]
    with pytest.raises(ValueError, match=r"stale\.json: the event model reads"):
        EventModel.from_json(data, where=str(tmp_path / "stale.json"))
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json: cannot read the event model"):
        load_event_model(bad)


def test_shipped_model_prefers_documents_that_share_names_and_direction() -> None:
    model = load_event_model()
    assert list(json.loads(json.dumps(model.to_json()))["features"]) == list(EVENT_FEATURES)
    base = dict.fromkeys(EVENT_FEATURES, 0.0)
    same = {**base, "cosine": 0.5, "match_score": 0.55, "document_cosine": 0.8}
    same["document_anchor_overlap"] = 0.6
    other = {**same, "document_cosine": 0.3, "document_anchor_overlap": 0.0}
    p_same = model.probability([same[f] for f in EVENT_FEATURES])
    p_other = model.probability([other[f] for f in EVENT_FEATURES])
    assert p_same > model.threshold > p_other


STORIES = {
    "a": "A magnitude 6.1 earthquake struck the town of Norcia in central Italy on Sunday morning.\n"
    "At least 40 people were injured in Norcia, and the medieval basilica collapsed.\n"
    "Rescue workers searched the rubble of Norcia through the night.\n",
    "b": "The earthquake that hit Norcia on Sunday destroyed the town's medieval basilica.\n"
    "Italy's civil protection agency said 40 people in Norcia were hurt by the quake.\n"
    "The prime minister promised to rebuild Norcia.\n",
    # Another real event of the same kind: the hard negative.
    "c": "A magnitude 7.0 earthquake struck the coast of Sumatra in Indonesia on Tuesday.\n"
    "Hundreds of homes collapsed in the province of Aceh, officials said.\n"
    "A tsunami warning for Sumatra was lifted after two hours.\n",
}


@pytest.mark.slow
def test_matcher_puts_one_events_facts_together_and_another_event_apart(
    extractor: Extractor, embedder: Embedder
) -> None:
    documents = [make_document(k, v) for k, v in STORIES.items()]
    claims = [c for d in documents for c in extractor.extract(d)]
    result = match_claims(claims, documents=documents, settings=Settings(), embedder=embedder)
    # Facts only one of a and b states (the rescue, the promise) still concern their event.
    event = result.event_of("a:2")
    assert event is not None and event.documents == ["a", "b"]
    assert result.event_of("b:2") == event

    # Every fact group lies inside one event, and the other earthquake is in none of a's.
    def event_id(claim: str) -> str | None:
        found = result.event_of(claim)
        return found.id if found else None

    for group in result.groups:
        assert {event_id(c) for c in group.claims} == {event_id(group.claims[0])}
    assert all(event_id(c.id) != event.id for c in claims if c.document == "c")

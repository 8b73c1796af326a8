"""The stance combination: features from slot evidence, the fitted model, and stance() end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from factcheck.match.stance import (
    FEATURES,
    STANCES,
    StanceModel,
    evidence_text,
    features,
    load_stance_model,
)
from factcheck.match.verify import LABELS, Verdict
from factcheck.models import TimeExpression
from tests.conftest import make_claim

CONFLICT = Verdict(tuple(0.9 if r == "conflict" else 0.025 for r in LABELS))


def _day(value: str) -> TimeExpression:
    import datetime as dt

    day = dt.date.fromisoformat(value)
    return TimeExpression(
        text=value, value=value, begin=day, finish=day, granularity="day", resolved=True
    )


def test_features_read_negation_modality_and_slot_conflicts() -> None:
    claim = make_claim("c", "The talks were held on 16 March.", when=[_day("2021-03-16")])
    denial = make_claim("d", "The talks were not held.", polarity="negative")
    other_day = make_claim(
        "d", "The talks were held on 17 March.", index=1, when=[_day("2021-03-17")]
    )
    x = dict(zip(FEATURES, features(claim, [denial, other_day], CONFLICT), strict=True))
    assert x["evidence_negated_claim_not"] == 1.0 and x["claim_negated_evidence_not"] == 0.0
    assert x["slot_conflict"] == 1.0
    assert x["log_p_conflict"] == pytest.approx(math.log(0.9))
    hedged = make_claim("c", "The talks may be held on 16 March.", modality="hedged")
    y = dict(zip(FEATURES, features(hedged, [other_day], CONFLICT), strict=True))
    assert y["claim_hedged"] == 1.0 and y["evidence_negated_claim_not"] == 0.0


def test_evidence_is_read_in_document_order() -> None:
    late = make_claim("d", "Second.", index=1).model_copy(
        update={"span": make_claim("d", "x" * 50).span.model_copy(update={"start": 40})}
    )
    early = make_claim("d", "First.", index=0)
    assert evidence_text([late, early]) == "First. Second."


def _model(row_of: dict[str, str]) -> StanceModel:
    n = len(FEATURES)
    rows = []
    for s in STANCES:
        row = [0.0] * n
        row[FEATURES.index(row_of[s])] = 1.0
        rows.append(tuple(row))
    return StanceModel(weights=tuple(rows), mean=(0.0,) * n, scale=(1.0,) * n, about={})


def test_model_gives_normalised_probabilities_and_follows_its_weights() -> None:
    model = _model({s: f"log_p_{s}" for s in STANCES})
    claim, ev = make_claim("c", "A."), make_claim("d", "B.")
    out = model.stance(claim, [ev], CONFLICT)
    assert out.label == "conflict"
    assert sum(out.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert out.evidence == (ev.id,)
    assert model.stance(claim, [ev], CONFLICT) == out  # deterministic


def test_stance_file_for_other_features_is_refused(tmp_path: Path) -> None:
    (tmp_path / "stance.json").write_text(
        json.dumps(
            {"features": ["x"], "stances": list(STANCES), "weights": [], "mean": [], "scale": []}
        )
    )
    with pytest.raises(ValueError, match="other features"):
        load_stance_model(str(tmp_path))


def test_shipped_model_matches_the_features() -> None:
    model = load_stance_model()
    assert len(model.weights) == len(STANCES)
    assert all(len(row) == len(FEATURES) for row in model.weights)


@pytest.mark.slow
def test_stance_of_an_unrelated_document_is_unrelated() -> None:
    import factcheck

    out = factcheck.stance(
        "The Ohio car factory closed on Monday after sixty years.",
        "The home team won the cup final 3-1 on Saturday. Fans celebrated in the streets until "
        "late. The coach praised the defence.",
    )
    assert out.label == "unrelated"
    assert set(out.probabilities) == set(STANCES)
    assert len(out.evidence) == 3

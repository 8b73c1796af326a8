"""The claim-pair verifier: the shipped model loads offline, is deterministic, and matching honours its verdicts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from factcheck.errors import ModelLoadError
from factcheck.match.score import match_claims
from factcheck.match.verify import BUILTIN, LABELS, Verdict, Verifier, builtin_folder, load_verifier
from factcheck.models import Claim, Document, Relation
from factcheck.settings import Settings
from tests.conftest import make_claim, make_document
from tests.match.test_match import StubEmbedder

PAIRS = [
    (
        "The central bank raised its key interest rate on Wednesday.",
        "On Wednesday the central bank increased its benchmark rate.",
    ),
    (
        "The minister attended the summit in Tokyo.",
        "The minister did not attend the summit in Tokyo.",
    ),
    (
        "Rescue teams pulled twelve survivors from the rubble.",
        "The football club signed a new goalkeeper for next season.",
    ),
    ("", "An empty claim still gets a verdict."),
]


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    return load_verifier(BUILTIN, workers=1)


def test_shipped_model_is_in_the_package_and_small() -> None:
    folder = builtin_folder()
    about = json.loads((folder / "verifier.json").read_text(encoding="utf-8"))
    assert tuple(about["labels"]) == LABELS
    assert (folder / "model.onnx").stat().st_size < 40 * 2**20
    assert (folder / "MODEL_CARD.md").is_file()


def test_probabilities_are_calibrated_distributions(verifier: Verifier) -> None:
    for verdict in verifier.verify(PAIRS):
        assert len(verdict.probabilities) == len(LABELS)
        assert abs(sum(verdict.probabilities) - 1.0) < 1e-3
        assert all(0.0 <= p <= 1.0 for p in verdict.probabilities)
        assert verdict.relation in LABELS


def test_output_depends_on_the_pair_only(verifier: Verifier) -> None:
    """Same pair, same probabilities: alone or among others, in any order, on any thread count."""
    alone = [verifier.verify([pair])[0] for pair in PAIRS]
    together = verifier.verify(PAIRS)
    threaded = Verifier(builtin_folder(), workers=3).verify(list(reversed(PAIRS * 3)))
    assert together == alone
    assert threaded[: len(PAIRS)] == list(reversed(alone))


def test_a_claim_longer_than_the_input_is_judged_not_a_crash(verifier: Verifier) -> None:
    # Keeping the claim whole and cutting only the evidence is impossible here: the tokenizer
    # raised "Sequence to truncate too short"; such a pair is cut from its longer side instead.
    long_claim = " ".join(
        f"The committee approved budget line {i} for the new bridge." for i in range(40)
    )
    (verdict,) = verifier.verify([(long_claim, "The bridge budget was approved.")])
    assert sum(verdict.probabilities) == pytest.approx(1.0, abs=1e-3)
    (again,) = verifier.verify([(long_claim, "The bridge budget was approved.")])
    assert again == verdict


def test_unrelated_texts_are_not_the_same_fact(verifier: Verifier) -> None:
    (verdict,) = verifier.verify([PAIRS[2]])
    assert verdict.relation in ("unrelated", "different")
    assert verdict.same_fact < 0.5


def test_paraphrase_is_the_same_fact(verifier: Verifier) -> None:
    (verdict,) = verifier.verify([PAIRS[0]])
    assert verdict.same_fact >= 0.5


def test_same_story_different_facts_do_not_agree(verifier: Verifier) -> None:
    (verdict,) = verifier.verify(
        [
            (
                "The company released its annual report on Monday.",
                "Its chief executive said he will step down at the end of next year.",
            )
        ]
    )
    assert verdict.relation != "agree"


def test_verdict_helpers() -> None:
    verdict = Verdict((0.1, 0.6, 0.1, 0.1, 0.1))
    assert verdict.relation == "conflict"
    assert verdict.p("agree") == 0.1
    assert verdict.same_fact == pytest.approx(0.8)
    assert verdict.as_dict()["conflict"] == 0.6
    # Ties go to the earlier label, so the relation never depends on float noise in the order.
    assert Verdict((0.3, 0.3, 0.2, 0.1, 0.1)).relation == "agree"


def test_missing_model_files_are_one_clear_error(tmp_path: Path) -> None:
    shutil.copy(builtin_folder() / "verifier.json", tmp_path / "verifier.json")
    with pytest.raises(ModelLoadError) as err:
        load_verifier(str(tmp_path))
    message = str(err.value)
    assert str(tmp_path) in message and "model.onnx" in message and "[E030]" in message


def test_corrupt_model_is_one_clear_error(tmp_path: Path) -> None:
    for name in ("verifier.json", "tokenizer.json"):
        shutil.copy(builtin_folder() / name, tmp_path / name)
    (tmp_path / "model.onnx").write_bytes(b"not an onnx file")
    # Loading reads the manifest only (a cached run never starts ONNX Runtime); the first
    # pair to judge opens the model, and a corrupt one is one clear error.
    verifier = load_verifier(str(tmp_path))
    with pytest.raises(ModelLoadError, match=r"E030"):
        verifier.verify([PAIRS[0]])


class FixedVerifier:
    """A verifier double that answers one relation per pair of texts (by a rule on the texts)."""

    model_id = "fixed"
    loaded = True  # nothing to load

    def __init__(self, answer: Callable[[str, str], Relation]) -> None:
        self.answer = answer
        self.seen: list[tuple[str, str]] = []

    def verify(
        self, pairs: Sequence[tuple[str, str]], *, advance: Callable[[int], None] | None = None
    ) -> list[Verdict]:
        self.seen.extend(pairs)
        out = []
        for a, b in pairs:
            rel = self.answer(a, b)
            out.append(Verdict(tuple(0.96 if r == rel else 0.01 for r in LABELS)))
        return out


FILLER = {
    "a": "Residents gathered outside the chamber to protest.",
    "b": "The mayor put the repair costs at four million dollars.",
    "c": "A petition against the closure collected two thousand names.",
}


def _corpus(texts: dict[str, str]) -> tuple[list[Claim], list[Document]]:
    """One claim per document; the documents differ elsewhere, so none is a copy of another."""
    claims = [make_claim(doc, text) for doc, text in texts.items()]
    return claims, [make_document(doc, f"{text} {FILLER[doc]}") for doc, text in texts.items()]


def test_verifier_decides_which_candidates_are_matched() -> None:
    texts = {
        "a": "The council voted to close the old library on Main Street.",
        "b": "The council voted to close the old library on Main Street in spring.",
        "c": "The council voted to close the old library on Main Street last year.",
    }
    claims, documents = _corpus(texts)
    # c is about another vote (another event): the verifier says so, whatever the similarity.
    fixed = FixedVerifier(lambda x, y: "different" if "last year" in x + y else "agree")
    result = match_claims(
        claims, documents=documents, settings=Settings(), embedder=StubEmbedder(), verifier=fixed
    )  # type: ignore[arg-type]
    assert [g.claims for g in result.groups] == [["a:0", "b:0"]]
    (pair,) = result.groups[0].pairs
    assert pair.relation == "agree" and pair.probabilities is not None
    # Every candidate pair the verifier turned down is kept with its verdict, none vanishes.
    assert {(p.a, p.b) for p in result.related} == {("a:0", "c:0"), ("b:0", "c:0")}
    assert all(p.relation == "different" for p in result.related)
    # Pairs are judged in text order, so neither which end came first nor the documents'
    # names change a verdict.
    assert set(fixed.seen) == {
        tuple(sorted((texts["a"], texts["b"]))),
        tuple(sorted((texts["a"], texts["c"]))),
        tuple(sorted((texts["b"], texts["c"]))),
    }


def test_without_verifier_matching_is_unchanged() -> None:
    claims, documents = _corpus(
        {
            "a": "The council voted to close the old library on Main Street.",
            "b": "The council voted to close the old library on Main Street in spring.",
        }
    )
    result = match_claims(claims, documents=documents, settings=Settings(), embedder=StubEmbedder())
    assert [g.claims for g in result.groups] == [["a:0", "b:0"]]
    assert result.groups[0].pairs[0].relation is None and result.related == []

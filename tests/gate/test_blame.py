"""Blame the outlier: a changed document fails only when it brings a value or a conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.gate.annotations import gained_annotations, github_annotation
from factcheck.gate.evaluate import describe_rule, evaluate, outliers
from factcheck.gate.summary import json_summary
from factcheck.models import Review, ReviewsFile
from factcheck.review.store import ReviewIndex, now_utc
from tests.gate.test_gate import finding, make_report, reviews_of, write_docs

SENTENCE = "The talks were held in {} on Tuesday."


def doc(place: str) -> str:
    return f"Talks\n\nMarch 16, 2021\n\n{SENTENCE.format(place)}\n"


def corpus(tmp_path: Path, places: dict[str, str]):  # type: ignore[no-untyped-def]
    """Documents named by id, each saying where the talks were; one DC003 finding over them."""
    docs = write_docs(tmp_path, {f"{d}.txt": doc(p) for d, p in places.items()})
    f = finding(
        "discrepancy",
        "DC003",
        [(d, doc(p), SENTENCE.format(p)) for d, p in places.items()],
        values=list(places.values()),
    )
    return make_report(docs, [f]), f


@pytest.mark.parametrize(
    ("places", "changed", "blamed"),
    [
        # A new document siding with the majority of an existing conflict passes.
        ({"a": "Tokyo", "b": "Osaka", "c": "Tokyo", "new": "Tokyo"}, ["new"], []),
        # ... and so does one siding with the minority: both values were already there.
        ({"a": "Tokyo", "b": "Osaka", "c": "Tokyo", "new": "Osaka"}, ["new"], []),
        # A third value is the change's doing.
        ({"a": "Tokyo", "b": "Osaka", "new": "Kyoto"}, ["new"], ["new"]),
        # Contradicting sources that agreed: the conflict was not there before.
        ({"a": "Tokyo", "b": "Tokyo", "new": "Osaka"}, ["new"], ["new"]),
        # Two changed documents, one agreeing with the old sources and one not: blame the second.
        ({"a": "Tokyo", "n1": "Tokyo", "n2": "Osaka"}, ["n1", "n2"], ["n2"]),
    ],
)
def test_only_the_outlier_is_blamed(
    tmp_path: Path, places: dict[str, str], changed: list[str], blamed: list[str]
) -> None:
    report, f = corpus(tmp_path, places)
    assert [e.document for e in outliers(f, changed)] == blamed
    result = evaluate(
        report, reviews=reviews_of(), changed={tmp_path / f"{d}.txt" for d in changed}
    )
    (item,) = result.items  # in scope either way: the finding involves a changed document
    assert item.failing is bool(blamed) and item.brought is bool(blamed)
    if blamed:
        assert item.evidence is not None and item.evidence.document == blamed[0]
        # Related locations start with the sources it contradicts.
        mine = places[blamed[0]]
        against = [e.document for e, _ in item.related if places[e.document] != mine]
        assert against and [e.document for e, _ in item.related][: len(against)] == against


def test_an_annotation_says_contradicts_only_of_the_other_side(tmp_path: Path) -> None:
    # Two changed documents bring Osaka against two that say Tokyo: the blamed one contradicts
    # those two, not the other changed document, which gives the same value.
    report, _ = corpus(tmp_path, {"a": "Tokyo", "b": "Tokyo", "n1": "Osaka", "n2": "Osaka"})
    changed = {tmp_path / "n1.txt", tmp_path / "n2.txt"}
    (item,) = evaluate(report, reviews=reviews_of(), changed=changed).items
    assert item.evidence is not None and item.evidence.document == "n1"
    assert item.contradicts == ("a", "b")
    assert [e.document for e, _ in item.related] == ["a", "b", "n2"]  # the same side last
    assert github_annotation(item).endswith("(contradicts a.txt, b.txt)")
    (decided,) = json_summary(evaluate(report, reviews=reviews_of(), changed=changed), rule="")[
        "findings"
    ]  # type: ignore[misc]
    assert decided["contradicts"] == ["a", "b"]


def test_an_agreement_contradicts_nothing(tmp_path: Path) -> None:
    docs = write_docs(tmp_path, {"a.txt": doc("Tokyo"), "b.txt": doc("Tokyo")})
    sentence = SENTENCE.format("Tokyo")
    agree = finding(
        "agreement", "AG001", [(d, doc("Tokyo"), sentence) for d in "ab"], severity="info"
    )
    result = evaluate(make_report(docs, [agree]), reviews=reviews_of(), changed={docs[1].path})
    (item,) = result.items
    assert [e.document for e, _ in item.related] == ["a"] and item.contradicts == ()
    assert "(contradicts" not in github_annotation(item).split("::")[-1]


def test_every_document_changed_blames_all(tmp_path: Path) -> None:
    report, f = corpus(tmp_path, {"a": "Tokyo", "b": "Osaka"})
    assert len(outliers(f, None)) == 2
    assert evaluate(report, reviews=reviews_of()).failing


def test_a_reviewed_finding_that_gained_evidence_says_so_without_failing(tmp_path: Path) -> None:
    report, f = corpus(tmp_path, {"a": "Tokyo", "b": "Osaka", "new": "Tokyo"})
    seen = Review(
        fingerprint=f.fingerprint,
        verdict="confirmed",
        time=now_utc(),
        documents=["a", "b"],
    )
    result = evaluate(
        report,
        reviews=ReviewIndex.of(ReviewsFile(reviews=[seen])),
        changed={tmp_path / "new.txt"},
        fail_on_confirmed=True,
    )
    (item,) = result.items
    assert not item.failing and item.new_evidence == ("new",)
    assert item.gained == "confirmed; new evidence since the review: new.txt"
    # In GitHub's annotations it is a notice on the new document's line, never an error.
    (notice,) = gained_annotations(result.items)
    assert notice.startswith("::notice file=") and ",line=" in notice
    assert notice.endswith("; confirmed; new evidence since the review: new.txt")
    assert gained_annotations([]) == []


def test_a_review_under_the_scheme_one_fingerprint_still_counts(tmp_path: Path) -> None:
    report, f = corpus(tmp_path, {"a": "Tokyo", "b": "Osaka"})
    assert f.legacy_fingerprint is not None
    result = evaluate(report, reviews=reviews_of(**{f.legacy_fingerprint: "dismissed"}))
    assert [i.status for i in result.items] == ["dismissed"] and result.passed


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"fail_on": "discrepancy"},
            "fail on unreviewed discrepancies of severity warning or error (--fail-on "
            "discrepancy), when a changed document brings the value or conflict",
        ),
        (
            {"fail_on": "unsupported", "fail_on_from": 'fail_on = "unsupported" in factcheck.toml'},
            "fail on unreviewed discrepancies and unsupported claims of severity warning or "
            'error (fail_on = "unsupported" in factcheck.toml), when a changed document brings '
            "the value or conflict",
        ),
        (
            {"fail_on": "discrepancy", "fail_on_unreviewed": True, "changed": False},
            "fail on every unreviewed finding except agreements (--fail-on-unreviewed)",
        ),
        (
            {"fail_on": "unsupported", "fail_on_confirmed": True, "changed": False},
            "fail on unreviewed discrepancies and unsupported claims of severity warning or "
            "error (--fail-on unsupported), confirmed discrepancies and unsupported claims of "
            "severity warning or error too (--fail-on-confirmed)",
        ),
        (
            {"fail_on": "discrepancy", "fail_on_unreviewed": True, "fail_on_confirmed": True},
            "fail on every unreviewed finding except agreements (--fail-on-unreviewed), "
            "confirmed discrepancies of severity warning or error too (--fail-on-confirmed), "
            "when a changed document brings the value or conflict",
        ),
    ],
)
def test_the_summary_states_the_rule_that_applied(kwargs: dict[str, object], expected: str) -> None:
    assert describe_rule(**kwargs) == expected  # type: ignore[arg-type]

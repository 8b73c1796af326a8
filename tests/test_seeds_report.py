"""The seeds report: committed reports/ are fresh, output is deterministic, and the known facts come out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factcheck.pipeline import RunResult, run
from factcheck.report.write import write_reports
from factcheck.schema import schema_for
from factcheck.settings import Settings
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
REPORT_FILES = ("report.json", "report.md", "report.html")


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    """One run over seeds/ as `make report` does it (relative paths, repository settings)."""
    out = tmp_path_factory.mktemp("reports")
    cwd = Path.cwd()
    import os

    os.chdir(ROOT)
    try:
        from factcheck.settings import load_settings

        settings = load_settings()
        result = run(["seeds/"], settings=settings.model_copy(update={"use_cache": False}))
        write_reports(result, out)
    finally:
        os.chdir(cwd)
    return result, out


@pytest.fixture(scope="module")
def report(seeds_run: tuple[RunResult, Path]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((seeds_run[1] / "report.json").read_text(encoding="utf-8"))
    return data


def test_report_validates(report: dict[str, Any]) -> None:
    jsonschema.validate(report, schema_for("report"))
    json.loads((ROOT / "schemas" / "report.schema.json").read_text())  # committed copy parses


@pytest.mark.parametrize("name", REPORT_FILES)
def test_committed_reports_are_fresh(seeds_run: tuple[RunResult, Path], name: str) -> None:
    fresh = (seeds_run[1] / name).read_bytes()
    committed = ROOT / "reports" / name
    assert committed.is_file(), f"reports/{name} missing: run `make report`"
    assert committed.read_bytes() == fresh, f"reports/{name} is stale: run `make report`"


def test_second_run_is_byte_identical(seeds_run: tuple[RunResult, Path], tmp_path: Path) -> None:
    cwd = Path.cwd()
    import os

    os.chdir(ROOT)
    try:
        from factcheck.settings import load_settings

        result = run(["seeds/"], settings=load_settings().model_copy(update={"use_cache": False}))
        write_reports(result, tmp_path)
    finally:
        os.chdir(cwd)
    for name in REPORT_FILES:
        assert (tmp_path / name).read_bytes() == (seeds_run[1] / name).read_bytes(), name


def _findings(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["kind"] == kind]


def _text(finding: dict[str, Any]) -> str:
    """What a discrepancy says is in conflict: its message and the values of conflicting slots.

    (Evidence sentences are left out: a sentence may mention "2-plus-2" while the conflict it
    is cited for is about something else.)
    """
    values = [
        v
        for slot in finding["slots"]
        if slot["verdict"] == "conflict"
        for v in slot["values"].values()
    ]
    return " ".join([finding["message"], *values])


def test_person_in_role_conflict_is_flagged(report: dict[str, Any]) -> None:
    hits = [
        f
        for f in _findings(report, "discrepancy")
        if f["name"].endswith("person-in-role")
        and "Hayashi" in f["message"]
        and "Motegi" in f["message"]
    ]
    assert hits, "the foreign-minister conflict (Hayashi vs Motegi) is not flagged"
    message = hits[0]["message"].lower()
    assert "foreign minister" in message
    assert "virtual" in message and "tokyo" in message


@pytest.mark.parametrize(
    "pair",
    [
        ("six decades", "60 years"),
        ("Kishi Nobuo", "Nobuo Kishi"),
        ("2-plus-2", "two-plus-two"),
        ("2+2", "2-plus-2"),
    ],
)
def test_no_false_discrepancy_for_equivalent_forms(
    report: dict[str, Any], pair: tuple[str, str]
) -> None:
    for finding in _findings(report, "discrepancy"):
        text = _text(finding)
        assert not (pair[0] in text and pair[1] in text), (
            f"false discrepancy {pair}: {finding['message']}"
        )


def test_agreements_join_independent_sources(report: dict[str, Any]) -> None:
    # Which borderline pairs agree moves with the embedding backend; that several facts are
    # confirmed across sources, each by at least two documents, does not.
    agreements = _findings(report, "agreement")
    assert len(agreements) >= 5
    assert all(len(set(f["documents"])) >= 2 for f in agreements)
    assert len({d for f in agreements for d in f["documents"]}) >= 4


def test_single_source_claims_are_unsupported(report: dict[str, Any]) -> None:
    unsupported = _findings(report, "unsupported")
    assert unsupported
    assert all(len(set(f["documents"])) == 1 for f in unsupported)


def test_every_claim_ends_in_exactly_one_place(
    seeds_run: tuple[RunResult, Path], report: dict[str, Any]
) -> None:
    outcomes = report["claims"]
    assert sorted(o["claim"] for o in outcomes) == sorted(c.id for c in seeds_run[0].claims)
    by_fp = {f["fingerprint"]: f for f in report["findings"]}
    contested = {e["claim"] for f in _findings(report, "discrepancy") for e in f["evidence"]}
    related = {e["claim"] for p in report["related"] for e in p["evidence"]}
    for o in outcomes:
        if o["finding"] is not None:
            held = by_fp[o["finding"]]
            assert held["kind"] == o["place"]
            assert o["claim"] in {e["claim"] for e in held["evidence"]}
        elif o["place"] == "related":
            assert o["claim"] in related
        else:
            assert o["place"] == "unsupported" and o["note"].startswith("not reported: ")
        if o["claim"] in contested:
            assert o["place"] == "discrepancy"
    # A claim another source contradicts is not also "only one source says this".
    assert not contested & {
        e["claim"] for f in _findings(report, "unsupported") for e in f["evidence"]
    }
    assert sum(report["summary"]["by_place"].values()) == len(outcomes)


def test_settings_recorded(report: dict[str, Any]) -> None:
    recorded = report["generated_with"]["settings"]
    assert set(recorded) == set(Settings().public())
    assert "cache" not in recorded  # local paths would make reports differ between machines
    assert report["generated_with"]["models"]["embedding"]
    assert report["generated_with"]["rules"]


def _by_content(result: RunResult, names: dict[str, str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Findings with document ids mapped back through `names`, positions left out; in messages
    every id reads "DOC" (a list of sources is in id order, and the ids are what differ)."""
    ids = {d.id: names.get(d.id, d.id) for d in result.documents}
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    return sorted(
        (
            f.rule,
            pattern.sub("DOC", f.message),
            tuple(sorted(f"{ids[e.document]}:{e.text}" for e in f.evidence)),
        )
        for f in result.report.findings
    )


def test_findings_do_not_depend_on_file_names(
    seeds_run: tuple[RunResult, Path], tmp_path: Path
) -> None:
    """The same texts under other names (in another order) give the same findings, ids aside."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    names = {f"doc{len(seeds) - i}_{p.stem[::-1]}": p.stem for i, p in enumerate(seeds)}
    folder = tmp_path / "renamed"
    folder.mkdir()
    for new, old in names.items():
        (folder / f"{new}.txt").write_bytes((ROOT / "seeds" / f"{old}.txt").read_bytes())
    from factcheck.settings import load_settings

    settings = load_settings(ROOT / "pyproject.toml").model_copy(update={"use_cache": False})
    renamed = run([folder], settings=settings)
    assert _by_content(renamed, names) == _by_content(seeds_run[0], {})

"""Incremental runs: after adds, edits and deletes, the reports equal a cold run's byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factcheck.pipeline import run
from factcheck.report.write import write_reports
from factcheck.settings import Settings
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

REPORTS = ("report.json", "report.md", "report.html", "report.csv", "sources.csv")

BRIDGE = (
    "The Harlow river bridge reopened on Tuesday after eight months of repairs, the county "
    "council said. The work cost 14 million pounds, according to the council's statement. "
    "About 30,000 vehicles crossed the bridge each day before it closed in March.\n"
)
BRIDGE_OTHER = (
    "Repairs to the Harlow river bridge took eight months and cost 16 million pounds, a council "
    "engineer told reporters on Tuesday. The bridge carried about 30,000 vehicles a day. "
    "Traffic was diverted through the town centre while it was shut.\n"
)
BRIDGE_EDIT = (
    "The Harlow river bridge reopened on Wednesday after nine months of repairs, the county "
    "council said. The work cost 14 million pounds, according to the council's statement. "
    "About 30,000 vehicles crossed the bridge each day before it closed in March.\n"
)


def _reports(
    corpus: Path, out: Path, settings: Settings
) -> tuple[dict[str, bytes], dict[str, int]]:
    result = run([corpus], settings=settings, output=out)
    write_reports(result, out)
    return {name: (out / name).read_bytes() for name in REPORTS}, result.cache_stats


def test_incremental_runs_equal_cold_runs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "bridge-county.txt").write_text(BRIDGE, encoding="utf-8")
    settings = Settings()
    warm = tmp_path / "warm"
    _reports(corpus, warm, settings)
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))

    def add() -> None:
        (corpus / "bridge-engineer.txt").write_text(BRIDGE_OTHER, encoding="utf-8")

    def edit() -> None:
        (corpus / "bridge-county.txt").write_text(BRIDGE_EDIT, encoding="utf-8")
        seed = corpus / seeds[1]
        seed.write_text(seed.read_text(encoding="utf-8") + "\nOfficials gave no figures.\n")

    def delete() -> None:
        (corpus / seeds[0]).unlink()

    for step, (change, extracted) in enumerate(((add, 1), (edit, 2), (delete, 0))):
        change()
        incremental, stats = _reports(corpus, warm, settings)
        # Only the changed documents were extracted again; known pairs were not judged again.
        assert stats["claims_misses"] == extracted
        assert stats["verdicts_hits"] > 0
        cold, _ = _reports(corpus, tmp_path / f"cold{step}", settings)
        for name in REPORTS:
            assert incremental[name] == cold[name], f"{change.__name__}: {name} differs"

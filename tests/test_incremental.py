"""Incremental runs: after adds, edits and deletes, the reports equal a cold run's byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factcheck.match import score
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
    corpus: Path, out: Path, settings: Settings, before: dict[str, str] | None = None
) -> tuple[dict[str, bytes], dict[str, int], dict[str, str]]:
    """The report files, the cache counts and, for the next step, the groups and claims as
    JSON; `before` (the last step's) adds how many groups are not as they were then."""
    result = run([corpus], settings=settings, output=out)
    write_reports(result, out)
    stats = dict(result.cache_stats)
    state = {c.id: c.model_dump_json() for c in result.claims}
    state.update({f"group {g.id}": g.model_dump_json() for g in result.match.groups})
    stats["groups"] = len(result.match.groups)
    if before is not None:
        # A group is new when it, or one of its claims, differs from the last step's.
        stats["groups_new"] = sum(
            before.get(f"group {g.id}") != state[f"group {g.id}"]
            or any(before.get(c) != state[c] for c in g.claims)
            for g in result.match.groups
        )
    return {name: (out / name).read_bytes() for name in REPORTS}, stats, state


def test_incremental_runs_equal_cold_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scored: list[int] = []
    real_score_pair = score.score_pair

    def counting(*args: object, **kwargs: object) -> score.PairScore:
        scored.append(1)
        return real_score_pair(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(score, "score_pair", counting)
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "bridge-county.txt").write_text(BRIDGE, encoding="utf-8")
    settings = Settings()
    warm = tmp_path / "warm"
    _, _, state = _reports(corpus, warm, settings)
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
        scored.clear()
        incremental, stats, state = _reports(corpus, warm, settings, before=state)
        scored_incremental = len(scored)
        # Only the changed documents were extracted again; known pairs were not judged again.
        assert stats["claims_misses"] == extracted
        assert stats["verdicts_hits"] > 0
        # The rules judged the new groups (those a changed document touches) and no other.
        assert stats["rule_groups_judged"] == stats["groups_new"] > 0
        assert stats["rule_groups_judged"] + stats["rule_groups_reused"] == stats["groups"]
        scored.clear()
        cold, _, _ = _reports(corpus, tmp_path / f"cold{step}", settings)
        # Only pairs with a new or changed claim were scored again (the pair memo).
        assert scored_incremental < len(scored), change.__name__
        for name in REPORTS:
            assert incremental[name] == cold[name], f"{change.__name__}: {name} differs"

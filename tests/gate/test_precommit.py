"""`.pre-commit-hooks.yaml` run by the real pre-commit tool (`pre-commit try-repo`) in a temporary repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SEEDS
from tests.gate.test_gate import commit_all, git, init_repo

HOOKS = ROOT / ".pre-commit-hooks.yaml"
# pre-commit is a dev dependency (pyproject's dev extra): these tests run, never skip.
BIN = Path(sys.executable).parent


def test_hooks_file_declares_the_light_hook_as_the_default() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"factcheck-gate", "factcheck-gate-system", "factcheck-gate-python"}
    for hook in hooks.values():
        assert hook["entry"] == "factcheck gate"
        assert hook["args"] == ["seeds/"]
        assert hook["pass_filenames"] is True and hook["require_serial"] is True
    # The default installs nothing (no multi-GB torch build); the own-environment one is opt-in.
    assert hooks["factcheck-gate"]["language"] == "system"
    assert hooks["factcheck-gate-system"]["language"] == "system"
    assert hooks["factcheck-gate-python"]["language"] == "python"


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    """A hook repository holding only the committed hooks file, and a corpus repository."""
    hook_repo = init_repo(tmp_path / "hooks")
    shutil.copy(HOOKS, hook_repo / ".pre-commit-hooks.yaml")
    commit_all(hook_repo, "hooks")
    corpus = init_repo(tmp_path / "corpus")
    (corpus / "seeds").mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, corpus / "seeds" / seed.name)
    # One cache for every run of this test, outside the corpus so that git ignores it.
    (corpus / "factcheck.toml").write_text(f'cache = "{tmp_path / "cache.sqlite"}"\n')
    commit_all(corpus, "seeds")
    return hook_repo, corpus


def try_repo(hook_repo: Path, corpus: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(corpus.parent / "pre-commit-home"),
        "HF_HUB_OFFLINE": "1",
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [
            str(BIN / "pre-commit"),
            "try-repo",
            str(hook_repo),
            "factcheck-gate",
            "--verbose",
            "--color",
            "never",
        ],
        cwd=corpus,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_skips_commits_that_touch_no_document(repos: tuple[Path, Path]) -> None:
    hook_repo, corpus = repos
    (corpus / "NOTES.md").write_text("not a document of the corpus\n")
    git(corpus, "add", "NOTES.md")
    result = try_repo(hook_repo, corpus)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)Skipped" in result.stdout


@pytest.mark.slow
def test_hook_gates_the_staged_document_against_the_corpus(repos: tuple[Path, Path]) -> None:
    hook_repo, corpus = repos
    new = corpus / "seeds" / "visit.txt"
    new.write_text(
        "Ministers meet in Tokyo\n\nMarch 16, 2021\n\n"
        "Secretary of State Antony Blinken and Defense Secretary Lloyd Austin held security talks "
        "in Tokyo on Tuesday.\n"
        "The visiting delegation also toured a robotics laboratory in Nagoya on Wednesday.\n",
        encoding="utf-8",
    )
    git(corpus, "add", "seeds/visit.txt")
    passed = try_repo(hook_repo, corpus)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "factcheck gate" in passed.stdout and "Passed" in passed.stdout

    # The Nagoya sentence is made by no other source: unsupported, which now fails.
    (corpus / "factcheck.toml").write_text(
        (corpus / "factcheck.toml").read_text() + 'fail_on = "unsupported"\n'
    )
    git(corpus, "add", "factcheck.toml")  # pre-commit stashes unstaged changes away
    # A verdict recorded but not staged: pre-commit sets it aside, and the hook says so.
    reviews = corpus / "reports" / "reviews.json"
    reviews.parent.mkdir(exist_ok=True)
    reviews.write_text('{\n  "reviews": [\n  ],\n  "version": "1"\n}\n')
    git(corpus, "add", "reports/reviews.json")
    reviews.write_text(reviews.read_text().replace('"version"', ' "version"'))
    failed = try_repo(hook_repo, corpus)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "reports/reviews.json has unstaged changes" in failed.stdout
    assert "seeds/visit.txt:6: " in failed.stdout
    assert (
        "seeds/0" not in failed.stdout.split("factcheck gate:")[0]
    )  # only the staged file is blamed

"""The README's examples are written against the real CLI, API and settings: each command line
parses with the options it names, each TOML block is a valid configuration, and every shell
and Python example runs as written in a copy of the seeds (slow: it runs the models)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from factcheck.cli import cli
from factcheck.settings import Settings, read_config
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)


def command_lines() -> list[str]:
    out = []
    for lang, body in BLOCKS:
        if lang != "sh":
            continue
        for line in body.splitlines():
            line = line.split("  #", 1)[0].split(" > ", 1)[0].strip()
            if re.match(r"^(\.venv/bin/)?factcheck\b", line):
                out.append(line)
    return out


@pytest.mark.parametrize("line", command_lines())
def test_readme_command_lines_parse(line: str) -> None:
    args = shlex.split(line)[1:]
    while args and args[0] in ("-q", "--quiet", "--config"):
        del args[: 2 if args[0] == "--config" else 1]
    name, rest = args[0], args[1:]
    assert name in cli.commands, line
    # Parsing checks every option name and choice; nothing runs.
    try:
        cli.commands[name].make_context(name, rest, parent=click.Context(cli))
    except click.BadParameter as exc:  # a path that does not exist here is fine
        assert "does not exist" in str(exc), (line, str(exc))


def test_readme_has_command_lines() -> None:
    assert len(command_lines()) >= 10


@pytest.mark.parametrize(
    "body", [body for lang, body in BLOCKS if lang == "toml"], ids=lambda b: b.split("\n")[0]
)
def test_readme_toml_blocks_are_valid_settings(body: str, tmp_path: Path) -> None:
    tomllib.loads(body)
    for name in ("factcheck.toml", "pyproject.toml"):
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        Settings.model_validate(read_config(path))


# ---------------------------------------------------------------------------------------------
# The README's examples run as written, in a copy of the project's seeds under git.

# `make` targets set up the project (make test would run this suite again): not run here.
NOT_RUN = re.compile(r"^make\b")
# The README's example fingerprint stands for a real one: the seeds' discrepancy's.
EXAMPLE_FINGERPRINT = re.compile(r"\b3f9c2a81(?:d0e4)?\b")
# A document the README's gate examples name as the change (written for this test).
NEW_DOCUMENT = """Ministers meet in Canberra

March 16, 2021

Foreign Minister Toshimitsu Motegi met Australia's foreign minister in Canberra on Tuesday.
"""


def shell_examples() -> list[str]:
    """Every command of the README's `sh` blocks, in README order (comment lines left out)."""
    out = []
    for lang, body in BLOCKS:
        if lang != "sh":
            continue
        for line in body.splitlines():
            if line.strip() and not line.lstrip().startswith("#") and not NOT_RUN.match(line):
                out.append(line)
    return out


def python_examples() -> list[str]:
    return [body for lang, body in BLOCKS if lang == "python"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds in a git repository with an origin/main, a new document, and the venv at .venv.

    A factcheck.toml points every run at one cache, so only the first run loads the models.
    """
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / ".venv").symlink_to(Path(sys.prefix))
    (root / "factcheck.toml").write_text(f'cache = "{root / "cache.sqlite"}"\n', encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q"], ["add", "seeds", "factcheck.toml"], ["commit", "-qm", "seeds"]):
        subprocess.run([*git, *args], cwd=root, check=True)
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=root, check=True)
    (root / "seeds" / "new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    return root


def _run(project: Path, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        args, cwd=project, env=env, input=stdin, capture_output=True, text=True, timeout=600
    )


def _fingerprint(project: Path) -> str:
    report = json.loads((project / "reports" / "report.json").read_text(encoding="utf-8"))
    (finding,) = [f for f in report["findings"] if f["kind"] == "discrepancy"]
    return str(finding["fingerprint"])


@pytest.mark.slow
def test_readme_examples_run_as_written(project: Path) -> None:
    """Each shell example runs with the exit code the README gives it, and so does the Python one.

    Reports exit 0; the gate 0 or 1 (1: a finding fails it, listed as `file:line: message
    [RULE fingerprint]`); review commands 0, each on the reviews as they were before it (the
    README's lines are separate examples, not one script). No example may print a traceback
    or an error line.
    """
    ran = 0
    reviews = project / "reports" / "reviews.json"
    for line in shell_examples():
        command = line
        if " review" in line:
            reviews.unlink(missing_ok=True)
            command = EXAMPLE_FINGERPRINT.sub(lambda m: _fingerprint(project)[: len(m[0])], line)
        done = _run(project, ["bash", "-c", command], stdin="q\n")
        said = done.stdout + done.stderr
        assert "Traceback" not in said and "error:" not in said, (line, said)
        if " gate " in line:
            assert done.returncode in (0, 1), (line, said)
            if done.returncode == 1 and "--output-format" not in line:
                assert FAILING_LINE.search(done.stdout), (line, done.stdout)
        else:
            assert done.returncode == 0, (line, said)
        ran += 1
    assert ran >= 20
    assert (project / "findings.csv").read_text(encoding="utf-8").startswith("kind,")
    assert json.loads((project / "factcheck.sarif").read_text(encoding="utf-8"))["runs"]
    assert (project / "gate.md").read_text(encoding="utf-8").startswith("### factcheck gate")
    for body in python_examples():
        done = _run(project, [sys.executable, "-c", body])
        assert done.returncode == 0, done.stdout + done.stderr
        assert "discrepancy DC004 " in done.stdout
    assert (project / "out" / "report.html").read_text(encoding="utf-8").startswith("<!")


FAILING_LINE = re.compile(r"^seeds/[^:]+:\d+: .+ \[[A-Z]+\d+ [0-9a-f]+\]$", re.M)

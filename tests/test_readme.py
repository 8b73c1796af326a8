"""The README's examples are written against the real CLI, API and settings: each command line
parses with the options it names, and each TOML block is a valid configuration."""

from __future__ import annotations

import re
import shlex
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

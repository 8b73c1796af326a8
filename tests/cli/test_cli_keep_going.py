"""`factcheck extract --keep-going`: unreadable files are skipped with their one-line error, and the exit code is 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.cli import main

pytestmark = pytest.mark.slow


def test_extract_keep_going_goes_on_and_still_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.txt").write_text("The ferry service resumed on Monday.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02 not text")
    assert main(["extract", str(tmp_path), "--format", "json"]) == 2
    stopped = capsys.readouterr()
    assert stopped.out == "" and "bad.txt" in stopped.err and "[E003]" in stopped.err
    assert main(["extract", str(tmp_path), "--format", "json", "--keep-going"]) == 2
    went_on = capsys.readouterr()
    assert "could not be read and were skipped" in went_on.err
    claims = json.loads(went_on.out)["claims"]
    assert claims and {c["document"] for c in claims} == {"good"}

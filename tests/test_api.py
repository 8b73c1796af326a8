"""The Python API: a curated surface, `check()` returns a Report, settings by keyword."""

from __future__ import annotations

from pathlib import Path

import pytest

import factcheck
from factcheck.errors import ConfigError, InputError


def test_public_surface() -> None:
    for name in factcheck.__all__:
        assert hasattr(factcheck, name), name
    assert "check" in factcheck.__all__ and "Report" in factcheck.__all__


def test_check_rejects_unknown_setting(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A thing happened in Paris on Monday, officials said.\n")
    with pytest.raises(ConfigError, match="unknown key 'no_such_setting'"):
        factcheck.check(tmp_path, no_such_setting=1)


def test_check_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        factcheck.check(tmp_path / "missing")


@pytest.mark.slow
def test_check_returns_report(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The bridge in Porto opened on Monday, the city said.\n")
    (tmp_path / "b.txt").write_text("Porto's new bridge opened to traffic on Monday.\n")
    report = factcheck.check(tmp_path, use_cache=False)
    assert isinstance(report, factcheck.Report)
    assert [d.id for d in report.documents] == ["a", "b"]
    assert report.summary.documents == 2

"""Configuration: [tool.factcheck] or factcheck.toml, validated; unknown keys and wrong types are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.cli import main
from factcheck.errors import ConfigError
from factcheck.settings import Settings, find_config, load_settings


def test_defaults_without_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert find_config() is None
    assert load_settings() == Settings()


def test_pyproject_table_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.factcheck]\nsimilarity_threshold = 0.7\nignore = ["UN"]\n'
    )
    sub = tmp_path / "docs"
    sub.mkdir()
    monkeypatch.chdir(sub)
    settings = load_settings()
    assert settings.similarity_threshold == 0.7
    assert settings.ignore == ["UN"]


def test_factcheck_toml_wins_over_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.factcheck]\ntop_k = 3\n")
    (tmp_path / "factcheck.toml").write_text("top_k = 7\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().top_k == 7


def test_pyproject_without_table_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(tmp_path)
    assert find_config() is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("similarity_treshold = 0.5\n", "unknown key 'similarity_treshold'"),
        ('top_k = "many"\n', "top_k"),
        ("top_k = -1\n", "top_k"),
        ('fail_on = "agreement"\n', "fail_on"),
        ('severity = { DC001 = "fatal" }\n', "severity.DC001"),
        ("top_k = = 3\n", "not valid TOML"),
        ('fallback_encoding = "no-such-codec"\n', "unknown text encoding 'no-such-codec'"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "factcheck.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message


def test_missing_explicit_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_cli_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "factcheck.toml"
    path.write_text("bogus = 1\n")
    (tmp_path / "a.txt").write_text("Some text about an event that happened.\n")
    assert (
        main(
            ["--config", str(path), "report", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown key 'bogus'" in err and str(path) in err
    assert not (tmp_path / "out" / "report.json").exists()


def test_overrides_are_validated() -> None:
    with pytest.raises(ConfigError, match="similarity_threshold"):
        load_settings(None, similarity_threshold=5)

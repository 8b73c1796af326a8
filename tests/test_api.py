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
    # A typo is the caller's mistake, not the config file's: a TypeError naming it.
    with pytest.raises(TypeError, match="unexpected keyword argument 'no_such_setting'"):
        factcheck.check(tmp_path, no_such_setting=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="did you mean 'similarity_threshold'"):
        factcheck.check(tmp_path, similarity_treshold=0.6)  # type: ignore[call-arg]


def test_check_keyword_arguments_are_the_settings() -> None:
    from typing import get_type_hints

    from factcheck.api import SettingOverrides

    hints = get_type_hints(SettingOverrides)
    assert list(hints) == list(factcheck.Settings.model_fields)
    for name, field in factcheck.Settings.model_fields.items():
        assert hints[name] == field.annotation, name


def test_a_bad_setting_value_is_still_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="similarity_threshold"):
        factcheck.check(tmp_path, similarity_threshold=5.0)


def test_the_result_writes_markdown_html_csv_and_json(tmp_path: Path) -> None:
    from factcheck.api import CheckResult

    from .report.test_render import sample

    docs, report = sample()
    result = CheckResult.model_validate(report.model_dump())
    result._documents = docs
    assert isinstance(result, factcheck.Report)
    md = result.write(tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.startswith("# Consistency report") and "16 March 2021" in md
    page = result.write(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<mark>The talks were held on Tuesday in Tokyo.</mark>" in page
    assert result.write(tmp_path / "r.csv").read_text(encoding="utf-8").startswith("kind,rule")
    data = factcheck.Report.model_validate_json(result.write(tmp_path / "r.json").read_text())
    assert data == report
    assert result.write(tmp_path / "table.txt", "csv").read_text().startswith("kind,")
    with pytest.raises(ValueError, match="cannot tell the format"):
        result.write(tmp_path / "r.txt")


@pytest.mark.slow
def test_check_docstring_example_runs() -> None:
    import doctest

    import factcheck.api

    failures, tried = doctest.testmod(factcheck.api, optionflags=doctest.ELLIPSIS)
    assert tried >= 8 and failures == 0


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


@pytest.mark.slow
def test_one_fact_told_three_ways_is_one_agreement_of_three_sources(tmp_path: Path) -> None:
    # Paraphrases (word order, possessive, passive, "4.2 million euro" vs "euros") with an
    # unrelated sentence in each document: matching, grouping and AG001 end to end.
    texts = {
        "a": "The city council of Lyon approved a budget of 4.2 million euros for a new public "
        "library on Monday.\n\nThe weather in the region stayed mild.\n",
        "b": "Lyon's city council on Monday approved a 4.2 million euro budget for the new public "
        "library.\n\nLocal shops reported strong sales.\n",
        "c": "A new public library in Lyon was given a budget of 4.2 million euros by the city "
        "council on Monday.\n\nTraffic was heavy near the station.\n",
    }
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    report = factcheck.check(tmp_path, use_cache=False)
    agreements = [f for f in report.findings if f.kind == "agreement"]
    assert [sorted(set(f.documents)) for f in agreements] == [["a", "b", "c"]]
    assert not [f for f in report.findings if f.kind == "discrepancy"]

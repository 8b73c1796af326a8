"""Compiled templates are kept between runs in the user's cache folder, and never change a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.report import render

from .test_render import make_doc, make_report


@pytest.fixture
def fresh_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    render._environment.cache_clear()
    yield tmp_path / "cache" / "factcheck" / "templates"
    render._environment.cache_clear()


def test_the_compiled_template_is_kept_and_gives_the_same_page(fresh_environment: Path) -> None:
    doc = make_doc("d", "The council met on Monday.")
    first = render.render_html(make_report([doc], []), [doc])
    kept = list(fresh_environment.glob("*.cache"))
    assert len(kept) == 1
    render._environment.cache_clear()  # a new run: the template comes from the kept entry
    assert render.render_html(make_report([doc], []), [doc]) == first
    assert list(fresh_environment.glob("*.cache")) == kept


def test_no_cache_folder_still_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    doc = make_doc("d", "The council met on Monday.")
    render._environment.cache_clear()
    expected = render.render_html(make_report([doc], []), [doc])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    render._environment.cache_clear()
    try:
        assert render._bytecode_cache() is None
        assert render.render_html(make_report([doc], []), [doc]) == expected
    finally:
        render._environment.cache_clear()

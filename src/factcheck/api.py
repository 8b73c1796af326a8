"""The Python API beside the CLI: `check(paths, **settings) -> Report`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .models import Report
from .settings import Settings, load_settings


def check(
    paths: str | Path | Sequence[str | Path],
    *,
    settings: Settings | None = None,
    config: str | Path | None = None,
    **overrides: Any,
) -> Report:
    """Check the documents under `paths` and return the consistency report.

    Keyword arguments override settings by name, e.g.::

        >>> import factcheck
        >>> report = factcheck.check("seeds/", similarity_threshold=0.6)  # doctest: +SKIP
        >>> report.summary.by_kind  # doctest: +SKIP
        {'agreement': 12, 'discrepancy': 1, 'unsupported': 40}
    """
    from .pipeline import run

    if settings is None:
        settings = load_settings(Path(config) if config else None, **overrides)
    elif overrides:
        settings = settings.model_copy(update=overrides)
        settings = Settings.model_validate(settings.model_dump())
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    return run(items, settings=settings).report

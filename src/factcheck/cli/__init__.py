"""The `factcheck` command line: a thin layer over the Python API and the stages.

One module per command (`report`, `extract`, `schema`, `rules`, `gate`, `review`), the options
they share in `options`, the group and the entry point in `main`. Commands import the stages
inside their bodies, so `factcheck --help` and `--version` stay fast.
"""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]

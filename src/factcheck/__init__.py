"""factcheck: cross-source fact consistency checking."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import check  # noqa: E402
from .errors import ConfigError, ExitCode, FactcheckError, InputError  # noqa: E402
from .models import (  # noqa: E402
    Claim,
    Document,
    Entity,
    Finding,
    Quantity,
    Report,
    Review,
    Span,
    TimeExpression,
)
from .settings import Settings, load_settings  # noqa: E402

__all__ = [
    "Claim",
    "ConfigError",
    "Document",
    "Entity",
    "ExitCode",
    "FactcheckError",
    "Finding",
    "InputError",
    "Quantity",
    "Report",
    "Review",
    "Settings",
    "Span",
    "TimeExpression",
    "__version__",
    "check",
    "load_settings",
]

"""factcheck: cross-source fact consistency checking."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import check
from .errors import ConfigError, ExitCode, FactcheckError, InputError
from .models import (
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
from .settings import Settings, load_settings

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

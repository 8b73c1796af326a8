"""factcheck: cross-source fact consistency checking."""

from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# No telemetry at run time: onnxruntime (the embedding backend and the verifier) reads this
# when it is first imported, so it is set before any factcheck module can import it.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from .api import CheckResult, check
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
    "CheckResult",
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

"""factcheck: cross-source fact consistency checking."""

from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# No telemetry at run time: onnxruntime (the embedding backend and the verifier) reads this
# when it is first imported, so it is set before any factcheck module can import it.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

if TYPE_CHECKING:
    from .api import CheckResult, check, stance
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

# The module each public name comes from. They are imported on first use (PEP 562), so that
# `import factcheck` -- which every submodule and `factcheck --version` pay for -- does not
# load pydantic and the models before anything needs them.
_EXPORTS: dict[str, str] = {
    "CheckResult": "api",
    "check": "api",
    "stance": "api",
    "ConfigError": "errors",
    "ExitCode": "errors",
    "FactcheckError": "errors",
    "InputError": "errors",
    "Claim": "models",
    "Document": "models",
    "Entity": "models",
    "Finding": "models",
    "Quantity": "models",
    "Report": "models",
    "Review": "models",
    "Span": "models",
    "TimeExpression": "models",
    "Settings": "settings",
    "load_settings": "settings",
}

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
    "stance",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'factcheck' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups find it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})

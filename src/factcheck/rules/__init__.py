"""The rule engine, and the public API for writing rules: one rule per file, named by its code.

A rule is a class with a code, a dotted name, a kind and a default severity; its docstring's
first line is the message summary and its body has the sections "What it does:", "Why it
matters:" and "Example:" (``factcheck rules`` prints them). Rules read Claims and groups only.
To compare one slot across the claims of each matched group, subclass :class:`GroupSlotRule`
and set ``slot``; for anything else subclass :class:`Rule` and write ``check``::

    from factcheck.rules import ConfigKey, GroupSlotRule, positive_float

    class PlaceDiscrepancy(GroupSlotRule):
        \"\"\"Sources give different places for the same event.

        What it does:
            Compares the places of matched claims from different independent sources.

        Why it matters:
            An event reported in the wrong city misleads readers.

        Example:
            doc a: "The talks were held in Tokyo."
            doc b: "The talks were held in Seoul."
            -> XX001: a says Tokyo; b says Seoul.
        \"\"\"

        code = "XX001"
        name = "discrepancy.place_example"
        kind = "discrepancy"
        default_severity = "warning"
        slot = "where"
        topic = "place"
        config_keys = (ConfigKey("weight", 1.0, "Example option.", (float, int), positive_float),)

Register it from your package under the ``factcheck.rules`` entry-point group
(``XX001 = "mypackage.rules:PlaceDiscrepancy"``), then test it with a YAML table of cases run
by :func:`check_case` (see :mod:`factcheck.rules.testing`)::

    @pytest.mark.parametrize("case", load_cases(Path("tests/XX001.yaml")))
    def test_xx001(case: RuleTestCase) -> None:
        check_case(case)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import (
    ConfigKey,
    GroupSlotRule,
    Rule,
    RuleContext,
    at_least_one,
    evidence,
    in_unit_interval,
    join_names,
    list_of_str,
    min_probability,
    min_similarity,
    positive_float,
    shorten,
)

if TYPE_CHECKING:
    from .testing import RuleTestCase, build_case, check_case, load_cases, run_case

# The test helpers build claims with the extractor's annotation step, which a report run over
# cached claims never needs: they are imported on first use (PEP 562).
_TESTING = frozenset({"RuleTestCase", "build_case", "check_case", "load_cases", "run_case"})


def __getattr__(name: str) -> Any:
    if name in _TESTING:
        from . import testing

        return getattr(testing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ConfigKey",
    "GroupSlotRule",
    "Rule",
    "RuleContext",
    "RuleTestCase",
    "at_least_one",
    "build_case",
    "check_case",
    "evidence",
    "in_unit_interval",
    "join_names",
    "list_of_str",
    "load_cases",
    "min_probability",
    "min_similarity",
    "positive_float",
    "run_case",
    "shorten",
]

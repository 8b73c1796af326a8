"""Rules read Claims and groups: no rule module splits, searches or tokenises a claim's text."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tests.conftest import make_claim

_RULES = sorted(
    p.name
    for p in resources.files("factcheck").joinpath("rules").iterdir()
    if p.name.endswith(".py")
)
# A claim's text or sentence split into words, or run through a regular expression.
_TOKENISING = re.compile(
    r"\.(?:text|sentence)\.split\(|re\.\w+\([^()]*\b(?:claim|[ab])\.(?:text|sentence)\b"
    r"|\b(?:claim|[ab])\.(?:text|sentence)\.(?:lower\(\)\.)?(?:split|findall|count)\("
)


@pytest.mark.parametrize("module", _RULES)
def test_no_rule_tokenises_claim_text(module: str) -> None:
    source = resources.files("factcheck").joinpath("rules", module).read_text("utf-8")
    assert not _TOKENISING.findall(source), module


def test_the_claim_counts_its_words_for_the_rules() -> None:
    claim = make_claim("d", "  The talks  ended\ton Friday. ")
    assert claim.word_count == 5
    assert _TOKENISING.search("if len(claim.text.split()) < 6:")  # what UN001 did before

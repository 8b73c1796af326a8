"""How a role is held (Role.tenure) and whether its sentence writes it (Role.stated), set by extraction and read by DC004."""

from __future__ import annotations

import pytest

from factcheck.extract import Extractor
from factcheck.models import Claim, MatchResult, Role, Tenure
from factcheck.rules.engine import run_rules
from factcheck.settings import Settings
from tests.extract.test_extract_claims import claims_of, make_doc


def roles(extractor: Extractor, text: str, name: str) -> list[Role | None]:
    """The role of every mention of the person `name` (as linked), in document order."""
    linker = extractor.builder.linker
    found = [m.entity for m in linker.link(extractor.nlp(text), text).mentions]
    out = [e.role for e in found if e.kind == "person" and e.name == name]
    assert out, found
    return out


@pytest.mark.parametrize(
    ("text", "tenure"),
    [
        ("Foreign Minister Kenji Sato of Japan spoke on Monday.", "current"),
        ("Former Foreign Minister Kenji Sato of Japan spoke on Monday.", "former"),
        # The qualifier before a nationality that precedes the title.
        ("Former Japanese Foreign Minister Kenji Sato spoke on Monday.", "former"),
        ("Japan's outgoing defense minister, Kenji Sato, spoke on Monday.", "outgoing"),
        ("Kenji Sato, the former foreign minister of Japan, spoke on Monday.", "former"),
        ("Incoming Foreign Minister Kenji Sato of Japan spoke on Monday.", "incoming"),
        ("Acting Defense Minister Kenji Sato of Japan spoke on Monday.", "acting"),
        # A qualifier that is not next to the title qualifies something else.
        ("Late on Monday, Foreign Minister Kenji Sato of Japan spoke.", "current"),
        ("The former banker and Foreign Minister Kenji Sato of Japan spoke.", "current"),
    ],
)
def test_the_word_before_a_title_sets_its_tenure(
    extractor: Extractor, text: str, tenure: Tenure
) -> None:
    role = roles(extractor, text, "Kenji Sato")[0]
    assert role is not None and role.tenure == tenure


def test_a_later_mention_takes_the_role_with_its_tenure_but_not_stated(
    extractor: Extractor,
) -> None:
    text = (
        "Former Japanese Foreign Minister Kenji Sato arrived in Lima on Monday. "
        "Sato met the Peruvian president on Tuesday."
    )
    first, later = roles(extractor, text, "Kenji Sato")
    assert first is not None and later is not None
    assert (first.title, first.tenure, first.stated) == ("foreign minister", "former", True)
    assert (later.title, later.tenure, later.stated) == ("foreign minister", "former", False)


def test_a_role_through_a_pronoun_is_not_stated(extractor: Extractor) -> None:
    text = (
        "Japanese Foreign Minister Kenji Sato arrived in Lima on Monday. "
        "He met the Peruvian president on Tuesday."
    )
    claims = claims_of(extractor, text)
    by_sentence = {
        c.sentence: [e.role for e in c.who if e.kind == "person" and e.role is not None]
        for c in claims
    }
    stated = {s: [r.stated for r in rs] for s, rs in by_sentence.items() if rs}
    assert stated == {
        "Japanese Foreign Minister Kenji Sato arrived in Lima on Monday.": [True],
        "He met the Peruvian president on Tuesday.": [False],
    }


def _dc004(claims: list[Claim]) -> list[str]:
    documents = sorted({c.document for c in claims})
    docs = [make_doc(f"text of {d}", id=d) for d in documents]
    findings, _ = run_rules(MatchResult(groups=[]), claims, documents=docs, settings=Settings())
    return [f.message for f in findings if f.rule == "DC004"]


def test_dc004_compares_only_the_holders_extraction_found_current(extractor: Extractor) -> None:
    current = claims_of(
        extractor, "Japanese Foreign Minister Taro Endo arrived in Lima on Monday.", id="b"
    )
    # The second sentence names the former minister without the title: its role is the
    # document's, former too, so neither claim makes him a holder of the office now.
    former = claims_of(
        extractor,
        "Former Japanese Foreign Minister Kenji Sato arrived in Lima on Monday. "
        "Sato met the Peruvian president on Tuesday.",
        id="a",
    )
    assert _dc004(former + current) == []
    other = claims_of(
        extractor, "Japanese Foreign Minister Kenji Sato arrived in Lima on Monday.", id="a"
    )
    assert [m.split(":")[0] for m in _dc004(other + current)] == [
        "Sources disagree on who was foreign minister of Japan"
    ]

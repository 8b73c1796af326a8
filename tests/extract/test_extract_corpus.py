"""Cross-document entity linking (extract.corpus.link_entities) on hand-built claims, without spaCy."""

from __future__ import annotations

import pytest

from factcheck.extract.corpus import link_entities
from factcheck.models import Attribution, Claim, Entity, EntityKind, Role
from tests.conftest import make_claim


def ent(
    id: str,
    name: str,
    kind: EntityKind = "person",
    *,
    mention: str | None = None,
    role: Role | None = None,
) -> Entity:
    return Entity(
        id=id,
        name=name,
        kind=kind,
        mention=mention or name,
        start=0,
        end=len(mention or name),
        role=role,
    )


BLINKEN = ent("person:antony-blinken", "Antony J. Blinken")
SHORT_BLINKEN = ent("person:blinken", "Blinken")


def ids(c: Claim) -> list[str]:
    return [e.id for e in c.who]


def test_surname_links_to_the_one_full_name_in_another_document() -> None:
    out = link_entities([make_claim("a", who=[SHORT_BLINKEN]), make_claim("b", who=[BLINKEN])])
    assert ids(out[0]) == ["person:antony-blinken"]
    assert out[0].who[0].name == "Antony J. Blinken"
    assert out[0].who[0].mention == "Blinken"  # what the document wrote is kept


def test_ambiguous_surname_is_left_alone() -> None:
    claims = [
        make_claim("a", who=[ent("person:kim", "Kim")]),
        make_claim("b", who=[ent("person:kim-un", "Kim Jong Un")]),
        make_claim("c", who=[ent("person:kim-yo-jong", "Kim Yo Jong")]),
    ]
    assert ids(link_entities(claims)[0]) == ["person:kim"]


def test_partial_two_word_name_links_to_the_longer_name() -> None:
    claims = [
        make_claim("a", who=[ent("person:drian-le", "Le Drian")]),
        make_claim("b", who=[ent("person:drian-jean-yves", "Jean-Yves Le Drian")]),
    ]
    assert ids(link_entities(claims)[0]) == ["person:drian-jean-yves"]


def test_role_is_not_copied_from_another_document() -> None:
    role = Role(title="secretary of state", org="gpe:US")
    full = ent("person:antony-blinken", "Antony Blinken", role=role)
    out = link_entities([make_claim("a", who=[SHORT_BLINKEN]), make_claim("b", who=[full])])
    assert out[0].who[0].id == "person:antony-blinken"
    assert out[0].who[0].role is None
    assert out[1].who[0].role == role


def test_speaker_and_where_are_linked_too() -> None:
    fbi = ent("org:fbi", "FBI", "org")
    out = link_entities(
        [
            make_claim(
                "a",
                who=[fbi],
                where=[fbi],
                attribution=Attribution(speaker=SHORT_BLINKEN, text="said"),
            ),
            make_claim(
                "b",
                who=[
                    BLINKEN,
                    ent(
                        "org:federal-bureau-of-investigation",
                        "Federal Bureau of Investigation",
                        "org",
                    ),
                ],
            ),
        ]
    )
    assert out[0].attribution is not None and out[0].attribution.speaker is not None
    assert out[0].attribution.speaker.id == "person:antony-blinken"
    assert [e.id for e in out[0].where] == ["org:federal-bureau-of-investigation"]


@pytest.mark.parametrize(
    ("acronym", "long_id", "long_name", "linked"),
    [
        ("FBI", "org:federal-bureau-of-investigation", "Federal Bureau of Investigation", True),
        (
            "NATO",
            "org:north-atlantic-treaty-organization",
            "North Atlantic Treaty Organization",
            True,
        ),
        ("U.N.", "org:united-nations", "United Nations", True),
        ("DoD", "org:defense-department", "Defense Department", False),
        ("WHO", "org:world-health-organization", "World Health Organization", True),
        ("IMF", "org:world-bank", "World Bank", False),
    ],
)
def test_acronym_links_to_the_long_form_its_initials_spell(
    acronym: str, long_id: str, long_name: str, linked: bool
) -> None:
    short = ent("org:" + acronym.lower().replace(".", ""), acronym, "org")
    out = link_entities(
        [make_claim("a", who=[short]), make_claim("b", who=[ent(long_id, long_name, "org")])]
    )
    assert (ids(out[0]) == [long_id]) is linked


def test_acronym_uses_the_written_long_form_not_only_the_canonical_name() -> None:
    # org_id turns "Department of Defense" into "Defense Department"; the written form spells DoD.
    dod = ent("org:dod", "DoD", "org")
    long = ent(
        "org:defense-department", "Defense Department", "org", mention="the Department of Defense"
    )
    assert ids(link_entities([make_claim("a", who=[dod]), make_claim("b", who=[long])])[0]) == [
        "org:defense-department"
    ]


def test_ambiguous_acronym_is_left_alone() -> None:
    claims = [
        make_claim("a", who=[ent("org:ps", "PS", "org")]),
        make_claim("b", who=[ent("org:public-service", "Public Service", "org")]),
        make_claim("c", who=[ent("org:police-scotland", "Police Scotland", "org")]),
    ]
    assert ids(link_entities(claims)[0]) == ["org:ps"]


def test_two_mentions_that_become_one_entity_are_listed_once_in_order() -> None:
    c = make_claim(
        "a",
        who=[
            SHORT_BLINKEN,
            ent("gpe:JP", "Japan", "gpe"),
            ent("person:antony-blinken", "Antony Blinken"),
        ],
    )
    out = link_entities([c, make_claim("b", who=[BLINKEN])])
    assert ids(out[0]) == ["person:antony-blinken", "gpe:JP"]


def test_linking_is_deterministic_and_independent_of_claim_order() -> None:
    claims = [
        make_claim("a", who=[SHORT_BLINKEN]),
        make_claim("b", who=[BLINKEN]),
        make_claim("c", who=[ent("person:austin", "Austin")]),
        make_claim("d", who=[ent("person:austin-lloyd", "Lloyd Austin")]),
    ]
    forward = [c.model_dump() for c in link_entities(claims)]
    backward = [c.model_dump() for c in reversed(link_entities(list(reversed(claims))))]
    assert forward == backward
    assert [c["who"][0]["id"] for c in forward] == [
        "person:antony-blinken",
        "person:antony-blinken",
        "person:austin-lloyd",
        "person:austin-lloyd",
    ]


def test_nothing_to_link_returns_the_claims_unchanged() -> None:
    claims = [
        make_claim("a", who=[BLINKEN]),
        make_claim("b", who=[ent("gpe:US", "United States", "gpe")]),
    ]
    assert link_entities(claims) == claims

"""Who a claim is about: name boundaries, organisations NER takes for people, and corpus-level linking by agreement."""

from __future__ import annotations

import pytest

from factcheck.extract import Extractor
from factcheck.extract.aliases import load_tables
from factcheck.extract.corpus import corpus_map, link_entities
from factcheck.extract.entities import org_id
from factcheck.models import Entity, EntityKind
from tests.conftest import make_claim
from tests.extract.test_extract_claims import claims_of


def mentions(extractor: Extractor, text: str) -> list[Entity]:
    """Every linked mention of a text, in order (entities.EntityLinker on the parse)."""
    linker = extractor.builder.linker
    return [m.entity for m in linker.link(extractor.nlp(text), text).mentions]


def ent(id: str, name: str, kind: EntityKind = "person", *, at: int = 0) -> Entity:
    return Entity(id=id, name=name, kind=kind, mention=name, start=at, end=at + len(name))


# --------------------------------------------------------------------------- name boundaries


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Secretary of Defense Harold Brandt SecDef told reporters about the plan.",
            "Harold Brandt",
        ),
        ("Chief executive Marta Olsen CEO said the plant would close.", "Marta Olsen"),
        ("Prime Minister Anna Kowalczyk PM visited the flooded town on Monday.", "Anna Kowalczyk"),
        ("Defense Secretary Harold Brandt DoD officials said on Friday.", "Harold Brandt"),
        ("Senator Ellen McDonald said the bill was ready.", "Ellen McDonald"),
    ],
)
def test_titles_and_abbreviations_after_a_name_are_not_part_of_it(
    extractor: Extractor, text: str, name: str
) -> None:
    people = [e for e in mentions(extractor, text) if e.kind == "person"]
    assert people, text
    assert people[0].name == name
    assert people[0].role is not None


@pytest.mark.parametrize(
    ("text", "product", "maker", "maker_acts"),
    [
        ("Lufthansa will retire its last Airbus A340 next spring.", "Airbus A340", "airbus", False),
        (
            "The carrier bought five Boeing 787s for its long routes.",
            "Boeing 787s",
            "boeing",
            False,
        ),
        (
            "The airline replaced two of the Rolls-Royce Trent 700 engines.",
            "Rolls-Royce Trent 700",
            "rolls-royce",
            False,
        ),
        ("He gave his daughter an iPod for her birthday.", "iPod", "ipod", False),
        # The maker is still an organisation where it acts or only modifies a noun.
        ("A Boeing spokesman declined to comment.", None, "boeing", True),
        ("The summit called for a stronger Nordic Council.", None, "nordic-council", True),
        ("Boeing said the Boeing 787 would fly in May.", "Boeing 787", "boeing", True),
        ("Three Boeing engineers testified before the committee.", None, "boeing", True),
    ],
)
def test_a_product_named_after_its_maker_is_not_an_organisation(
    extractor: Extractor, text: str, product: str | None, maker: str, maker_acts: bool
) -> None:
    found = mentions(extractor, text)
    others = [e.name for e in found if e.kind == "other"]
    orgs = {e.id for e in found if e.kind == "org"}
    assert (product in others) if product else not others, found
    assert (f"org:{maker}" in orgs) == maker_acts, found


@pytest.mark.parametrize(
    "text",
    [
        "General Dynamics Corporation said on Monday it would hire 300 workers.",
        "General Mills announced a new plant in Ohio.",
    ],
)
def test_a_title_word_inside_an_organisation_name_leaves_it_an_organisation(
    extractor: Extractor, text: str
) -> None:
    found = mentions(extractor, text)
    assert not [e for e in found if e.kind == "person"], found
    assert any(e.kind == "org" and e.name.startswith("General") for e in found), found


def test_a_name_ending_in_an_organisation_word_is_no_person(extractor: Extractor) -> None:
    found = mentions(
        extractor, "Shares of Vantor Corporation and Lindqvist Airways fell on Monday."
    )
    assert not [e for e in found if e.kind == "person"], found


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Vantor Inc.", "org:vantor"),
        ("Vantor Corporation", "org:vantor"),
        ("the Lindqvist Group plc", "org:lindqvist"),
        ("United States Air Force", "org:air-force"),
        ("Singapore Airlines", "org:singapore-airlines"),  # a country and one word: a name
    ],
)
def test_org_ids_leave_out_legal_forms_and_a_leading_country(name: str, expected: str) -> None:
    assert org_id(name, load_tables())[0] == expected


# --------------------------------------------------------------------------- corpus linking


def test_one_odd_mention_joins_the_majority_instead_of_renaming_it() -> None:
    good = [
        make_claim(f"d{i}", who=[ent("person:brandt-harold", "Harold Brandt")]) for i in range(3)
    ]
    odd = make_claim("odd", who=[ent("person:harold-pentagon", "Harold Brandt Pentagon")])
    bare = make_claim("bare", who=[ent("person:brandt", "Brandt")])
    out = link_entities([*good, odd, bare])
    assert {c.who[0].id for c in out} == {"person:brandt-harold"}
    assert {c.who[0].name for c in out} == {"Harold Brandt"}


def test_the_canonical_name_is_the_one_most_mentions_write() -> None:
    entities = [
        ent("person:brandt", "Brandt"),
        *(ent("person:brandt-harold", "Harold Brandt") for _ in range(3)),
        ent("person:brandt-harold", "Harold Q. Brandt"),
    ]
    assert corpus_map(entities)["person:brandt"].name == "Harold Brandt"


def test_a_nickname_links_to_the_full_given_name_when_nobody_else_fits() -> None:
    out = link_entities(
        [
            make_claim("a", who=[ent("person:bill-okafor", "Bill Okafor")]),
            make_claim("b", who=[ent("person:okafor-william", "William Okafor")]),
            make_claim("c", who=[ent("person:okafor-william", "William Okafor", at=5)]),
        ]
    )
    assert out[0].who[0].id == "person:okafor-william"


def test_a_nickname_that_fits_two_people_links_to_neither() -> None:
    claims = [
        make_claim("a", who=[ent("person:okafor-pat", "Pat Okafor")]),
        make_claim("b", who=[ent("person:okafor-patrick", "Patrick Okafor")]),
        make_claim("c", who=[ent("person:okafor-patricia", "Patricia Okafor")]),
    ]
    assert link_entities(claims)[0].who[0].id == "person:okafor-pat"


def test_different_given_names_are_different_people() -> None:
    claims = [
        make_claim("a", who=[ent("person:okafor-peter", "Peter Okafor")]),
        make_claim("b", who=[ent("person:okafor-william", "William Okafor")]),
    ]
    assert link_entities(claims) == claims


def test_a_surname_taken_for_a_place_links_to_the_one_person_the_corpus_names() -> None:
    full = [
        make_claim(f"d{i}", who=[ent("person:okafor-william", "William Okafor")]) for i in range(2)
    ]
    short = make_claim("s", who=[ent("place:okafor", "Okafor", "gpe")])
    out = link_entities([*full, short])
    (who,) = out[-1].who
    assert (who.id, who.kind, who.name, who.mention) == (
        "person:okafor-william",
        "person",
        "William Okafor",
        "Okafor",
    )


def test_a_surname_place_stays_a_place_without_the_support_of_the_corpus() -> None:
    once = make_claim("d0", who=[ent("person:okafor-william", "William Okafor")])
    short = make_claim("s", who=[ent("place:okafor", "Okafor", "gpe")])
    assert link_entities([once, short])[1] is short  # the full name is written only once
    two_people = [
        make_claim("a", who=[ent("person:okafor-william", "William Okafor")]),
        make_claim("b", who=[ent("person:okafor-william", "William Okafor", at=5)]),
        make_claim("c", who=[ent("person:okafor-grace", "Grace Okafor")]),
        make_claim("d", who=[ent("person:okafor-grace", "Grace Okafor", at=5)]),
    ]
    assert link_entities([*two_people, short])[-1] is short  # two people fit
    full = [
        make_claim(f"d{i}", who=[ent("person:okafor-william", "William Okafor")]) for i in range(2)
    ]
    used_as_place = make_claim("p", where=[ent("place:okafor", "Okafor", "gpe")])
    out = link_entities([*full, short, used_as_place])
    assert out[-2] is short  # the corpus writes "in Okafor": a place
    # A country, capital or region stays one whoever shares its name.
    jordans = [
        make_claim(f"j{i}", who=[ent("person:jordan-lena", "Lena Jordan")]) for i in range(2)
    ]
    country = make_claim("k", who=[ent("gpe:JO", "Jordan", "gpe")])
    assert link_entities([*jordans, country])[-1] is country


def test_a_short_organisation_name_links_to_the_longer_one_the_corpus_writes_more() -> None:
    long = [
        make_claim(f"l{i}", who=[ent("org:vantor-grell", "Vantor Grell", "org")]) for i in range(2)
    ]
    short = make_claim("s", who=[ent("org:vantor", "Vantor", "org")])
    assert link_entities([short, *long])[0].who[0].id == "org:vantor-grell"


def test_a_short_organisation_name_used_more_than_the_longer_one_stays() -> None:
    short = [make_claim(f"s{i}", who=[ent("org:vantor", "Vantor", "org")]) for i in range(3)]
    long = make_claim("l", who=[ent("org:vantor-capital", "Vantor Capital", "org")])
    out = link_entities([*short, long])
    assert out[0].who[0].id == "org:vantor"
    assert out[-1].who[0].id == "org:vantor-capital"


def test_a_document_with_an_odd_name_links_through_extraction(extractor: Extractor) -> None:
    texts = [
        "Secretary of Defense Harold Brandt SecDef spoke to troops on Monday.",
        "Harold Brandt visited the base on Tuesday.",
        "Brandt said the visit went well.",
    ]
    claims = [c for i, t in enumerate(texts) for c in claims_of(extractor, t, id=f"d{i}")]
    people = {e.id for c in link_entities(claims) for e in c.who if e.kind == "person"}
    assert people == {"person:brandt-harold"}


# --------------------------------------------------------------------------- roles


def role_of(extractor: Extractor, text: str, name: str) -> tuple[str, str | None, bool] | None:
    found = [e for e in mentions(extractor, text) if e.kind == "person" and e.name == name]
    assert found, (name, mentions(extractor, text))
    role = found[0].role
    return None if role is None else (role.title, role.org, role.org_inferred)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "A picture of retired admiral Karen Holt, the British foreign secretary.",
            "Karen Holt",
            ("foreign secretary", "gpe:GB", False),
        ),
        (
            "Former general Tomas Varga, the Hungarian defence minister, spoke in Budapest.",
            "Tomas Varga",
            ("defense minister", "gpe:HU", False),
        ),
        # A current title before the name, and no country after it: the title stays.
        (
            "Japanese Foreign Minister Kenji Sato, a former banker, arrived on Monday.",
            "Kenji Sato",
            ("foreign minister", "gpe:JP", False),
        ),
    ],
)
def test_an_apposition_after_the_name_gives_the_office(
    extractor: Extractor, text: str, name: str, expected: tuple[str, str, bool]
) -> None:
    assert role_of(extractor, text, name) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The foreign ministers of Chile and Peru, Maria Lopez and Carlos Mendoza, met in Lima on Monday.",
        "Maria Lopez and Carlos Mendoza, the foreign ministers of Chile and Peru respectively, met in Lima.",
        "Chile's and Peru's foreign ministers, Maria Lopez and Carlos Mendoza, met in Lima on Monday.",
        "Chile's foreign minister and Peru's foreign minister, Maria Lopez and Carlos Mendoza, met on Monday.",
        "The Chilean and Peruvian foreign ministers, Maria Lopez and Carlos Mendoza, met in Lima.",
    ],
)
def test_two_role_holders_in_a_coordination_get_one_role_each(
    extractor: Extractor, text: str
) -> None:
    assert role_of(extractor, text, "Maria Lopez") == ("foreign minister", "gpe:CL", False)
    assert role_of(extractor, text, "Carlos Mendoza") == ("foreign minister", "gpe:PE", False)


def test_two_people_without_a_plural_title_get_no_paired_roles(extractor: Extractor) -> None:
    text = "The leaders of Chile and Peru, Maria Lopez and Carlos Mendoza, met in Lima on Monday."
    assert role_of(extractor, text, "Maria Lopez") is None


DOC_ABOUT_CHILE = (
    "Chile braces for floods\n\n"
    "Rivers rose across Chile on Monday after days of rain, and Chile's army moved in.\n\n"
    "Neighbouring Peru sent two helicopters.\n\n"
    "Defense Minister Maria Lopez said the army would stay as long as needed."
)


def test_a_roles_country_is_inferred_from_the_document_and_marked(extractor: Extractor) -> None:
    assert role_of(extractor, DOC_ABOUT_CHILE, "Maria Lopez") == (
        "defense minister",
        "gpe:CL",
        True,
    )


def test_no_country_is_inferred_when_two_are_as_present(extractor: Extractor) -> None:
    text = (
        "Chile and Peru brace for floods.\n\nRivers rose in Chile and Peru on Monday.\n\n"
        "Defense Minister Maria Lopez said the army would help."
    )
    assert role_of(extractor, text, "Maria Lopez") == ("defense minister", None, False)


def test_a_country_in_the_sentence_is_not_marked_inferred(extractor: Extractor) -> None:
    text = "Defense Minister Maria Lopez said Chile would send troops."
    assert role_of(extractor, text, "Maria Lopez") == ("defense minister", "gpe:CL", False)


# --------------------------------------------------------------------------- captions


@pytest.mark.parametrize(
    "text",
    [
        "Floods in the south\n\nPhoto: Maria Lopez, the Chilean defense minister, in Lima.",
        "Floods in the south\n\nSecretary of State Maria Lopez. (State Department Photo by Jo Lee)",
        "Floods in the south\n\nFile image of Maria Lopez, the Chilean defense minister.",
    ],
)
def test_captions_are_claims_with_their_roles(extractor: Extractor, text: str) -> None:
    claims = [c for c in claims_of(extractor, text) if c.kind == "caption"]
    assert len(claims) == 1, [(c.kind, c.text) for c in claims_of(extractor, text)]
    person = next(e for e in claims[0].who if e.kind == "person")
    assert person.name == "Maria Lopez" and person.role is not None

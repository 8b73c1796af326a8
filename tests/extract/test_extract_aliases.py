"""Alias tables (countries, titles), name canonicalisation and the claims table, without loading spaCy."""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib import resources

import pytest
from rich.console import Console

from factcheck.errors import ConfigError
from factcheck.extract.aliases import key, load_tables, slug
from factcheck.extract.claims import quote_regions
from factcheck.extract.entities import org_id, person_id, person_tokens
from factcheck.extract.show import claims_table
from factcheck.models import (
    Attribution,
    Claim,
    Entity,
    Predicate,
    Quantity,
    Role,
    Span,
    TimeExpression,
)


def test_country_table_covers_the_world() -> None:
    data = json.loads(
        resources.files("factcheck").joinpath("data", "countries.json").read_text(encoding="utf-8")
    )
    ids = [c["id"] for c in data["countries"]]
    assert len(ids) == len(set(ids)) >= 249
    assert all(len(i) == 2 and i.isupper() for i in ids)


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("U.S.", "US"),
        ("US", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        ("PRC", "CN"),
        ("People's Republic of China", "CN"),
        ("Burma", "MM"),
        ("Myanmar", "MM"),
        ("DPRK", "KP"),
        ("North Korea", "KP"),
        ("ROK", "KR"),
        ("Republic of Korea", "KR"),
        ("the United Kingdom", "GB"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Czechia", "CZ"),
        ("Türkiye", "TR"),
        ("Eswatini", "SZ"),
    ],
)
def test_country_names_and_abbreviations(name: str, country: str) -> None:
    c = load_tables().country(name)
    assert c is not None and c.id == country


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Japanese", "JP"),
        ("American", "US"),
        ("Chinese", "CN"),
        ("British", "GB"),
        ("Burmese", "MM"),
    ],
)
def test_demonyms(word: str, country: str) -> None:
    c = load_tables().country_of_demonym(word)
    assert c is not None and c.id == country


@pytest.mark.parametrize(
    ("capital", "country"),
    [
        ("Washington", "US"),
        ("Beijing", "CN"),
        ("Pyongyang", "KP"),
        ("Seoul", "KR"),
        ("Tokyo", "JP"),
        ("Kiev", "UA"),
    ],
)
def test_capitals_as_government_metonyms(capital: str, country: str) -> None:
    c = load_tables().country_of_capital(capital)
    assert c is not None and c.id == country


@pytest.mark.parametrize(
    ("variant", "title"),
    [
        ("Defence Minister", "defense minister"),
        ("Minister of Defense", "defense minister"),
        ("Minister for Foreign Affairs", "foreign minister"),
        ("Foreign Minister", "foreign minister"),
        ("Secretary of Defense", "defense secretary"),
        ("Defense Secretary", "defense secretary"),
        ("Secretary of State", "secretary of state"),
        ("Premier", "prime minister"),
    ],
)
def test_title_variants_normalise(variant: str, title: str) -> None:
    t = load_tables().title(variant)
    assert t is not None and t.title == title


def test_title_country_constraints() -> None:
    tables = load_tables()
    fm = tables.title("foreign minister")
    sos = tables.title("secretary of state")
    assert fm is not None and sos is not None
    assert not fm.fits("US") and fm.fits("JP")
    assert sos.fits("US") and not sos.fits("JP")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Antony J. Blinken", "person:antony-blinken"),
        ("Antony Blinken", "person:antony-blinken"),
        ("Nobuo Kishi", "person:kishi-nobuo"),
        ("Kishi Nobuo", "person:kishi-nobuo"),
        ("Mr. Joe Biden Jr.", "person:biden-joe"),
        ("Secretary Blinken", "person:blinken"),
    ],
)
def test_person_ids_ignore_initials_titles_and_order(name: str, expected: str) -> None:
    assert person_id(person_tokens(name, load_tables())) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("the US State Department", "org:state-department"),
        ("Department of State", "org:state-department"),
        ("State Department", "org:state-department"),
    ],
)
def test_org_ids(name: str, expected: str) -> None:
    assert org_id(name, load_tables())[0] == expected


def test_user_aliases_map_to_countries_and_names() -> None:
    tables = load_tables({"United States": ["Uncle Sam"], "World Health Organization": ["WHO"]})
    c = tables.country("Uncle Sam")
    assert c is not None and c.id == "US"
    assert tables.canonical("WHO") == "World Health Organization"
    assert load_tables().country("Uncle Sam") is None  # the shipped table is left alone


def test_user_aliases_must_be_lists() -> None:
    with pytest.raises(ConfigError):
        load_tables({"X": "not a list"})  # type: ignore[dict-item]


def test_key_and_slug() -> None:
    assert key("The U.S.") == "us"
    assert slug("Côte d'Ivoire") == "cote-divoire"


def test_quote_regions_curly_and_straight() -> None:
    text = 'He said \u201cyes\u201d and "no".'
    spans = [text[a:b] for a, b in quote_regions(text)]
    assert spans == ["\u201cyes\u201d", '"no"']


def test_claims_table_shows_every_slot() -> None:
    span = Span(document="d", start=0, end=10, line=3, column=1, end_line=3, end_column=11)
    person = Entity(
        id="person:antony-blinken",
        name="Antony Blinken",
        kind="person",
        mention="Blinken",
        role=Role(title="secretary of state", org="gpe:US"),
    )
    claim = Claim(
        id="d:0",
        document="d",
        text="Blinken will not visit [Tokyo]",
        sentence="s",
        span=span,
        who=[person],
        what=Predicate(lemma="visit", object="Tokyo"),
        when=[
            TimeExpression(
                text="Tuesday", value="2021-03-16", resolved=True, begin=dt.date(2021, 3, 16)
            )
        ],
        where=[Entity(id="place:tokyo", name="Tokyo", kind="gpe", mention="Tokyo")],
        quantities=[
            Quantity(
                text="over 60 years", value=60, unit="year", bound="more_than", kind="duration"
            )
        ],
        polarity="negative",
        modality="planned",
        attribution=Attribution(speaker=person, text="said Blinken"),
    )
    out = io.StringIO()
    claims_table([claim], console=Console(file=out, width=400))
    printed = out.getvalue()
    for needle in [
        "d:0",
        "[secretary of state of United States]",
        "visit → Tokyo",
        "Tuesday (16 March 2021)",
        "more than 60 years",
        "NOT",
        "planned",
        "by Antony Blinken",
        "[Tokyo]",
        "line 3",
    ]:
        assert needle in printed

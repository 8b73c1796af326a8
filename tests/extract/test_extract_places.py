"""Event places read by extraction follow `settings.aliases`: an alias of a country or capital is that place."""

from __future__ import annotations

import pytest

from factcheck.extract import Extractor
from factcheck.extract.places import contains, country_of, is_country, level
from factcheck.models import Entity
from factcheck.settings import Settings
from tests.conftest import make_document

pytestmark = pytest.mark.slow

TEXT = "The ministers met in Wakoku on Tuesday.\n\nThe talks were held in Edo on Monday.\n"


def test_user_aliases_of_a_country_and_a_capital_are_that_country_and_city() -> None:
    aliases = {"Japan": ["Wakoku"], "Tokyo": ["Edo"]}
    extractor = Extractor(settings=Settings(aliases=aliases))
    (claims,) = extractor.extract_many([make_document("d", TEXT)])
    met, held = claims
    country = next(e for e in met.where if e.id == met.event_place)
    city = next(e for e in held.where if e.id == held.event_place)
    # The alias is the canonical place, so the place table (countries, capitals) knows it.
    assert (country.id, country.name, is_country(country), level(country)) == (
        "gpe:JP",
        "Japan",
        True,
        1,
    )
    assert (city.name, is_country(city), level(city), country_of(city)) == ("Tokyo", False, 0, "JP")
    assert contains(country, city)
    # Without the aliases the made-up names are unknown places: no country, no capital.
    (plain,) = Extractor(settings=Settings()).extract_many([make_document("d", TEXT)])
    unknown = [e for c in plain for e in c.where if e.mention in ("Wakoku", "Edo")]
    assert unknown and not any(is_country(e) or country_of(e) for e in unknown)
    assert not any(
        contains(Entity(id="gpe:JP", name="Japan", kind="gpe", mention="Japan"), e) for e in unknown
    )

"""Alias tables shipped with the package: every country's names, demonyms and capitals, and titles of office."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, get_args

from ..errors import ConfigError, Errors
from ..models import Tenure

_PUNCT = re.compile(r"[.\u2019'`´]")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Accents removed, so that 'Côte d'Ivoire' and 'Cote d'Ivoire' meet."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def key(text: str) -> str:
    """Lookup key for a name: folded, lower case, no dots or apostrophes, no leading 'the'."""
    text = fold(text).lower().replace("’", "'")
    text = re.sub(r"'s$", "", text.strip())
    text = _PUNCT.sub("", text)
    text = _SPACE.sub(" ", text.replace("-", " ")).strip()
    return text.removeprefix("the ")


def slug(text: str) -> str:
    """Identifier-safe form of a name: 'State Department' -> 'state-department'."""
    return re.sub(r"[^a-z0-9]+", "-", key(text)).strip("-") or "unknown"


@dataclass(frozen=True)
class Country:
    """One country or territory from countries.json."""

    id: str
    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]

    @property
    def entity_id(self) -> str:
        return f"gpe:{self.id}"


@dataclass(frozen=True)
class Title:
    """A title of office with its written variants and where it exists."""

    title: str
    variants: tuple[str, ...]
    countries: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    generic: bool = False

    def fits(self, country: str) -> bool:
        """Whether a country can hold this title (no US 'foreign minister')."""
        if self.countries and country not in self.countries:
            return False
        return country not in self.exclude


@dataclass
class Tables:
    """Lookup tables built once from the data files (and the user's aliases)."""

    countries: dict[str, Country]
    by_name: dict[str, str]  # key(name) -> country id
    by_demonym: dict[str, str]
    by_capital: dict[str, str]
    titles: list[Title]
    title_by_variant: dict[str, Title]
    title_regex: re.Pattern[str]
    honorifics: frozenset[str]
    suffixes: frozenset[str]
    user_aliases: dict[str, str] = field(default_factory=dict)  # key(alias) -> canonical name
    regions: frozenset[str] = frozenset()  # key(name) of world regions that are not countries
    abbreviations: dict[str, Title] = field(default_factory=dict)  # exact text ('SecDef') -> title
    org_words: frozenset[str] = frozenset()  # key(last word) that makes a name an organisation
    legal_forms: frozenset[str] = frozenset()  # key(word) left out of organisation ids ('inc')
    place_heads: frozenset[str] = frozenset()  # key(last word) that makes a name a place ('strait')
    event_heads: frozenset[str] = frozenset()  # key(last word) that makes an org name an event
    group_nouns: frozenset[str] = frozenset()  # key(noun) between a nationality and a title
    counting_determiners: frozenset[str] = frozenset()  # 'an' (iPod): the name is a product's
    acronym_skip: frozenset[str] = frozenset()  # lower-case function words acronyms leave out
    portfolio_titles: frozenset[str] = frozenset()  # 'minister': a rank without a portfolio
    nicknames: dict[str, frozenset[str]] = field(default_factory=dict)  # key(given name) -> forms
    plural_titles: dict[str, Title] = field(default_factory=dict)  # key('foreign ministers')
    plural_regex: re.Pattern[str] | None = None  # the plural forms, longest first
    tenure_words: dict[str, Tenure] = field(default_factory=dict)  # key('former') -> 'former'
    title_fillers: frozenset[str] = frozenset()  # key(word) between a nationality and a title

    def country(self, name: str) -> Country | None:
        cid = self.by_name.get(key(name))
        return self.countries[cid] if cid else None

    def country_of_demonym(self, word: str) -> Country | None:
        cid = self.by_demonym.get(key(word))
        return self.countries[cid] if cid else None

    def country_of_capital(self, name: str) -> Country | None:
        cid = self.by_capital.get(key(name))
        return self.countries[cid] if cid else None

    def country_any(self, name: str) -> Country | None:
        """Country by name, demonym or capital (in that order)."""
        return self.country(name) or self.country_of_demonym(name) or self.country_of_capital(name)

    def title(self, text: str) -> Title | None:
        return self.title_by_variant.get(key(text))

    def plural_title(self, text: str) -> Title | None:
        """The title a plural form names: 'foreign ministers', 'secretaries of state'."""
        return self.plural_titles.get(key(text))

    def tenure(self, word: str) -> Tenure | None:
        """How a word written before a title qualifies it: 'former', 'then' -> 'former'."""
        return self.tenure_words.get(key(word))

    def title_word(self, word: str) -> Title | None:
        """The title a single written word names: a variant ('Secretary') or an abbreviation ('SecDef')."""
        return self.abbreviations.get(word) or self.title(word)

    def organisation_word(self, word: str) -> bool:
        """Whether a name ending in `word` is an organisation ('Corporation', 'Airways')."""
        return key(word) in self.org_words

    def same_given_name(self, a: str, b: str) -> bool:
        """Whether two given names are one name or its usual short form ('Bill', 'William')."""
        ka, kb = key(a), key(b)
        if ka == kb:
            return True
        return kb in self.nicknames.get(ka, frozenset()) or ka in self.nicknames.get(
            kb, frozenset()
        )

    def canonical(self, mention: str) -> str:
        """The user's canonical name for a mention (settings.aliases), else the mention itself."""
        return self.user_aliases.get(key(mention), mention)

    def country_matcher_names(self) -> list[str]:
        """Written country names (not demonyms or capitals) for a case-sensitive phrase matcher."""
        out: set[str] = set()
        for c in self.countries.values():
            for n in c.names:
                if len(n) > 1:
                    out.add(n)
        return sorted(out)


def plural(variant: str) -> str | None:
    """The plural of a title's written form: its head noun in the plural, or None for an
    abbreviation. 'foreign minister' -> 'foreign ministers', 'secretary of state' ->
    'secretaries of state', 'spokesman' -> 'spokesmen'."""
    words = variant.split()
    if "." in variant or len(variant) < 4:
        return None
    cut = next((i for i, w in enumerate(words) if w in {"of", "for"} and i > 0), len(words))
    head = words[cut - 1]
    if head.endswith("man"):
        head = head[:-3] + "men"
    elif head.endswith("y") and head[-2:-1] not in set("aeiou"):
        head = head[:-1] + "ies"
    elif head.endswith(("s", "sh", "ch", "x")):
        head += "es"
    else:
        head += "s"
    return " ".join([*words[: cut - 1], head, *words[cut:]])


def _read(name: str) -> Any:
    return json.loads(
        resources.files("factcheck").joinpath("data", name).read_text(encoding="utf-8")
    )


@lru_cache(maxsize=1)
def _base_tables() -> Tables:
    countries: dict[str, Country] = {}
    by_name: dict[str, str] = {}
    by_demonym: dict[str, str] = {}
    by_capital: dict[str, str] = {}
    country_data = _read("countries.json")  # read once, here: every country lookup is built from it
    for row in country_data["countries"]:
        names = (row["name"], *row["official"], *row["aliases"])
        c = Country(
            row["id"], row["name"], tuple(names), tuple(row["demonyms"]), tuple(row["capitals"])
        )
        countries[c.id] = c
        for n in names:
            by_name.setdefault(key(n), c.id)
        for d in c.demonyms:
            by_demonym.setdefault(key(d), c.id)
            by_demonym.setdefault(key(d) + "s", c.id)  # "Americans", "Japaneses" is harmless
        for cap in c.capitals:
            by_capital.setdefault(key(cap), c.id)
    data = _read("titles.json")
    titles = [
        Title(
            t["title"],
            tuple(t["variants"]),
            frozenset(t.get("countries", [])),
            frozenset(t.get("exclude", [])),
            bool(t.get("generic", False)),
        )
        for t in data["titles"]
    ]
    by_variant: dict[str, Title] = {}
    for t in titles:
        for v in t.variants:
            by_variant.setdefault(key(v), t)
    variants = sorted({v for t in titles for v in t.variants}, key=len, reverse=True)
    alternation = "|".join(re.escape(v).replace(r"\ ", r"[\s-]+") for v in variants)
    regex = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)
    regions = frozenset(key(r) for r in country_data.get("regions", []))
    abbreviations = {
        a: t
        for t, row in zip(titles, data["titles"], strict=True)
        for a in row.get("abbreviations", [])
    }
    plurals: dict[str, Title] = {}
    for t in titles:
        for v in t.variants:
            pl = plural(v)
            if pl is not None:
                plurals.setdefault(key(pl), t)
    plural_forms = sorted({p for t in titles for v in t.variants if (p := plural(v))}, key=len)
    plural_alt = "|".join(re.escape(v).replace(r"\ ", r"[\s-]+") for v in reversed(plural_forms))
    tenure_words = _tenure_words(data.get("tenure", {}))
    names = _read("names.json")
    nicknames: dict[str, set[str]] = {}
    for given, forms in names["nicknames"].items():
        # Both ways, so that a short form finds every full name it can stand for.
        nicknames.setdefault(key(given), set()).update(key(f) for f in forms)
        for f in forms:
            nicknames.setdefault(key(f), set()).add(key(given))
    return Tables(
        countries,
        by_name,
        by_demonym,
        by_capital,
        titles,
        by_variant,
        regex,
        frozenset(data["honorifics"]),
        frozenset(data["suffixes"]),
        regions=regions,
        abbreviations=abbreviations,
        org_words=frozenset(key(w) for w in names["organisation_words"]),
        legal_forms=frozenset(key(w) for w in names["legal_forms"]),
        place_heads=frozenset(key(w) for w in names["place_heads"]),
        event_heads=frozenset(key(w) for w in names["event_heads"]),
        group_nouns=frozenset(key(w) for w in names["group_nouns"]),
        counting_determiners=frozenset(str(w).lower() for w in names["counting_determiners"]),
        acronym_skip=frozenset(str(w).lower() for w in names["acronym_skip"]),
        portfolio_titles=frozenset(str(w).lower() for w in names["portfolio_titles"]),
        nicknames={k: frozenset(v) for k, v in nicknames.items()},
        plural_titles=plurals,
        plural_regex=re.compile(rf"(?<![\w-])(?:{plural_alt})(?![\w-])", re.IGNORECASE),
        tenure_words=tenure_words,
        title_fillers=frozenset(tenure_words)
        | frozenset(key(w) for w in data.get("title_fillers", [])),
    )


def _tenure_words(table: Any) -> dict[str, Tenure]:
    """key(word) -> tenure from titles.json's 'tenure' table; an unknown tenure or a word listed
    twice is an error naming the file."""
    known: tuple[Tenure, ...] = get_args(Tenure)
    out: dict[str, Tenure] = {}
    for tenure, words in table.items():
        if tenure not in known:
            raise ValueError(f"data/titles.json: tenure {tenure!r} is not one of {list(known)}")
        for word in words:
            if key(word) in out:
                raise ValueError(f"data/titles.json: tenure word {word!r} is listed twice")
            out[key(word)] = tenure
    return out


def load_tables(user_aliases: dict[str, list[str]] | None = None) -> Tables:
    """The shipped tables, extended with `settings.aliases` (canonical name -> aliases)."""
    base = _base_tables()
    if not user_aliases:
        return base
    extra: dict[str, str] = {}
    by_name = dict(base.by_name)
    for canonical, aliases in user_aliases.items():
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError.make(
                Errors.E020,
                path="settings.aliases",
                detail=f"aliases of {canonical!r} must be a list of strings",
            )
        country = base.country(canonical)
        for alias in aliases:
            extra[key(alias)] = canonical
            if country is not None:
                by_name[key(alias)] = country.id
    return replace(base, by_name=by_name, user_aliases=extra)

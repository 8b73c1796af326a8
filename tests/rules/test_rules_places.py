"""Event locations and meeting settings: extraction reads them from the sentence (extract.places), rules.places reads them back."""

from __future__ import annotations

import pytest

from factcheck.extract.annotate import annotate
from factcheck.models import Claim, Entity, Predicate, Span
from factcheck.rules.places import event_place, event_places, meeting_setting, settings_differ

SPAN = Span(document="a", start=0, end=1, line=1, column=1, end_line=1, end_column=2)
PLACES = {
    "Tokyo": ("place:tokyo", "gpe"),
    "Seoul": ("place:seoul", "gpe"),
    "Japan": ("gpe:JP", "gpe"),
    "Alaska": ("place:alaska", "gpe"),
    "Hong Kong": ("gpe:HK", "gpe"),
    "Taiwan": ("gpe:TW", "gpe"),
    "Geneva": ("place:geneva", "gpe"),
    "the East China Sea": ("loc:east-china-sea", "loc"),
    "the Indo-Pacific": ("loc:indo-pacific", "loc"),
    "Okinawa": ("place:okinawa", "gpe"),
    "the Senkaku Islands": ("loc:senkaku-islands", "loc"),
}


def claim(text: str, lemma: str = "", verb: str = "") -> Claim:
    where = []
    for mention, (eid, kind) in PLACES.items():
        i = text.find(mention)
        if i >= 0:
            name = mention.removeprefix("the ")
            where.append(
                Entity(
                    id=eid,
                    name=name,
                    kind=kind,
                    mention=mention,
                    start=i,  # type: ignore[arg-type]
                    end=i + len(mention),
                )
            )
    # The extractor's own step records the places; the rules read them back from the claim.
    return annotate(
        Claim(
            id="a:0",
            document="a",
            text=text,
            sentence=text,
            span=SPAN,
            what=Predicate(lemma=lemma, text=verb),
            where=where,
        )
    )


@pytest.mark.parametrize(
    ("text", "lemma", "verb", "located"),
    [
        ("The ministers met in Tokyo on Tuesday.", "meet", "met", ["Tokyo"]),
        ("The summit was held at Geneva.", "hold", "was held", ["Geneva"]),
        ("Blinken met with Motegi in Tokyo.", "meet", "met", ["Tokyo"]),
        ("They will travel to Seoul on Wednesday.", "travel", "will travel", ["Seoul"]),
        ("They meet for security talks slated for Tuesday in Tokyo.", "meet", "meet", ["Tokyo"]),
        # Topics of a noun and objects of the predicate are not where the event happened.
        (
            "We oppose attempts to change the status quo in the East China Sea.",
            "oppose",
            "oppose",
            [],
        ),
        ("China abuses human rights in Hong Kong.", "abuse", "abuses", []),
        ("They criticised coercive measures in the Indo-Pacific.", "criticise", "criticised", []),
        ("Article 5 applies to the Senkaku Islands in Okinawa.", "apply", "applies", []),
        # Only the first item of a list has the preposition; no item is the event location.
        ("The band played in Tokyo, Seoul and Taiwan.", "play", "played", []),
    ],
)
def test_event_places(text: str, lemma: str, verb: str, located: list[str]) -> None:
    assert sorted(e.name for e in event_places(claim(text, lemma, verb))) == sorted(located)


def test_event_place_needs_one_place_at_the_most_specific_level() -> None:
    assert event_place(claim("The ministers met in Tokyo.", "meet", "met")) is not None
    two = claim("The ministers met in Tokyo and in Seoul.", "meet", "met")
    assert event_place(two) is None


@pytest.mark.parametrize(
    ("text", "mode", "places"),
    [
        ("Blinken and Austin meet virtually with Foreign Minister Hayashi.", "virtual", []),
        ("They met at the virtual Security Consultative Committee Meeting.", "virtual", []),
        ("They meet for security talks slated for Tuesday in Tokyo.", None, ["Tokyo"]),
        (
            "They were to arrive in Japan on Monday for the talks.",
            None,
            None,
        ),  # arrival, no meeting
        ("The ministers send a message over measures in the Indo-Pacific.", None, None),
        ("The online course on climate opened in Tokyo.", None, None),  # no meeting word
    ],
)
def test_meeting_setting(text: str, mode: str | None, places: list[str] | None) -> None:
    setting = meeting_setting(claim(text))
    if places is None:
        assert setting is None
        return
    assert setting is not None
    assert setting.mode == mode
    assert [p.name for p in setting.places] == places


def test_virtual_meeting_and_one_in_a_city_differ_but_a_capital_lies_in_its_country() -> None:
    virtual = meeting_setting(claim("They met virtually."))
    tokyo = meeting_setting(claim("The talks were held in Tokyo."))
    japan = meeting_setting(claim("The talks were held in Japan."))
    seoul = meeting_setting(claim("The talks were held in Seoul."))
    assert virtual and tokyo and japan and seoul
    assert settings_differ(virtual, tokyo)
    assert not settings_differ(tokyo, japan)
    assert settings_differ(tokyo, seoul)


@pytest.mark.parametrize(
    ("text", "lemma", "verb", "located"),
    [
        # Inflections are read from the parse's lemmas and tags, not from listed forms.
        ("The delegates flew to Seoul on Monday.", "fly", "flew", ["Seoul"]),
        ("The envoys are travelling to Tokyo.", "travel", "are travelling", ["Tokyo"]),
        ("The protest was staged in Geneva.", "stage", "was staged", ["Geneva"]),
        # A title-case headline: its words are names to the parse, read by their common lemmas.
        ("Ministers Hold Security Talks In Tokyo", "hold", "Hold", ["Tokyo"]),
    ],
)
def test_event_places_from_the_parse(text: str, lemma: str, verb: str, located: list[str]) -> None:
    assert sorted(e.name for e in event_places(claim(text, lemma, verb))) == sorted(located)


def test_a_headline_meeting_in_a_city_is_a_setting() -> None:
    setting = meeting_setting(claim("Ministers Hold Security Talks In Tokyo", "hold", "Hold"))
    assert setting is not None and [p.name for p in setting.places] == ["Tokyo"]

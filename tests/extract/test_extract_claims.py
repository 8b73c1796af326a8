"""Claim extraction end to end on small texts written for the tests: every slot, and the traps."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest

from factcheck.extract import EXTRACTOR_VERSION, Extractor
from factcheck.models import Claim, Document
from factcheck.schema import schema_for

pytestmark = pytest.mark.slow

PUB = dt.date(2021, 3, 16)  # a Tuesday


def make_doc(text: str, *, id: str = "doc", published: dt.date | None = PUB) -> Document:
    return Document(
        id=id,
        path=f"{id}.txt",
        format="txt",
        content_hash="x",
        encoding="utf-8",
        characters=len(text),
        text=text,
        original=text,
        published=published,
    )


def claims_of(extractor: Extractor, text: str, **kw: object) -> list[Claim]:
    return extractor.extract(make_doc(text, **kw))  # type: ignore[arg-type]


def one(extractor: Extractor, text: str, **kw: object) -> Claim:
    claims = claims_of(extractor, text, **kw)
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


# --------------------------------------------------------------------------- shape


def test_claims_validate_against_the_claim_schema(extractor: Extractor) -> None:
    text = (
        "Leaders To Meet In Tokyo\n\nThe ministers met on Sunday in Tokyo and signed a deal worth $5 million. "
        '"We will not back down," said Foreign Minister Taro Yamada.\n'
    )
    schema = schema_for("claim")
    claims = claims_of(extractor, text)
    assert claims
    for c in claims:
        jsonschema.validate(c.model_dump(mode="json"), schema)


def test_ids_are_document_order_and_deterministic(extractor: Extractor) -> None:
    text = "The council approved the budget. The mayor signed it on Monday. Critics objected."
    first = claims_of(extractor, text)
    second = claims_of(extractor, text)
    assert [c.id for c in first] == ["doc:0", "doc:1", "doc:2"]
    assert [c.model_dump() for c in first] == [c.model_dump() for c in second]


def test_span_points_at_the_sentence_with_line_and_column(extractor: Extractor) -> None:
    text = "First line here is a sentence.\nThe ministers met in Paris on Friday."
    c = claims_of(extractor, text)[1]
    assert c.sentence == "The ministers met in Paris on Friday."
    assert (c.span.line, c.span.column) == (2, 1)
    assert text[c.span.start : c.span.end] == c.sentence


def test_extract_many_keeps_order(extractor: Extractor) -> None:
    docs = [
        make_doc(f"Officials in city number {i} approved the plan on Monday.", id=f"d{i}")
        for i in range(5)
    ]
    out = list(extractor.extract_many(docs))
    assert [batch[0].document for batch in out] == ["d0", "d1", "d2", "d3", "d4"]


def test_two_parsing_processes_give_the_same_claims(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factcheck.extract as fx

    docs = [
        make_doc(
            f"The council of town {i} approved the budget on Monday. Critics in town {i} objected.",
            id=f"d{i}",
        )
        for i in range(2 * fx.BATCH_SIZE)
    ]
    single = [[c.model_dump() for c in batch] for batch in extractor.extract_many(docs)]
    monkeypatch.setattr(fx, "MULTIPROCESS_MIN_CHARS", 1)
    assert extractor.processes_for(docs) == 2
    double = [[c.model_dump() for c in batch] for batch in extractor.extract_many(docs)]
    assert double == single


def test_model_id_and_version(extractor: Extractor) -> None:
    assert extractor.model_id.startswith("en_core_web_sm-3.8")
    assert Extractor.describe_model(extractor.settings) == extractor.model_id
    assert EXTRACTOR_VERSION


# --------------------------------------------------------------------------- kinds, splitting, skipping


def test_headline_quote_and_skipped_lines(extractor: Extractor) -> None:
    text = (
        "Japan And US Agree On Security Pact\n"
        "Subscribe to our newsletter\n"
        "The two countries signed the pact on Monday.\n"
        "Will the pact survive?\n"
        "\u201cThe alliance is stronger than ever,\u201d said Antony Blinken.\n"
    )
    claims = claims_of(extractor, text)
    kinds = [(c.kind, c.text[:20]) for c in claims]
    assert [k for k, _ in kinds] == ["headline", "statement", "quote"]
    assert not any("Subscribe" in c.sentence or c.sentence.endswith("?") for c in claims)


def test_coordinated_clauses_with_own_subjects_split(extractor: Extractor) -> None:
    claims = claims_of(extractor, "The government released a statement, and China did not respond.")
    assert len(claims) == 2
    assert claims[0].what.lemma == "release" and claims[0].polarity == "positive"
    assert claims[1].what.lemma == "respond" and claims[1].polarity == "negative"
    assert claims[1].text.startswith("China")
    assert claims[0].sentence == claims[1].sentence


def test_short_shared_subject_coordination_stays_one_claim(extractor: Extractor) -> None:
    assert len(claims_of(extractor, "The minister arrived in Seoul and met the president.")) == 1


def test_long_shared_subject_coordination_is_two_propositions(extractor: Extractor) -> None:
    claims = claims_of(
        extractor,
        "Acme Corporation cut its annual sales forecast on Monday and announced plans to close "
        "three of its factories in Ohio.",
    )
    assert [c.what.lemma for c in claims] == ["cut", "announce"]
    assert claims[0].text.endswith("on Monday")  # the second proposition is not in the first
    assert claims[1].text.startswith("announced plans to close three of its factories")
    # The second verb shares the first one's subject.
    assert [e.name for e in claims[1].who][:1] == [e.name for e in claims[0].who][:1]
    assert claims[0].who


def test_clause_coordinated_under_another_is_its_own_proposition(extractor: Extractor) -> None:
    # spaCy hangs "that is why ..." on the second clause, not on the first: it was cut out of
    # the second, and then cut itself out of its own claim, which fell back to the sentence.
    sentence = (
        "The company is profitable, and its managers expect strong growth in the coming years, "
        "and that is why the board approved a new factory in Texas."
    )
    claims = claims_of(extractor, sentence)
    assert len(claims) == 3
    assert claims[2].text == "that is why the board approved a new factory in Texas"
    assert "board" not in claims[1].text
    assert all(c.text != c.sentence for c in claims)


def test_causal_clause_with_its_own_subject_is_a_proposition(extractor: Extractor) -> None:
    claims = claims_of(
        extractor,
        "The summit was moved online this week, because the prime minister had tested positive "
        "for the virus.",
    )
    assert len(claims) == 2
    assert claims[0].text == "The summit was moved online this week"
    assert claims[1].text.startswith("the prime minister had tested positive")  # no "because"


@pytest.mark.parametrize(
    "sentence",
    [
        "He left early because it rained.",  # too short to stand alone
        "The central bank will raise its main rate again if inflation stays above five percent.",
    ],
)
def test_short_or_conditional_clauses_are_not_split(extractor: Extractor, sentence: str) -> None:
    assert len(claims_of(extractor, sentence)) == 1


# --------------------------------------------------------------------------- polarity and modality


@pytest.mark.parametrize(
    ("sentence", "polarity"),
    [
        ("The ministry did not confirm the report.", "negative"),
        ("The company never paid the fine.", "negative"),
        ("The spokesman denied that the army fired on protesters.", "negative"),
        ("No agreement was reached at the summit.", "negative"),
        ("The senate failed to pass the bill.", "negative"),
        ("The ministry confirmed the report.", "positive"),
        ("The spokesman did not deny that the army fired on protesters.", "positive"),
    ],
)
def test_polarity(extractor: Extractor, sentence: str, polarity: str) -> None:
    assert one(extractor, sentence).polarity == polarity


@pytest.mark.parametrize(
    ("sentence", "polarity"),
    [
        # Comparatives and superlatives with a negative word assert, they do not deny.
        ("Our alliance has never been more crucial to realizing a shared vision.", "positive"),
        ("The alliance has never been stronger.", "positive"),
        ("The relationship has never been more important than it is today.", "positive"),
        ("He could not have been more clear.", "positive"),
        ("Nothing is more important than the safety of our citizens.", "positive"),
        ("No relationship is more important than the one with Japan.", "positive"),
        ("No country has done more to fight the virus than Germany.", "positive"),
        ("Nobody is better placed than the minister to lead the talks.", "positive"),
        ("The trip will last no longer than two weeks.", "positive"),
        # "not only ... but also" asserts both parts.
        ("The deal not only cuts tariffs but also opens markets.", "positive"),
        (
            "Our alliance must not only strengthen the tools we have, but also develop new ones.",
            "positive",
        ),
        # Idioms whose "no" asserts.
        ("The CDC wasted no time sealing the town.", "positive"),
        ("The government spared no effort to rescue the miners.", "positive"),
        ("There is no doubt that the army fired on protesters.", "positive"),
        ("This isn't the first time the company has faced such claims.", "positive"),
        ("The results were not announced until Friday.", "positive"),
        # ... and the real negations next to them stay negative.
        ("The company is no longer selling the product.", "negative"),
        ("The talks were not more productive than last year.", "negative"),
        ("The alliance has never been tested.", "negative"),
        ("Nothing was stolen from the house.", "negative"),
    ],
)
def test_polarity_traps(extractor: Extractor, sentence: str, polarity: str) -> None:
    assert one(extractor, sentence).polarity == polarity


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("The ministers are expected to reaffirm the alliance.", "hedged"),
        ("The army reportedly fired on protesters.", "hedged"),
        ("The deal may collapse next week.", "hedged"),
        ("The minister is said to favour the plan.", "hedged"),
        ("The ministers will meet in Tokyo.", "planned"),
        ("The four ministers plan to criticize China by name.", "planned"),
        ("The summit is scheduled to start on Friday.", "planned"),
        ("The talks are to start on Friday.", "planned"),
        ("The talks are due to start on Friday.", "planned"),
        ("The ministers are due to meet in Tokyo.", "planned"),
        ("The delay is due to the storm.", "asserted"),
        ("The army is going to withdraw its troops.", "planned"),
        ("The minister went to see the victims.", "asserted"),
        ("The ministers agreed to cut tariffs.", "planned"),
        ("Police said the suspect fled the scene.", "reported"),
        ("The suspect fled the scene, according to police.", "reported"),
        ("The suspect fled the scene.", "asserted"),
    ],
)
def test_modality(extractor: Extractor, sentence: str, modality: str) -> None:
    assert one(extractor, sentence).modality == modality


@pytest.mark.parametrize(
    ("sentence", "lemma"),
    [
        # A copula's adjective hands the claim to its infinitive, as a light verb does.
        ("The talks are due to start on Friday.", "start"),
        ("The death toll is likely to rise.", "rise"),
        ("Police were quick to condemn the attack.", "condemn"),
        ("The delay is due to the storm.", "be"),
    ],
)
def test_an_adjective_passes_the_predicate_to_its_infinitive(
    extractor: Extractor, sentence: str, lemma: str
) -> None:
    assert one(extractor, sentence).what.lemma == lemma


def test_reported_speech_names_the_speaker_and_keeps_the_content_predicate(
    extractor: Extractor,
) -> None:
    c = one(
        extractor, "Foreign Minister Toshimitsu Motegi said Japan will increase its defense budget."
    )
    assert c.attribution is not None and c.attribution.speaker is not None
    assert c.attribution.speaker.id == "person:motegi-toshimitsu"
    assert c.what.lemma == "increase"
    assert any(e.id == "gpe:JP" for e in c.who)
    assert not any(e.id == "person:motegi-toshimitsu" for e in c.who)


def test_quote_attribution_across_sentences(extractor: Extractor) -> None:
    text = (
        "Secretary of State Antony Blinken spoke to reporters in Tokyo.\n"
        "\u201cWe will push back. The region is the center of global politics,\u201d Blinken said.\n"
    )
    claims = claims_of(extractor, text)
    quotes = [c for c in claims if c.kind == "quote"]
    assert len(quotes) == 2
    for q in quotes:
        assert q.attribution is not None and q.attribution.quote
        assert q.attribution.speaker is not None
        assert q.attribution.speaker.id == "person:antony-blinken"


def test_quote_introduced_by_a_colon_line(extractor: Extractor) -> None:
    text = (
        "These values are under threat, warned Secretary Antony Blinken:\n"
        "\u201cIn Burma, the military is repressing peaceful protesters.\u201d\n"
    )
    q = claims_of(extractor, text)[-1]
    assert q.kind == "quote"
    assert q.attribution is not None and q.attribution.speaker is not None
    assert q.attribution.speaker.id == "person:antony-blinken"
    assert [e.id for e in q.where] == ["gpe:MM"]


# --------------------------------------------------------------------------- entities


def test_short_mentions_and_middle_initials_link_to_one_person(extractor: Extractor) -> None:
    text = (
        "Secretary of State Antony J. Blinken arrived in Tokyo on Monday. "
        "Blinken met the prime minister. Antony Blinken left on Wednesday."
    )
    ids = {e.id for c in claims_of(extractor, text) for e in c.who if e.kind == "person"}
    assert ids == {"person:antony-blinken"}


def test_name_order_variants_share_an_id_across_documents(extractor: Extractor) -> None:
    a = one(extractor, "Defense Minister Nobuo Kishi visited Washington on Monday.", id="a")
    b = one(extractor, "Defense Minister Kishi Nobuo visited Washington on Monday.", id="b")
    pa = next(e for e in a.who if e.kind == "person")
    pb = next(e for e in b.who if e.kind == "person")
    assert pa.id == pb.id == "person:kishi-nobuo"


@pytest.mark.parametrize(
    ("sentence", "name", "title", "org"),
    [
        (
            "Japanese Foreign Minister Toshimitsu Motegi met reporters on Monday.",
            "Toshimitsu Motegi",
            "foreign minister",
            "gpe:JP",
        ),
        (
            "Japan's defense minister, Nobuo Kishi, met reporters on Monday.",
            "Nobuo Kishi",
            "defense minister",
            "gpe:JP",
        ),
        (
            "US Secretary of State Antony Blinken met reporters on Monday.",
            "Antony Blinken",
            "secretary of state",
            "gpe:US",
        ),
        (
            "Japanese Minister for Foreign Affairs Toshimitsu Motegi met reporters.",
            "Toshimitsu Motegi",
            "foreign minister",
            "gpe:JP",
        ),
        (
            "British Defence Secretary Ben Wallace met reporters on Monday.",
            "Ben Wallace",
            "defense secretary",
            "gpe:GB",
        ),
        (
            "US Secretary of Defense Lloyd Austin met reporters on Monday.",
            "Lloyd Austin",
            "defense secretary",
            "gpe:US",
        ),
        (
            "Foreign Minister Toshimitsu Motegi hosted talks on the Japan-U.S. alliance.",
            "Toshimitsu Motegi",
            "foreign minister",
            "gpe:JP",
        ),
    ],
)
def test_titles_become_roles_with_their_country(
    extractor: Extractor, sentence: str, name: str, title: str, org: str
) -> None:
    c = one(extractor, sentence)
    person = next(e for e in c.who if e.kind == "person")
    assert person.name == name
    assert person.role is not None
    assert (person.role.title, person.role.org) == (title, org)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The U.S. criticized the PRC on Monday.", {"gpe:US", "gpe:CN"}),
        ("The United States criticized the People's Republic of China.", {"gpe:US", "gpe:CN"}),
        ("Washington warned Beijing over its actions.", {"gpe:US", "gpe:CN"}),
        ("The DPRK fired a missile toward the ROK.", {"gpe:KP", "gpe:KR"}),
        ("Pyongyang condemned Seoul on Monday.", {"gpe:KP", "gpe:KR"}),
    ],
)
def test_country_aliases_and_capitals_as_governments(
    extractor: Extractor, sentence: str, expected: set[str]
) -> None:
    c = one(extractor, sentence)
    assert {e.id for e in c.who} >= expected


def test_capital_as_a_place_is_where(extractor: Extractor) -> None:
    c = one(extractor, "The ministers met in Tokyo on Tuesday.")
    assert [e.id for e in c.where] == ["place:tokyo"]


def test_burma_and_myanmar_agree(extractor: Extractor) -> None:
    a = one(extractor, "The army seized power in Burma in February.", id="a")
    b = one(extractor, "The army seized power in Myanmar in February.", id="b")
    assert [e.id for e in a.where] == [e.id for e in b.where] == ["gpe:MM"]


def test_user_aliases_extend_the_tables() -> None:
    from factcheck.settings import Settings

    ex = Extractor(
        settings=Settings(aliases={"World Health Organization": ["WHO", "the health agency"]})
    )
    a = ex.extract(make_doc("The World Health Organization declared a pandemic in March.", id="a"))[
        0
    ]
    b = ex.extract(make_doc("The WHO declared a pandemic in March.", id="b"))[0]
    ida = {e.id for e in a.who if e.kind == "org"}
    idb = {e.id for e in b.who if e.kind == "org"}
    assert ida == idb == {"org:world-health-organization"}


def test_pronoun_resolves_to_the_single_person_in_the_paragraph(extractor: Extractor) -> None:
    text = "Prime Minister Yoshihide Suga arrived in Washington on Friday. He met the president on Saturday."
    second = claims_of(extractor, text)[1]
    assert second.who[0].id == "person:suga-yoshihide"


def test_pronoun_with_two_candidates_is_left_out(extractor: Extractor) -> None:
    text = "Prime Minister Yoshihide Suga met President Joe Biden in Washington. He praised the alliance."
    second = claims_of(extractor, text)[1]
    assert not [e for e in second.who if e.kind == "person"]


def test_they_resolves_to_a_coordinated_pair(extractor: Extractor) -> None:
    text = (
        "The visit of Secretary of State Antony Blinken and Defense Secretary Lloyd Austin was announced on Sunday. "
        "They were to arrive in Japan on Monday."
    )
    second = claims_of(extractor, text)[1]
    assert {e.id for e in second.who if e.kind == "person"} == {
        "person:antony-blinken",
        "person:austin-lloyd",
    }


@pytest.mark.parametrize(
    ("sentence", "first"),
    [
        ("The European Commission in Brussels fined Google on Monday.", "org:european-commission"),
        ("Japan and Australia criticized China over its actions in the South China Sea.", "gpe:JP"),
        (
            "The sanctions against Russia were announced by the European Union.",
            "org:european-union",
        ),
        ("Moscow's military buildup on Ukraine's borders worries NATO.", "gpe:RU"),
        (
            "On Monday, Foreign Minister Toshimitsu Motegi met Antony Blinken in Tokyo.",
            "person:motegi-toshimitsu",
        ),
    ],
)
def test_who_starts_with_the_actor(extractor: Extractor, sentence: str, first: str) -> None:
    c = one(extractor, sentence)
    assert c.who and c.who[0].id == first, [e.id for e in c.who]


def test_moscow_buildup_does_not_make_ukraine_a_subject(extractor: Extractor) -> None:
    c = one(extractor, "Moscow's military buildup on Ukraine's borders worries NATO.")
    ids = [e.id for e in c.who]
    assert ids.index("gpe:RU") < ids.index("gpe:UA") if "gpe:UA" in ids else True


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # The nationality written as part of a role is the role's country, not a second actor.
        (
            "Japanese Foreign Minister Yoshimasa Hayashi met reporters on Monday.",
            {"person:hayashi-yoshimasa"},
            {"gpe:JP"},
        ),
        (
            "Nobuo Kishi, Japan's defense minister, met reporters on Monday.",
            {"person:kishi-nobuo"},
            {"gpe:JP"},
        ),
        # A hyphenated pair of countries names both.
        (
            "The U.S.-Japan alliance faces new challenges.",
            {"gpe:US", "gpe:JP"},
            {"org:us-japan", "place:us-japan"},
        ),
        # Codes with figures are neither people nor organisations.
        (
            "COVID-19 has fueled the trend, the minister said.",
            set(),
            {"person:covid-19", "org:covid-19"},
        ),
    ],
)
def test_entity_kinds(
    extractor: Extractor, sentence: str, present: set[str], absent: set[str]
) -> None:
    c = claims_of(extractor, sentence)[0]
    ids = {e.id for e in c.who}
    assert present <= ids and not (absent & ids), ids


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        (
            "The ministers reaffirmed their commitment to a free and open Indo-Pacific region.",
            "loc:indo-pacific-region",
        ),
        ("China sent ships to the Indo-Pacific.", "loc:indo-pacific"),
    ],
)
def test_regions_are_places_not_organisations(
    extractor: Extractor, sentence: str, place: str
) -> None:
    c = one(extractor, sentence)
    assert place in {e.id for e in c.where}
    assert not any(e.kind == "org" and "pacific" in e.id for e in c.who)


# --------------------------------------------------------------------------- when


def test_tense_chooses_the_coming_or_the_past_weekday(extractor: Extractor) -> None:
    past = one(extractor, "The government released a statement on Sunday.")
    future = one(extractor, "The talks are to be held Thursday in Tokyo.")
    assert past.when[0].value == "2021-03-14"
    assert future.when[0].value == "2021-03-18"
    assert future.modality == "planned"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # A participle after a modal or a present auxiliary is no past tense: the nearest May.
        ("The sale of the ferry line should be completed in May.", "2021-05"),
        ("The new terminal is expected to be finished in May.", "2021-05"),
        ("The old terminal was closed in May.", "2020-05"),
    ],
)
def test_a_modal_passive_is_not_read_as_past(
    extractor: Extractor, sentence: str, value: str
) -> None:
    assert one(extractor, sentence).when[0].value == value


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # "until" ends a state that holds now (present, present perfect): that end lies ahead.
        ("The ferry line has been suspended until Friday.", "2021-03-19"),
        ("The council has kept the bridge closed until Friday.", "2021-03-19"),
        ("The bridge remains shut until Friday.", "2021-03-19"),
        # In a simple past the state may be over: the last Friday.
        ("The bridge was shut until Friday.", "2021-03-12"),
    ],
)
def test_until_a_day_in_a_present_perfect_clause_lies_ahead(
    extractor: Extractor, sentence: str, value: str
) -> None:
    assert one(extractor, sentence).when[0].value == value


def test_document_without_date_leaves_relative_times_unresolved(extractor: Extractor) -> None:
    c = one(
        extractor,
        "The government released a statement on Sunday, days after the April 2019 summit.",
        published=None,
    )
    by_text = {t.text: t for t in c.when}
    assert by_text["Sunday"].resolved is False and by_text["Sunday"].relative == "sunday"
    assert by_text["April 2019"].value == "2019-04"


def test_time_spans_are_offsets_in_the_text(extractor: Extractor) -> None:
    text = "Officials met last week in Geneva."
    c = one(extractor, text)
    t = c.when[0]
    assert t.start is not None and t.end is not None
    assert text[t.start : t.end] == "last week"
    assert t.value == "2021-W10"


# --------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "bound", "kind"),
    [
        (
            "The alliance has kept the peace for over six decades.",
            60,
            "year",
            "more_than",
            "duration",
        ),
        (
            "The alliance has kept the peace for more than 60 years.",
            60,
            "year",
            "more_than",
            "duration",
        ),
        ("Police said about 300 people attended the rally.", 300, "people", "approx", "cardinal"),
        ("The city received $5 million in aid.", 5e6, "USD", "exact", "money"),
        ("Prices rose 3.5% in March.", 3.5, "percent", "exact", "percent"),
        ("The firm will close 1,100 dealerships.", 1100, "dealership", "exact", "cardinal"),
        ("Ford posted a profit of $2.7 billion.", 2.7e9, "USD", "exact", "money"),
    ],
)
def test_quantities_normalised(
    extractor: Extractor, sentence: str, value: float, unit: str, bound: str, kind: str
) -> None:
    qs = one(extractor, sentence).quantities
    assert len(qs) == 1, qs
    q = qs[0]
    assert (q.value, q.unit, q.bound, q.kind) == (pytest.approx(value), unit, bound, kind)


@pytest.mark.parametrize(
    "sentence",
    [
        "Article 5 of the treaty applies to the islands.",
        "The 2-plus-2 talks were held in Tokyo.",
        "The 2+2 meeting was held in Tokyo.",
        "Much of the history of the 21st century will be written in Asia.",
        "The ministers met on March 16, 2021 in Tokyo.",
        "The network will use 5G technology.",
        "The country recorded new COVID-19 cases.",
    ],
)
def test_no_misleading_quantities(extractor: Extractor, sentence: str) -> None:
    assert one(extractor, sentence).quantities == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # An article before a count counts nothing: "a five-day visit" is 5 days, not 6.
        ("They began a five-day visit.", [("five-day", 5, "day")]),
        ("It faces a one-year ban.", [("one-year", 1, "year")]),
        ("One seven-year term ended.", [("seven-year", 7, "year")]),
        # A number below a hundred after a scale belongs to it; two counts in a row do not add.
        ("It stood for one hundred twenty years.", [("one hundred twenty years", 120, "year")]),
        ("It took a hundred and fifty years.", [("a hundred and fifty years", 150, "year")]),
        ("Two dozen days passed.", [("Two dozen days", 24, "day")]),
        ("He served one two-year term.", [("two-year", 2, "year")]),
        # Fractions are numbers of numbers.yaml too.
        ("It lasted half an hour.", [("half an hour", 0.5, "hour")]),
        ("It lasted two-and-a-half hours.", [("two-and-a-half hours", 2.5, "hour")]),
        ("Ties broken a half century ago.", [("a half century", 50, "year")]),
        ("A trillion years passed.", [("A trillion years", 1e12, "year")]),
        # No time at all is no duration: names.
        ("A zero-day flaw and zero-hour contracts.", []),
    ],
)
def test_duration_figures_read_the_number_words_of_numbers_yaml(
    text: str, found: list[tuple[str, float, str]]
) -> None:
    from factcheck.extract.quantities import durations

    assert [(q.text, q.value, q.unit) for q in durations(text)] == [
        (t, pytest.approx(v), u) for t, v, u in found
    ]


# --------------------------------------------------------------------------- what


def test_predicate_lemma_and_object(extractor: Extractor) -> None:
    c = one(extractor, "The four ministers plan to criticize China by name.")
    assert c.what.lemma == "criticize"
    assert c.what.object == "China"


def test_model_that_cannot_load_raises_model_load_error() -> None:
    from factcheck.errors import ModelLoadError
    from factcheck.settings import Settings

    ex = Extractor(settings=Settings(spacy_model="no_such_spacy_model_xyz"))
    with pytest.raises(ModelLoadError) as info:
        ex.extract(make_doc("Some text here for the test."))
    assert info.value.code == "E030"

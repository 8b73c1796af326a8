"""The word tables of data/*.yaml: each preposition, motion word, hedge and denial verb once, with its readers."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import pytest

from factcheck.extract.places import _uses, place_words
from factcheck.extract.stance import _DENIAL_USES, _by_use, cues
from factcheck.models import Quantity


def _table_keys(table: str, file: str = "places.yaml") -> list[str]:
    """The keys of one table of data/FILE as written (duplicates included: YAML keeps the last)."""
    text = resources.files("factcheck").joinpath("data", file).read_text("utf-8")
    body = text.split(f"\n  {table}:\n", 1)[1]
    keys = []
    for line in body.splitlines():
        if not line.startswith("    ") or line.strip().startswith("#"):
            if line.strip() and not line.startswith("    "):
                break
            continue
        keys.append(re.match(r'\s+"?([\w-]+)"?:', line).group(1))  # type: ignore[union-attr]
    return keys


@pytest.mark.parametrize(
    ("table", "file"),
    [
        ("prepositions", "places.yaml"),
        ("motion", "places.yaml"),
        ("hedges", "cues.yaml"),
        ("denials", "cues.yaml"),
    ],
)
def test_each_word_is_listed_once(table: str, file: str) -> None:
    keys = _table_keys(table, file)
    assert len(keys) > 10 and len(keys) == len(set(keys))


def test_readers_sets_are_derived_from_the_one_table() -> None:
    w = place_words()
    # A preposition each reader counts is the same entry, so the sets agree on it.
    assert {"at", "in", "near"} <= w.locative & w.parse_locative & w.mention_locative
    assert "over" in w.parse_locative and "over" not in w.mention_locative
    # Every reader reads lemmas from the parse: no inflected form is listed.
    assert {"travel", "go"} <= w.motion & w.parse_motion and not {"travelled", "went"} & w.motion
    assert {"send", "arrive"} <= w.parse_motion and not {"send", "arrive"} & w.motion


def test_a_use_that_no_reader_knows_is_an_error_naming_the_file() -> None:
    with pytest.raises(ValueError, match=r"data/places.yaml: preposition 'at' needs uses from"):
        _uses("preposition", "at", ["evnet"])
    with pytest.raises(ValueError, match="motion word 'go'"):
        _uses("motion word", "go", None)


def test_hedge_and_denial_sets_come_from_the_one_table() -> None:
    c = cues()
    # "reportedly" is one entry: the parse reads it as an adverb, the text pattern as a word.
    assert "reportedly" in c.parse_hedge_adverbs and c.hedge.search("It reportedly fell.")
    assert "probably" in c.parse_hedge_adverbs and not c.hedge.search("It probably fell.")
    assert c.hedge.search("Rain may fall.") and not c.hedge.search("Rain fell in May.")
    assert "deny" in c.denial_verbs & c.negating_speech & c.negating_verbs
    assert "reject" in c.dismissal_verbs & c.negating_speech and "reject" not in c.denial_verbs
    with pytest.raises(ValueError, match=r"data/cues.yaml: denial verb 'deny' needs uses from"):
        _by_use("denial verb", {"deny": ["denail"]}, _DENIAL_USES)


def test_duration_words_are_one_table_for_figures_and_time_expressions() -> None:
    from factcheck.extract import quantities, timex
    from factcheck.extract.units import units

    table = units().durations
    assert set(quantities._DUR_UNITS) == set(timex.UNITS) == set(table)
    # A fortnight is two weeks to both readers: figures in weeks, ISO durations in W.
    assert quantities._DUR_UNITS["fortnight"] == ("week", 2)
    assert timex.UNITS["fortnight"] == ("W", False) and timex.UNIT_SCALE["fortnight"] == 2
    assert timex.UNITS["minute"] == ("M", True) and timex.UNITS["month"] == ("M", False)


def test_percent_words_are_the_unit_table_s() -> None:
    from factcheck.extract import quantities
    from factcheck.extract.units import normalise_quantity, units

    table = units()
    # The unit words of a percentage are units.yaml's units in a `percents` base, listed once.
    assert quantities._PERCENT_WORDS is table.percent_words
    assert {"%", "percent", "per cent", "pct", "percentage point"} <= set(table.percent_words)
    assert {table.units[w][0] for w in table.percent_words} == {"percent", "percentage point"}
    assert quantities._percent_unit("Percentage Points") == "percentage point"
    assert quantities._percent_unit("%") == quantities._percent_unit("per cent") == "percent"
    # Named anywhere in a figure they make it a percentage; after it they are cut off.
    assert quantities._PERCENT.search("2 percentage points") and not quantities._PERCENT.search(
        "2 percentages"
    )
    assert quantities._PERCENT_END.sub("", "3.5 per cent") == "3.5"
    assert quantities._PERCENT_END.sub("", "7percent") == "7"
    assert normalise_quantity(
        Quantity(
            text="0.5 percentage points",
            start=0,
            end=1,
            value=0.5,
            unit="percentage point",
            bound="exact",
            kind="percent",
        )
    ) == ("percentage point", 0.5)


def test_month_and_weekday_names_are_one_table_for_time_expressions_and_datelines() -> None:
    from factcheck.extract import timex
    from factcheck.extract.lexicon import calendar_names
    from factcheck.ingest import dates

    names = calendar_names()
    assert timex.MONTHS is names.months is dates._MONTHS and timex.WEEKDAYS is names.weekdays
    # times.yaml's abbreviations join the calendar's: "Sept." a month, "Thurs." a weekday.
    assert names.months["sept"] == names.months["sep"] == 9 and names.months["may"] == 5
    assert names.weekday_abbreviations["thurs"] == names.weekday_abbreviations["thu"] == 3
    assert "thurs" not in timex.WEEKDAYS
    assert dates.parse_date("Thurs., Sept. 16, 2021") == dt.date(2021, 9, 16)
    assert dates.find_dateline(["Issued: Tues 5 May 2015"]) == (dt.date(2015, 5, 5), 0)
    assert dates.is_date_line("Last modified on 16 Sept 2021")
    assert not dates.is_date_line("Last seen on 16 Sept 2021")


def test_bounds_signals_and_duration_words_of_time_expressions_are_the_data_files() -> None:
    from factcheck.extract import quantities, timex

    # A duration's bound is any of quantities.yaml's bound phrases, one list for both readers.
    assert quantities.bound_phrases_re() in timex._BOUNDED
    found = timex.find_time_expressions("He faces a minimum of 3 years and just over a week.")
    assert [f.text for f in found] == ["a minimum of 3 years", "just over a week"]
    assert timex.normalise_time("close to an hour", dct=None).value == "PT1H"
    # Past and future signals: times.yaml's `shifts` and `signals`.
    assert timex._signal("a year ago") == timex._signal("the prior June") == -1
    assert timex._signal("eight years from now") == timex._signal("the coming June") == 1
    assert timex._signal("June") == 0
    # The words after a duration: "-long" and " plan" keep it one, "ago" counts it back.
    assert timex.normalise_time("a 10-year plan", dct=None).value == "P10Y"
    assert timex.normalise_time("two years ago", dct=dt.date(2015, 6, 15)).value == "2013"


def test_time_words_are_read_from_their_data_file() -> None:
    import yaml

    from factcheck.extract import timex

    raw = yaml.safe_load(resources.files("factcheck").joinpath("data", "times.yaml").read_text())
    source = "\n".join(
        resources.files("factcheck").joinpath(*path).read_text("utf-8")
        for path in [("extract", "timex.py"), ("extract", "lexicon.py"), ("ingest", "dates.py")]
    )
    for key in [*raw["words"], *raw["tables"]]:
        # Every list of the file has its reader; none is dead, none is read under another name.
        assert f'_WORDS["{key}"]' in source or f'("times.yaml")["{key}"]' in source, key
        # Every entry is a word as written (a YAML 1.1 'on'/'off' would have become a boolean).
        entries = raw["words"].get(key) or raw["tables"][key]
        assert all(isinstance(w, str) for w in entries), key
    assert timex.PARTS_OF_DAY["morning"] == "TMO" and timex.SEASONS["fall"] == "FA"
    assert "and" in raw["words"]["vague_before"] and "or" in raw["words"]["vague_before"]
    # The lists drive detection and normalisation: "it took days" is vague, "a later day" no
    # description of one day, "the final quarter" Q4.
    assert [f.text for f in timex.find_time_expressions("It took days.")] == ["days"]
    assert timex._not_a_description("later") and not timex._not_a_description("unusually")
    q = timex.normalise_time("the final quarter of 2014", dct=None)
    assert q is not None and q.value == "2014-Q4"


@pytest.mark.parametrize(
    ("file", "reader"),
    [
        ("clauses.yaml", "extract/claims.py extract/syntax.py"),
        ("numbers.yaml", "extract/numbers.py"),
        ("quantities.yaml", "extract/quantities.py"),
    ],
)
def test_each_word_list_of_a_data_file_has_its_reader(file: str, reader: str) -> None:
    import yaml

    raw = yaml.safe_load(resources.files("factcheck").joinpath("data", file).read_text("utf-8"))
    source = "\n".join(
        resources.files("factcheck").joinpath(*path.split("/")).read_text("utf-8")
        for path in reader.split()
    )
    keys = [*raw.get("words", {}), *raw.get("tables", {})]
    assert keys
    for key in keys:
        assert f'_WORDS["{key}"]' in source, (file, key)


def test_word_lists_read_from_the_data_files_drive_extraction() -> None:
    from factcheck.extract import claims, numbers, quantities
    from factcheck.extract.aliases import load_tables

    # Quoted in the file so YAML keeps them words: "no" (a reference word), "n't" (a negator).
    assert "no" in quantities._REFERENCE_WORDS and "n't" in claims._NEGATORS
    assert {"say", "deny", "tweet"} <= claims.SPEECH_VERBS
    assert claims.POSITIVE_NO_IDIOMS["spare"] == {"effort", "expense", "cost"}
    assert numbers.parse_number("2.7 billion") == 2.7e9 and numbers.parse_number("$5m") is None
    assert numbers.parse_number("5m") == 5e6 and numbers.parse_number_words("five m") is None
    assert numbers.parse_number("5mn") == 5e6  # one scale table with extract.units ("mn")
    assert numbers.parse_ordinal("twenty-first") == 21
    # Bounds keep the file's order: "around about" after "around", the first match wins.
    assert quantities._bound("nearly") == "approx" and quantities._bound("no fewer than") == (
        "at_least"
    )
    tables = load_tables()
    assert {"strait", "sea"} <= tables.place_heads and "summit" in tables.event_heads
    assert "counterpart" in tables.group_nouns


def test_the_word_lists_of_matching_display_and_furniture_are_read_from_data_files() -> None:
    from factcheck.extract import claims, show
    from factcheck.ingest.furniture import describes, load_rules
    from factcheck.match import pair_score
    from factcheck.models import Quantity

    assert {"be", "say"} <= pair_score._LIGHT_VERBS  # data/predicates.yaml general_predicates
    assert {"von", "bin"} <= load_rules().name_glue <= load_rules().credit_words
    assert not describes("Jane Doe via Reuters") and describes("the minister arrives in Tokyo")
    assert claims._CAPTION.search("Ministers met. (Photo: Reuters)")
    assert not claims._CAPTION.search("a photo of the file was shown")  # case-sensitive
    # Duration words of units.yaml are counted in the plural, with its irregular forms.
    two = Quantity(text="2", value=2, unit="century", kind="duration")
    assert show._quantity(two) == "2 centuries"
    assert show._quantity(two.model_copy(update={"unit": "fortnight"})) == "2 fortnights"


def test_label_words_are_one_table_for_extraction_and_comparison() -> None:
    import yaml

    from factcheck.extract import quantities
    from factcheck.extract.units import units

    raw = yaml.safe_load(
        resources.files("factcheck").joinpath("data", "quantities.yaml").read_text("utf-8")
    )
    uses = raw["tables"]["label_words"]
    assert set(uses.values()) == {"name", "compare", "both"}
    assert "label_before" not in (
        resources.files("factcheck").joinpath("data", "units.yaml").read_text("utf-8")
    )
    # Extraction reads the capitalised labels, comparison the labels in any case.
    assert {"psalm", "article", "no"} <= quantities._REFERENCE_WORDS
    assert "type" not in quantities._REFERENCE_WORDS
    before = units().label_before
    assert before.search("under Article ") and before.search("blood type ")
    assert before.search("No.") and not before.search("No ") and not before.search("Psalm ")


def test_timex_subset_lists_are_subsets_of_their_tables_and_keep_their_order() -> None:
    from factcheck.extract import timex
    from factcheck.extract.lexicon import in_order, read_lexicon

    words = read_lexicon("times.yaml")
    for subset in ("plural_relative", "season_relative", "span_relative", "named_relative"):
        assert set(words[subset]) <= words["relative"] | set(words["shifts"]), subset
    assert set(words["refs_alone"]) <= set(words["refs"])
    assert set(words["early_late"]) <= set(words["period_parts"])
    assert set(words["narrative_relative"]) == set(words["narrative_rel"]) | {"next"}
    assert in_order(["at present", "a.m."]) == r"(?:at\ present|a\.m\.)"
    # The words of the pattern are the list's, in its order: "in recent years" before "recent years".
    assert timex._REFS_ALONE.index("in\\ recent\\ years") < timex._REFS_ALONE.index(
        "recent\\ years"
    )
    assert re.fullmatch(timex._PERIOD_OF, "beginning") and not re.fullmatch(timex._PERIOD_OF, "mid")
    found = [
        e.text for e in timex.find_time_expressions("By the end of this year, now, for years.")
    ]
    assert found == ["the end of this year", "now", "years"]


def test_relative_words_from_the_data_file_still_resolve() -> None:
    from factcheck.extract.timex import normalise_time

    dct = dt.date(2015, 6, 15)
    assert (
        normalise_time("the day before", dct=dct).value
        == normalise_time("the previous day", dct=dct).value
    )
    assert normalise_time("last summer", dct=dct).value == "2014-SU"
    assert normalise_time("next summer", dct=dct).value == "2016-SU"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("the 2nd half of 2014", "2014-H2"),
        ("the first half of next year", "2016-H1"),
        ("twice a week", "P1W"),
        ("earlier this week", "2015-W25"),
    ],
)
def test_halves_counts_and_near_words_come_from_the_data_file(text: str, value: str) -> None:
    from factcheck.extract.timex import find_time_expressions, normalise_time

    assert normalise_time(text, dct=dt.date(2015, 6, 15)).value == value
    assert [e.text for e in find_time_expressions(f"It rose {text} here.")] == [text]


def test_age_modal_fiscal_run_and_term_words_come_from_the_data_file() -> None:
    from factcheck.extract import timex

    words = timex._WORDS
    assert set(words["term_refs"]) <= set(words["refs"])
    assert {"the", "the current"} <= set(words["fiscal_determiners"])

    def found(text: str) -> list[str]:
        return [e.text for e in timex.find_time_expressions(text)]

    # An age is no stretch of time; "May" before "be" is the modal; "a Sunday" alone is no set.
    assert found("Children 6 months and older were seen.") == []
    assert found("May be late.") == []
    # A recurrence, a year-back period, a run of sessions and the long run are found whole.
    assert found("It meets once a season.") == ["once a season"]
    assert found("Sales fell from the same quarter a year earlier.") == [
        "the same quarter a year earlier"
    ]
    assert found("Shares fell for a third straight trading session.") == [
        "a third straight trading session"
    ]
    assert found("It pays off over the long term.") == ["over the long term"]
    # A run of sessions reports on the day; the current fiscal year is the publication's.
    assert timex._current_unit("a third straight session", "", "") == "day"
    dct = dt.date(2015, 6, 15)
    assert timex.normalise_time("the current fiscal year", dct=dct).value == "FY2015"


def test_history_run_and_anaphoric_determiners_come_from_the_data_file() -> None:
    from factcheck.extract import timex

    words = timex._WORDS
    assert "our" in words["history_determiners"] and "our" not in words["run_determiners"]

    def found(text: str) -> list[str]:
        return [e.text for e in timex.find_time_expressions(text)]

    assert found("It was our recent history.") == ["our recent history"]
    assert found("Their fifth consecutive week ended.") == ["Their fifth consecutive week"]
    assert found("He left that entire week.") == ["that entire week"]
    assert timex.normalise_time("the past few weeks", dct=dt.date(2015, 6, 15)).value == "PXW"


def test_ordinal_suffixes_are_one_list_for_figures_dates_and_times() -> None:
    from factcheck.extract import numbers, quantities, timex
    from factcheck.ingest import dates

    assert numbers.ORDINAL_SUFFIX == "(?:st|nd|rd|th)"
    assert timex.ORDINAL_SUFFIX is dates.ORDINAL_SUFFIX is quantities.ORDINAL_SUFFIX
    assert numbers.parse_ordinal("21st") == 21 and numbers.parse_ordinal("21xx") is None
    assert dates.parse_date("March 3rd, 2015") == dt.date(2015, 3, 3)
    assert [e.text for e in timex.find_time_expressions("By the 21st century, in 1999.")] == [
        "the 21st century",
        "1999",
    ]
    # "from ... to|until|till": one list for detection and the range's parts.
    span = timex.normalise_time("from 2009 until 2011", dct=None)
    assert (span.begin, span.finish) == (dt.date(2009, 1, 1), dt.date(2011, 12, 31))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # times.yaml's found_after: each kind of expression is found after its own prepositions.
        ("It happened since that time.", ["that time"]),
        ("It happened during that time.", []),
        ("Prices rose during the night.", ["the night"]),
        ("Prices rose at the night.", []),
        ("It has grown since '98.", ["'98"]),
        ("It has grown during '98.", []),
        ("Waiting for years.", ["years"]),
        ("Waiting over years.", []),
        # the_day_followers, plural_unit_followers, near_this_units, count_links.
        ("On the day of the vote, he left.", []),
        ("On the day, he left.", ["the day"]),
        ("It was years in the making.", ["years"]),
        ("Later this month we go.", ["Later this month"]),
        ("Later this day we go.", []),
        ("It takes between 60 and 90 days.", ["60", "90 days"]),
    ],
)
def test_the_prepositions_of_each_kind_of_expression_come_from_the_data_file(
    text: str, found: list[str]
) -> None:
    from factcheck.extract import timex

    assert [e.text for e in timex.find_time_expressions(text)] == found


def test_season_prepositions_and_unit_before_resolve_from_the_data_file() -> None:
    from factcheck.extract.timex import normalise_time

    dct = dt.date(2015, 6, 15)
    assert normalise_time("in the summer of 2014", dct=dct).value == "2014-SU"
    assert normalise_time("during the summer", dct=dct).value == "2015-SU"
    assert normalise_time("the week before", dct=dct).value == "2015-W24"

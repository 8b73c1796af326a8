"""Undated documents: relative dates anchored on the dates dated sources give the same facts."""

from __future__ import annotations

import datetime as dt

from factcheck.extract.timex import normalise_time
from factcheck.match.undated import anchor_undated
from factcheck.models import Claim, ClaimGroup, Document
from factcheck.rules.slots import compare_when, slot_value
from tests.conftest import make_claim, make_document

# Tuesday 16 March 2021.
TUESDAY = dt.date(2021, 3, 16)


def _doc(doc_id: str, published: dt.date | None) -> Document:
    return make_document(doc_id, "Text written for the test.").model_copy(
        update={"published": published, "published_from": "dateline" if published else None}
    )


def _claim(doc_id: str, time: str, dct: dt.date | None, index: int = 0) -> Claim:
    return make_claim(doc_id, index=index, when=[normalise_time(time, dct=dct, tense="past")])


def _group(*claims: Claim) -> ClaimGroup:
    return ClaimGroup(id="g", claims=sorted(c.id for c in claims))


def test_weekday_of_an_undated_document_takes_the_date_of_a_dated_source() -> None:
    undated = _claim("blog", "Tuesday", None)
    dated = _claim("wire", "Tuesday", TUESDAY + dt.timedelta(days=1))
    docs = [_doc("blog", None), _doc("wire", TUESDAY + dt.timedelta(days=1))]
    out = {c.id: c for c in anchor_undated([undated, dated], [_group(undated, dated)], docs)}
    (t,) = out["blog:0"].when
    assert (t.value, t.begin, t.resolved) == ("2021-03-16", TUESDAY, True)
    assert (t.anchor, t.inferred_from) == ("inferred", "wire:0")
    assert t.relative == "tuesday"  # the written form is kept
    assert out["wire:0"] is dated  # dated claims are untouched
    assert docs[0].published is None  # never passed off as a dateline


def test_the_inferred_anchor_is_shown_and_can_conflict_with_a_third_source() -> None:
    undated = _claim("blog", "Tuesday", None)
    docs = [
        _doc("blog", None),
        _doc("wire", dt.date(2021, 3, 17)),
        _doc("paper", dt.date(2021, 3, 18)),
        _doc("radio", dt.date(2021, 3, 18)),
    ]
    wire = _claim("wire", "Tuesday", dt.date(2021, 3, 17))
    paper = _claim("paper", "March 16", dt.date(2021, 3, 18))
    radio = _claim("radio", "March 9", dt.date(2021, 3, 18))  # a Tuesday too, but one source
    claims = anchor_undated(
        [undated, wire, paper, radio], [_group(undated, wire, paper, radio)], docs
    )
    blog = claims[0]
    assert slot_value(blog, "when") == "2021-03-16 (inferred from paper:0)"
    assert compare_when(blog, radio).verdict == "conflict"
    assert compare_when(blog, wire).verdict == "agree"


def test_sources_that_disagree_leave_the_date_open() -> None:
    undated = _claim("blog", "Tuesday", None)
    a = _claim("wire", "March 16", dt.date(2021, 3, 20))
    b = _claim("paper", "March 9", dt.date(2021, 3, 20))
    docs = [
        _doc("blog", None),
        _doc("wire", dt.date(2021, 3, 20)),
        _doc("paper", dt.date(2021, 3, 20)),
    ]
    (out, *_) = anchor_undated([undated, a, b], [_group(undated, a, b)], docs)
    assert out is undated and not out.when[0].resolved


def test_a_date_that_does_not_fit_is_no_anchor() -> None:
    undated = _claim("blog", "Thursday", None)
    dated = _claim("wire", "Tuesday", TUESDAY)
    docs = [_doc("blog", None), _doc("wire", TUESDAY)]
    (out, _) = anchor_undated([undated, dated], [_group(undated, dated)], docs)
    assert out.when[0].anchor == "none"


def test_ungrouped_claims_and_other_documents_stay_as_they_are() -> None:
    grouped = _claim("blog", "Tuesday", None)
    alone = _claim("blog", "Tuesday", None, index=1)
    other_month = _claim("blog", "June", None, index=2)
    dated = _claim("wire", "Tuesday", TUESDAY)
    docs = [_doc("blog", None), _doc("wire", TUESDAY)]
    out = anchor_undated([grouped, alone, other_month, dated], [_group(grouped, dated)], docs)
    # The document's Tuesday is one day: its other mentions of Tuesday take it too.
    assert [c.when[0].value for c in out[:2]] == ["2021-03-16", "2021-03-16"]
    assert out[2] is other_month


def test_month_and_month_day_are_anchored_on_the_year_the_sources_give() -> None:
    month = _claim("blog", "June", None)
    day = _claim("blog", "June 4", None, index=1)
    dated = make_claim(
        "wire",
        when=[normalise_time("June 4, 2019", dct=None), normalise_time("in June 2019", dct=None)],
    )
    docs = [_doc("blog", None), _doc("wire", dt.date(2019, 6, 5))]
    out = anchor_undated([month, day, dated], [_group(month, day, dated)], docs)
    assert [c.when[0].value for c in out[:2]] == ["2019-06", "2019-06-04"]


def test_real_extraction_of_an_undated_and_a_dated_report(extractor) -> None:  # type: ignore[no-untyped-def]
    undated = make_document(
        "undated", "The harbour authority closed the northern pier on Tuesday after a storm."
    )
    dated = make_document(
        "dated",
        "The harbour authority shut the northern pier on Tuesday because of a storm.",
    ).model_copy(update={"published": dt.date(2021, 3, 18), "published_from": "dateline"})
    (a,), (b,) = (extractor.extract(d) for d in (undated, dated))
    assert not a.when[0].resolved and b.when[0].value == "2021-03-16"
    (out, _) = anchor_undated([a, b], [_group(a, b)], [undated, dated])
    assert (out.when[0].value, out.when[0].anchor) == ("2021-03-16", "inferred")


def test_yesterday_and_today_count_from_a_reference_date_the_sources_give() -> None:
    # "yesterday" grouped with a dated "March 16" says the blog was written on 17 March.
    yesterday = _claim("blog", "yesterday", None)
    today = _claim("blog", "today", None, index=1)
    dated = make_claim("wire", when=[normalise_time("March 16, 2021", dct=None)])
    docs = [_doc("blog", None), _doc("wire", dt.date(2021, 3, 18))]
    out = anchor_undated([yesterday, today, dated], [_group(yesterday, dated)], docs)
    assert [(c.when[0].value, c.when[0].anchor) for c in out[:2]] == [
        ("2021-03-16", "inferred"),
        ("2021-03-17", "inferred"),
    ]
    assert out[0].when[0].inferred_from == "wire:0"
    assert out[0].when[0].relative == "yesterday"
    assert slot_value(out[1], "when") == "2021-03-17 (inferred from wire:0)"
    assert docs[0].published is None  # never passed off as a dateline


def test_last_week_takes_the_date_of_a_source_that_says_last_week_too() -> None:
    undated = _claim("blog", "last week", None)
    dated = _claim("wire", "last week", dt.date(2021, 3, 18))
    docs = [_doc("blog", None), _doc("wire", dt.date(2021, 3, 18))]
    (out, _) = anchor_undated([undated, dated], [_group(undated, dated)], docs)
    (t,) = out.when
    assert (t.value, t.anchor, t.inferred_from) == ("2021-W10", "inferred", "wire:0")


def test_reference_dates_in_conflict_leave_yesterday_open() -> None:
    first = _claim("blog", "yesterday", None)
    second = _claim("blog", "yesterday", None, index=1)
    a = make_claim("wire", when=[normalise_time("March 16, 2021", dct=None)])
    b = make_claim("paper", when=[normalise_time("March 9, 2021", dct=None)])
    docs = [_doc("blog", None), _doc("wire", TUESDAY), _doc("paper", TUESDAY)]
    out = anchor_undated([first, second, a, b], [_group(first, a), _group(second, b)], docs)
    assert out[:2] == [first, second]


def test_an_expression_that_needs_its_tense_stays_open_on_a_reference_date() -> None:
    # The reference date is Wednesday 17 March; "Thursday" could be the 11th or the 18th.
    yesterday = _claim("blog", "yesterday", None)
    thursday = _claim("blog", "Thursday", None, index=1)
    dated = make_claim("wire", when=[normalise_time("March 16, 2021", dct=None)])
    docs = [_doc("blog", None), _doc("wire", TUESDAY)]
    out = anchor_undated([yesterday, thursday, dated], [_group(yesterday, dated)], docs)
    assert out[0].when[0].value == "2021-03-16"
    assert out[1] is thursday and not out[1].when[0].resolved


def test_real_extraction_of_an_undated_yesterday(extractor) -> None:  # type: ignore[no-untyped-def]
    undated = make_document(
        "undated", "The harbour authority closed the northern pier yesterday after a storm."
    )
    dated = make_document(
        "dated",
        "The harbour authority shut the northern pier on Tuesday because of a storm.",
    ).model_copy(update={"published": dt.date(2021, 3, 18), "published_from": "dateline"})
    (a,), (b,) = (extractor.extract(d) for d in (undated, dated))
    assert not a.when[0].resolved and b.when[0].value == "2021-03-16"
    (out, _) = anchor_undated([a, b], [_group(a, b)], [undated, dated])
    # The blog's yesterday is the wire's Tuesday: the blog was written on Wednesday the 17th.
    assert (out.when[0].value, out.when[0].anchor) == ("2021-03-16", "inferred")

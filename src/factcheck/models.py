"""Pydantic models: the single source of truth for every data shape factcheck reads or writes."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

REPORT_VERSION = "1"
REVIEWS_VERSION = "1"

Kind = Literal["agreement", "discrepancy", "unsupported"]
Severity = Literal["info", "warning", "error"]
Polarity = Literal["positive", "negative"]
Modality = Literal["asserted", "reported", "hedged", "planned"]
DenialKind = Literal["verb", "label"]
MeetingMode = Literal["virtual", "in person"]
Tenure = Literal["current", "former", "outgoing", "incoming", "acting"]
Granularity = Literal[
    "day", "week", "month", "quarter", "half", "season", "year", "decade", "century", "unknown"
]
Bound = Literal["exact", "approx", "more_than", "less_than", "at_least", "at_most"]
QuantityKind = Literal["cardinal", "ordinal", "duration", "money", "percent", "measure"]
EntityKind = Literal["person", "org", "gpe", "loc", "norp", "facility", "event", "other"]
# The kinds, in order: an entity id is "<kind>:<name>" ("gpe:JP", "person:antony-blinken").
ENTITY_KINDS: tuple[EntityKind, ...] = get_args(EntityKind)
SlotName = Literal[
    "who", "role", "what", "when", "where", "quantity", "polarity", "modality", "attribution"
]
SlotVerdict = Literal["agree", "conflict", "update", "compatible", "unknown"]
Verdict = Literal["confirmed", "dismissed"]
DocFormat = Literal["txt", "md", "html", "json"]

SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
KIND_ORDER: dict[str, int] = {"agreement": 0, "unsupported": 1, "discrepancy": 2}


class Model(BaseModel):
    """Base for all models: unknown fields are errors, instances are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# --------------------------------------------------------------------------- documents


class Span(Model):
    """A character range in the original (decoded) file, with 1-based line and column of its start."""

    document: str = Field(description="Document id (file name without extension).")
    start: int = Field(
        ge=0, description="Offset of the first character in the original file's text."
    )
    end: int = Field(ge=0, description="Offset one past the last character.")
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1)


class DroppedLine(Model):
    """A line of the original file left out of the article text, and why."""

    line: int = Field(ge=1)
    text: str
    reason: str


class DocumentMeta(Model):
    """Optional metadata from front matter, a sidecar NAME.meta.json or a JSON document."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1)
    source: str | None = Field(default=None, min_length=1)
    url: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
    published: dt.date | None = None
    author: str | None = Field(default=None, min_length=1)
    language: str | None = Field(default=None, min_length=1)


class DocumentRecord(Model):
    """What the report says about one input document (no body text)."""

    id: str
    path: str
    format: DocFormat
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: dt.date | None = None
    published_from: Literal["metadata", "dateline"] | None = None
    content_hash: str = Field(description="sha256 of the raw bytes of the file.")
    encoding: str
    characters: int = Field(ge=0, description="Length of the normalised article text.")
    dropped: list[DroppedLine] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Document(DocumentRecord):
    """An ingested document: normalised article text plus a map back to the original file.

    `text` is the normalised article text (page furniture removed); `original` is the decoded
    file as it stands. `locate()` turns offsets in `text` into a `Span` over `original`.
    """

    text: str
    original: str
    # Breakpoints (text_offset, original_offset): from each breakpoint on, offsets advance 1:1
    # until the next one. Built by ingest; enough to map any text offset back to the file.
    offset_map: list[tuple[int, int]] = Field(default_factory=lambda: [(0, 0)])
    # End breakpoints (text_end, original_end), same 1:1 convention: where one character of
    # `text` came from several of `original` (an HTML entity, a JSON escape, CRLF), a span
    # ending on it must end after all of them. Empty: ends are starts + 1.
    end_map: list[tuple[int, int]] = Field(default_factory=list)
    _line_starts: list[int] | None = PrivateAttr(default=None)
    _keys: tuple[object, object, list[int], list[int]] | None = PrivateAttr(default=None)

    def record(self) -> DocumentRecord:
        return DocumentRecord.model_validate(
            self.model_dump(exclude={"text", "original", "offset_map", "end_map"})
        )

    def _breakpoint_keys(self) -> tuple[list[int], list[int]]:
        # Cached because extraction calls locate() once per sentence. The cache holds the map
        # objects it was built from, so an assignment to offset_map/end_map invalidates it.
        keys = self._keys
        if keys is None or keys[0] is not self.offset_map or keys[1] is not self.end_map:
            keys = (
                self.offset_map,
                self.end_map,
                [k for k, _ in self.offset_map],
                [k for k, _ in self.end_map],
            )
            self._keys = keys
        return keys[2], keys[3]

    @staticmethod
    def _lookup(points: list[tuple[int, int]], keys: list[int], offset: int) -> int:
        i = bisect.bisect_right(keys, offset) - 1
        base_text, base_orig = points[max(i, 0)]
        return base_orig + (offset - base_text)

    def original_offset(self, text_offset: int) -> int:
        """Offset in `original` of the character at `text_offset` in `text`."""
        keys, _ = self._breakpoint_keys()
        return min(self._lookup(self.offset_map, keys, text_offset), len(self.original))

    def original_end(self, text_end: int) -> int:
        """Offset in `original` one past the character at `text_end - 1` in `text`."""
        _, end_keys = self._breakpoint_keys()
        if not self.end_map or text_end < 1:
            return min(
                self.original_offset(max(text_end - 1, 0)) + (1 if text_end > 0 else 0),
                len(self.original),
            )
        return min(self._lookup(self.end_map, end_keys, text_end), len(self.original))

    def line_col(self, original_offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in `original` (LF, CRLF and lone CR end a line)."""
        if self._line_starts is None:
            starts = [0]
            text = self.original
            for i, ch in enumerate(text):
                if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
                    starts.append(i + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, original_offset) - 1
        return line + 1, original_offset - self._line_starts[line] + 1

    def locate(self, start: int, end: int) -> Span:
        """Span over the original file for `text[start:end]`."""
        o_start = self.original_offset(start)
        o_end = max(self.original_end(end), o_start) if end > start else o_start
        line, col = self.line_col(o_start)
        end_line, end_col = self.line_col(max(o_end - 1, o_start))
        return Span(
            document=self.id,
            start=o_start,
            end=o_end,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col + (1 if o_end > o_start else 0),
        )


# --------------------------------------------------------------------------- claims


class Role(Model):
    """A title held by a person, with the organisation or country it belongs to."""

    title: str = Field(description="Normalised title, lower case: 'foreign minister'.")
    org: str | None = Field(
        default=None, description="Canonical entity id of the organisation or country."
    )
    org_inferred: bool = Field(
        default=False,
        description="True when the sentence names no organisation and `org` is the country "
        "the rest of the document is about ('Defense Minister X' in a story about Japan).",
    )
    tenure: Tenure = Field(
        default="current",
        description="How the text qualifies the title, from the word written before it "
        "(data/titles.json 'tenure'): 'former' ('former', 'then-', 'late'), 'outgoing', "
        "'incoming' ('incoming', 'designate', 'new'), 'acting' ('acting', 'interim'), else "
        "'current'.",
    )
    stated: bool = Field(
        default=True,
        description="True when the mention's own sentence writes the title; False when the "
        "role is the one the document gives the person elsewhere ('Motegi said' after "
        "'Foreign Minister Toshimitsu Motegi') or comes through a pronoun.",
    )


class Entity(Model):
    """A mention of an actor or place, linked to a canonical id shared across documents."""

    id: str = Field(description="Canonical id, e.g. 'person:antony-blinken' or 'gpe:US'.")
    name: str = Field(description="Canonical display name.")
    kind: EntityKind
    mention: str = Field(description="The text as it appears in the document.")
    start: int | None = Field(
        default=None, description="Offset of the mention in the document text."
    )
    end: int | None = None
    role: Role | None = None


class TimeExpression(Model):
    """A time expression normalised to an ISO value and an interval, or marked unresolved."""

    text: str
    start: int | None = None
    end: int | None = None
    value: str | None = Field(
        default=None,
        description="TIMEX3-style ISO value: 2021-03-16, 2021-03, 2021-W11, 2019, P60Y.",
    )
    begin: dt.date | None = Field(default=None, description="First day of the interval it denotes.")
    finish: dt.date | None = Field(default=None, description="Last day of the interval it denotes.")
    granularity: Granularity = "unknown"
    resolved: bool = False
    relative: str | None = Field(
        default=None, description="Relative form kept when nothing anchors it, e.g. 'next Tuesday'."
    )
    anchor: Literal["absolute", "publication", "inferred", "none"] = Field(
        default="none",
        description="What the value rests on: the text alone (absolute), the publication date, "
        "a date inferred from dated sources that state the same facts (an undated document's "
        "'on Tuesday'), or nothing (unresolved).",
    )
    inferred_from: str | None = Field(
        default=None,
        description="For an inferred anchor: the claim, in a dated document, whose date it takes.",
    )


class Quantity(Model):
    """A number with its unit and bound: 'over six decades' = more than 60 years."""

    text: str
    start: int | None = None
    end: int | None = None
    value: float
    unit: str | None = Field(
        default=None,
        description="Normalised unit: 'year', 'USD', 'percent', 'people'; None for a bare count.",
    )
    bound: Bound = "exact"
    kind: QuantityKind = "cardinal"
    dimension: str | None = Field(
        default=None,
        description="Base unit the figure is compared in ('year', 'km', 'USD', 'people'; '' for a "
        "bare count), set by extraction; None when not set.",
    )
    base_value: float | None = Field(
        default=None, description="The value in that base unit ('six decades' -> 60.0)."
    )
    measures: Literal["age"] | None = Field(
        default=None,
        description="What the figure measures where the text says ('age': 'a 40-year-old'); "
        "None for the event itself. Figures are compared only with figures of the same.",
    )
    comparable: bool = Field(
        default=True,
        description="False for a number that is part of a name or label ('2-plus-2', "
        "'COVID-19', 'Article 5'), which is no amount to compare.",
    )


class Predicate(Model):
    """The `what` of a claim: predicate lemma and object."""

    lemma: str = Field(
        description="Lemma of the main verb, or of the head noun for verbless claims."
    )
    object: str | None = Field(default=None, description="Lemmatised object phrase.")
    text: str = Field(default="", description="The predicate as written.")
    negated: bool = False


class Attribution(Model):
    """Who a claim is attributed to (quotes and reported speech)."""

    speaker: Entity | None = None
    text: str = Field(description="The attributing words, e.g. 'said Secretary Blinken'.")
    quote: bool = Field(default=False, description="True when the claim is inside quotation marks.")


class MeetingSetting(Model):
    """How a claim says a meeting took place: a mode and/or the places it was held in."""

    mode: MeetingMode | None = None
    places: list[str] = Field(
        default_factory=list,
        description="Ids of the claim's `where` places the meeting was held in, the most specific "
        "level only (cities over countries over regions), sorted by name.",
    )


class Claim(Model):
    """One checkable assertion, normally a clause, with its slots and its provenance."""

    id: str = Field(description="Stable id: '<document>:<index>'.")
    document: str
    text: str = Field(description="The claim's clause as written.")
    sentence: str = Field(description="The whole sentence the claim comes from, as written.")
    span: Span = Field(description="Where the sentence stands in the original file.")
    kind: Literal["statement", "headline", "quote", "caption"] = "statement"
    who: list[Entity] = Field(default_factory=list)
    what: Predicate
    when: list[TimeExpression] = Field(default_factory=list)
    where: list[Entity] = Field(default_factory=list)
    event_places: list[str] = Field(
        default_factory=list,
        description="Ids of the `where` places that locate the claim's event ('met in Tokyo'); "
        "the other places are topics ('the status quo in X') or items of a list.",
    )
    event_place: str | None = Field(
        default=None,
        description="Id of the one most specific event place (None: none, or several).",
    )
    setting: MeetingSetting | None = Field(
        default=None, description="The setting of a meeting the claim describes, if any."
    )
    quantities: list[Quantity] = Field(default_factory=list)
    polarity: Polarity = Field(
        default="positive",
        description="Final polarity: the parse's negation, a headline negation, or a denial.",
    )
    modality: Modality = Field(
        default="asserted",
        description="Final modality: the parse's, with hedge cues and headline attribution.",
    )
    denial: DenialKind | None = Field(
        default=None,
        description="Why the claim is negative by denying something rather than by a negation "
        "of its own predicate: 'verb' ('denies the report') or 'label' ('is a hoax').",
    )
    attribution: Attribution | None = None

    @property
    def word_count(self) -> int:
        """Words in `text`, split at white space: what a rule that skips short claims counts."""
        return len(self.text.split())


class ClaimSet(Model):
    """What `factcheck extract --format json` prints: claims per document."""

    version: str = REPORT_VERSION
    documents: list[DocumentRecord]
    claims: list[Claim]


# --------------------------------------------------------------------------- matching


Relation = Literal["agree", "conflict", "discuss", "different", "unrelated"]


class ClaimPair(Model):
    """Two claims from different documents, as the matcher (and the verifier, when on) judged them."""

    a: str
    b: str
    similarity: float
    relation: Relation | None = Field(
        default=None,
        description="The verifier's most probable relation: agree, conflict, discuss (same fact, "
        "no stance), different (related, another fact or event) or unrelated.",
    )
    probabilities: dict[Relation, float] | None = Field(
        default=None, description="The verifier's calibrated probability of each relation."
    )


class ClaimGroup(Model):
    """Claims from several documents that state the same fact."""

    id: str
    claims: list[str] = Field(description="Claim ids, sorted.")
    pairs: list[ClaimPair] = Field(default_factory=list)


class ClaimEvent(Model):
    """Claims of several documents that concern one real-world event: fact groups and lone
    claims that the event model links (see `factcheck.match.events`)."""

    id: str
    claims: list[str] = Field(description="Claim ids, sorted.")
    documents: list[str] = Field(description="Documents whose claims concern the event, sorted.")


class SourceCluster(Model):
    """Documents judged to be copies of one article (syndication); they count as one source."""

    id: str
    documents: list[str]
    similarity: float


# --------------------------------------------------------------------------- findings


class Evidence(Model):
    """One claim involved in a finding, located in its document."""

    document: str
    claim: str = Field(description="Claim id.")
    start: int
    end: int
    line: int
    column: int
    text: str = Field(description="The claim's sentence as it stands in the document.")


class SlotComparison(Model):
    """The verdict on one slot across the claims of a finding."""

    slot: SlotName
    verdict: SlotVerdict
    values: dict[str, str] = Field(default_factory=dict, description="Value per claim id, as text.")
    note: str | None = None


class FindingIdentity(Model):
    """What a finding is about, the input of its fingerprint: never documents or positions."""

    slot: SlotName | None = Field(
        default=None, description="The slot in dispute (none for agreements and lone claims)."
    )
    subject: str = Field(
        description="What the slot is about: a role and its organisation, an event, a claim text."
    )
    values: list[str] = Field(
        default_factory=list, description="The distinct values in conflict, normalised, sorted."
    )
    value_of: dict[str, str] = Field(
        default_factory=dict, description="Each evidence claim's value (claim id -> value)."
    )
    subjects: list[str] = Field(
        default_factory=list,
        description="Every subject the evidence claims give, normalised, sorted: each claim's "
        "text for an agreement or lone claim, each claim's predicate for a disputed slot. "
        "`subject` is the one picked; a review made when another was picked still applies.",
    )


class FindingEvent(Model):
    """The event a finding concerns, as its claims and their documents place it."""

    when: list[str] = Field(
        default_factory=list, description="Distinct dates the claims state (ISO day or interval)."
    )
    where: list[str] = Field(
        default_factory=list, description="Names of the places that locate the claims' events."
    )
    who: list[str] = Field(
        default_factory=list, description="Names of the people and organisations the claims name."
    )
    published: dict[str, str] = Field(
        default_factory=dict, description="Publication date of each evidence document, if known."
    )
    id: str | None = Field(
        default=None,
        description="The event cluster the claims belong to (fact groups and lone claims that "
        "the event model links across documents); None when no other document reports it.",
    )
    reported_by: list[str] = Field(
        default_factory=list,
        description="Documents whose claims concern that event, whether or not they state this fact.",
    )


class Finding(Model):
    """One agreement, discrepancy or unsupported claim, with its evidence."""

    kind: Kind
    rule: str = Field(description="Rule code, e.g. 'DC003'.")
    name: str = Field(description="Rule's dotted name, e.g. 'discrepancy.person-in-role'.")
    severity: Severity
    message: str
    fingerprint: str = Field(
        description="Stable id: hash of rule code, slot, subject and the set of values "
        "(see identity); never documents or positions."
    )
    legacy_fingerprint: str | None = Field(
        default=None,
        description="Scheme-1 fingerprint (rule, claim texts, documents): reviews recorded "
        "under it migrate to `fingerprint`.",
    )
    identity: FindingIdentity | None = None
    event: FindingEvent | None = Field(
        default=None, description="Time, place and participants of the event the claims concern."
    )
    group: str | None = None
    documents: list[str] = Field(default_factory=list)
    slots: list[SlotComparison] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Summary(Model):
    documents: int = 0
    claims: int = 0
    groups: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_rule: dict[str, int] = Field(default_factory=dict)
    by_place: dict[str, int] = Field(
        default_factory=dict, description="Claims per outcome (see `claims`)."
    )
    by_document: dict[str, dict[str, int]] = Field(default_factory=dict)


class GeneratedWith(Model):
    factcheck: str
    models: dict[str, str] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    rules: list[str] = Field(default_factory=list, description="Codes of the rules that ran.")


class RelatedPair(Model):
    """A candidate pair the verifier judged to be about a different fact or event.

    Such a pair is not compared slot by slot (it cannot conflict), but it is listed, so that
    no pair the matcher found vanishes without a verdict.
    """

    relation: Relation = Field(description="The verifier's most probable relation.")
    probability: float = Field(description="The verifier's probability of that relation.")
    similarity: float = Field(description="Cosine similarity of the two claims.")
    evidence: list[Evidence] = Field(description="The two claims, in claim-id order.")


ClaimPlace = Literal["discrepancy", "agreement", "unsupported", "related"]


class ClaimOutcome(Model):
    """Where one claim ended in the report: every claim has exactly one outcome."""

    claim: str = Field(description="Claim id.")
    document: str
    line: int
    place: ClaimPlace = Field(
        description="discrepancy or agreement (evidence of such a finding), unsupported (no "
        "other independent source states it), or related (other sources state a different "
        "fact or event near it)."
    )
    finding: str | None = Field(
        default=None, description="Fingerprint of the finding that holds the claim, if any."
    )
    event: str | None = Field(
        default=None,
        description="The event cluster the claim concerns, when other documents report it too.",
    )
    note: str | None = Field(
        default=None,
        description="Why an unsupported claim is not a finding, or which claim a related one "
        "was judged against.",
    )


class SkippedFile(Model):
    """A file the run went on without: unreadable under `keep_going`, or all page furniture."""

    path: str = Field(description="The file, as found under the paths given.")
    code: str = Field(description="The error's code, e.g. 'E013' or 'E011'.")
    reason: str = Field(description="Why it was skipped: the error's message.")


class FindingReview(Model):
    """A finding's review as the report shows it (from the reviews file given to the run)."""

    fingerprint: str = Field(description="The finding's fingerprint.")
    verdict: Verdict
    note: str = ""
    reviewer: str = ""
    time: dt.datetime
    new_evidence: list[str] = Field(
        default_factory=list,
        description="Documents that joined the finding since its review: the verdict still "
        "holds (the gate does not fail on it), but a reviewer may want to look again.",
    )


class Report(Model):
    """The consistency report: `reports/report.json` validates against schemas/report.schema.json."""

    version: str = REPORT_VERSION
    generated_with: GeneratedWith
    documents: list[DocumentRecord]
    skipped: list[SkippedFile] = Field(
        default_factory=list,
        description="Files left out of the run, each with its error code and reason.",
    )
    sources: list[SourceCluster] = Field(
        default_factory=list, description="Near-duplicate documents counted as one source."
    )
    findings: list[Finding]
    reviews: list[FindingReview] = Field(
        default_factory=list,
        description="The review of each finding that has one, when the run was given a "
        "reviews file (`factcheck report --reviews`).",
    )
    related: list[RelatedPair] = Field(
        default_factory=list,
        description="Candidate pairs the verifier judged to be about a different fact or event.",
    )
    claims: list[ClaimOutcome] = Field(
        default_factory=list, description="Each claim once, with the place it ended in."
    )
    summary: Summary


# --------------------------------------------------------------------------- reviews


class PastVerdict(Model):
    """An earlier verdict on a finding, kept when someone changes it."""

    verdict: Verdict
    note: str = ""
    reviewer: str = ""
    time: dt.datetime


class Review(Model):
    """A person's verdict on one finding."""

    fingerprint: str
    verdict: Verdict
    note: str = ""
    reviewer: str = ""
    time: dt.datetime
    rule: str | None = None
    message: str | None = None
    documents: list[str] = Field(
        default_factory=list,
        description="The finding's documents when it was reviewed: later ones are new evidence.",
    )
    history: list[PastVerdict] = Field(
        default_factory=list, description="Earlier verdicts on this finding, oldest first."
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Fingerprints the review was under before it moved to `fingerprint` (a "
        "scheme change, or a joining document that changed the picked subject); a finding "
        "with one of them, or holding one as its own alias, is still this review's finding.",
    )


class ReviewsFile(Model):
    """`reports/reviews.json`: verdicts sorted by fingerprint so that branches merge cleanly."""

    version: str = REVIEWS_VERSION
    reviews: list[Review] = Field(default_factory=list)


@dataclass(frozen=True)
class MatchResult:
    """The matcher's output: fact groups and the clusters of near-duplicate documents that count
    as one source. Frozen: stages after matching read it (build a new one with
    `dataclasses.replace`)."""

    groups: list[ClaimGroup]
    sources: list[SourceCluster] = field(default_factory=list)
    # Candidate pairs the verifier judged to be about a different fact or event.
    related: list[ClaimPair] = field(default_factory=list)
    # Events that claims of two or more documents concern (each claim is in at most one).
    events: list[ClaimEvent] = field(default_factory=list)
    _source_index: dict[str, str] = field(init=False, repr=False, compare=False)
    _event_index: dict[str, ClaimEvent] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Rules call source_of for every pair; the clusters cannot change, so index them once.
        index = {d: c.id for c in self.sources for d in c.documents}
        object.__setattr__(self, "_source_index", index)
        events = {c: e for e in self.events for c in e.claims}
        object.__setattr__(self, "_event_index", events)

    def event_of(self, claim_id: str) -> ClaimEvent | None:
        """The event a claim concerns, when claims of other documents concern it too."""
        return self._event_index.get(claim_id)

    def source_of(self, document: str) -> str:
        """Id of the independent source a document belongs to (itself unless merged)."""
        return self._source_index.get(document, document)

    def group_of(self, claim_id: str) -> ClaimGroup | None:
        """The group holding a claim, if any."""
        for group in self.groups:
            if claim_id in group.claims:
                return group
        return None

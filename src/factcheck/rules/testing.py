"""Rule test cases: build small corpora from compact YAML claim descriptions and run one rule on them.

A rule's cases live in `rules/cases/CODE.yaml` (a plugin can keep its own file anywhere)::

    rule: XX001
    cases:
      - name: different_days_conflict
        fire: true
        message: "a says 2021-03-16"
        claims:
          - {doc: a, text: "The talks were held on 16 March 2021.", when: ["2021-03-16"]}
          - {doc: b, text: "The talks were held on 17 March 2021.", when: ["2021-03-17"]}

and one parametrised test runs them: `for case in load_cases(path): check_case(case)`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import yaml

from ..errors import ConfigError, Errors
from ..extract.annotate import annotate
from ..extract.units import duration_words_re
from ..match.verify import LABELS, Verdict
from ..models import (
    ENTITY_KINDS,
    Attribution,
    Bound,
    Claim,
    ClaimEvent,
    ClaimGroup,
    ClaimPair,
    Document,
    Entity,
    EntityKind,
    Finding,
    MatchResult,
    Predicate,
    Quantity,
    Role,
    SourceCluster,
    TimeExpression,
)
from ..settings import Settings
from .engine import run_rules

_BOUNDS: tuple[Bound, ...] = get_args(Bound)


def cases_folder() -> Path:
    return Path(str(resources.files("factcheck.rules").joinpath("cases")))


@dataclass(frozen=True, kw_only=True)
class RuleTestCase:
    """One case of a rule's YAML table, built as `RuleTestCase(rule=..., **case)`.

    The keys are the fields below, so a misspelt key in a YAML case is an error (E020 from
    :func:`load_cases`, `TypeError` when built directly) instead of a case that tests nothing.
    """

    claims: list[dict[str, Any]]
    rule: str = ""
    name: str = ""
    # Whether the rule must report something; required in YAML files (load_cases checks).
    fire: bool | None = None
    # Text the first finding's message must contain; the number of findings; slot verdicts.
    message: str | None = None
    count: int | None = None
    slots: dict[str, str] | None = None
    # `similarity`: the matcher's similarity of every cross-document pair of a group;
    # `pairs`: [[i, j, similarity], ...] for single pairs (others then count as not accepted).
    similarity: float | None = None
    pairs: list[list[float]] | None = None
    # `verifier`: the claim-pair verifier's probabilities ({agree: 0.9, conflict: 0.05, ...})
    # recorded for every cross-document pair of a group (similarity then defaults to 0.9).
    verifier: dict[str, float] | None = None
    # Claim indexes per group (default: one group of every claim); documents merged as one
    # source; document metadata ({doc: {published: ...}}); settings for the run.
    groups: list[list[int]] | None = None
    sources: list[list[str]] | None = None
    documents: dict[str, dict[str, Any]] | None = None
    settings: dict[str, Any] | None = None
    # Claim indexes per event cluster (the matcher's `events`; default: none).
    events: list[list[int]] | None = None


def as_case(case: RuleTestCase | Mapping[str, Any]) -> RuleTestCase:
    """A typed case from a mapping of case keys (a `TypeError` names an unknown key)."""
    return case if isinstance(case, RuleTestCase) else RuleTestCase(**case)


def load_cases(path: Path) -> list[RuleTestCase]:
    """The cases of one YAML file: `{rule: CODE, cases: [{name, fire, claims, ...}]}`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ConfigError.make(
            Errors.E020, path=path, detail="expected a mapping with a 'cases' list"
        )
    cases: list[RuleTestCase] = []
    for i, raw in enumerate(data["cases"]):
        where = f"case {raw.get('name', i)!r}" if isinstance(raw, dict) else f"case {i}"
        try:
            case = RuleTestCase(**{"rule": data.get("rule", path.stem), **raw})
        except TypeError as exc:
            raise ConfigError.make(Errors.E020, path=path, detail=f"{where}: {exc}") from None
        if not isinstance(case.fire, bool) or not case.name:
            raise ConfigError.make(
                Errors.E020, path=path, detail=f"{where}: needs a name and fire: true or false"
            )
        cases.append(case)
    return cases


def check_case(case: RuleTestCase) -> list[Finding]:
    """Run a case and assert what it expects (fire or not, message, count, slot verdicts)."""
    findings = run_case(case)
    messages = [f.message for f in findings]
    assert {f.rule for f in findings} <= {case.rule}, messages
    assert bool(findings) == case.fire, messages
    if not case.fire:
        return findings
    if case.count is not None:
        assert len(findings) == case.count, messages
        assert all(len(set(f.documents)) == 1 for f in findings if f.kind == "unsupported")
    finding = findings[0]
    if case.message is not None:
        assert case.message in finding.message, messages
    verdicts: dict[str, str] = {s.slot: s.verdict for s in finding.slots}
    for slot, verdict in (case.slots or {}).items():
        assert verdicts.get(slot) == verdict, finding.slots
    return findings


def entity(spec: str | Mapping[str, Any]) -> Entity:
    """'person:nobuo-kishi | defense minister @ gpe:JP' or a mapping of Entity fields."""
    if isinstance(spec, Mapping):
        data = dict(spec)
        if isinstance(data.get("role"), str):
            data["role"] = _role(data["role"])
        data.setdefault("name", _name(data["id"]))
        data.setdefault("kind", _kind(data["id"]))
        data.setdefault("mention", data["name"])
        return Entity.model_validate(data)
    eid, _, role = (part.strip() for part in spec.partition("|"))
    name = _name(eid)
    return Entity(
        id=eid, name=name, kind=_kind(eid), mention=name, role=_role(role) if role else None
    )


def _role(text: str) -> Role:
    title, _, org = (p.strip() for p in text.partition("@"))
    return Role(title=title, org=org or None)


def _kind(eid: str) -> EntityKind:
    prefix = eid.split(":", 1)[0]
    return prefix if prefix in ENTITY_KINDS else "other"


def _name(eid: str) -> str:
    slug = eid.split(":", 1)[-1]
    return slug if slug.isupper() else slug.replace("-", " ").title()


def time(spec: str | Mapping[str, Any]) -> TimeExpression:
    """'2021-03-16', '2021-03', '2021' (resolved intervals) or '?next week' (unresolved)."""
    if isinstance(spec, Mapping):
        return TimeExpression.model_validate(spec)
    if spec.startswith("?"):
        return TimeExpression(text=spec[1:], relative=spec[1:])
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", spec):
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return _resolved(spec, d, d, "day")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", spec):
        y, mo = int(m[1]), int(m[2])
        last = calendar.monthrange(y, mo)[1]
        return _resolved(spec, dt.date(y, mo, 1), dt.date(y, mo, last), "month")
    if m := re.fullmatch(r"(\d{4})", spec):
        y = int(m[1])
        return _resolved(spec, dt.date(y, 1, 1), dt.date(y, 12, 31), "year")
    raise ValueError(f"cannot read time {spec!r}")


def _resolved(value: str, begin: dt.date, finish: dt.date, gran: str) -> TimeExpression:
    return TimeExpression.model_validate(
        {
            "text": value,
            "value": value,
            "begin": begin,
            "finish": finish,
            "granularity": gran,
            "resolved": True,
            "anchor": "absolute",
        }
    )


def quantity(spec: str | Mapping[str, Any]) -> Quantity:
    """'more_than 60 year' / '65' / 'approx 100 people', or a mapping of Quantity fields."""
    if isinstance(spec, Mapping):
        data = dict(spec)
        data.setdefault("text", str(data["value"]))
        return Quantity.model_validate(data)
    words = spec.split()
    bound = words.pop(0) if words[0] in _BOUNDS else "exact"
    number = words.pop(0)
    value = float(number)
    return Quantity.model_validate(
        {
            "text": number,
            "value": value,
            "unit": " ".join(words) or None,
            "bound": bound,
            "kind": "duration"
            if words and re.fullmatch(duration_words_re(), words[0])
            else "cardinal",
        }
    )


CLAIM_KEYS = frozenset(
    {
        "doc",
        "text",
        "sentence",
        "kind",
        "who",
        "what",
        "when",
        "where",
        "quantities",
        "polarity",
        "modality",
        "attribution",
    }
)


def build_case(
    case: RuleTestCase | Mapping[str, Any],
) -> tuple[MatchResult, list[Claim], list[Document], Settings]:
    """The corpus a case describes: documents, claims, one group of all claims unless given."""
    case = as_case(case)
    specs: Sequence[Mapping[str, Any]] = case.claims
    doc_meta: Mapping[str, Mapping[str, Any]] = case.documents or {}
    doc_ids = sorted({str(s["doc"]) for s in specs} | set(doc_meta))
    texts: dict[str, list[str]] = {d: [] for d in doc_ids}
    for s in specs:
        texts[str(s["doc"])].append(str(s.get("sentence", s["text"])))
    documents: dict[str, Document] = {}
    for d in doc_ids:
        body = "\n".join(texts[d]) or "(empty)"
        meta = doc_meta.get(d, {})
        documents[d] = Document(
            id=d,
            path=f"{d}.txt",
            format="txt",
            content_hash="0" * 64,
            encoding="utf-8",
            characters=len(body),
            text=body,
            original=body,
            published=meta.get("published"),
        )
    for s in specs:
        unknown = set(s) - CLAIM_KEYS
        if unknown:
            # A misspelt key would otherwise be ignored and the case test nothing.
            raise ValueError(f"case {case.name!r}: unknown claim keys {sorted(unknown)}")
    claims: list[Claim] = []
    offsets = dict.fromkeys(doc_ids, 0)
    counters = dict.fromkeys(doc_ids, 0)
    for s in specs:
        d = str(s["doc"])
        sentence = str(s.get("sentence", s["text"]))
        start = offsets[d]
        offsets[d] = start + len(sentence) + 1
        lemma, _, obj = str(s.get("what", "")).partition(" ")
        attribution = s.get("attribution")
        if isinstance(attribution, str):
            attribution = {"speaker": attribution}
        # The extractor's own step sets the derived fields (polarity, modality, denial, places),
        # so the cases test the logic the report runs (a case may still give polarity or modality).
        claims.append(
            annotate(
                Claim(
                    id=f"{d}:{counters[d]}",
                    document=d,
                    text=str(s["text"]),
                    sentence=sentence,
                    span=documents[d].locate(start, start + len(sentence)),
                    kind=s.get("kind", "statement"),
                    who=[entity(e) for e in s.get("who", [])],
                    what=Predicate(lemma=lemma, object=obj or None, text=str(s.get("what", ""))),
                    when=[time(t) for t in s.get("when", [])],
                    where=[entity(e) for e in s.get("where", [])],
                    quantities=[quantity(q) for q in s.get("quantities", [])],
                    polarity=s.get("polarity", "positive"),
                    modality=s.get("modality", "asserted"),
                    attribution=None
                    if attribution is None
                    else Attribution(
                        speaker=entity(attribution["speaker"]),
                        text=f"said {attribution['speaker']}",
                        quote=bool(attribution.get("quote", False)),
                    ),
                )
            )
        )
        counters[d] += 1
    group_specs = case.groups if case.groups is not None else [list(range(len(claims)))]
    given = {(min(i, j), max(i, j)): float(s) for i, j, s in case.pairs or []}
    default = case.similarity
    groups = []
    for gi, members in enumerate(group_specs):
        if len(members) < 2:
            continue
        pairs = []
        for x in sorted(members):
            for y in sorted(members):
                if x >= y or claims[x].document == claims[y].document:
                    continue
                sim = given.get((x, y), default)
                if sim is None and case.verifier is not None:
                    sim = 0.9
                if sim is not None:
                    a, b = sorted((claims[x].id, claims[y].id))
                    pairs.append(_case_pair(a, b, float(sim), case.verifier))
        groups.append(
            ClaimGroup(id=f"g{gi}", claims=sorted(claims[j].id for j in members), pairs=pairs)
        )
    sources = [
        SourceCluster(id=f"s{i}", documents=sorted(docs), similarity=0.95)
        for i, docs in enumerate(case.sources or [])
    ]
    events = [
        ClaimEvent(
            id=f"e{n}",
            claims=sorted(claims[j].id for j in members),
            documents=sorted({claims[j].document for j in members}),
        )
        for n, members in enumerate(case.events or [])
    ]
    settings = Settings.model_validate(case.settings or {})
    match = MatchResult(groups=groups, sources=sources, events=events)
    return match, claims, list(documents.values()), settings


def _case_pair(a: str, b: str, similarity: float, verifier: dict[str, float] | None) -> ClaimPair:
    if verifier is None:
        return ClaimPair(a=a, b=b, similarity=similarity)
    verdict = Verdict(tuple(float(verifier.get(r, 0.0)) for r in LABELS))
    return ClaimPair(
        a=a,
        b=b,
        similarity=similarity,
        relation=verdict.relation,
        probabilities=verdict.as_dict(),
    )


def run_case(case: RuleTestCase | Mapping[str, Any]) -> list[Finding]:
    """Findings of the case's rule alone on the case's corpus."""
    case = as_case(case)
    match, claims, documents, settings = build_case(case)
    settings = settings.model_copy(update={"select": [case.rule]})
    findings, _ = run_rules(match, claims, documents=documents, settings=settings)
    return findings

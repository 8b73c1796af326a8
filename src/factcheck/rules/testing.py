"""Rule test cases: build small corpora from compact YAML claim descriptions and run one rule on them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from ..errors import ConfigError, Errors
from ..match.score import MatchResult
from ..models import (
    Attribution,
    Claim,
    ClaimGroup,
    ClaimPair,
    Document,
    Entity,
    EntityKind,
    Finding,
    Predicate,
    Quantity,
    Role,
    SourceCluster,
    TimeExpression,
)
from ..settings import Settings
from .engine import run_rules

_KINDS = {"person", "org", "gpe", "loc", "norp", "facility", "event", "other"}
_BOUNDS = {"exact", "approx", "more_than", "less_than", "at_least", "at_most"}


def cases_folder() -> Path:
    return Path(str(resources.files("factcheck.rules").joinpath("cases")))


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of one YAML file: `{rule: CODE, cases: [{name, fire, claims, ...}]}`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ConfigError.make(
            Errors.E020, path=path, detail="expected a mapping with a 'cases' list"
        )
    return [dict(c, rule=data.get("rule", path.stem)) for c in data["cases"]]


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
    return cast(EntityKind, prefix if prefix in _KINDS else "other")


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
            if words and words[0] in ("year", "years", "decade", "decades", "month", "months")
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
    case: Mapping[str, Any],
) -> tuple[MatchResult, list[Claim], list[Document], Settings]:
    """The corpus a case describes: documents, claims, one group of all claims unless given."""
    specs: Sequence[Mapping[str, Any]] = case["claims"]
    doc_meta: Mapping[str, Mapping[str, Any]] = case.get("documents") or {}
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
            raise ValueError(f"case {case.get('name')!r}: unknown claim keys {sorted(unknown)}")
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
        claims.append(
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
        counters[d] += 1
    group_specs = case.get("groups", [list(range(len(claims)))])
    # `similarity`: the matcher's similarity of every cross-document pair of a group;
    # `pairs`: [[i, j, similarity], ...] for single pairs (others then count as not accepted).
    given = {(min(i, j), max(i, j)): float(s) for i, j, s in case.get("pairs", [])}
    default = case.get("similarity")
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
                if sim is not None:
                    a, b = sorted((claims[x].id, claims[y].id))
                    pairs.append(ClaimPair(a=a, b=b, similarity=float(sim)))
        groups.append(
            ClaimGroup(id=f"g{gi}", claims=sorted(claims[j].id for j in members), pairs=pairs)
        )
    sources = [
        SourceCluster(id=f"s{i}", documents=sorted(docs), similarity=0.95)
        for i, docs in enumerate(case.get("sources", []))
    ]
    settings = Settings.model_validate(case.get("settings", {}))
    return MatchResult(groups=groups, sources=sources), claims, list(documents.values()), settings


def run_case(case: Mapping[str, Any]) -> list[Finding]:
    """Findings of the case's rule alone on the case's corpus."""
    match, claims, documents, settings = build_case(case)
    settings = settings.model_copy(update={"select": [str(case["rule"])]})
    findings, _ = run_rules(match, claims, documents=documents, settings=settings)
    return findings

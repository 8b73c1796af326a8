"""Rule base class and run context: code, dotted name, kind, severity, docs and validated config keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from ..errors import ConfigError, Errors
from ..models import (
    Claim,
    ClaimGroup,
    ClaimPair,
    Document,
    Evidence,
    Finding,
    FindingEvent,
    FindingIdentity,
    Kind,
    MatchResult,
    Severity,
    SlotComparison,
)
from ..review.fingerprint import fingerprint, identity_fingerprint, normalise_text
from ..settings import Settings
from .group_results import GroupResults
from .identity import Identity, majority
from .slots import (
    CompareOptions,
    GroupComparison,
    PairComparison,
    compare_group,
    slot_value,
    summarise_slots,
)


@dataclass(frozen=True)
class ConfigKey:
    """One option a rule reads from `settings.rules[CODE]`, declared once with its default."""

    name: str
    default: Any
    description: str
    types: tuple[type, ...]
    check: Callable[[Any], bool] | None = None
    expect: str = ""

    def validate(self, rule: str, value: Any) -> Any:
        # bool is an int subclass: refuse it where a number is expected, accept ints for floats.
        ok = isinstance(value, self.types) and not (
            isinstance(value, bool) and bool not in self.types
        )
        if ok and self.check is not None:
            ok = self.check(value)
        if not ok:
            expect = self.expect or " or ".join(t.__name__ for t in self.types)
            raise ConfigError.make(
                Errors.E052,
                path="settings.rules",
                rule=rule,
                detail=f"option {self.name!r} must be {expect}, got {value!r}",
            )
        if float in self.types and isinstance(value, int):
            return float(value)
        return value


def _unit_interval_key(name: str, default: float, description: str) -> ConfigKey:
    """An option that is a number between 0 and 1, with its type and check."""
    return ConfigKey(
        name, default, description, (float, int), in_unit_interval, "a number between 0 and 1"
    )


def min_similarity(default: float, description: str) -> ConfigKey:
    """The `min_similarity` option that several rules read: one name, type and check; each rule
    keeps its own default and wording."""
    return _unit_interval_key("min_similarity", default, description)


def min_probability(default: float, description: str) -> ConfigKey:
    """The `min_probability` option of rules that read the claim-pair verifier: one name, type
    and check; each rule keeps its own default and wording."""
    return _unit_interval_key("min_probability", default, description)


def evidence(claim: Claim) -> Evidence:
    """The evidence entry for one claim: its sentence, located in its document."""
    return Evidence(
        document=claim.document,
        claim=claim.id,
        start=claim.span.start,
        end=claim.span.end,
        line=claim.span.line,
        column=claim.span.column,
        text=claim.sentence,
    )


@dataclass
class RuleContext:
    """What every rule sees: claims, documents, the match result and settings, plus shared caches."""

    match: MatchResult
    claims: Sequence[Claim]
    documents: Sequence[Document]
    settings: Settings
    # Per-group results of the last run (see `group_value`); None: everything is computed.
    store: GroupResults | None = None
    # A key per claim id (pipeline.claim_keys) for the claims that are as extracted and linked:
    # equal keys, equal claims, so the store keeps each claim's digest under its key.
    claim_keys: Mapping[str, str] | None = None
    _comparisons: dict[str, GroupComparison] = field(default_factory=dict)
    _group_keys: dict[str, str] = field(default_factory=dict)
    _claim_digests: dict[str, bytes] = field(default_factory=dict)
    # Findings that already carry their event (see `with_event`), by id(); held, so no id is reused.
    _evented: dict[int, Finding] = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.claims}

    @cached_property
    def verified(self) -> bool:
        """Whether the claim-pair verifier judged this corpus's pairs (it was on)."""
        return any(
            p.probabilities is not None
            for pairs in ([g.pairs for g in self.match.groups] + [self.match.related])
            for p in pairs
        )

    @cached_property
    def doc_by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def by_document(self) -> dict[str, list[Claim]]:
        out: dict[str, list[Claim]] = {}
        for c in self.claims:
            out.setdefault(c.document, []).append(c)
        return out

    @cached_property
    def groups(self) -> list[ClaimGroup]:
        """Matched groups in a stable order, keeping only claim ids that exist."""
        out = []
        for g in self.match.groups:
            ids = sorted(i for i in g.claims if i in self.by_id)
            if len(ids) >= 2:
                out.append(g if ids == g.claims else g.model_copy(update={"claims": ids}))
        return sorted(out, key=lambda g: (g.claims, g.id))

    @cached_property
    def groups_of(self) -> dict[str, list[ClaimGroup]]:
        out: dict[str, list[ClaimGroup]] = {}
        for g in self.groups:
            for cid in g.claims:
                out.setdefault(cid, []).append(g)
        return out

    @cached_property
    def pair_records(self) -> dict[str, dict[tuple[str, str], ClaimPair]]:
        """The matcher's record of each accepted pair (similarity, verifier verdict), per group id."""
        return {
            g.id: {(min(p.a, p.b), max(p.a, p.b)): p for p in g.pairs} for g in self.match.groups
        }

    def similarity(self, group: ClaimGroup, a: str, b: str) -> float | None:
        """Similarity of two claims of a group as the matcher recorded it.

        None when the group records no pairs at all (hand-built groups, matchers that keep no
        scores): similarity checks are then skipped. A pair missing from a group that records
        pairs was not accepted by the matcher, which counts as 0.
        """
        recorded = self.pair_records.get(group.id, {})
        if not recorded:
            return None
        record = recorded.get((min(a, b), max(a, b)))
        return record.similarity if record is not None else 0.0

    @cached_property
    def options(self) -> CompareOptions:
        return CompareOptions(
            quantity_tolerance=self.settings.quantity_tolerance,
            approx_tolerance=self.settings.approx_tolerance,
        )

    def source_of(self, document: str) -> str:
        return self.match.source_of(document)

    def published(self, document: str) -> dt.date | None:
        doc = self.doc_by_id.get(document)
        return doc.published if doc is not None else None

    def label(self, document: str) -> str:
        """How a message names a document: its id (titles can be long and repeat)."""
        return document

    def group_key(self, group: ClaimGroup) -> str:
        """Digest of what a per-group rule reads about `group`: the group (its claim ids and the
        matcher's pairs), each member claim as it is, and its documents' sources and dates."""
        hit = self._group_keys.get(group.id)
        if hit is None:
            digest = hashlib.sha256(group.model_dump_json().encode())
            for cid in group.claims:
                digest.update(self.claim_digest(cid))
                doc = self.by_id[cid].document
                digest.update(f"\0{self.source_of(doc)}\0{self.published(doc)}\0".encode())
            hit = self._group_keys[group.id] = digest.hexdigest()
        return hit

    def claim_digest(self, cid: str) -> bytes:
        """Digest of claim `cid` as it is (serialised), taken from the store where the last run
        digested a claim with the same key (`claim_keys`: equal keys, equal claims)."""
        seen = self._claim_digests.get(cid)
        if seen is None:
            key = self.claim_keys.get(cid) if self.claim_keys is not None else None
            if key is not None and self.store is not None:
                known = self.store.get(key, "claim", tally=False)
                if isinstance(known, str):
                    seen = bytes.fromhex(known)
            if seen is None:
                seen = hashlib.sha256(self.by_id[cid].model_dump_json().encode()).digest()
                if key is not None and self.store is not None:
                    self.store.put(key, "claim", seen.hex(), tally=False)
            self._claim_digests[cid] = seen
        return seen

    def group_value(self, group: ClaimGroup, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()` for `group` (a JSON value that depends on the group alone, as for a
        `per_group` rule), or what the last run stored for an identical group."""
        if self.store is None:
            return compute()
        key = self.group_key(group)
        value = self.store.get(key, name)
        if value is None:
            value = compute()
            self.store.put(key, name, value)
        return value

    def lone_value(self, claims: Sequence[str], name: str, compute: Callable[[], Any]) -> Any:
        """`compute()` for a finding about `claims` that reads those claims, their documents'
        sources and dates and their events (and the settings), or what the last run stored for
        the same; not counted as a judged or reused group."""
        if self.store is None:
            return compute()
        digest = hashlib.sha256(name.encode())
        for cid in claims:
            digest.update(self.claim_digest(cid))
            doc = self.by_id[cid].document
            digest.update(f"\0{self.source_of(doc)}\0{self.published(doc)}\0".encode())
            event = self.match.event_of(cid)
            if event is not None:
                sources = [self.source_of(d) for d in event.documents]
                digest.update(json.dumps([event.id, event.documents, sources]).encode())
            digest.update(b"\0")
        key = digest.hexdigest()
        value = self.store.get(key, name, tally=False)
        if value is None:
            value = compute()
            self.store.put(key, name, value, tally=False)
        return value

    def with_event(self, finding: Finding) -> Finding:
        """The finding with the event its claims concern: dates, places, participants,
        publication. What the claims state, never guessed: a reader (and the gate) sees at once
        whether two sides could be describing different events.

        A finding this returned (or one passed to `evented`) is returned as it is."""
        if id(finding) in self._evented:
            return finding
        claims = [self.by_id[e.claim] for e in finding.evidence if e.claim in self.by_id]
        if not claims:
            return finding
        when = sorted(
            {
                t.begin.isoformat()
                if t.begin == t.finish
                else f"{t.begin.isoformat()}/{t.finish.isoformat()}"
                for c in claims
                for t in c.when
                if t.resolved and t.begin is not None and t.finish is not None
            }
        )
        where = sorted({e.name for c in claims for e in c.where if e.id in c.event_places})
        who = sorted({e.name for c in claims for e in c.who if e.kind in ("person", "org")})
        published = {
            doc: day.isoformat()
            for doc in sorted({c.document for c in claims})
            if (day := self.published(doc)) is not None
        }
        events = sorted(
            {e.id: e for c in claims if (e := self.match.event_of(c.id)) is not None}.items()
        )
        event = FindingEvent(
            when=when,
            where=where,
            who=who,
            published=published,
            id=events[0][0] if events else None,
            reported_by=sorted({d for _, e in events for d in e.documents}),
        )
        return self.evented(finding.model_copy(update={"event": event}))

    def evented(self, finding: Finding) -> Finding:
        """Mark `finding` as carrying its event already (`with_event` returns it as it is)."""
        self._evented[id(finding)] = finding
        return finding

    def comparison(self, group: ClaimGroup) -> GroupComparison:
        """Slot-by-slot comparison of a group, computed once and shared by every rule."""
        hit = self._comparisons.get(group.id)
        if hit is None:
            members = [self.by_id[i] for i in group.claims]
            hit = compare_group(
                members,
                source_of=self.source_of,
                published=self.published,
                options=self.options,
                similarity=lambda a, b: self.similarity(group, a, b),
            )
            records = self.pair_records.get(group.id, {})
            for pair in hit.pairs:
                record = records.get((min(pair.a.id, pair.b.id), max(pair.a.id, pair.b.id)))
                if record is not None and record.relation is not None:
                    pair.relation = record.relation
                    pair.probabilities = record.probabilities
            self._comparisons[group.id] = hit
        return hit


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement `check`.

    The first docstring line is the summary and the default message; the rest is the rule's
    documentation ("What it does / Why it matters / Example"), printed by `factcheck rules`.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    kind: ClassVar[Kind] = "discrepancy"
    default_severity: ClassVar[Severity] = "warning"
    config_keys: ClassVar[tuple[ConfigKey, ...]] = ()
    origin: ClassVar[str] = "builtin"
    # True: the rule's findings about a group depend on that group alone (its claims, the
    # matcher's pairs, its documents' sources and dates, `ctx.verified`, the settings). Such a
    # rule implements `check_group`, and a rerun reuses the findings of unchanged groups.
    per_group: ClassVar[bool] = False

    def __init__(
        self, *, options: Mapping[str, Any] | None = None, severity: Severity | None = None
    ) -> None:
        self.severity: Severity = severity or self.default_severity
        self.options: dict[str, Any] = self.resolve_options(options or {})

    @classmethod
    def resolve_options(cls, given: Mapping[str, Any]) -> dict[str, Any]:
        """Declared defaults overlaid with `given`; unknown keys and bad values are ConfigErrors."""
        known = {k.name: k for k in cls.config_keys}
        for key in sorted(given):
            if key not in known:
                valid = ", ".join(sorted(known)) or "none"
                raise ConfigError.make(
                    Errors.E052,
                    path="settings.rules",
                    rule=cls.code,
                    detail=f"unknown option {key!r} (valid: {valid})",
                )
        out: dict[str, Any] = {}
        for k in cls.config_keys:
            out[k.name] = k.validate(cls.code, given[k.name]) if k.name in given else k.default
        return out

    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.splitlines()[0].strip() if doc else ""

    @classmethod
    def documentation(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return "\n".join(doc.splitlines()[1:]).strip()

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        """Every finding of the rule; a `per_group` rule's are its groups' in `ctx.groups` order."""
        if not self.per_group:
            raise NotImplementedError
        return (f for group in ctx.groups for f in self.check_group(ctx, group))

    def check_group(self, ctx: RuleContext, group: ClaimGroup) -> Iterable[Finding]:
        """The findings about one matched group (`per_group` rules only)."""
        raise NotImplementedError

    def finding(
        self,
        claims: Sequence[Claim],
        message: str,
        *,
        group: str | None = None,
        slots: Sequence[SlotComparison] = (),
        severity: Severity | None = None,
        identity: Identity | None = None,
    ) -> Finding:
        """A Finding of this rule over `claims` (evidence and fingerprint in a stable order).

        Claims are given most relevant first: of several claims from one sentence (the extractor
        makes one per clause) only the first is kept, so no sentence is listed twice.

        `identity` says what the finding is about (slot, subject, each claim's value); the
        fingerprint hashes it with the rule code and never the documents, so a new document
        repeating a value keeps the finding and its review. A rule that gives none (plugins)
        is identified by the set of its claims' normalised texts.
        """
        ordered = sorted({c.id: c for c in one_per_sentence(claims)}.values(), key=lambda c: c.id)
        ids = [c.id for c in ordered]
        if identity is None:
            identity = Identity(slot=None, subject="", value_of={c.id: c.text for c in ordered})
        values = identity.values(ids)
        return Finding(
            kind=self.kind,
            rule=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            group=group,
            fingerprint=identity_fingerprint(
                self.code, slot=identity.slot, subject=identity.subject, values=values
            ),
            legacy_fingerprint=fingerprint(self.code, [(c.document, c.text) for c in ordered]),
            identity=FindingIdentity(
                slot=identity.slot,  # type: ignore[arg-type]
                subject=normalise_text(identity.subject),
                values=values,
                value_of={
                    c: normalise_text(v) for c, v in sorted(identity.value_of.items()) if c in ids
                },
                subjects=sorted(
                    {normalise_text(identity.subject)}
                    | {normalise_text(v) for c, v in identity.subject_of.items() if c in ids}
                ),
            ),
            documents=sorted({c.document for c in ordered}),
            slots=sorted(slots, key=lambda s: s.slot),
            evidence=[evidence(c) for c in ordered],
        )


def one_per_sentence(claims: Sequence[Claim]) -> list[Claim]:
    """The first claim of each sentence, in the given order (most relevant first)."""
    kept: dict[tuple[str, int, int], Claim] = {}
    for c in claims:
        kept.setdefault((c.document, c.span.start, c.span.end), c)
    return list(kept.values())


def positive_float(value: Any) -> bool:
    return bool(value >= 0)


def in_unit_interval(value: Any) -> bool:
    return bool(0.0 <= value <= 1.0)


def at_least_one(value: Any) -> bool:
    return bool(value >= 1)


def list_of_str(value: Any) -> bool:
    return all(isinstance(v, str) for v in value)


# --------------------------------------------------------------------------- helpers for rules


def shorten(text: str, limit: int = 100) -> str:
    """A claim text cut at a word boundary for a message."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def join_names(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class GroupSlotRule(Rule):
    """Base of discrepancy rules that read one slot of each matched group's pair comparisons."""

    slot: ClassVar[str] = ""
    verdict: ClassVar[str] = "conflict"
    topic: ClassVar[str] = ""
    per_group = True

    def accept(self, ctx: RuleContext, a: Claim, b: Claim) -> bool:
        """Further conditions on a pair (subclasses narrow the rule here)."""
        return True

    def accept_pair(self, ctx: RuleContext, pair: PairComparison) -> bool:
        """Conditions that need the whole pair comparison (its similarity); default: `accept`."""
        return self.accept(ctx, pair.a, pair.b)

    def check_group(self, ctx: RuleContext, group: ClaimGroup) -> Iterable[Finding]:
        comp = ctx.comparison(group)
        # A slot that differs between claims about different facts or events is no
        # discrepancy ("met in Tokyo" in 2023 against "met virtually" in 2021).
        pairs = [
            p
            for p in comp.pairs_with(self.slot, self.verdict)
            if not p.other_fact and self.accept_pair(ctx, p)
        ]
        if not pairs:
            return
        # The claim in most conflicting pairs stands for its sentence (one entry per sentence).
        count: dict[str, int] = {}
        for p in pairs:
            for c in (p.a, p.b):
                count[c.id] = count.get(c.id, 0) + 1
        ranked = sorted(
            {c.id: c for p in pairs for c in (p.a, p.b)}.values(),
            key=lambda c: (-count[c.id], c.id),
        )
        kept = {c.id for c in one_per_sentence(ranked)}
        pairs = [p for p in pairs if p.a.id in kept and p.b.id in kept]
        involved = sorted((c for c in ranked if c.id in kept), key=lambda c: c.id)
        slots = summarise_slots(involved, pairs)
        yield self.finding(
            involved,
            self.describe(ctx, involved, pairs),
            group=group.id,
            slots=slots,
            identity=self.identity(involved),
        )

    def identity(self, claims: Sequence[Claim]) -> Identity:
        """The disputed fact: this rule's slot, the claims' usual predicate, each claim's value."""
        return Identity(
            slot=self.slot,
            subject=majority(c.what.lemma for c in claims),
            value_of={c.id: slot_value(c, self.slot) for c in claims},
            subject_of={c.id: c.what.lemma for c in claims if c.what.lemma.strip()},
        )

    def describe(self, ctx: RuleContext, claims: Sequence[Claim], pairs: Sequence[Any]) -> str:
        parts = [f"{c.document} says {slot_value(c, self.slot) or '(none)'}" for c in claims]
        return (
            f"Sources disagree on the {self.topic} of “{shorten(claims[0].text, 80)}”: "
            f"{'; '.join(parts)}."
        )

"""The pipeline: ingest -> extract -> match -> rules -> report, each stage a plain call over models."""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from . import __version__
from .cache import Cache, open_cache
from .extract import EXTRACTOR_VERSION, Extractor, link_entities
from .ingest import load_corpus
from .match.embed import Embedder
from .match.undated import anchor_undated
from .match.verify import Verifier, load_verifier
from .models import (
    Claim,
    ClaimEvent,
    ClaimGroup,
    ClaimPair,
    Document,
    DocumentRecord,
    Finding,
    GeneratedWith,
    MatchResult,
    Model,
    Report,
    SkippedFile,
    SourceCluster,
)
from .progress import Progress
from .report.build import build_report
from .rules.engine import run_rules
from .rules.group_results import GroupResults
from .rules.registry import all_rules
from .settings import Settings


@dataclass
class RunResult:
    """Everything one run produced; the report plus what the renderers need beside it."""

    report: Report
    documents: list[Document]
    claims: list[Claim]
    match: MatchResult
    cache_stats: dict[str, int] = field(default_factory=dict)


def document_key(doc: Document) -> str:
    """Cache key of a document's claims: what extraction sees, not the raw bytes.

    The normalised text and publication date decide the claims, so a change in ingest (a new
    furniture heuristic, `drop_furniture` switched off, an edited sidecar date) is a cache miss,
    while the document id is not part of it (claims are re-stamped with the id on load). The
    map from the normalised text back to the file is part of it too: claim spans give lines and
    columns in the file, so two files with the same text laid out differently (an extra blank
    line) must not share claims; a byte-identical copy still does.
    """
    digest = hashlib.sha256(doc.text.encode("utf-8"))
    digest.update(f"\x00{doc.published}\x00{doc.format}".encode())
    digest.update(f"\x00{doc.offset_map}\x00{doc.end_map}\x00".encode())
    digest.update(doc.original.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def claims_version(settings: Settings) -> str:
    """The version half of the claims cache key: extractor code, model and the settings it reads.

    The Ray engine uses it too, so both engines read and write the same cache entries.
    """
    relevant = {"aliases": settings.aliases, "spacy_model": settings.spacy_model}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:12]
    return f"{EXTRACTOR_VERSION}:{Extractor.describe_model(settings)}:{digest}"


def extract_claims(
    documents: Sequence[Document],
    *,
    settings: Settings,
    cache: Cache,
    progress: Progress,
    document_keys: Mapping[str, str] | None = None,
) -> list[Claim]:
    """Claims of every document, from the cache where the document's content is unchanged.

    `document_keys` gives :func:`document_key` of each document where the caller has it.
    """
    extractor = Extractor(settings=settings)
    key_version = claims_version(settings)
    out: list[Claim] = []
    todo: list[Document] = []
    cached: dict[str, list[Claim]] = {}
    keys = dict(document_keys or {doc.id: document_key(doc) for doc in documents})
    for doc in documents:
        hit = cache.get_claims(keys[doc.id], key_version, document=doc.id)
        if hit is None:
            todo.append(doc)
        else:
            cached[doc.id] = hit
    if todo:
        # Loading spaCy takes seconds: a step of its own, so the bar does not sit at 0.
        with progress.step(f"Loading the spaCy model {extractor.model_id}"):
            extractor.load()
    with progress.task("Extracting claims", total=len(todo), unit="documents") as advance:
        for doc, claims in zip(todo, extractor.extract_many(todo), strict=True):
            cache.put_claims(keys[doc.id], key_version, claims)
            cached[doc.id] = claims
            advance(1)
    for doc in documents:
        out.extend(cached[doc.id])
    return out


def claim_keys(
    extracted: Sequence[Claim],
    linked: Sequence[Claim],
    *,
    document_keys: Mapping[str, str],
    version: str,
) -> list[str]:
    """One key per claim that changes whenever the claim or its document does, without
    serialising the claim: its document's content (:func:`document_key`), the extractor
    version, its id and, where corpus entity linking rewrote it (`linked[i]` is not
    `extracted[i]`), the entities it now names.

    A claim is a function of its document's content and its id (the claims cache rests on
    this), so equal keys mean equal claims and documents; matching keeps per-pair values
    under them (:class:`~factcheck.match.pair_memo.PairMemo`) and the result key reads them.
    """
    out = []
    for before, after in zip(extracted, linked, strict=True):
        key = f"{document_keys[after.document]}|{version}|{after.id}"
        if after is not before:
            key += "|" + after.model_dump_json(include={"who", "where", "attribution"})
        out.append(key)
    return out


def match_claims(*args: Any, **kwargs: Any) -> MatchResult:
    """:func:`factcheck.match.score.match_claims`, imported on first use: matching needs numpy,
    which a run whose results are all cached never loads."""
    from .match.score import match_claims as match

    return match(*args, **kwargs)


class _StoredResult(Model):
    """What matching and the rules produced for one set of inputs (see :func:`result_key`)."""

    groups: list[ClaimGroup]
    sources: list[SourceCluster]
    related: list[ClaimPair] = Field(default_factory=list)
    # The claims ledger names each claim's event (MatchResult.event_of): a rerun from the
    # stored result must give the same report as the run that stored it.
    events: list[ClaimEvent] = Field(default_factory=list)
    findings: list[Finding]
    rules: list[str]


def _load_result(data: bytes) -> tuple[MatchResult, list[Finding], list[str]] | None:
    try:
        stored = _StoredResult.model_validate_json(data)
    except ValidationError:
        return None  # written by another version: computed again and replaced
    match = MatchResult(
        groups=stored.groups, sources=stored.sources, related=stored.related, events=stored.events
    )
    return match, stored.findings, stored.rules


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of the code and data that turn claims into findings: this package and rule plugins.

    Any edit to factcheck's own files or to a plugin rule's module changes it, so stored
    results never outlive the code that made them, even between releases.
    """
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    files = sorted(
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts
    )
    for rule in all_rules().values():
        source = inspect.getsourcefile(rule)
        if source is not None and not Path(source).resolve().is_relative_to(package):
            files.append(Path(source).resolve())
    for file in files:
        digest.update(f"\0{file.name}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


_CODE_SUFFIXES = frozenset({".py", ".yaml", ".yml", ".json", ".j2", ".txt"})
# Cache state: the per-group results of the rules' last run (rules.group_results).
_RULE_GROUPS = "rule-groups"


def result_key(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    *,
    settings: Settings,
    model_id: str,
    keys: Sequence[str] | None = None,
    document_keys: Mapping[str, str] | None = None,
) -> str:
    """Digest of every input of matching and the rules: documents as ingested, their claims,
    the settings, the embedding model and backend, and the code (:func:`code_digest`).

    Equal keys mean equal findings, so a rerun over unchanged documents reuses them. `keys`
    (:func:`claim_keys`) stand for the claims, and `document_keys` for :func:`document_key`,
    when the caller has them (serialising every claim costs more than the rest of a rerun).
    """
    digest = hashlib.sha256(code_digest().encode())
    relevant = settings.model_dump(mode="json", exclude={"cache", "use_cache"})
    digest.update(json.dumps(relevant, sort_keys=True).encode())
    digest.update(f"\0{model_id}\0".encode())
    record_fields = set(DocumentRecord.model_fields)
    for doc in documents:
        digest.update(doc.model_dump_json(include=record_fields).encode())
        known = document_keys.get(doc.id) if document_keys is not None else None
        digest.update((known or document_key(doc)).encode())
    if keys is not None:
        digest.update(f"\0claims {len(keys)}\0".encode())
        for key in keys:
            digest.update(f"{key}\0".encode())
    else:
        for claim in claims:
            digest.update(claim.model_dump_json().encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Linked:
    """The corpus's claims as extracted per document and after corpus-level entity linking."""

    extracted: list[Claim]
    claims: list[Claim]
    document_keys: dict[str, str]


def _linked_claims(
    documents: Sequence[Document], *, settings: Settings, cache: Cache, progress: Progress
) -> _Linked:
    """Claims per document (from the cache where unchanged), then corpus-level entity linking
    ("Blinken" -> the one "Antony Blinken" of the corpus), which runs after the per-document
    cache since it depends on the other documents."""
    document_keys = {doc.id: document_key(doc) for doc in documents}
    extracted = extract_claims(
        documents, settings=settings, cache=cache, progress=progress, document_keys=document_keys
    )
    return _Linked(extracted, link_entities(extracted), document_keys)


@dataclass(frozen=True)
class _Matched:
    """Matching's part of a run: the result key, the stored result if the cache has one, the
    match, and the claims with the dates of undated documents anchored on its groups."""

    embedder: Embedder
    key: str
    known: tuple[MatchResult, list[Finding], list[str]] | None
    match: MatchResult
    claims: list[Claim]
    # claim id -> claim_keys' key, for the claims that anchoring left as they were linked
    fixed_keys: dict[str, str]


def _match_corpus(
    documents: Sequence[Document],
    linked: _Linked,
    *,
    settings: Settings,
    cache: Cache,
    progress: Progress,
    verifier: Verifier | None,
) -> _Matched:
    """Match the claims (or take the stored result of the same inputs), then anchor the relative
    dates of undated documents on the groups."""
    claims = linked.claims
    keys = claim_keys(
        linked.extracted,
        claims,
        document_keys=linked.document_keys,
        version=claims_version(settings),
    )
    embedder = Embedder(settings=settings, cache=cache)
    models = embedder.model_id + (f"|{verifier.model_id}" if verifier else "")
    key = result_key(
        documents,
        claims,
        settings=settings,
        model_id=models,
        keys=keys,
        document_keys=linked.document_keys,
    )
    stored = cache.get_result(key)
    known = _load_result(stored) if stored is not None else None
    if known is not None:
        match = known[0]
    else:
        match = match_claims(
            claims,
            documents=documents,
            settings=settings,
            embedder=embedder,
            progress=progress,
            verifier=verifier,
            cache=cache,
            claim_keys=keys,
        )
    # An undated document's "on Tuesday" takes the date that dated sources of the same facts
    # give (marked inferred); it needs the groups, so it comes after matching.
    anchored = anchor_undated(claims, match.groups, documents)
    fixed = {
        after.id: k
        for before, after, k in zip(claims, anchored, keys, strict=True)
        if after is before
    }
    return _Matched(embedder, key, known, match, anchored, fixed)


def corpus_claims(
    documents: Sequence[Document],
    *,
    settings: Settings,
    output: str | Path | None = None,
    progress: Progress | None = None,
) -> list[Claim]:
    """The claims of `documents` as :func:`run` hands them to the rules and the report.

    Per document (from the cache where unchanged), then corpus-level entity linking, then the
    relative dates of undated documents anchored on their fact groups (`anchor_undated`). That
    last step needs the groups, so a corpus with an undated document is matched as `run` matches
    it (the stored result of an earlier run with the same inputs is reused); a corpus whose
    documents all have a date is not matched, since the anchoring changes none of its claims.
    `factcheck extract` prints these.
    """
    progress = progress or Progress(enabled=False)
    with open_cache(settings, output=output) as cache:
        linked = _linked_claims(documents, settings=settings, cache=cache, progress=progress)
        if all(d.published is not None for d in documents):
            return linked.claims
        verifier = None if settings.verifier == "off" else load_verifier(settings.verifier)
        return _match_corpus(
            documents, linked, settings=settings, cache=cache, progress=progress, verifier=verifier
        ).claims


def run(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    output: str | Path | None = None,
    progress: Progress | None = None,
    documents: Sequence[Document] | None = None,
) -> RunResult:
    """Run every stage over the documents under `paths` (or over `documents` already loaded)."""
    progress = progress or Progress(enabled=False)
    skipped: list[SkippedFile] = []
    if documents is None:
        corpus = load_corpus(paths, settings=settings)
        documents, skipped = corpus.documents, corpus.skipped
    documents = list(documents)
    # Before extraction, which can take hours: a verifier folder that is missing or lacks its
    # files is one error now, not after the corpus was parsed (loading it is cheap; its ONNX
    # session starts only when a pair is judged).
    verifier = None if settings.verifier == "off" else load_verifier(settings.verifier)
    with open_cache(settings, output=output) as cache:
        linked = _linked_claims(documents, settings=settings, cache=cache, progress=progress)
        matched = _match_corpus(
            documents, linked, settings=settings, cache=cache, progress=progress, verifier=verifier
        )
        embedder, key, match, claims = matched.embedder, matched.key, matched.match, matched.claims
        rule_stats = {"rule_groups_judged": 0, "rule_groups_reused": 0}
        if matched.known is not None:
            _, findings, rule_codes = matched.known
        else:
            # The rules judge only the groups that changed since the last run (the same findings).
            groups_state = cache.get_state(_RULE_GROUPS)
            store = GroupResults(groups_state, code=code_digest())
            findings, rule_codes = run_rules(
                match,
                claims,
                documents=documents,
                settings=settings,
                store=store,
                claim_keys=matched.fixed_keys,
            )
            cache.put_state(_RULE_GROUPS, store.dumps())
            rule_stats = store.stats()
            cache.put_result(
                key,
                _StoredResult(
                    groups=match.groups,
                    sources=match.sources,
                    related=match.related,
                    events=match.events,
                    findings=findings,
                    rules=rule_codes,
                )
                .model_dump_json()
                .encode(),
            )
        stats = {**cache.stats(), **rule_stats}
    generated = GeneratedWith(
        factcheck=__version__,
        models={
            "spacy": Extractor.describe_model(settings),
            "embedding": embedder.model_id,
            **({"verifier": verifier.model_id} if verifier else {}),
        },
        settings=settings.public(),
        rules=rule_codes,
    )
    report = build_report(
        documents=documents,
        claims=claims,
        match=match,
        findings=findings,
        generated_with=generated,
        settings=settings,
    )
    if skipped:  # files left out while reading (keep_going, or all page furniture)
        report = report.model_copy(update={"skipped": skipped})
    return RunResult(
        report=report, documents=documents, claims=claims, match=match, cache_stats=stats
    )

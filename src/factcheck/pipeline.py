"""The pipeline: ingest -> extract -> match -> rules -> report, each stage a plain call over models."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .cache import Cache, open_cache
from .embed import Embedder
from .extract import EXTRACTOR_VERSION, Extractor, link_entities
from .ingest import load_documents
from .match import MatchResult, match_claims
from .models import Claim, Document, GeneratedWith, Report
from .progress import Progress
from .report.build import build_report
from .rules.engine import run_rules
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
    while the document id is not part of it (claims are re-stamped with the id on load).
    """
    digest = hashlib.sha256(doc.text.encode("utf-8"))
    digest.update(f"\x00{doc.published}\x00{doc.format}".encode())
    return digest.hexdigest()


def claims_version(settings: Settings) -> str:
    """The version half of the claims cache key: extractor code, model and the settings it reads.

    The Ray engine uses it too, so both engines read and write the same cache entries.
    """
    relevant = {"aliases": settings.aliases, "spacy_model": settings.spacy_model}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:12]
    return f"{EXTRACTOR_VERSION}:{Extractor.describe_model(settings)}:{digest}"


def extract_claims(
    documents: Sequence[Document], *, settings: Settings, cache: Cache, progress: Progress
) -> list[Claim]:
    """Claims of every document, from the cache where the document's content is unchanged."""
    extractor = Extractor(settings=settings)
    key_version = claims_version(settings)
    out: list[Claim] = []
    todo: list[Document] = []
    cached: dict[str, list[Claim]] = {}
    for doc in documents:
        hit = cache.get_claims(document_key(doc), key_version, document=doc.id)
        if hit is None:
            todo.append(doc)
        else:
            cached[doc.id] = hit
    with progress.task("Extracting claims", total=len(todo), unit="documents") as advance:
        for doc, claims in zip(todo, extractor.extract_many(todo), strict=True):
            cache.put_claims(document_key(doc), key_version, claims)
            cached[doc.id] = claims
            advance(1)
    for doc in documents:
        out.extend(cached[doc.id])
    return out


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
    if documents is None:
        documents = load_documents(paths, settings=settings)
    documents = list(documents)
    with open_cache(settings, output=output) as cache:
        # Corpus-level entity linking ("Blinken" -> the one "Antony Blinken" of the corpus) runs
        # after the per-document cache, since it depends on the other documents.
        claims = link_entities(
            extract_claims(documents, settings=settings, cache=cache, progress=progress)
        )
        embedder = Embedder(settings=settings, cache=cache)
        match = match_claims(
            claims, documents=documents, settings=settings, embedder=embedder, progress=progress
        )
        stats = cache.stats()
    findings, rule_codes = run_rules(match, claims, documents=documents, settings=settings)
    generated = GeneratedWith(
        factcheck=__version__,
        models={"spacy": Extractor.describe_model(settings), "embedding": embedder.model_id},
        settings=settings.public(),
        rules=rule_codes,
    )
    report = build_report(
        documents=documents, claims=claims, match=match, findings=findings, generated_with=generated
    )
    return RunResult(
        report=report, documents=documents, claims=claims, match=match, cache_stats=stats
    )

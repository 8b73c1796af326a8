"""Claim extraction: Document -> Claim[] with who/what/when/where, quantities, polarity, modality, attribution.

>>> from factcheck.settings import Settings
>>> extractor = Extractor(settings=Settings())  # the spaCy model loads on first use
>>> claims = [c for batch in extractor.extract_many(documents) for c in batch]
>>> claims = link_entities(claims)  # corpus-level pass: "Blinken" -> "Antony J. Blinken", "FBI" -> long form

Order of `Claim.who` (a guarantee the rules may rely on):

1. The actor first: the entities of the clause's grammatical subject (all of them, in
   order, when the subject is coordinated: "Japan and Australia criticized ..."); in the
   passive, the entities of the "by" agent come before those of the grammatical subject, so
   "police arrested X" and "X was arrested by police" both start with the police. The subject
   is that of the content verb, else of the verbs above it ("X plans to criticize ...").
   Only the subject's own words count: "Moscow's buildup on Ukraine's border" gives Moscow.
2. Then every other person, organisation, country or nationality mentioned in the clause, in
   text order. Places the clause happens in are in `where`, not in `who`; the speaker of
   reported speech is in `attribution`, not in `who`; a country written as part of a
   person's role ("Japanese Foreign Minister X") is in the role, not listed again.

When the subject names no entity ("The ministers met X"), `who` holds only the other mentions;
nothing in the Claim model marks that case yet, so `who[0]` is the actor only when the clause's
subject is an entity (see the lead's note in the extraction report).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..models import Claim, Document
from ..settings import Settings
from .aliases import Tables, load_tables
from .corpus import link_entities
from .nlp import describe_model, load_pipeline, model_id_from_meta, parse

if TYPE_CHECKING:
    from .claims import ClaimBuilder
    from .timex import find_time_expressions, normalise_time

# Bump whenever the claims produced for the same text change: it is part of the cache key.
EXTRACTOR_VERSION = "23"
# Documents per nlp.pipe batch (news articles of 300-1,000 words); larger batches gain nothing
# measurable on the CPU and make the work of two processes less even.
BATCH_SIZE = 16
# A second parsing process pays off from about this much text (break-even measured on a 2-core
# machine, see bench/RESULTS-extract.md), and never for fewer documents than two batches.
MULTIPROCESS_MIN_CHARS = 100_000
MULTIPROCESS_MIN_DOCS = 2 * BATCH_SIZE
DEFAULT_PROCESSES = 2

__all__ = [
    "EXTRACTOR_VERSION",
    "Extractor",
    "find_time_expressions",
    "link_entities",
    "normalise_time",
]


def __getattr__(name: str) -> Any:
    # The time expression functions live in .timex, imported on first use (see `builder`).
    if name in ("find_time_expressions", "normalise_time"):
        from . import timex

        return getattr(timex, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Extractor:
    """Turns documents into claims; the spaCy pipeline is loaded lazily on first use."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings
        self._nlp: Any = None
        self._builder: ClaimBuilder | None = None
        self._tables: Tables | None = None
        self.model_id = describe_model(settings.spacy_model)

    @staticmethod
    def describe_model(settings: Settings) -> str:
        """Identifier of the configured spaCy model ('en_core_web_sm-3.8.0') without loading it."""
        return describe_model(settings.spacy_model)

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_pipeline(self.settings.spacy_model)
            self.model_id = model_id_from_meta(self._nlp.meta)
        return self._nlp

    def load(self) -> None:
        """Load the spaCy pipeline and the tables now (extraction loads them when first needed)."""
        self.builder  # noqa: B018 - the property loads them

    @property
    def builder(self) -> ClaimBuilder:
        if self._builder is None:
            # Imported here: the claim layer and its word lists (a third of a second) load only
            # when a document is extracted, never in a run whose claims all come from the cache.
            from .claims import ClaimBuilder
            from .entities import EntityLinker

            tables = load_tables(self.settings.aliases)
            self._builder = ClaimBuilder(tables, EntityLinker(tables, self.nlp))
        return self._builder

    def extract(self, doc: Document) -> list[Claim]:
        """Claims of one document, in document order, with ids '<doc id>:<index>'."""
        nlp = self.nlp
        if len(doc.text) <= nlp.max_length:
            return self.builder.build(doc, nlp(doc.text))
        return self.builder.build(doc, next(parse(nlp, [doc.text], batch_size=1)))

    def processes_for(self, docs: Sequence[Document]) -> int:
        """Processes `extract_many` parses these documents with: 1 unless the corpus pays for a second.

        A worker process loads its own copy of the pipeline (about two seconds here), so more
        than one pays only above MULTIPROCESS_MIN_CHARS characters of text (measured break-even,
        bench/RESULTS-extract.md); `spacy_processes` in the settings caps the count (1: never).
        """
        wanted = self.settings.spacy_processes
        cap = int(wanted) if wanted is not None else min(DEFAULT_PROCESSES, os.cpu_count() or 1)
        if cap <= 1 or len(docs) < MULTIPROCESS_MIN_DOCS:
            return 1
        chars = sum(len(d.text) for d in docs)
        if chars < MULTIPROCESS_MIN_CHARS:
            return 1
        return max(1, min(cap, len(docs) // BATCH_SIZE, chars // MULTIPROCESS_MIN_CHARS + 1))

    def extract_many(self, docs: Iterable[Document]) -> Iterator[list[Claim]]:
        """Claims of each document, in order, parsing with `nlp.pipe` in batches.

        Large corpora are parsed by several processes (see `processes_for`); the claims are
        built in this process either way, so the output does not depend on how it was parsed.
        A document longer than spaCy's max_length is parsed in pieces (see `nlp.parse`).
        """
        todo = docs if isinstance(docs, Sequence) else list(docs)
        if not todo:
            return  # nothing to do: the model is never loaded (a fully cached rerun)
        builder = self.builder
        n_process = self.processes_for(todo)
        parsed = parse(self.nlp, [d.text for d in todo], batch_size=BATCH_SIZE, n_process=n_process)
        for doc, sdoc in zip(todo, parsed, strict=True):
            yield builder.build(doc, sdoc)

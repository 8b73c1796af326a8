"""Claim extraction: Document -> Claim[] with who/what/when/where, quantities, polarity, modality, attribution.

>>> from factcheck.settings import Settings
>>> extractor = Extractor(settings=Settings())  # the spaCy model loads on first use
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..models import Claim, Document
from ..settings import Settings
from .aliases import Tables, load_tables
from .claims import ClaimBuilder
from .entities import EntityLinker
from .nlp import describe_model, load_pipeline, model_id_from_meta
from .timex import find_time_expressions, normalise_time

# Bump whenever the claims produced for the same text change: it is part of the cache key.
EXTRACTOR_VERSION = "1"
BATCH_SIZE = 16

__all__ = [
    "EXTRACTOR_VERSION",
    "Extractor",
    "find_time_expressions",
    "normalise_time",
]


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

    @property
    def builder(self) -> ClaimBuilder:
        if self._builder is None:
            tables = load_tables(self.settings.aliases)
            self._builder = ClaimBuilder(tables, EntityLinker(tables, self.nlp))
        return self._builder

    def extract(self, doc: Document) -> list[Claim]:
        """Claims of one document, in document order, with ids '<doc id>:<index>'."""
        return self.builder.build(doc, self.nlp(doc.text))

    def extract_many(self, docs: Iterable[Document]) -> Iterator[list[Claim]]:
        """Claims of each document, in order, parsing in batches with `nlp.pipe`."""
        pending = iter(docs)
        while True:
            batch = [d for _, d in zip(range(BATCH_SIZE), pending, strict=False)]
            if not batch:
                return  # nothing to do: the model is never loaded (a fully cached rerun)
            builder = self.builder
            for doc, sdoc in zip(batch, self.nlp.pipe([d.text for d in batch], batch_size=BATCH_SIZE), strict=True):
                yield builder.build(doc, sdoc)

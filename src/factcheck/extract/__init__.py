"""Claim extraction: Document -> Claim[] (PLACEHOLDER: one claim per sentence, no slots)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..models import Claim, Document, Predicate
from ..settings import Settings

EXTRACTOR_VERSION = "0"


class Extractor:
    """Turns documents into claims."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings
        self.model_id = "placeholder"

    @staticmethod
    def describe_model(settings: Settings) -> str:
        return "placeholder"

    def extract(self, doc: Document) -> list[Claim]:
        claims: list[Claim] = []
        for m in re.finditer(r"[^\n.!?]+[.!?]?", doc.text):
            sentence = m.group().strip()
            if len(sentence.split()) < 4:
                continue
            start = m.start() + m.group().index(sentence)
            span = doc.locate(start, start + len(sentence))
            claims.append(Claim(
                id=f"{doc.id}:{len(claims)}", document=doc.id, text=sentence, sentence=sentence,
                span=span, what=Predicate(lemma=""),
            ))
        return claims

    def extract_many(self, docs: Iterable[Document]) -> Iterator[list[Claim]]:
        for doc in docs:
            yield self.extract(doc)

"""The Python API beside the CLI: `check(paths, **settings) -> CheckResult`, a Report that writes itself."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack

from pydantic import PrivateAttr

from .models import Document, Report, Review, Severity
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from .match.stance import Stance

__all__ = ["CheckResult", "OutputFormat", "SettingOverrides", "check", "stance"]

OutputFormat = Literal["md", "html", "csv", "json"]
_SUFFIXES: dict[str, OutputFormat] = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".json": "json",
}


class SettingOverrides(TypedDict, total=False):
    """Keyword arguments of `check()`: every field of `Settings`, with its type (a test keeps
    the two in step). See `Settings` for what each one does and its default."""

    max_document_bytes: int
    fallback_encoding: str
    drop_furniture: bool
    follow_symlinks: bool
    keep_going: bool
    spacy_model: str
    spacy_processes: int | None
    aliases: dict[str, list[str]]
    embedding_model: str
    embedding_backend: Literal["torch", "onnx", "onnx-int8"]
    batch_size: int
    similarity_threshold: float
    top_k: int
    ann_threshold: int
    duplicate_threshold: float
    verifier: str
    verifier_floor: float
    verifier_same_fact: float
    cache: str | None
    use_cache: bool
    select: list[str]
    ignore: list[str]
    severity: dict[str, Severity]
    rules: dict[str, dict[str, Any]]
    quantity_tolerance: float
    approx_tolerance: float
    report_context_chars: int
    summary_top: int
    ray_workers: int | None
    ray_batch_documents: int
    fail_on: Literal["discrepancy", "unsupported"]
    reviews: str


class CheckResult(Report):
    """What `check()` returns: the Report, plus the documents it came from, so that it can be
    rendered or written as Markdown, HTML, CSV or JSON (the files `factcheck report` writes)."""

    _documents: list[Document] = PrivateAttr(default_factory=list)
    _context_chars: int | None = PrivateAttr(default=None)

    @property
    def report(self) -> Report:
        """The plain Report (what report.json holds)."""
        return Report.model_validate(self.model_dump())

    def render(
        self, fmt: OutputFormat = "md", *, reviews: Mapping[str, Review] | None = None
    ) -> str:
        """The report as text: 'md' (report.md), 'html' (report.html), 'csv' (report.csv) or
        'json' (report.json). `reviews` (fingerprint -> review) adds review status."""
        from .io import model_json
        from .report.render import render_html, render_markdown
        from .report.spreadsheet import render_csv

        report = self.report
        if reviews is not None:
            from .review.store import with_reviews

            report = with_reviews(report, reviews)
        if fmt == "md":
            return render_markdown(report, reviews=reviews)
        if fmt == "html":
            return render_html(
                report, self._documents, context_chars=self._context_chars, reviews=reviews
            )
        if fmt == "csv":
            return render_csv(report, reviews=reviews)
        if fmt == "json":
            return model_json(report)
        raise ValueError(f"unknown format {fmt!r}: expected one of md, html, csv, json")

    def write(
        self,
        path: str | Path,
        fmt: OutputFormat | None = None,
        *,
        reviews: Mapping[str, Review] | None = None,
    ) -> Path:
        """Write the report to `path` (atomically) and return the path; the format comes from
        the file's suffix (.md, .html, .csv, .json) unless `fmt` names it."""
        from .io import atomic_write_bytes

        target = Path(path)
        chosen = fmt or _SUFFIXES.get(target.suffix.lower())
        if chosen is None:
            raise ValueError(
                f"cannot tell the format of {target.name!r}: name it with fmt= "
                "or use a .md, .html, .csv or .json suffix"
            )
        atomic_write_bytes(target, self.render(chosen, reviews=reviews).encode("utf-8"))
        return target


def _check_names(overrides: Mapping[str, object]) -> None:
    known = Settings.model_fields
    for name in overrides:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"check() got an unexpected keyword argument {name!r}{hint}")


def check(
    paths: str | Path | Sequence[str | Path],
    *,
    settings: Settings | None = None,
    config: str | Path | None = None,
    **overrides: Unpack[SettingOverrides],
) -> CheckResult:
    """Check the documents under `paths` and return the consistency report.

    Settings come from `settings`, else `config`, else the config file nearest the first
    path. Keyword arguments override settings by name (see `Settings`); a name that is not a
    setting is a TypeError that names it. The result is a `Report` that can also write
    itself as Markdown, HTML, CSV or JSON::

        >>> import pathlib, tempfile
        >>> import factcheck
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.txt").write_text("The bridge in Porto opened on Monday, the city said.\\n")
        >>> _ = (folder / "b.txt").write_text("Porto's new bridge opened to traffic on Monday.\\n")
        >>> report = factcheck.check(folder, use_cache=False)
        >>> report.summary.documents, sorted(d.id for d in report.documents)
        (2, ['a', 'b'])
        >>> report.write(folder / "out" / "report.md").read_text().splitlines()[0]
        '# Consistency report'
        >>> report.write(folder / "out" / "report.csv").read_text().split(",")[0]
        'kind'
        >>> factcheck.check(folder, similarity_treshold=0.6)
        Traceback (most recent call last):
        ...
        TypeError: check() got an unexpected keyword argument 'similarity_treshold' (did you mean 'similarity_threshold'?)
    """
    from .pipeline import run

    _check_names(overrides)
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if settings is None:
        settings = load_settings(Path(config) if config else None, paths=items, **overrides)
    elif overrides:
        settings = settings.model_copy(update=overrides)
        settings = Settings.model_validate(settings.model_dump())
    result = run(items, settings=settings)
    out = CheckResult.model_validate(result.report.model_dump())
    out._documents = list(result.documents)
    out._context_chars = settings.report_context_chars
    return out


def stance(
    claim: str,
    document: str,
    *,
    top_k: int = 3,
    settings: Settings | None = None,
) -> Stance:
    """How a document's text stands towards a claim: agree, conflict, discuss or unrelated.

    The claim and the document are extracted as a run extracts them; the verifier reads the
    claim against the `top_k` claims of the document nearest to it (in document order), and
    the fitted combination (`bench/fit_stance.py`) weighs its verdict with the slot evidence:
    the claim's modality, a negation on one side only, a slot in conflict.
    """
    from .extract import Extractor
    from .ingest import document_from_text
    from .match.embed import Embedder
    from .match.stance import Stance, evidence_text, load_stance_model
    from .match.verify import load_verifier
    from .models import Claim, Predicate

    settings = settings or Settings()
    if not claim.strip():
        raise ValueError("stance() needs a claim with some text")
    docs = [
        document_from_text(claim, id="claim", settings=settings),
        document_from_text(document, id="document", settings=settings),
    ]
    found = list(Extractor(settings=settings).extract_many(docs))
    head_claims, body = found[0], found[1]
    span = docs[0].locate(0, len(claim))
    head = (
        head_claims[0].model_copy(update={"text": claim})
        if head_claims
        else Claim(
            id="claim:0",
            document="claim",
            text=claim,
            sentence=claim,
            span=span,
            what=Predicate(lemma=""),
        )
    )
    model = load_stance_model()
    if not body:
        return Stance(label="unrelated", probabilities={"unrelated": 1.0}, evidence=())
    vectors = Embedder(settings=settings).encode([claim, *(c.text for c in body)])
    ranked = sorted(
        range(len(body)), key=lambda i: (-float(vectors[0] @ vectors[i + 1]), body[i].span.start)
    )
    evidence = [body[i] for i in ranked[:top_k]]
    verifier = load_verifier("builtin" if settings.verifier == "off" else settings.verifier)
    (verdict,) = verifier.verify([(claim, evidence_text(evidence))])
    return model.stance(head, evidence, verdict)

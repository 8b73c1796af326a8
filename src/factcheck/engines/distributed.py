"""The Ray engine: ingest, extraction and embedding as distributed batch stages that fill the shared cache."""

from __future__ import annotations

import logging
import os
import queue
import secrets
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import Cache, open_cache
from ..errors import Errors, ExitCode, FactcheckError
from ..extract import Extractor
from ..ingest import load_corpus
from ..models import Document
from ..pipeline import RunResult, document_key
from ..progress import Progress
from ..settings import Settings

__all__ = [
    "RAY_REQUIREMENT",
    "DistributedError",
    "WorkPlan",
    "claims_cache_version",
    "plan_work",
    "run_distributed",
]

log = logging.getLogger(__name__)

RAY_REQUIREMENT = "ray[data]>=2.60,<3"  # what the `ray` extra pins; tested with 2.60.0

# Ray must never phone home; these go into the driver's environment and every worker's.
_OFFLINE_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ORT_DISABLE_TELEMETRY": "1",
}


class DistributedError(FactcheckError):
    """The Ray engine is missing, cannot reach its cluster, or a worker failed."""

    exit_code = ExitCode.INTERNAL


@dataclass(frozen=True)
class WorkPlan:
    """Which documents the workers must process and which the shared cache already covers."""

    todo: list[Document]
    done: list[Document]


def claims_cache_version(settings: Settings) -> str:
    """The version half of the claims cache key, the same as the local pipeline's."""
    from ..pipeline import claims_version

    return claims_version(settings)


def plan_work(documents: Sequence[Document], *, cache: Cache, version: str) -> WorkPlan:
    """Split `documents` into those whose claims are not in `cache` and those whose claims are.

    The key is the pipeline's own (`document_key`: normalised text and its map to the file, date
    and format, plus `version`), so what the plan calls done is exactly what the central run
    will find.
    """
    todo: list[Document] = []
    done: list[Document] = []
    for doc in documents:
        hit = cache.get_claims(document_key(doc), version, document=doc.id)
        (done if hit is not None else todo).append(doc)
    return WorkPlan(todo=todo, done=done)


class DocumentBatchWorker:
    """Ray Data stage: ingest -> extract -> embed for a batch of paths, written to the shared cache.

    One instance lives in each worker actor, so spaCy and the embedding model load once per
    worker, not once per document or batch. Each actor opens the cache itself: SQLite in WAL mode
    with a busy timeout lets several processes on one machine write to it at once.
    """

    def __init__(
        self, settings_data: dict[str, Any], output: str | None, ready: Any = None
    ) -> None:
        for key, value in _OFFLINE_ENV.items():
            os.environ.setdefault(key, value)
        from ..match.embed import Embedder

        self.settings = Settings.model_validate(settings_data)
        self._stack = ExitStack()
        self.cache = self._stack.enter_context(open_cache(self.settings, output=output))
        self.embedder = Embedder(settings=self.settings, cache=self.cache)
        self.version = claims_cache_version(self.settings)
        # Both models load now and then stay (spaCy in the extractor's per-process pipeline
        # cache, the sentence encoder in this embedder): the driver was sent only documents
        # that need them, and it shows the loading as a step of its own until `ready` (a Ray
        # queue) has heard from every worker.
        Extractor(settings=self.settings).load()
        self.embedder.load()
        if ready is not None:
            ready.put(os.getpid())

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from ..ingest import read_document
        from ..pipeline import extract_claims

        paths = [str(p) for p in batch["path"]]
        errors = [""] * len(paths)
        documents: dict[int, Document] = {}
        for i, path in enumerate(paths):
            try:
                documents[i] = read_document(Path(path), settings=self.settings)
            except FactcheckError as exc:
                # The driver read this file without error; report it rather than lose the
                # rest of the batch (the central run extracts it if it is still missing).
                errors[i] = str(exc)
        # Another worker, or an interrupted earlier run, may have finished some meanwhile.
        plan = plan_work(list(documents.values()), cache=self.cache, version=self.version)
        pending = {id(doc) for doc in plan.todo}
        # The pipeline's own extraction step, so the claims land under exactly its keys.
        claims = extract_claims(
            plan.todo, settings=self.settings, cache=self.cache, progress=Progress(enabled=False)
        )
        if claims:
            # The embedder stores what it computes in the shared cache, where the central
            # matching step finds it; the vectors are not needed here.
            self.embedder.encode([c.text for c in claims])
        per_doc: dict[str, int] = {}
        for claim in claims:
            per_doc[claim.document] = per_doc.get(claim.document, 0) + 1
        extracted = [int(i in documents and id(documents[i]) in pending) for i in range(len(paths))]
        counts = [per_doc.get(documents[i].id, 0) if extracted[i] else 0 for i in range(len(paths))]
        return {"path": paths, "extracted": extracted, "claims": counts, "error": errors}

    def __del__(self) -> None:
        stack = getattr(self, "_stack", None)
        if stack is not None:
            stack.close()


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise DistributedError.make(Errors.E080, path="--engine ray", detail=str(exc)) from None
    return ray


def _cluster_settings(settings: Settings, output: Path | None, scratch: Path) -> Settings:
    """Settings for the run with an absolute cache location every worker can open."""
    update: dict[str, Any] = {}
    if not settings.use_cache:
        # The cache is how workers hand results to the driver; without one, use a throwaway.
        update = {"use_cache": True, "cache": str(scratch / "factcheck.sqlite")}
    elif settings.cache is not None:
        update = {"cache": str(Path(settings.cache).resolve())}
    elif output is None:
        update = {"cache": str(scratch / "factcheck.sqlite")}
    return Settings.model_validate({**settings.model_dump(), **update}) if update else settings


def _private_token() -> None:
    """Token authentication for a local instance without writing Ray's default ~/.ray/auth_token.

    Ray 2.5x+ turns token auth on for a new local instance and saves a token in the home folder,
    which then switches every later `ray start` on the machine to token mode. A random token in
    this process's environment (which Ray reads before looking for that file, and which the
    instance it starts inherits) keeps the instance private and leaves no file behind. Explicit
    Ray auth settings are respected.
    """
    if any(k in os.environ for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")):
        return
    os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)


@contextmanager
def _ray_session(
    ray: Any, *, address: str | None, settings: Settings, progress: Progress
) -> Iterator[int]:
    """Connect to (or start) Ray; yields the number of worker actors to run."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    started = False
    if not ray.is_initialized():
        runtime_env = {"env_vars": dict(_OFFLINE_ENV)}
        cpus = settings.ray_workers or os.cpu_count() or 1
        what = (
            f"Connecting to Ray at {address}"
            if address
            else f"Starting Ray ({cpus} CPU{'s' if cpus != 1 else ''})"
        )
        try:
            with progress.step(what):
                if address is None:
                    _private_token()
                    ray.init(
                        num_cpus=cpus,
                        include_dashboard=False,
                        log_to_driver=False,
                        runtime_env=runtime_env,
                    )
                else:
                    ray.init(address=address, log_to_driver=False, runtime_env=runtime_env)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise DistributedError.make(
                Errors.E081, path=address or "local Ray", detail=str(exc).splitlines()[0]
            ) from None
        started = True
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        yield max(1, settings.ray_workers or cpus)
    finally:
        if started:
            ray.shutdown()


def _run_batches(
    ray: Any,
    todo: Sequence[Path],
    *,
    settings: Settings,
    output: Path | None,
    workers: int,
    progress: Progress,
) -> dict[str, int]:
    with warnings.catch_warnings():
        # Ray 2.60 warns about its own deprecated option inside get_current().
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    items = [{"path": str(p)} for p in todo]
    # Small runs get smaller batches so that every worker has something to do.
    size = max(1, min(settings.ray_batch_documents, -(-len(items) // workers)))
    blocks = max(1, -(-len(items) // size))
    from ray.util.queue import Queue

    ready = Queue()
    dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        DocumentBatchWorker,
        fn_constructor_kwargs={
            "settings_data": settings.model_dump(mode="json"),
            "output": str(output) if output is not None else None,
            "ready": ready,
        },
        batch_size=size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )
    stats = {"extracted": 0, "claims": 0, "errors": 0}
    rows: queue.Queue[Any] = queue.Queue()
    _pump(dataset, rows)
    models = (
        f"the spaCy model {Extractor.describe_model(settings)} and the embedding model "
        f"{settings.embedding_model} ({settings.embedding_backend})"
    )
    try:
        # The workers load their models before their first batch: a step of its own, as in a
        # local run, so the bar below does not sit at 0 meanwhile.
        on = f"{workers} Ray worker{'s' if workers != 1 else ''}"
        with progress.step(f"Loading {models} on {on}"):
            _wait_ready(ready, workers, rows)
        with progress.task("Extracting on Ray", total=len(items), unit="documents") as advance:
            while (row := rows.get()) is not _END:
                if isinstance(row, BaseException):
                    raise row
                stats["extracted"] += int(row["extracted"])
                stats["claims"] += int(row["claims"])
                if row["error"]:
                    stats["errors"] += 1
                    log.warning("%s", row["error"])
                advance(1)
    except ray.exceptions.RayError as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise DistributedError.make(Errors.E082, path="--engine ray", detail=detail) from None
    finally:
        ready.shutdown()
    return stats


_END = object()  # the last item `_pump` puts


def _pump(dataset: Any, rows: queue.Queue[Any]) -> None:
    """Iterate the dataset in a thread (which starts its execution) and put each row, then the
    exception that stopped it or `_END`, into `rows`, so the caller can wait on other things."""

    def pump() -> None:
        try:
            for row in dataset.iter_rows():
                rows.put(row)
        except BaseException as exc:  # handed to the caller, which raises it
            rows.put(exc)
        else:
            rows.put(_END)

    threading.Thread(target=pump, name="factcheck-ray-rows", daemon=True).start()


def _wait_ready(ready: Any, workers: int, rows: queue.Queue[Any]) -> None:
    """Until every worker has put its word in `ready` (models loaded), or a row, an error or
    the end arrived first (a worker that failed to start never says it is ready)."""
    from ray.util.queue import Empty

    heard = 0
    while heard < workers and rows.empty():
        try:
            ready.get(timeout=0.2)
        except Empty:
            continue
        heard += 1


def run_distributed(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    output: str | Path | None = None,
    address: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run the pipeline with ingest, extraction and embedding spread over a Ray cluster.

    The shared cache is the hand-over: the driver ingests the files and sends to Ray only those
    whose claims are not cached (the pipeline's own key: normalised text + extractor version); worker actors ingest, extract and embed
    them into the cache; then the ordinary local pipeline runs over every file, finds
    everything in the cache, and matches, applies the rules and builds the report once,
    centrally. So the report is byte-identical to the local engine's by construction.

    With no `address` a local Ray instance is started (``settings.ray_workers`` CPUs, default
    all); with one, e.g. ``"10.0.0.5:6379"`` or ``"auto"``, the run joins that cluster. On a
    cluster of several machines the cache file must lie on a filesystem every node mounts at the
    same path (set ``cache`` to it).

    ``result.cache_stats`` gains ``ray_documents`` (files sent to Ray), ``ray_skipped`` (files
    already cached), ``ray_extracted``, ``ray_claims``, ``ray_errors`` and ``ray_workers``.

    Example::

        >>> from factcheck.engines.distributed import run_distributed  # doctest: +SKIP
        >>> result = run_distributed(["corpus/"], settings=Settings(), output="reports")  # doctest: +SKIP
    """
    from .. import pipeline

    ray = _import_ray()  # fail before any work when the engine cannot run at all
    if settings.verifier != "off":
        # The central run needs it after the cluster's work: a bad setting fails now instead.
        from ..match.verify import load_verifier

        load_verifier(settings.verifier)
    progress = progress or Progress(enabled=False)
    out = Path(output).resolve() if output is not None else None
    with tempfile.TemporaryDirectory(prefix="factcheck-ray-") as scratch:
        run_settings = _cluster_settings(settings, out, Path(scratch))
        # Ingest on the driver is cheap next to extraction, surfaces input errors before a
        # cluster starts, and gives the exact cache keys the central run will look up.
        corpus = load_corpus(paths, settings=run_settings)
        documents = corpus.documents
        with open_cache(run_settings, output=out) as cache:
            plan = plan_work(documents, cache=cache, version=claims_cache_version(run_settings))
        stats = {"extracted": 0, "claims": 0, "errors": 0}
        workers = 0
        if plan.todo:
            todo = [Path(doc.path).resolve() for doc in plan.todo]
            with _ray_session(
                ray, address=address, settings=run_settings, progress=progress
            ) as workers:
                workers = min(workers, len(todo))
                stats = _run_batches(
                    ray,
                    todo,
                    settings=run_settings,
                    output=out,
                    workers=workers,
                    progress=progress,
                )
        result = pipeline.run(
            paths, settings=run_settings, output=output, progress=progress, documents=documents
        )
    if corpus.skipped:  # run() was given the documents: the files skipped reading them
        result.report = result.report.model_copy(update={"skipped": corpus.skipped})
    result.cache_stats.update(
        {
            "ray_documents": len(plan.todo),
            "ray_skipped": len(plan.done),
            "ray_extracted": stats["extracted"],
            "ray_claims": stats["claims"],
            "ray_errors": stats["errors"],
            "ray_workers": workers,
        }
    )
    return result

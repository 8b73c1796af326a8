"""SQLite cache of claims (per document content), embeddings (per model and text), verifier verdicts and run state."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError

if TYPE_CHECKING:
    import numpy as np

from .models import Claim
from .settings import Settings

__all__ = ["CACHE_NAME", "SCHEMA_VERSION", "Cache", "cache_path", "open_cache"]

log = logging.getLogger(__name__)

# Bump when the table layout or the stored encoding changes: older files are moved aside.
SCHEMA_VERSION = "1"
CACHE_NAME = Path(".cache") / "factcheck.sqlite"
# SQLite limits host parameters per statement; stay well below the oldest default (999).
_CHUNK = 900
_BUSY_TIMEOUT_MS = 30_000

_CLAIMS = TypeAdapter(list[Claim])

_DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS claims ("
    " content_hash TEXT NOT NULL, version TEXT NOT NULL, document TEXT NOT NULL,"
    " data BLOB NOT NULL, PRIMARY KEY (content_hash, version)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS embeddings ("
    " model_id TEXT NOT NULL, text_hash TEXT NOT NULL, dim INTEGER NOT NULL,"
    " vector BLOB NOT NULL, PRIMARY KEY (model_id, text_hash)) WITHOUT ROWID",
    # Whole-run results (matching and rules) keyed by a digest of everything they depend on.
    "CREATE TABLE IF NOT EXISTS results ("
    " key TEXT PRIMARY KEY, stored REAL NOT NULL, data BLOB NOT NULL)",
    # Claim-pair verifier verdicts per model and pair of texts (probabilities as JSON).
    "CREATE TABLE IF NOT EXISTS verdicts ("
    " model_id TEXT NOT NULL, pair_hash TEXT NOT NULL, data TEXT NOT NULL,"
    " PRIMARY KEY (model_id, pair_hash)) WITHOUT ROWID",
    # What the last run of a lineage (corpus folder and settings) left for the next one to
    # start from: the claims' nearest-neighbour table, keyed by a digest of its inputs' kind.
    "CREATE TABLE IF NOT EXISTS state ("
    " key TEXT PRIMARY KEY, stored REAL NOT NULL, data BLOB NOT NULL)",
)
# Results of this many distinct inputs are kept (the newest): one corpus, a few variants.
_KEEP_RESULTS = 4
# Run states kept (the newest): a run writes six (neighbour table, pair memo, component memos
# of the groups and the events, rule results per group, the documents' shingles), so a few
# variants of each.
_KEEP_STATES = 16


class _Corrupt(Exception):
    """The cache file cannot be used as it stands."""


class _Busy(Exception):
    """Another process held the cache file locked for longer than the busy timeout."""


class _Unwritable(Exception):
    """The disk, not the file, is at fault (full, read-only, I/O error): keep the file as it is."""


# SQLite primary result codes (the low byte of an extended code) that blame the disk or the
# permissions rather than the file's contents: SQLITE_PERM, READONLY, IOERR, FULL, CANTOPEN.
# Opening a cache on a full disk fails with IOERR (the WAL index cannot be created); moving
# the file aside then would throw away every earlier result for nothing.
_ENVIRONMENT_CODES = frozenset({3, 8, 10, 13, 14})


def _environment_fault(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) in _ENVIRONMENT_CODES


def cache_path(settings: Settings, *, output: str | Path | None) -> Path | None:
    """Where the cache lives: `settings.cache`, else `<output>/.cache/factcheck.sqlite`.

    None (an in-memory cache) when caching is off or there is no output folder to put it in.
    """
    if not settings.use_cache:
        return None
    if settings.cache:
        return Path(settings.cache)
    if output is None:
        return None
    return Path(output) / CACHE_NAME


class Cache:
    """Claims keyed by document content hash and pipeline version; embeddings by model and text.

    Safe to share between processes: WAL journal, a busy timeout and one transaction per write.
    A file that is not a usable cache (garbage, truncated, another schema version) is moved
    aside and rebuilt with a warning; an error while the run is under way makes the cache
    fall back to memory. Neither ever stops a run or returns a wrong value.

    >>> with Cache(None) as cache:
    ...     cache.get_claims("abc", "1", document="doc") is None
    True
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._stats: dict[str, int] = {
            "claims_hits": 0,
            "claims_misses": 0,
            "claims_invalid": 0,
            "embeddings_hits": 0,
            "embeddings_misses": 0,
            "results_hits": 0,
            "results_misses": 0,
            "verdicts_hits": 0,
            "verdicts_misses": 0,
            "rebuilt": 0,
            "errors": 0,
        }
        self._conn = self._open()

    # ------------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._connect(":memory:")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return self._in_memory(f"cannot create the cache folder ({exc})")
        try:
            return self._connect_waiting(str(self.path))
        except _Busy as exc:
            return self._in_memory(f"cache file is locked by another run ({exc})")
        except _Unwritable as exc:
            return self._in_memory(
                f"cannot open the cache file ({exc}: the disk may be full or read-only); "
                "it is kept as it was"
            )
        except _Corrupt as exc:
            reason = str(exc)
        self._move_aside(reason)
        try:
            return self._connect(str(self.path))
        except (_Corrupt, _Busy, _Unwritable) as exc:
            return self._in_memory(f"cache still unusable after rebuilding ({exc})")

    def _connect_waiting(self, target: str) -> sqlite3.Connection:
        """Connect, retrying while another process holds the file during its own set-up.

        Switching a new file to WAL takes an exclusive lock that SQLite's busy handler does not
        wait for, so two runs opening a fresh cache at once can see "database is locked"
        although the other would be done in milliseconds.
        """
        delay = 0.05
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return self._connect(target)
            except _Busy:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _in_memory(self, reason: str) -> sqlite3.Connection:
        log.warning("%s: %s; caching in memory for this run", self.path, reason)
        self._stats["errors"] += 1
        self.path = None
        return self._connect(":memory:")

    def _connect(self, target: str) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                target,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            if target != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                # A truncated or damaged file often opens fine and only fails on a later read.
                row = conn.execute("PRAGMA quick_check").fetchone()
                if row is None or row[0] != "ok":
                    raise _Corrupt(f"integrity check failed: {row[0] if row else 'no answer'}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _DDL:
                    conn.execute(stmt)
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (SCHEMA_VERSION,),
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite has rolled back itself after a full disk
                    conn.execute("ROLLBACK")
                raise
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None or row[0] != SCHEMA_VERSION:
                found = row[0] if row else "none"
                raise _Corrupt(f"schema version {found}, expected {SCHEMA_VERSION}")
            conn.execute("SELECT content_hash, version, document, data FROM claims LIMIT 1")
            conn.execute("SELECT model_id, text_hash, dim, vector FROM embeddings LIMIT 1")
            return conn
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise _Busy(str(exc)) from None
            if _environment_fault(exc):
                raise _Unwritable(str(exc)) from None
            raise _Corrupt(str(exc)) from None
        except _Corrupt:
            if conn is not None:
                conn.close()
            raise

    def _move_aside(self, reason: str) -> None:
        assert self.path is not None
        aside = self.path.with_name(
            f"{self.path.name}.corrupt-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
        )
        log.warning(
            "%s: cache file is unusable (%s); moved it to %s and started a new one",
            self.path,
            reason,
            aside.name,
        )
        with contextlib.suppress(FileNotFoundError):
            os.replace(self.path, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(self.path) + suffix).unlink()
        self._stats["rebuilt"] = 1

    def _fail(self, exc: sqlite3.Error) -> None:
        """An error in the middle of a run: go on in memory rather than stop or guess.

        The failed write is rolled back, so what the file held before stays there for the
        next run (a full disk loses only what this run would have added).
        """
        if _environment_fault(exc):
            log.warning(
                "%s: cannot write the cache (%s); going on without the cache file, which keeps "
                "what it held before",
                self.path,
                exc,
            )
        else:
            log.warning("%s: cache error (%s); going on without the cache file", self.path, exc)
        self._stats["errors"] += 1
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self.path = None
        self._conn = self._connect(":memory:")

    # ------------------------------------------------------------------ claims

    def get_claims(self, content_hash: str, version: str, *, document: str) -> list[Claim] | None:
        """Cached claims of a document's content, re-stamped with `document` as their document id.

        Two files with the same bytes share one entry, so the stored ids may name the other
        file; claim ids, `document` and `span.document` are rewritten to the asking document.
        """
        with self._lock:
            try:
                row = self._conn.execute(
                    "SELECT document, data FROM claims WHERE content_hash = ? AND version = ?",
                    (content_hash, version),
                ).fetchone()
            except sqlite3.Error as exc:
                self._fail(exc)
                row = None
        if row is None:
            self._stats["claims_misses"] += 1
            return None
        try:
            claims = _CLAIMS.validate_json(row[1])
        except (ValidationError, ValueError):
            log.warning(
                "%s: cached claims for %s are invalid; extracting again", self.path, document
            )
            self._stats["claims_invalid"] += 1
            self._stats["claims_misses"] += 1
            return None
        self._stats["claims_hits"] += 1
        if row[0] == document and all(c.document == document for c in claims):
            return claims
        return [_restamp(c, document) for c in claims]

    def put_claims(self, content_hash: str, version: str, claims: list[Claim]) -> None:
        document = claims[0].document if claims else ""
        data = _CLAIMS.dump_json(claims)
        self._write(
            "INSERT OR REPLACE INTO claims (content_hash, version, document, data) VALUES (?, ?, ?, ?)",
            [(content_hash, version, document, data)],
        )

    # ------------------------------------------------------------------ embeddings

    def get_embeddings(self, model_id: str, text_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors (float32, as stored) for the text hashes that are present."""
        wanted = list(dict.fromkeys(text_hashes))
        import numpy as np  # a run whose results are all cached never needs it

        out: dict[str, np.ndarray] = {}
        with self._lock:
            try:
                for i in range(0, len(wanted), _CHUNK):
                    chunk = wanted[i : i + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = self._conn.execute(
                        f"SELECT text_hash, dim, vector FROM embeddings WHERE model_id = ? AND text_hash IN ({marks})",
                        (model_id, *chunk),
                    ).fetchall()
                    for text_hash, dim, blob in rows:
                        if isinstance(blob, bytes) and len(blob) == 4 * dim:
                            out[text_hash] = np.frombuffer(blob, dtype=np.float32)
            except sqlite3.Error as exc:
                self._fail(exc)
                out = {}
        self._stats["embeddings_hits"] += len(out)
        self._stats["embeddings_misses"] += len(wanted) - len(out)
        return out

    def put_embeddings(self, model_id: str, items: Mapping[str, np.ndarray]) -> None:
        import numpy as np

        rows = []
        for text_hash, vec in items.items():
            arr = np.ascontiguousarray(vec, dtype=np.float32).reshape(-1)
            rows.append((model_id, text_hash, int(arr.shape[0]), arr.tobytes()))
        self._write(
            "INSERT OR REPLACE INTO embeddings (model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
            rows,
        )

    # ------------------------------------------------------------------ results

    def get_result(self, key: str) -> bytes | None:
        """The stored result for an input digest, or None."""
        with self._lock:
            try:
                row = self._conn.execute(
                    "SELECT data FROM results WHERE key = ?", (key,)
                ).fetchone()
            except sqlite3.Error as exc:
                self._fail(exc)
                row = None
        found = row is not None and isinstance(row[0], bytes)
        self._stats["results_hits" if found else "results_misses"] += 1
        return row[0] if found else None

    def put_result(self, key: str, data: bytes) -> None:
        """Store a result, keeping only the newest few (results are large, inputs rarely recur)."""
        self._write(
            "INSERT OR REPLACE INTO results (key, stored, data) VALUES (?, ?, ?)",
            [(key, time.time(), data)],
        )
        self._write(
            "DELETE FROM results WHERE key NOT IN "
            "(SELECT key FROM results ORDER BY stored DESC LIMIT ?)",
            [(_KEEP_RESULTS,)],
        )

    # ------------------------------------------------------------------ verdicts

    def get_verdicts(
        self, model_id: str, pair_hashes: Iterable[str]
    ) -> dict[str, tuple[float, ...]]:
        """Cached verifier probabilities for the pair hashes that are present."""
        wanted = list(dict.fromkeys(pair_hashes))
        out: dict[str, tuple[float, ...]] = {}
        with self._lock:
            try:
                for i in range(0, len(wanted), _CHUNK):
                    chunk = wanted[i : i + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = self._conn.execute(
                        f"SELECT pair_hash, data FROM verdicts WHERE model_id = ? AND pair_hash IN ({marks})",
                        (model_id, *chunk),
                    ).fetchall()
                    for pair_hash, data in rows:
                        probs = _probabilities(data)
                        if probs is not None:
                            out[pair_hash] = probs
            except sqlite3.Error as exc:
                self._fail(exc)
                out = {}
        self._stats["verdicts_hits"] += len(out)
        self._stats["verdicts_misses"] += len(wanted) - len(out)
        return out

    def put_verdicts(self, model_id: str, items: Mapping[str, Sequence[float]]) -> None:
        rows = [(model_id, h, json.dumps(list(p))) for h, p in items.items()]
        self._write(
            "INSERT OR REPLACE INTO verdicts (model_id, pair_hash, data) VALUES (?, ?, ?)", rows
        )

    # ------------------------------------------------------------------ run state

    def get_state(self, key: str) -> bytes | None:
        """What the last run under `key` left for the next (see :meth:`put_state`), or None."""
        with self._lock:
            try:
                row = self._conn.execute("SELECT data FROM state WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                self._fail(exc)
                row = None
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def put_state(self, key: str, data: bytes) -> None:
        """Replace the state under `key`, keeping the newest few keys."""
        self._write(
            "INSERT OR REPLACE INTO state (key, stored, data) VALUES (?, ?, ?)",
            [(key, time.time(), data)],
        )
        self._write(
            "DELETE FROM state WHERE key NOT IN "
            "(SELECT key FROM state ORDER BY stored DESC LIMIT ?)",
            [(_KEEP_STATES,)],
        )

    # ------------------------------------------------------------------ housekeeping

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        if not rows:
            return
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany(sql, rows)
                    self._conn.execute("COMMIT")
                except BaseException:
                    # After SQLITE_FULL, SQLite has already rolled back: a second ROLLBACK
                    # would fail and hide the error that says why.
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                self._fail(exc)

    def stats(self) -> dict[str, int]:
        """Hits and misses per kind, `rebuilt` (1 when a bad file was replaced) and `errors`."""
        return dict(self._stats)

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _probabilities(data: object) -> tuple[float, ...] | None:
    """Stored probabilities as a tuple of floats, or None when the entry is not one."""
    try:
        value = json.loads(data) if isinstance(data, str | bytes) else None
    except ValueError:
        return None
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        return None
    return tuple(float(v) for v in value)


def _restamp(claim: Claim, document: str) -> Claim:
    """The claim as if extracted from `document`: same index, new document id."""
    index = claim.id.rsplit(":", 1)[-1]
    data = json.loads(claim.model_dump_json())
    data["id"] = f"{document}:{index}"
    data["document"] = document
    data["span"]["document"] = document
    return Claim.model_validate(data)


@contextmanager
def open_cache(settings: Settings, *, output: str | Path | None = None) -> Iterator[Cache]:
    """The run's cache (see `cache_path`), closed when the block ends."""
    cache = Cache(cache_path(settings, output=output))
    try:
        yield cache
    finally:
        cache.close()

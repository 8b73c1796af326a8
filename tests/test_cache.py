"""Tests for the SQLite cache: hits and misses, re-stamping, corrupt files, concurrency, cached reruns."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from factcheck.cache import SCHEMA_VERSION, Cache, cache_path, open_cache
from factcheck.models import Claim, Predicate, Span
from factcheck.settings import Settings


def make_claims(doc: str, n: int = 2) -> list[Claim]:
    return [
        Claim(
            id=f"{doc}:{i}",
            document=doc,
            text=f"Claim number {i}.",
            sentence=f"Claim number {i}.",
            span=Span(
                document=doc, start=0, end=10, line=i + 1, column=1, end_line=i + 1, end_column=11
            ),
            what=Predicate(lemma="claim"),
        )
        for i in range(n)
    ]


def fresh_file(path: Path) -> None:
    with Cache(path) as cache:
        cache.put_claims("h1", "v1", make_claims("a"))


@pytest.mark.parametrize(
    ("content_hash", "version", "hit"),
    [("h1", "v1", True), ("h1", "v2", False), ("h2", "v1", False)],
)
def test_claims_hit_only_for_same_content_and_version(
    tmp_path: Path, content_hash: str, version: str, hit: bool
) -> None:
    with Cache(tmp_path / "c.sqlite") as cache:
        cache.put_claims("h1", "v1", make_claims("a"))
        got = cache.get_claims(content_hash, version, document="a")
        assert (got is not None) is hit
        if hit:
            assert got == make_claims("a")
        assert cache.stats()["claims_hits" if hit else "claims_misses"] == 1


def test_claims_persist_across_opens(tmp_path: Path) -> None:
    fresh_file(tmp_path / "c.sqlite")
    with Cache(tmp_path / "c.sqlite") as cache:
        assert cache.get_claims("h1", "v1", document="a") == make_claims("a")


def test_identical_content_under_another_id_is_restamped(tmp_path: Path) -> None:
    with Cache(tmp_path / "c.sqlite") as cache:
        cache.put_claims("h1", "v1", make_claims("first"))
        got = cache.get_claims("h1", "v1", document="copy")
    assert got is not None
    assert [c.id for c in got] == ["copy:0", "copy:1"]
    assert {c.document for c in got} == {"copy"}
    assert {c.span.document for c in got} == {"copy"}


def test_embeddings_round_trip_as_float32(tmp_path: Path) -> None:
    vecs = {"t1": np.arange(4, dtype=np.float32), "t2": np.ones(4, dtype=np.float64)}
    with Cache(tmp_path / "c.sqlite") as cache:
        cache.put_embeddings("m1", vecs)
        got = cache.get_embeddings("m1", ["t1", "t2", "t3"])
        other_model = cache.get_embeddings("m2", ["t1"])
        stats = cache.stats()
    assert set(got) == {"t1", "t2"}
    assert got["t1"].dtype == np.float32
    np.testing.assert_array_equal(got["t2"], np.ones(4, dtype=np.float32))
    assert other_model == {}
    assert (stats["embeddings_hits"], stats["embeddings_misses"]) == (2, 2)


def test_many_embeddings_beyond_parameter_limit(tmp_path: Path) -> None:
    items = {f"k{i}": np.full(3, i, dtype=np.float32) for i in range(2500)}
    with Cache(tmp_path / "c.sqlite") as cache:
        cache.put_embeddings("m", items)
        assert len(cache.get_embeddings("m", list(items))) == 2500


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\x00\x01" * 200)


def _truncated(path: Path) -> None:
    with Cache(path) as cache:
        cache.put_embeddings("m", {f"k{i}": np.full(96, i, dtype=np.float32) for i in range(3000)})
    # Fold the WAL back into the main file, then cut the file in half.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _wrong_schema(path: Path) -> None:
    fresh_file(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def _foreign_tables(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE claims (x INTEGER)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_garbage, _truncated, _wrong_schema, _foreign_tables])
def test_unusable_file_is_moved_aside_and_rebuilt(
    tmp_path: Path, damage, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.sqlite"
    damage(path)
    with caplog.at_level(logging.WARNING, logger="factcheck.cache"), Cache(path) as cache:
        assert cache.stats()["rebuilt"] == 1
        assert cache.get_claims("h1", "v1", document="a") is None
        cache.put_claims("h1", "v1", make_claims("a"))
        assert cache.get_claims("h1", "v1", document="a") == make_claims("a")
    assert "moved it to" in caplog.text
    assert list(tmp_path.glob("c.sqlite.corrupt-*"))
    with Cache(path) as again:
        assert again.stats()["rebuilt"] == 0
        assert again.get_claims("h1", "v1", document="a") is not None


def test_invalid_cached_claims_are_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    fresh_file(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE claims SET data = ?", (b'[{"id": "a:0", "unexpected": true}]',))
    conn.commit()
    conn.close()
    with Cache(path) as cache:
        assert cache.get_claims("h1", "v1", document="a") is None
        assert cache.stats()["claims_invalid"] == 1


def test_schema_version_is_recorded(tmp_path: Path) -> None:
    fresh_file(tmp_path / "c.sqlite")
    conn = sqlite3.connect(tmp_path / "c.sqlite")
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        SCHEMA_VERSION,
    )
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


@pytest.mark.parametrize(
    ("overrides", "output", "expected"),
    [
        ({}, "out", Path("out/.cache/factcheck.sqlite")),
        ({"cache": "elsewhere/c.db"}, "out", Path("elsewhere/c.db")),
        ({"use_cache": False}, "out", None),
        ({}, None, None),
    ],
)
def test_cache_path(
    overrides: dict[str, object], output: str | None, expected: Path | None
) -> None:
    assert cache_path(Settings(**overrides), output=output) == expected


def test_disabled_cache_writes_no_file(tmp_path: Path) -> None:
    with open_cache(Settings(use_cache=False), output=tmp_path) as cache:
        cache.put_claims("h", "v", make_claims("a"))
        assert cache.get_claims("h", "v", document="a") is not None
    assert not (tmp_path / ".cache").exists()


WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from factcheck.cache import Cache
    path, tag = sys.argv[1], sys.argv[2]
    with Cache(path) as cache:
        for i in range(150):
            cache.put_embeddings("m", {f"{tag}{i}": np.full(16, i, dtype=np.float32)})
            cache.get_embeddings("m", [f"{tag}{i}"])
        assert cache.stats()["errors"] == 0, cache.stats()
    """
)


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag], stderr=subprocess.PIPE)
        for tag in ("a", "b")
    ]
    results = [(p.communicate(timeout=120)[1], p.returncode) for p in procs]
    for err, code in results:
        assert code == 0, err.decode()
    with Cache(path) as cache:
        got = cache.get_embeddings("m", [f"{t}{i}" for t in "ab" for i in range(150)])
        assert cache.stats()["rebuilt"] == 0
    assert len(got) == 300
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def _disk_fault(path: Path, monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """What a full disk does to SQLite where no tmpfs can be mounted: the same error codes."""
    if when == "opening":
        real = sqlite3.connect

        def connect(target: str, *args: object, **kwargs: object) -> sqlite3.Connection:
            if target == str(path):
                exc = sqlite3.OperationalError("disk I/O error")
                exc.sqlite_errorcode = 10  # type: ignore[attr-defined]  # SQLITE_IOERR
                raise exc
            return real(target, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(sqlite3, "connect", connect)


@pytest.mark.parametrize("when", ["opening", "writing"])
def test_a_full_disk_warns_and_keeps_what_the_cache_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, when: str
) -> None:
    from tests.cli.test_cli_hostile import fill, tmpfs

    disk = tmp_path / "disk"
    path = disk / "c.sqlite"
    with tmpfs(disk, "512k") as mounted:
        fresh_file(path)
        with caplog.at_level(logging.WARNING, logger="factcheck.cache"):
            if when == "opening":
                fill(disk) if mounted else _disk_fault(path, monkeypatch, when)
            with Cache(path) as cache:
                if when == "writing":
                    if mounted:
                        fill(disk)
                    else:  # the file may not grow: SQLite's own "database or disk is full"
                        pages = cache._conn.execute("PRAGMA page_count").fetchone()[0]
                        cache._conn.execute(f"PRAGMA max_page_count = {pages}")
                    more = {f"k{i}": np.full(256, i, dtype=np.float32) for i in range(2000)}
                    cache.put_embeddings("m", more)
                # The run goes on, in memory: what it stores now is still found in this run.
                cache.put_claims("h2", "v1", make_claims("b"))
                assert cache.get_claims("h2", "v1", document="b") == make_claims("b")
                assert cache.stats()["errors"] == 1 and cache.stats()["rebuilt"] == 0
        [warning] = [r.getMessage() for r in caplog.records]
        if when == "opening":
            assert warning.startswith(f"{path}: cannot open the cache file (disk I/O error")
            assert warning.endswith("it is kept as it was; caching in memory for this run")
        else:
            assert warning == (
                f"{path}: cannot write the cache (database or disk is full); going on without "
                "the cache file, which keeps what it held before"
            )
        monkeypatch.undo()
        (disk / "filler").unlink(missing_ok=True)
        assert not list(disk.glob("c.sqlite.corrupt-*"))  # never mistaken for a damaged file
        with Cache(path) as again:  # the next run, with room again, finds the earlier results
            assert again.get_claims("h1", "v1", document="a") == make_claims("a")
            assert again.stats()["errors"] == 0

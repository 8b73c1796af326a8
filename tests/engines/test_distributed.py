"""The Ray engine: work planning, a clear error without Ray, and byte-identical reports on a real cluster."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.engines.distributed import DistributedError, plan_work, run_distributed
from factcheck.ingest import load_documents
from factcheck.models import Claim, Predicate, Span
from factcheck.pipeline import document_key
from factcheck.progress import Progress
from factcheck.settings import Settings

# Ray's own deprecation notices (raised inside ray.*) are not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")

# --------------------------------------------------------------------------- synthetic corpus

_CITIES = [
    ("Lisbon", "Portugal"),
    ("Nairobi", "Kenya"),
    ("Hanoi", "Vietnam"),
    ("Lima", "Peru"),
    ("Oslo", "Norway"),
    ("Accra", "Ghana"),
    ("Manila", "the Philippines"),
    ("Quito", "Ecuador"),
    ("Tbilisi", "Georgia"),
    ("Dhaka", "Bangladesh"),
    ("Rabat", "Morocco"),
    ("Santiago", "Chile"),
    ("Warsaw", "Poland"),
    ("Jakarta", "Indonesia"),
    ("Ottawa", "Canada"),
    ("Canberra", "Australia"),
]
_FIRST = [
    "Ana",
    "Tomas",
    "Grace",
    "Kwame",
    "Mei",
    "Rafael",
    "Ingrid",
    "Samir",
    "Lucia",
    "Omar",
    "Elena",
    "Daniel",
    "Priya",
    "Jonas",
    "Amara",
    "Victor",
]
_LAST = [
    "Moreau",
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Castillo",
    "Novak",
    "Tanaka",
    "Mensah",
    "Petrov",
    "Alvarez",
    "Kowalski",
    "Brennan",
    "Sato",
    "Achebe",
    "Rossi",
    "Varga",
]
_ROLES = [
    "Foreign Minister",
    "Health Minister",
    "Finance Minister",
    "Prime Minister",
    "Interior Minister",
    "Transport Minister",
]
_EVENTS = [
    ("a bridge collapse", "injured", "people"),
    ("a factory fire", "evacuated", "workers"),
    ("a flood", "displaced", "residents"),
    ("a train derailment", "hurt", "passengers"),
    ("a port strike", "idled", "dockworkers"),
    ("an earthquake", "left homeless", "families"),
]
_OUTLETS = ["Daily Ledger", "Coastal Times", "Metro Wire", "Evening Courier", "Northern Post"]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _day(date: dt.date) -> str:
    return f"{date.strftime('%A')}, {_MONTHS[date.month - 1]} {date.day}"


def _document(rng: random.Random, event: dict[str, object], conflict: bool) -> str:
    """One short article about `event`; with `conflict`, one fact is stated differently."""
    city, country = event["place"]  # type: ignore[misc]
    what, verb, unit = event["kind"]  # type: ignore[misc]
    role, holder = event["office"]  # type: ignore[misc]
    date: dt.date = event["date"]  # type: ignore[assignment]
    count: int = event["count"]  # type: ignore[assignment]
    if conflict:
        choice = rng.choice(["count", "date", "holder", "place"])
        if choice == "count":
            count = count + rng.choice([-1, 1]) * rng.randint(5, 40)
        elif choice == "date":
            date = date + dt.timedelta(days=rng.choice([-2, -1, 1, 2]))
        elif choice == "holder":
            holder = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        else:
            city, country = rng.choice(_CITIES)
    speaker = rng.choice(
        ["officials said", "police said", "a spokesperson said", f"{role} {holder} said"]
    )
    openings = [
        f"{count} {unit} were {verb} after {what} in {city} on {_day(date)}, {speaker}.",
        f"At least {count} {unit} were {verb} when {what} struck {city}, {country}, on {_day(date)}.",
        f"{what.capitalize()} in {city} on {_day(date)} {verb} {count} {unit}, according to {speaker.split(' said')[0]}.",
    ]
    middles = [
        f"{role} {holder} of {country} visited the site the following day.",
        f"{country}'s {role.lower()}, {holder}, promised an inquiry into the causes.",
        f"The government of {country} is expected to release {rng.randint(2, 90)} million dollars in aid.",
        f"Rescue teams from {rng.choice(_CITIES)[0]} arrived within {rng.randint(2, 12)} hours.",
        f"Local authorities did not confirm reports of further damage in {city}.",
        f'{holder} told reporters that the response had been "fast and coordinated".',
    ]
    closings = [
        f"An investigation will begin on {_day(date + dt.timedelta(days=rng.randint(3, 9)))}.",
        f"The {rng.choice(_OUTLETS)} first reported the figures.",
        "Schools in the area reopened a week later.",
        f"Officials reportedly plan to rebuild within {rng.randint(2, 18)} months.",
    ]
    lines = [f"# {what.capitalize()} in {city}", "", rng.choice(openings)]
    lines += rng.sample(middles, k=rng.randint(1, 3))
    lines.append(rng.choice(closings))
    return "\n".join(lines[:2]) + "\n" + " ".join(lines[2:]) + "\n"


def write_corpus(folder: Path, *, documents: int, seed: int = 7) -> list[Path]:
    """`documents` small synthetic news articles over a handful of events, some conflicting."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    events = []
    for _ in range(max(1, documents // 6)):
        events.append(
            {
                "place": rng.choice(_CITIES),
                "kind": rng.choice(_EVENTS),
                "office": (rng.choice(_ROLES), f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"),
                "date": dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 360)),
                "count": rng.randint(8, 400),
            }
        )
    paths = []
    for i in range(documents):
        event = events[i % len(events)]
        path = folder / f"doc{i:04d}.txt"
        path.write_text(_document(rng, event, conflict=rng.random() < 0.25), encoding="utf-8")
        paths.append(path)
    return paths


def test_write_corpus_is_varied_and_deterministic(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", documents=30)
    second = write_corpus(tmp_path / "b", documents=30)
    texts = [p.read_text() for p in first]
    assert texts == [p.read_text() for p in second]
    assert len(set(texts)) == 30


# --------------------------------------------------------------------------- planning and errors


class _StubCache:
    """Answers get_claims from a set of content hashes, as the shared cache would."""

    def __init__(self, cached: set[str]) -> None:
        self.cached = cached
        self.asked: list[tuple[str, str]] = []

    def get_claims(self, content_hash: str, version: str, *, document: str) -> list[Claim] | None:
        self.asked.append((document, version))
        if content_hash not in self.cached:
            return None
        span = Span(document=document, start=0, end=1, line=1, column=1, end_line=1, end_column=2)
        return [
            Claim(
                id=f"{document}:0",
                document=document,
                text="x",
                sentence="x",
                span=span,
                what=Predicate(lemma="x"),
            )
        ]


@pytest.mark.parametrize(
    ("cached", "todo", "done"),
    [
        ((), ["a", "b", "c"], []),
        (("a",), ["b", "c"], ["a"]),
        (("a", "b", "c"), [], ["a", "b", "c"]),
    ],
)
def test_plan_work_sends_only_uncached_documents(
    tmp_path: Path, cached: tuple[str, ...], todo: list[str], done: list[str]
) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Document {name} says something happened.\n")
    documents = load_documents([tmp_path], settings=Settings())
    keys = {doc.id: document_key(doc) for doc in documents}
    cache = _StubCache({keys[n] for n in cached})
    plan = plan_work(documents, cache=cache, version="v1")  # type: ignore[arg-type]
    assert [d.id for d in plan.todo] == todo
    assert [d.id for d in plan.done] == done
    assert cache.asked == [("a", "v1"), ("b", "v1"), ("c", "v1")]


def test_missing_ray_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("A bridge opened in Porto on Monday.\n")
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(DistributedError, match=r"pip install 'factcheck\[ray\]'") as info:
        run_distributed([tmp_path], settings=Settings(), output=tmp_path / "out")
    assert info.value.code == "E080"
    assert info.value.exit_code == 3


def test_a_verifier_that_cannot_load_fails_before_ray_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    from factcheck.engines import distributed
    from factcheck.errors import ModelLoadError

    (tmp_path / "a.txt").write_text("A bridge opened in Porto on Monday.\n")
    started: list[str] = []
    monkeypatch.setattr(distributed, "load_corpus", lambda *a, **k: started.append("ingest"))
    with pytest.raises(ModelLoadError, match=r"the verifier folder lacks model\.onnx"):
        run_distributed(
            [tmp_path], settings=Settings(verifier=str(tmp_path / "none")), output=tmp_path / "o"
        )
    assert started == []


def test_ray_settings_do_not_change_the_report_settings() -> None:
    assert Settings(ray_workers=3, ray_batch_documents=4).public() == Settings().public()


def _report_bytes(result: object, folder: Path) -> bytes:
    from factcheck.report.write import write_reports

    write_reports(result, folder)  # type: ignore[arg-type]
    return (folder / "report.json").read_bytes()


@pytest.mark.slow
def test_local_ray_instance_without_address_matches_local(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from factcheck.pipeline import run

    corpus = tmp_path / "corpus"
    write_corpus(corpus, documents=12, seed=11)
    local = run([corpus], settings=Settings(use_cache=False), output=tmp_path / "local")
    # use_cache=False still works: the engine hands results over through a throwaway cache.
    shown = io.StringIO()
    distributed = run_distributed(
        [corpus],
        settings=Settings(use_cache=False, ray_workers=1, ray_batch_documents=4),
        output=tmp_path / "ray",
        progress=Progress(stream=shown),
    )
    # Progress on a non-terminal: starting Ray and the workers' model loading are steps of
    # their own, each done before the extraction count starts (as in a local run).
    lines = shown.getvalue().splitlines()
    loading = (
        "Loading the spaCy model en_core_web_sm-3.8.0 and the embedding model "
        "all-MiniLM-L6-v2 (onnx-int8) on 1 Ray worker"
    )
    assert lines[:5] == [
        "Starting Ray (1 CPU) ...",
        lines[1],
        f"{loading} ...",
        lines[3],
        "Extracting on Ray: 12 documents ...",
    ]
    assert lines[1].startswith("Starting Ray (1 CPU): done in ")
    assert lines[3].startswith(f"{loading}: done in ")
    assert distributed.cache_stats["ray_documents"] == 12
    assert distributed.cache_stats["ray_workers"] == 1
    assert _report_bytes(distributed, tmp_path / "ray") == _report_bytes(local, tmp_path / "local")
    assert not (tmp_path / "ray" / ".cache").exists()
    assert not (tmp_path / "home" / ".ray" / "auth_token").exists()


# --------------------------------------------------------------------------- a real cluster

RAY_CLI = Path(sys.executable).with_name("ray")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_started(proc: subprocess.Popen[bytes], log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if proc.poll() is not None:
            pytest.fail(f"ray start exited with {proc.returncode}:\n{text[-3000:]}")
        if "Ray runtime started" in text:
            return
        time.sleep(0.5)
    pytest.fail(
        f"ray start did not come up in {timeout}s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    # Each node runs in its own process group (start_new_session), so only the processes this
    # fixture started are signalled; `ray stop` would kill every Ray process on the machine.
    for proc in reversed(procs):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(max(0.1, deadline - time.monotonic()))
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module", autouse=True)
def _ray_auth() -> Iterator[None]:
    """One private auth token for every Ray instance in this module, so that nothing is read
    from or written to ~/.ray (Ray caches the token per process, hence one for all)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("RAY_AUTH_MODE", raising=False)  # Ray sets it in-process; restored after
        mp.delenv("RAY_AUTH_TOKEN_PATH", raising=False)
        mp.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
        mp.setenv("RAY_USAGE_STATS_ENABLED", "0")
        yield


@pytest.fixture(scope="module")
def ray_cluster(_ray_auth: None) -> Iterator[str]:
    """A head and a worker node, one CPU each, as separate `ray start` processes on this machine.

    Ray 2.x rewrites 127.0.0.1 to the machine's own interface address for multi-node clusters,
    so the nodes bind that address; nothing leaves the machine.
    """
    pytest.importorskip("ray")
    if not RAY_CLI.exists():
        pytest.skip("the ray command line is not installed")
    # Short: Ray puts unix sockets under it, and socket paths are limited to ~107 bytes.
    temp = Path(tempfile.mkdtemp(prefix="fcray", dir="/tmp"))
    port = _free_port()
    env = {
        **os.environ,
        "RAY_AUTH_MODE": "token",
        "RAY_USAGE_STATS_ENABLED": "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    common = [
        "--num-cpus=1",
        "--block",
        "--disable-usage-stats",
        f"--dashboard-agent-listen-port={_free_port()}",
    ]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        head_log = temp / "head.log"
        with head_log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        str(RAY_CLI),
                        "start",
                        "--head",
                        f"--port={port}",
                        "--include-dashboard=false",
                        f"--dashboard-port={_free_port()}",
                        f"--temp-dir={temp}",
                        *common,
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
            )
        _wait_started(procs[0], head_log)
        address = next(
            line.split("--address=")[1].strip().strip("'")
            for line in head_log.read_text().splitlines()
            if "ray start --address=" in line
        )
        worker_log = temp / "worker.log"
        common[-1] = f"--dashboard-agent-listen-port={_free_port()}"
        with worker_log.open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [str(RAY_CLI), "start", f"--address={address}", *common],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
            )
        _wait_started(procs[1], worker_log)
        yield address
    finally:
        _stop(procs)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow
def test_ray_cluster_report_is_byte_identical_to_local(tmp_path: Path, ray_cluster: str) -> None:
    import ray

    from factcheck.pipeline import run

    corpus = tmp_path / "corpus"
    documents = 240
    write_corpus(corpus, documents=documents)
    settings = Settings()

    local = run([corpus], settings=settings, output=tmp_path / "local")
    local_json = _report_bytes(local, tmp_path / "local")

    ray.init(address=ray_cluster, log_to_driver=False)
    try:
        nodes = [n for n in ray.nodes() if n["Alive"]]
        assert len(nodes) == 2 and ray.cluster_resources()["CPU"] == 2
    finally:
        ray.shutdown()

    first = run_distributed(
        [corpus], settings=settings, output=tmp_path / "ray", address=ray_cluster
    )
    assert _report_bytes(first, tmp_path / "ray") == local_json
    assert first.cache_stats["ray_documents"] == documents
    assert first.cache_stats["ray_extracted"] == documents
    assert first.cache_stats["ray_workers"] == 2
    assert first.cache_stats["ray_errors"] == 0
    # The workers did all the model work: the central run found every claim and vector cached.
    assert first.cache_stats.get("claims_misses", 0) == 0
    assert first.cache_stats.get("embeddings_misses", 0) == 0
    assert first.cache_stats["claims_hits"] == documents
    assert (tmp_path / "ray" / "report.md").read_bytes() == (
        tmp_path / "local" / "report.md"
    ).read_bytes()

    # A rerun over the same shared cache sends nothing to Ray and extracts nothing.
    again = run_distributed(
        [corpus], settings=settings, output=tmp_path / "ray", address=ray_cluster
    )
    assert again.cache_stats["ray_documents"] == 0
    assert again.cache_stats["ray_skipped"] == documents
    assert again.cache_stats["ray_extracted"] == 0
    assert again.cache_stats.get("claims_misses", 0) == 0
    assert _report_bytes(again, tmp_path / "ray") == local_json

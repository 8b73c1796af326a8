"""No network at run time and no telemetry: a cold report in a network namespace attempts nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))[:2]

# Runs the CLI with every way Python reaches the network replaced by a recorder that refuses.
HOOK = """
import socket, sys

LOG = sys.argv.pop(1)


def refuse(what):
    def blocked(*args, **kwargs):
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{what} {args!r}\\n")
        raise OSError(101, "Network is unreachable (the offline test refuses it)")

    return blocked


for name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(socket.socket, name, refuse(f"socket.{name}"))
socket.getaddrinfo = refuse("getaddrinfo")
socket.gethostbyname = refuse("gethostbyname")

from factcheck.cli import main

sys.exit(main(sys.argv[1:]))
"""


def network_namespace() -> list[str]:
    """`unshare -n` where this machine allows it (root, or user namespaces), else nothing.

    Without it the test still asserts all it can: Python never opened a connection, and
    onnxruntime never started its telemetry store.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    try:
        probe = subprocess.run([unshare, "-n", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [unshare, "-n"] if probe.returncode == 0 else []


@pytest.mark.slow
def test_a_cold_report_attempts_no_network_and_writes_no_telemetry(tmp_path: Path) -> None:
    home = tmp_path / "home"  # a fresh HOME: no ONNX export yet, no cache, no telemetry store
    corpus = tmp_path / "corpus"
    home.mkdir()
    corpus.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, corpus / seed.name)
    hook = tmp_path / "hook.py"
    hook.write_text(HOOK, encoding="utf-8")
    attempts = tmp_path / "attempts.log"
    # Only what a bare shell has: factcheck must turn off HF and onnxruntime network use itself.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    command = [*network_namespace(), sys.executable, str(hook), str(attempts)]
    run = subprocess.run(
        [*command, "-q", "report", str(corpus), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "report.json").is_file()
    assert not attempts.exists(), attempts.read_text(encoding="utf-8")
    exports = list((home / ".cache" / "factcheck" / "models").glob("*/onnx/model_qint8.onnx"))
    assert exports, "the run was not cold: no first ONNX export"
    # onnxruntime keeps its telemetry store (device id, event database) here when it is on.
    assert not (home / ".cache" / "Microsoft").exists()


def test_importing_factcheck_turns_onnxruntime_telemetry_off() -> None:
    code = "import factcheck, os; print(os.environ.get('ORT_DISABLE_TELEMETRY'))"
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "1"


def test_onnx_backends_turn_telemetry_events_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime

    from factcheck.match import backends

    calls: list[str] = []
    monkeypatch.setattr(onnxruntime, "disable_telemetry_events", lambda: calls.append("off"))
    assert backends._import_onnx_tooling(Path("model")) is onnxruntime
    assert calls == ["off"]

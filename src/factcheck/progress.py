"""Progress display for long stages: a rich bar on a terminal, a few plain lines elsewhere, nothing with --quiet."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, TextIO

Advance = Callable[[int], None]
Mode = Literal["bar", "lines", "off"]

# On a non-terminal (a CI log, a pipe) a stage prints a line when it starts and when it ends,
# and in between one line per this many seconds (whether items complete or not), so a long
# stage shows it is alive without flooding the log.
PLAIN_INTERVAL_S = 30.0


class Progress:
    """Shows each stage on stderr: a bar on a terminal, plain lines on anything else.

    `enabled=False` (--quiet, the Python API) shows nothing; `enabled=True` forces the bar;
    None (the CLI's default) picks the bar on a terminal and plain lines otherwise. `step`
    names work that has no count, such as loading a model, so the display never sits at 0
    without saying why.
    """

    def __init__(self, *, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream
        out = stream or sys.stderr
        self.mode: Mode = (
            "off" if enabled is False else "bar" if enabled is True or out.isatty() else "lines"
        )

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def _say(self, text: str) -> None:
        out = self.stream or sys.stderr
        print(text, file=out, flush=True)

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        """One piece of work without a count ("Loading the spaCy model en_core_web_sm-3.8.0")."""
        if self.mode == "off":
            yield
            return
        started = time.perf_counter()
        if self.mode == "lines":
            self._say(f"{description} ...")
            yield
            self._say(f"{description}: done in {time.perf_counter() - started:.1f} s")
            return
        from rich.console import Console

        with Console(file=self.stream or sys.stderr).status(description):
            yield

    @contextmanager
    def task(self, description: str, *, total: int, unit: str = "items") -> Iterator[Advance]:
        """A stage over `total` items; the caller calls the yielded function as items get done."""
        if self.mode == "off" or total <= 0:
            yield lambda n: None
            return
        if self.mode == "lines":
            with self._lines(description, total=total, unit=unit) as advance:
                yield advance
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TimeElapsedColumn(),
        )
        console = Console(file=self.stream or sys.stderr)
        with RichProgress(*columns, console=console, transient=True) as bar:
            task_id = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task_id, n)

    @contextmanager
    def _lines(self, description: str, *, total: int, unit: str) -> Iterator[Advance]:
        started = last = time.perf_counter()
        done = 0
        lock = threading.Lock()
        stop = threading.Event()
        self._say(f"{description}: {_count(total, unit)} ...")

        def alive(now: float) -> None:
            nonlocal last
            if done < total and now - last >= PLAIN_INTERVAL_S:
                last = now
                self._say(
                    f"{description}: {done:,} of {_count(total, unit)} ({now - started:.0f} s)"
                )

        def advance(n: int) -> None:
            nonlocal done
            with lock:
                done += n
                alive(time.perf_counter())

        def tick() -> None:
            # Also while no item completes (one 2 MB document takes minutes to extract), so a
            # CI log still shows the stage is alive.
            while not stop.wait(PLAIN_INTERVAL_S):
                with lock:
                    alive(time.perf_counter())

        ticker = threading.Thread(target=tick, name="factcheck-progress", daemon=True)
        ticker.start()
        try:
            yield advance
        finally:
            stop.set()
            ticker.join()
        self._say(f"{description}: {_count(done, unit)} in {time.perf_counter() - started:.1f} s")


def _count(n: int, unit: str) -> str:
    """'1,200 documents', '1 document' (units are given in the plural)."""
    return f"{n:,} {unit[:-1] if n == 1 and unit.endswith('s') else unit}"

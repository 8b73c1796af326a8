"""The scale-out and memory benchmarks' measuring parts (bench/bench_ray.py, bench/bench_memory.py): stage clock, process-tree CPU, stage peaks."""

from __future__ import annotations

import subprocess
import sys
import time

from bench import bench_ray
from bench.bench_ray import StageClock, TreeCPU, stage_clock

from factcheck import pipeline


def burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_stage_clock_counts_a_stage_without_the_stages_inside_it() -> None:
    clock = StageClock()
    with clock.stage("match"):
        burn(0.05)
        with clock.stage("verify"):
            burn(0.2)
    assert 0.2 <= clock.cpu["verify"] < 0.3
    assert 0.05 <= clock.cpu["match"] < 0.15
    assert clock.stack == []


def test_stage_clock_wraps_the_pipeline_functions_and_puts_them_back() -> None:
    before = pipeline.run_rules
    with stage_clock() as clock:
        assert pipeline.run_rules is not before
        assert pipeline.run_rules.__wrapped__ is before  # type: ignore[attr-defined]
    assert pipeline.run_rules is before
    assert set(clock.cpu) == set(bench_ray.STAGES)


def test_tree_cpu_counts_child_processes() -> None:
    code = (
        "import time\n"
        "end = time.process_time() + 0.6\n"
        "while time.process_time() < end: pass\n"
        "time.sleep(0.5)\n"
    )
    with TreeCPU(interval=0.05) as cpu:
        subprocess.run([sys.executable, "-c", code], check=True)
    assert cpu.total >= 0.55


def test_stage_peaks_see_a_peak_inside_a_stage_and_its_parents() -> None:
    from bench.bench_memory import StagePeaks

    peaks = StagePeaks()
    with peaks.stage("outer"):
        with peaks.stage("inner"):
            block = b"\x01" * (96 * 1024 * 1024)  # touched pages, not calloc'ed zeros
            del block
        with peaks.stage("after"):
            pass
    assert peaks.peak["inner"] >= peaks.peak["after"] + 80
    assert peaks.peak["outer"] >= peaks.peak["inner"]
    assert peaks.open == []

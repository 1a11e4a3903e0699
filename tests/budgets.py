"""CPU budgets for the tests that prove an attack or a pathological input stays bounded.

Why CPU time and why generous: CI shares a slow machine with other jobs, so wall time
measures the neighbours and a tight ceiling (1 s) fails on a linear parser that needed
1.1 s there (0.6 s here). The regressions these tests exist for are not near any ceiling:
quadratic scanning of a megabyte takes minutes, exponential matching never ends. A budget
of tens of times what the code needs catches every one of them and none of the noise.
"""

from __future__ import annotations

import contextlib
import time
import tracemalloc
from collections.abc import Iterator

#: The ceiling for "linear on a megabyte of hostile input": about 10x what a loaded CI
#: runner needs for the slowest such case, and far below what a quadratic scan takes.
LINEAR_CPU_S = 10.0


@contextlib.contextmanager
def cpu_within(cpu_seconds: float = LINEAR_CPU_S, what: str = "") -> Iterator[None]:
    """Fail when the block uses more CPU time (this process) than allowed."""
    start = time.process_time()
    yield
    used = time.process_time() - start
    assert used <= cpu_seconds, f"{what}: {used:.2f} s of CPU, budget {cpu_seconds} s"


@contextlib.contextmanager
def budget(cpu_seconds: float, megabytes: float, what: str = "") -> Iterator[None]:
    """Fail when the block uses more CPU time or allocates a higher peak of memory than
    allowed. The budgets are generous (tens of times what the code needs), the
    regressions they catch are not: attack 4 took 57 s and 4.3 GB, attack 5 past 300 s."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.process_time()
    try:
        yield
    finally:
        used = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        if not tracing:
            tracemalloc.stop()
    assert used <= cpu_seconds, f"{what}: {used:.2f} s of CPU, budget {cpu_seconds} s"
    assert peak <= megabytes, f"{what}: {peak:.1f} MiB allocated, budget {megabytes} MiB"

"""Worker processes for parallel parsing: how many, and that none outlives the run.

Issue 19, attack 9: ``--jobs 500`` forked 500 workers for 58 units, ``--jobs 1000``
under a process limit died with "internal error: BlockingIOError" (no report, 196
orphans), ``--jobs 99999999999999999999`` raised OverflowError, and SIGTERM during a
``--jobs 4`` run left 4 orphaned workers. Now:

* :func:`worker_count` caps the request at min(requested, units, CPUs x 2);
* when a worker cannot be started (a process limit: EAGAIN) or dies, the workers that
  did start are stopped and the units are parsed serially: same results, one process;
* SIGTERM during parallel parsing raises :class:`Terminated` in the main process, and
  every way out of :func:`map_in_workers` (an exception, Ctrl-C, SIGTERM) terminates
  and reaps the workers; workers also ask the kernel to kill them if the main process
  dies without cleaning up (Linux ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

JOBS_PER_CPU = 2
_PR_SET_PDEATHSIG = 1


class Terminated(BaseException):
    """SIGTERM arrived while workers were running (a BaseException, like
    KeyboardInterrupt: nothing on the way may swallow it)."""


class WorkersUnavailable(Exception):
    """Worker processes could not be started or died: parse in this process instead."""


def worker_count(requested: int, units: int) -> int:
    """How many workers to start: never more than asked, than units to parse, or than
    twice the CPUs (more would only compete for them), and at least one."""
    return max(1, min(requested, units, (os.cpu_count() or 1) * JOBS_PER_CPU))


def _worker_started() -> None:
    """In each worker: default signal actions (the main process decides what an
    interrupt means), and death with the main process even when it is killed."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # Linux only; elsewhere cleanup does it
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` in the main thread for the block's duration."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(processes: Sequence[Any]) -> None:
    """Terminate and reap workers (SIGTERM, then SIGKILL for any still running)."""
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(2)
            if process.is_alive():
                process.kill()
                process.join(2)


def map_in_workers(func: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[func(item) for item in items]`` in ``workers`` processes, in order.

    Raises :class:`WorkersUnavailable` when workers cannot be started or die (the
    caller parses serially), :class:`Terminated` on SIGTERM; in every case no worker is
    left running.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, len(items) // (workers * 4))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_started)
    finished = False
    try:
        with _sigterm_raises():
            results = list(pool.map(func, items, chunksize=chunk))
        finished = True
        return results
    except (OSError, BrokenProcessPool) as exc:  # EAGAIN from fork, a killed worker
        raise WorkersUnavailable(str(exc)) from None
    finally:
        processes = list(getattr(pool, "_processes", {}).values())
        if finished:
            pool.shutdown(wait=True)
        else:
            pool.shutdown(wait=False, cancel_futures=True)
            _stop(processes)


__all__ = ["Terminated", "WorkersUnavailable", "map_in_workers", "worker_count"]

"""A progress indicator on stderr, for long runs on a terminal only.

A lint of a big monorepo can take seconds; a silent terminal looks hung. The indicator
is a spinner with the elapsed time, drawn on one stderr line from a background thread,
and only when all of these hold: stderr is a terminal (never in CI logs, pipes or
pre-commit's captured output), ``TERM`` is not ``dumb``, the user did not ask for
``--quiet``, and the run has already lasted ``delay`` seconds (short runs, the common
case, print nothing at all). The line is erased when the run ends, so the report and
the summary are exactly what they would be without it.

The engine exposes no per-file callbacks, so the indicator shows what it can know from
outside: that the run is alive and for how long. :meth:`Progress.update` takes an
optional status text for when the engine reports more.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

FRAMES = "|/-\\"
CLEAR = "\r\x1b[K"
DEFAULT_DELAY = 1.0
DEFAULT_INTERVAL = 0.125


def wanted(stream: TextIO, quiet: bool = False) -> bool:
    """True when a progress line may be drawn on ``stream``."""
    if quiet or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Progress:
    """Context manager drawing ``assume-lint: linting ... 3s`` until the block ends.

    ``clock`` and ``delay``/``interval`` are injectable so tests need not sleep long.
    A disabled Progress (``enabled=False``) starts no thread and writes nothing.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        label: str = "linting",
        delay: float = DEFAULT_DELAY,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.label = label
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.status = ""
        self.drawn = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._start = 0.0

    def __enter__(self) -> Progress:
        if self.enabled:
            self._start = self.clock()
            self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def update(self, status: str) -> None:
        """Set a short status shown after the elapsed time (``120/900 files``)."""
        self.status = " ".join(status.split())

    def close(self) -> None:
        """Stop the thread and erase the line if anything was drawn (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            if self.drawn:
                self._write(CLEAR)
                self.drawn = False

    def line(self, frame: int) -> str:
        """The text of one frame (without the leading carriage return)."""
        elapsed = int(self.clock() - self._start)
        status = f" {self.status}" if self.status else ""
        return f"{FRAMES[frame % len(FRAMES)]} assume-lint: {self.label}... {elapsed}s{status}"

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return  # a short run: nothing is ever drawn
        frame = 0
        while not self._stop.is_set():
            with self._lock:
                if self._stop.is_set():
                    break
                self._write(CLEAR + self.line(frame))
                self.drawn = True
            frame += 1
            self._stop.wait(self.interval)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr went away: the run matters, not the spinner
            self._stop.set()

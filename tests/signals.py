"""Start a child that Ctrl-C can interrupt, however the test run itself was started.

A shell without job control (a script, a CI step, ``pytest ... &``) starts background
commands with SIGINT ignored, and an ignored signal stays ignored across fork and exec:
the linter under test then never sees the SIGINT a test sends, runs to the end and
exits 1 (seen as "flaky" Ctrl-C tests in full suites started in the background). Python
installs its KeyboardInterrupt handler only where SIGINT starts with its default action,
so the child gets that default back before exec.

The tests that signal a child also watch it through ``/proc/PID/stat``
(:func:`stat_fields`): its state, its parent, its CPU time.
"""

from __future__ import annotations

import signal
from pathlib import Path


def interruptible() -> None:
    """``preexec_fn`` for :class:`subprocess.Popen`: SIGINT back to its default action."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stat_fields(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name, from the state on
    (``[0]`` state, ``[1]`` parent pid, ``[11]``/``[12]`` user/system clock ticks), or
    None once the process is gone. The name is cut at its last ``)``: it may itself
    hold spaces and parentheses."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None

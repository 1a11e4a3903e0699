"""Start a child that Ctrl-C can interrupt, however the test run itself was started.

A shell without job control (a script, a CI step, ``pytest ... &``) starts background
commands with SIGINT ignored, and an ignored signal stays ignored across fork and exec:
the linter under test then never sees the SIGINT a test sends, runs to the end and
exits 1 (seen as "flaky" Ctrl-C tests in full suites started in the background). Python
installs its KeyboardInterrupt handler only where SIGINT starts with its default action,
so the child gets that default back before exec.
"""

from __future__ import annotations

import signal


def interruptible() -> None:
    """``preexec_fn`` for :class:`subprocess.Popen`: SIGINT back to its default action."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

"""What the command line writes and returns: exit codes, the report (on stdout or in a
file, masked), colour, and a quiet exit after a broken pipe.

Shared by :mod:`assume_lint.cli` (the entry point, which must not import click) and
:mod:`assume_lint.cli.app` (the commands), so that neither imports the other back.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assume_lint.engine.config import Config
    from assume_lint.model.result import RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT / SIGTERM, as a shell says
SEVERITIES = ("info", "low", "medium", "high", "critical")


def say(message: str) -> None:
    """A line on stderr, unless stderr is closed too (assume-lint ... 2>&-)."""
    if sys.stderr is not None:
        sys.stderr.write(message + "\n")


def silence_stdout() -> None:
    """Point stdout at /dev/null after a broken pipe, so the exit is quiet."""
    # After a broken pipe, Python would complain again while flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def exit_code(result: RunResult, config: Config) -> int:
    """2 for errors (parse problems, unreadable paths), else 1 for findings at/above fail-on."""
    if result.errors:
        return EXIT_ERROR
    if config.soft_fail:
        return EXIT_OK
    if any(f.severity >= config.fail_on for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def write_output(text: str, output: Path | None, secrets: tuple[str, ...] = ()) -> None:
    """Write the report to ``output`` (see :func:`assume_lint.files.fileio.write_file`: never
    through a symbolic link, atomically for a regular file, in place for ``/dev/null``
    or a FIFO) or to stdout.

    Every report passes through :func:`assume_lint.files.secrets.mask_text` here, whatever
    its format: the last line of defence, so that no known secret, access key id or
    keyed value leaves the process whole even through a string a formatter forgot to
    mask (the formatters masked every field fully; the whole report skips the costly
    shape scans). Raises OSError when the report cannot be written (a closed stdout
    included).
    """
    from assume_lint.files.secrets import mask_text

    text = mask_text(text, secrets, shapes=False)
    if text and not text.endswith("\n"):
        text += "\n"
    if output is None:
        stream = sys.stdout
        if stream is None:  # started with stdout closed (assume-lint ... >&-)
            raise OSError(errno.EBADF, "standard output is closed")
        stream.write(text)
        stream.flush()
        return
    from assume_lint.files.fileio import write_file

    write_file(output, text)


def use_color(no_color: bool, output: Path | None, stream: Any = None) -> bool:
    """Colour only on a terminal, never with --no-color or NO_COLOR set."""
    if no_color or output is not None or os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())

"""The command line: options -> Config -> engine -> formatter -> exit code.

``assume-lint --version`` is answered before click is imported: pre-commit and editor
integrations call it often, and click alone costs more than Python's start-up.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assume_lint import __version__

if TYPE_CHECKING:
    from assume_lint.config import Config
    from assume_lint.result import RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = ("info", "low", "medium", "high", "critical")
SUBCOMMANDS = ("check", "rules", "explain", "graph")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assume-lint`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        sys.stdout.write(f"assume-lint {__version__}\n")
        return EXIT_OK
    if not args or args[0] not in SUBCOMMANDS and args[0] not in ("--help", "-h"):
        args = ["check", *args]
    try:
        from assume_lint.clickapp import build_app

        return int(build_app().main(args=args, prog_name="assume-lint", standalone_mode=False) or 0)
    except KeyboardInterrupt:
        sys.stderr.write("assume-lint: interrupted\n")
        return 130
    except BrokenPipeError:
        silence_stdout()
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - click exceptions and the unexpected
        return _handle(exc)


def console() -> None:
    """The console script (and ``python -m assume_lint``): :func:`main` in a process
    that ends as soon as its output is flushed.

    Two costs of a large run are not the linter's work: Python's cyclic garbage
    collector, which re-scans the growing heap every 700 allocations while millions of
    short-lived parse objects are made (a fifth of a warm run over 2,000 files), and the
    teardown that frees every object at exit (another second). The collector runs 300
    times less often here, and the process exits without the teardown. In-process
    callers of :func:`main` (tests, embedders) keep Python's defaults.
    """
    import gc

    gc.set_threshold(200_000, 50, 1000)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # a stream closed at start-up (assume-lint ... >&-)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            silence_stdout()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _handle(exc: Exception) -> int:
    import click

    if isinstance(exc, click.exceptions.Exit):
        return int(exc.exit_code)
    if isinstance(exc, click.ClickException):
        exc.show()
        return EXIT_ERROR
    if isinstance(exc, click.exceptions.Abort):
        sys.stderr.write("assume-lint: aborted\n")
        return 130
    from assume_lint.secrets import mask_text

    sys.stderr.write(f"assume-lint: internal error: {mask_text(f'{type(exc).__name__}: {exc}')}\n")
    return EXIT_ERROR


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
    """Write the report to ``output`` (see :func:`assume_lint.fileio.write_file`: never
    through a symbolic link, atomically for a regular file, in place for ``/dev/null``
    or a FIFO) or to stdout.

    Every report passes through :func:`assume_lint.secrets.mask_text` here, whatever
    its format: the last line of defence, so that no known secret, access key id or
    keyed value leaves the process whole even through a string a formatter forgot to
    mask (the formatters masked every field fully; the whole report skips the costly
    shape scans). Raises OSError when the report cannot be written (a closed stdout
    included).
    """
    from assume_lint.secrets import mask_text

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
    from assume_lint.fileio import write_file

    write_file(output, text)


def use_color(no_color: bool, output: Path | None, stream: Any = None) -> bool:
    """Colour only on a terminal, never with --no-color or NO_COLOR set."""
    if no_color or output is not None or os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())

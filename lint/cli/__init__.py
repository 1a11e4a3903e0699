"""The command line: options -> Config -> engine -> formatter -> exit code.

``assume-lint --version`` is answered before click is imported: pre-commit and editor
integrations call it often, and click alone costs more than Python's start-up. The click
application is :mod:`assume_lint.cli.app`; what both write and return (exit codes, the
report on stdout or in a file, colour) is :mod:`assume_lint.cli.output`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from assume_lint import __version__
from assume_lint.cli.output import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    say,
    silence_stdout,
)

SUBCOMMANDS = ("check", "rules", "explain", "graph")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assume-lint`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        sys.stdout.write(f"assume-lint {__version__}\n")
        return EXIT_OK
    if not args or args[0] not in SUBCOMMANDS and args[0] not in ("--help", "-h"):
        args = ["check", *args]
    from assume_lint.files.workers import Terminated

    try:
        from assume_lint.cli.app import build_app

        return int(build_app().main(args=args, prog_name="assume-lint", standalone_mode=False) or 0)
    except KeyboardInterrupt:
        say("assume-lint: interrupted")
        return EXIT_INTERRUPTED
    except Terminated:  # SIGTERM while workers ran: they are stopped, say so and go
        say("assume-lint: terminated")
        return EXIT_TERMINATED
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
    try:
        code = main()
        _flush()
    except KeyboardInterrupt:  # Ctrl-C just after main() returned, while flushing
        say("assume-lint: interrupted")
        code = EXIT_INTERRUPTED
    os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # a stream closed at start-up (assume-lint ... >&-)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            silence_stdout()
        except (OSError, ValueError):
            pass


def _handle(exc: Exception) -> int:
    import click

    if isinstance(exc, click.exceptions.Exit):
        return int(exc.exit_code)
    if isinstance(exc, click.ClickException):
        exc.show()
        return EXIT_ERROR
    if isinstance(exc, click.exceptions.Abort):
        say("assume-lint: interrupted")  # click turns Ctrl-C into Abort: one wording
        return EXIT_INTERRUPTED
    from assume_lint.files.secrets import mask_text

    sys.stderr.write(f"assume-lint: internal error: {mask_text(f'{type(exc).__name__}: {exc}')}\n")
    return EXIT_ERROR

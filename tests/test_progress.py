"""The progress indicator: terminal only, long runs only, erased when done."""

from __future__ import annotations

import io
import threading

import pytest

from assume_lint.cli.progress import CLEAR, Progress, wanted


class FakeTerminal(io.StringIO):
    """A StringIO that claims to be a terminal and records when it is written to."""

    def __init__(self, tty: bool = True) -> None:
        super().__init__()
        self.tty = tty
        self.written = threading.Event()

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)


def test_wanted_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    assert wanted(FakeTerminal(tty=True)) is True
    assert wanted(FakeTerminal(tty=False)) is False
    assert wanted(FakeTerminal(tty=True), quiet=True) is False
    assert wanted(io.StringIO()) is False
    assert wanted(object()) is False  # type: ignore[arg-type]
    monkeypatch.setenv("TERM", "dumb")
    assert wanted(FakeTerminal(tty=True)) is False


def test_closed_stream_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")

    class Closed(FakeTerminal):
        def isatty(self) -> bool:
            raise ValueError("I/O operation on closed file")

    assert wanted(Closed()) is False


def test_short_run_draws_nothing() -> None:
    stream = FakeTerminal()
    with Progress(stream, enabled=True, delay=30.0):
        pass
    assert stream.getvalue() == ""


def test_disabled_draws_nothing_and_starts_no_thread() -> None:
    stream = FakeTerminal()
    progress = Progress(stream, enabled=False, delay=0.0)
    with progress:
        assert progress._thread is None
    assert stream.getvalue() == ""


def test_long_run_draws_a_spinner_and_erases_it() -> None:
    stream = FakeTerminal()
    ticks = iter(range(100, 10_000))
    with Progress(stream, enabled=True, delay=0.0, interval=0.001, clock=lambda: next(ticks)):
        assert stream.written.wait(5)
    text = stream.getvalue()
    assert text.startswith(CLEAR + "| assume-lint: linting... ")
    assert text.endswith(CLEAR)
    assert "\n" not in text  # one line, overwritten in place


def test_frame_text_with_status() -> None:
    now = [10.0]
    progress = Progress(FakeTerminal(), enabled=True, clock=lambda: now[0])
    progress._start = 10.0
    now[0] = 13.7
    assert progress.line(0) == "| assume-lint: linting... 3s"
    progress.update("120/900\nfiles")
    assert progress.line(5) == "/ assume-lint: linting... 3s 120/900 files"


def test_close_is_idempotent_and_a_broken_stream_stops_the_spinner() -> None:
    class Broken(FakeTerminal):
        def write(self, text: str) -> int:
            self.written.set()
            raise OSError("gone")

    stream = Broken()
    progress = Progress(stream, enabled=True, delay=0.0, interval=0.001)
    with progress:
        assert stream.written.wait(5)
    progress.close()
    assert progress._thread is None

"""Reading files safely: size limits, binary detection, encodings, line endings.

Every parser receives a :class:`SourceFile` with text that is already decoded and has
``\\n`` line endings, so lines and columns mean the same thing in every format. Files
that cannot be read become a :class:`ReadProblem` (reported as AL900 for files of a
recognised format), never an exception.
"""

from __future__ import annotations

import codecs
import re
from array import array
from dataclasses import dataclass
from pathlib import Path

from assume_lint.files.fileio import NotRegularFile, TooLarge, read_regular

DEFAULT_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A decoded file. ``rel`` is the POSIX path relative to the repository root."""

    path: Path
    rel: str
    text: str

    def line_text(self, line: int) -> str:
        """The text of a 1-based line ('' when out of range)."""
        lines = self.text.split("\n")
        return lines[line - 1] if 1 <= line <= len(lines) else ""


@dataclass(frozen=True)
class ReadProblem:
    """Why a file could not be read, with the line and column where that is known."""

    message: str
    line: int = 1
    column: int = 1


def decode(data: bytes) -> str | ReadProblem:
    """Decode bytes as UTF-8 (BOM allowed) or BOM-marked UTF-16/32; normalise newlines."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        encoding = "utf-32"
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    else:
        if b"\x00" in data[:8192]:
            return ReadProblem("binary file (contains NUL bytes), not text")
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return _decode_problem(data, exc, encoding)
    if "\x00" in text:
        return ReadProblem("binary file (contains NUL characters), not text")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decode_problem(data: bytes, exc: UnicodeDecodeError, encoding: str) -> ReadProblem:
    """Where the undecodable byte is, as a character line and column like every Location."""
    if encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]  # utf-8-sig counts positions after the BOM
    head = data[: exc.start]
    line = head.count(b"\n") + 1
    last = head[head.rfind(b"\n") + 1 :]
    column = len(last.decode("utf-8", "replace")) + 1 if encoding == "utf-8-sig" else len(last) + 1
    name = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
    return ReadProblem(f"not valid {name} text", line, column)


def read_source(
    path: Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> SourceFile | ReadProblem:
    """Read and decode ``path``; a problem instead of an exception when that fails.

    Read through :func:`assume_lint.files.fileio.read_regular`: a file replaced by a FIFO or
    a device during the run is reported, never waited on, and never more than
    ``max_bytes`` are read.
    """
    try:
        data = read_regular(path, max_bytes)
    except TooLarge as exc:
        return ReadProblem(
            f"file is {exc.size} bytes, larger than the {max_bytes}-byte limit "
            "(raise max-file-size in the config to lint it)"
        )
    except NotRegularFile as exc:
        return ReadProblem(f"cannot read file: {exc.strerror}")
    except PermissionError:
        return ReadProblem("permission denied")
    except OSError as exc:
        return ReadProblem(f"cannot read file: {exc.strerror or type(exc).__name__}")
    decoded = decode(data)
    if isinstance(decoded, ReadProblem):
        return decoded
    return SourceFile(path=path, rel=rel, text=decoded)


# What is parsed at most, whatever max-file-size lets the linter read: parsing costs
# about a hundred times a file's size in memory (a dense 4 MiB Terraform file peaks at
# half a gigabyte), so a bigger file is reported as too large to analyse and only
# scanned for keys, which costs a few times its size. max-file-size (default 4 MiB,
# plans 8 times that) stays below both caps unless raised.
ANALYSE_MAX_LINES = 200_000
ANALYSE_MAX_BYTES = 32 * 1024 * 1024


def too_large_to_analyse(text: str) -> str | None:
    """Why ``text`` is too large to parse (an AL900 message), or None."""
    if len(text) > ANALYSE_MAX_BYTES:
        size = f"{len(text):,} characters"
    elif text.count("\n") > ANALYSE_MAX_LINES:
        size = f"{text.count(chr(10)) + 1:,} lines"
    else:
        return None
    return (
        f"too large to analyse: {size} (at most {ANALYSE_MAX_LINES:,} lines and "
        f"{ANALYSE_MAX_BYTES // (1024 * 1024)} MiB are parsed, whatever max-file-size "
        "allows); the file was only scanned for keys"
    )


_NEWLINE = re.compile("\n")


def line_starts(text: str) -> array[int]:
    """Offsets where the lines of ``text`` start (the first is 0): 8 bytes a line, where
    the text split into lines would cost a string object each."""
    starts = array("q", [0])
    starts.extend(match.end() for match in _NEWLINE.finditer(text))
    return starts

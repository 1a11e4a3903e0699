"""Decoding: BOMs, UTF-16, invalid UTF-8, NUL bytes, line endings, size limit."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assume_lint.files.sources import ReadProblem, SourceFile, decode, read_source


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a\nb\n", "a\nb\n"),
        (codecs.BOM_UTF8 + b"a\n", "a\n"),
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r", "a\nb\n"),
        ("x = \"é\"\n".encode("utf-16"), "x = \"é\"\n"),
        ("k\r\n".encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), "k\n"),
    ],
)
def test_decodes(data: bytes, text: str) -> None:
    assert decode(data) == text


def test_invalid_utf8_reports_line_and_column() -> None:
    problem = decode(b"ok\nab\xffcd\n")
    assert problem == ReadProblem("not valid UTF-8 text", 2, 3)


def test_nul_bytes_are_binary() -> None:
    problem = decode(b"\x7fELF\x00\x00\x01")
    assert isinstance(problem, ReadProblem)
    assert "binary" in problem.message


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.tf"
    big.write_bytes(b"#" * 2048)
    problem = read_source(big, "big.tf", max_bytes=1024)
    assert isinstance(problem, ReadProblem)
    assert "2048 bytes, larger than the 1024-byte limit" in problem.message
    source = read_source(big, "big.tf", max_bytes=4096)
    assert isinstance(source, SourceFile)
    assert source.line_text(1) == "#" * 2048


def test_missing_file(tmp_path: Path) -> None:
    problem = read_source(tmp_path / "gone.tf", "gone.tf")
    assert isinstance(problem, ReadProblem)
    assert problem.message.startswith("cannot read file")

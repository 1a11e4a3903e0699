"""Session durations, read one way by parsers and rules (assume_lint.model.durations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.cli import main
from assume_lint.model.durations import duration_seconds, is_whole_seconds


@pytest.mark.parametrize(("text", "seconds"), [
    ("3600", 3600.0),
    (" 900 ", 900.0),
    ("+60", 60.0),
    ("1h", 3600.0),
    ("1h30m", 5400.0),
    ("1.5h", 5400.0),
    ("90s", 90.0),
    ("500ms", 0.5),
    ("", None),
    ("soon", None),
    ("1h soon", None),
    ("²", None),  # a digit to str.isdigit and \\d, no number to Go or int()
    ("1²h", None),
    ("٣٠٠", None),  # Arabic-Indic digits
    (None, None),
])
def test_duration_seconds(text: str | None, seconds: float | None) -> None:
    assert duration_seconds(text) == seconds


def test_whole_seconds_are_ascii_digits() -> None:
    assert is_whole_seconds("3600")
    assert not is_whole_seconds("²") and not is_whole_seconds("+5") and not is_whole_seconds("")


def test_a_unicode_digit_duration_is_unknown_not_a_parse_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  assume_role {\n'
        '    role_arn = "arn:aws:iam::111111111111:role/x"\n    duration = "²"\n  }\n}\n')
    code = main([str(tmp_path), "--no-config", "--no-cache", "-q", "--repo-root", str(tmp_path),
                 "-f", "json", "--min-severity", "info"])
    out = capsys.readouterr().out
    assert "AL900" not in out and "internal error" not in out
    assert code in (0, 1)

"""Session durations as configurations write them: integer seconds or Go durations.

Profiles, workflows and CloudFormation write integer seconds (``duration_seconds =
3600``); Terraform's ``assume_role.duration`` is a Go duration (``1h``, ``1h30m``,
``900s``). Parsers turn Terraform's into seconds for the model and rules compare
seconds, so both read them here, one way. Only ASCII digits count: ``²`` is a digit to
``str.isdigit`` and ``\\d``, but no number to Go, the SDKs or ``int``.
"""

from __future__ import annotations

import re

_SECONDS = re.compile(r"[+-]?[0-9]+")
_GO_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


def is_whole_seconds(text: str) -> bool:
    """``3600``: a duration already written in seconds (ASCII digits, no sign)."""
    return text.isascii() and text.isdigit()


def duration_seconds(text: str | None) -> float | None:
    """Seconds a duration value asks for (integer seconds or a Go duration, blanks
    around ignored), or None when it cannot be read."""
    if text is None:
        return None
    value = text.strip()
    if _SECONDS.fullmatch(value):
        return float(int(value))
    if not value or _GO_PART.sub("", value):
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _GO_PART.findall(value))

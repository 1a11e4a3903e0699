"""Shared predicates for the caller-side rules (AL2xx) and the backend/provider check (AL301).

Role ARNs are parsed and compared by :mod:`assume_lint.model.arn` (partly known values included).

Kept apart from ``_helpers`` (the trust-side predicates) so the two areas can grow
without editing the same file. Everything here is a pure function of strings and model
objects: no I/O, no parser knowledge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from assume_lint.files.secrets import mask
from assume_lint.model import AssumeAttempt, Credential
from assume_lint.model.durations import duration_seconds as parse_duration
from assume_lint.model.findings import Location

__all__ = [
    "attempt_anchor",
    "credential_label",
    "dedupe_by_line",
    "is_example_value",
    "is_placeholder",
    "is_temporary_key",
    "mask",
    "parse_duration",
    "role_arn_label",
]

def role_arn_label(attempt: AssumeAttempt) -> str:
    """The role an attempt assumes, for messages: the ARN, else its expression."""
    attr = attempt.role_arn
    if attr is None:
        return "no role"
    if attr.value is not None:
        return attr.value
    return attr.source or "an unresolved role ARN"


# --------------------------------------------------------------------------- credentials


def is_placeholder(value: str | None) -> bool:
    """True for values that hold no credential at all (empty or blank).

    Anything else typed into a key field counts, even ``AKIAXXXXXXXXXXXXXXXX``: the
    field is wired to a literal, which is the mistake the rules report.
    """
    return value is None or not value.strip()


def is_example_value(value: str) -> bool:
    """AWS's documented example keys (``AKIAIOSFODNN7EXAMPLE``,
    ``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``): not real secrets, graded low."""
    upper = value.strip().upper()
    return upper.endswith(("EXAMPLE", "EXAMPLEKEY"))


#: The contexts of credentials found by scanning text, not by a format's parser: the
#: engine's access-key scan ("text") and lint/parsers/textscan.py's secret assignments ("").
_FREE_TEXT = ("", "text")


def is_documentation(credential: Credential) -> bool:
    """An AWS documented example value found by scanning free text (a README, a script,
    a docstring: no parser's field holds it). Guides, tests and tools print these on
    purpose; reporting them is noise. In a field a parser knows (a provider's
    ``access_key``, a profile's ``aws_secret_access_key``) the example still says a
    placeholder was committed where a credential goes, and is reported at low."""
    return credential.context in _FREE_TEXT and is_example_value(credential.value or "")


def is_temporary_key(value: str) -> bool:
    """``ASIA`` key ids belong to temporary (STS) credentials."""
    return value.strip().upper().startswith("ASIA")


def credential_label(credential: Credential) -> str:
    """Where a credential was found, for messages: ``secret_key in provider "aws"``."""
    field = credential.field or "text"
    return f"{field} in {credential.context}" if credential.context else field


def dedupe_by_line(credentials: Iterable[Credential]) -> Iterator[list[Credential]]:
    """Group credentials that sit on the same (path, line), in first-seen order.

    The text scan and the field parser may both report one key; a line is one finding.
    """
    groups: dict[tuple[str, int], list[Credential]] = {}
    for credential in credentials:
        where = (credential.location.path, credential.location.line)
        groups.setdefault(where, []).append(credential)
    yield from groups.values()


# --------------------------------------------------------------------------- durations

def format_seconds(seconds: float) -> str:
    """A duration for messages: ``3600`` for whole seconds, else the shortest float."""
    return f"{int(seconds)}" if seconds == int(seconds) else f"{seconds:g}"


def attempt_anchor(attempt: AssumeAttempt) -> Location:
    """Where to report about an attempt's role: its role_arn, else the attempt itself."""
    return attempt.role_arn.location if attempt.role_arn is not None else attempt.location

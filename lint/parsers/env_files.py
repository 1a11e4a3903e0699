"""dotenv files (``.env``, ``.env.*``, ``*.env``): hard-coded AWS keys and role ARNs.

The syntax is python-dotenv's, which docker compose and most frameworks share:
``KEY=value`` or ``export KEY=value``; values unquoted (a `` #`` starts a comment,
surrounding blanks are dropped), single-quoted (taken literally) or double-quoted (may
span lines, ``\\"`` escapes a quote); ``#`` lines and blank lines are skipped. A line
that does not parse (no ``=``, an unterminated quote) is skipped, as dotenv skips it:
such files still load, so they are not parse errors.

A value that refers to another variable (``${VAR}``, ``$VAR``; unquoted or
double-quoted) is not a literal: it is recorded as coming from a variable, value None.
Every value keeps the exact line and column of its first character (inside quotes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assume_lint.files.sources import SourceFile
from assume_lint.model import AssumeAttempt, Attr, Credential, Model
from assume_lint.model.findings import Location
from assume_lint.parsers import per_file

CREDENTIAL_KEYS = {
    "AWS_ACCESS_KEY_ID": "access-key-id",
    "AWS_SECRET_ACCESS_KEY": "secret-key",
    "AWS_SESSION_TOKEN": "session-token",
}
# role variable -> (session-name variable, duration variable) read by the same tool
ROLE_KEYS = {
    "AWS_ROLE_ARN": ("AWS_ROLE_SESSION_NAME", None),
    "TERRAGRUNT_IAM_ROLE": (
        "TERRAGRUNT_IAM_ASSUME_ROLE_SESSION_NAME",
        "TERRAGRUNT_IAM_ASSUME_ROLE_DURATION",
    ),
}

_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*")
_REFERENCE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_])")


@dataclass(frozen=True)
class Entry:
    """One ``KEY=value`` with the location of its key and of its value's text."""

    key: str
    value: str
    key_location: Location
    location: Location
    from_variable: bool


def _unquoted(rest: str) -> str:
    """An unquoted value: up to a `` #`` comment, blanks around it dropped."""
    match = re.search(r"[ \t]#", rest)
    return (rest[: match.start()] if match else rest).strip()


def _closing_quote(text: str, start: int, quote: str) -> int:
    """Index of the quote closing a value that starts at ``start``, or -1."""
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\" and quote == '"':
            index += 2
            continue
        if char == quote:
            return index
        index += 1
    return -1


def _unescape(value: str) -> str:
    """Double-quoted escapes as dotenv applies them (the common ones)."""
    table = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(0)), value, flags=re.S)


class _Reader:
    """Walks the lines of one file, following double-quoted values across lines."""

    def __init__(self, source: SourceFile) -> None:
        self.rel = source.rel
        self.lines = source.text.split("\n")

    def entries(self) -> list[Entry]:
        found: list[Entry] = []
        number = 0
        while number < len(self.lines):
            entry, used = self.entry(number)
            if entry is not None:
                found.append(entry)
            number += used
        return found

    def entry(self, number: int) -> tuple[Entry | None, int]:
        """The entry starting on 0-based line ``number`` and how many lines it used."""
        line = self.lines[number]
        match = _ASSIGNMENT.match(line)
        if match is None:
            return None, 1
        key = match["key"]
        key_location = Location(
            self.rel, number + 1, match.start("key") + 1, number + 1, match.end("key") + 1
        )
        start = match.end()
        quote = line[start : start + 1]
        if quote not in ("'", '"'):
            value = _unquoted(line[start:])
            location = Location(self.rel, number + 1, start + 1, number + 1, start + 1 + len(value))
            entry = Entry(key, value, key_location, location, bool(_REFERENCE.search(value)))
            return entry, 1
        return self.quoted(number, start, quote, key, key_location)

    def quoted(
        self, number: int, start: int, quote: str, key: str, key_location: Location
    ) -> tuple[Entry | None, int]:
        """A quoted value; double quotes may run over several lines."""
        rest = "\n".join(self.lines[number:]) if quote == '"' else self.lines[number]
        end = _closing_quote(rest, start + 1, quote)
        if end < 0:
            return None, 1  # unterminated: dotenv skips the line
        raw = rest[start + 1 : end]
        used = raw.count("\n") + 1
        last_line = number + used
        end_column = len(raw) - raw.rfind("\n") if "\n" in raw else start + 2 + len(raw)
        location = Location(self.rel, number + 1, start + 2, last_line, end_column)
        if quote == "'":
            return Entry(key, raw, key_location, location, False), used
        variable = bool(_REFERENCE.search(raw))
        return Entry(key, _unescape(raw), key_location, location, variable), used


def _attr(entry: Entry | None, secret: bool = False) -> Attr | None:
    """An entry as an Attr: None when absent or empty, unknown when it refers to a variable."""
    if entry is None or entry.value == "":
        return None
    if entry.from_variable:
        return Attr(None, entry.location, entry.value)
    return Attr(entry.value, entry.location, "" if secret else entry.value)


def parse_file(source: SourceFile) -> Model:
    """Credentials and role attempts of one dotenv file."""
    model = Model()
    entries = _Reader(source).entries()
    latest = {entry.key: entry for entry in entries}  # later assignments win, as in dotenv
    for entry in entries:
        kind = CREDENTIAL_KEYS.get(entry.key)
        if kind is None or entry.value == "":
            continue
        value = None if entry.from_variable else entry.value
        model.credentials.append(
            Credential(
                kind,
                entry.key,
                value,
                entry.location,
                f"env file {source.rel}",
                entry.from_variable,
            )
        )
    for key, (session_key, duration_key) in ROLE_KEYS.items():
        role = _attr(latest.get(key))
        if role is None:
            continue
        model.attempts.append(
            AssumeAttempt(
                kind="env",
                caller=f"env file {source.rel}",
                address=f"{source.rel}#{key}",
                location=latest[key].key_location,
                role_arn=role,
                session_name=_attr(latest.get(session_key)),
                duration=_attr(latest.get(duration_key)) if duration_key else None,
            )
        )
    return model


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse each dotenv file of the unit (one file per unit in practice)."""
    return per_file(parse_file, files)

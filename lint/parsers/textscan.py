"""Secrets in any text file: access key ids, and secret access keys assigned to a name
that says so.

Parsers know where keys belong in their formats (a provider's ``secret_key``, a profile's
``aws_secret_access_key``). Real repositories also paste keys where no parser looks: a
``deploy.sh`` that exports them, an EC2 ``user_data`` heredoc, a Lambda ``environment``
map, a ``.properties`` or INI file. Secret scanners find those with one regular
expression pass over every file; so does this module:

- an **access key id** (``AKIA...``, ``ASIA...``) anywhere (see
  :data:`assume_lint.files.secrets.ACCESS_KEY_ID`);
- a **secret access key** where a 40-character secret-shaped value is assigned to a name
  that says so: ``aws_secret_access_key``, ``AWS_SECRET_ACCESS_KEY``, ``secret_key``,
  ``SecretAccessKey``, ``aws-secret-access-key`` (any case, any prefix such as
  ``TF_VAR_``), with ``=``, ``:``, ``=>`` or blanks between (``export X=...``,
  ``X: ...``, ``"X": "..."``, ``aws configure set aws_secret_access_key ...``).

"Secret-shaped" is stricter than the masking shape: 40 characters of base64's alphabet,
standing alone, with upper- and lower-case letters and a digit, ``/`` or ``+``. Git
hashes and other hex digests (one case), UUIDs (dashes), sha256 digests and longer
base64 blobs (other lengths) never qualify, and a name must say "secret" and "key".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assume_lint.files.sources import SourceFile
from assume_lint.model import Credential
from assume_lint.model.findings import Location

_NAME = (
    r"(?<![A-Za-z0-9])(?P<name>(?:aws[_.-]?)?secret[_.-]?(?:access[_.-]?)?key)(?![A-Za-z0-9])"
)
# "=", ":" or "=>" between optional blanks, or blanks alone: written so that a run of
# blanks can be split one way only (no backtracking blow-up on a line of spaces)
_SEPARATOR = r"[\"']?(?:[ \t]*(?:=>|[:=])[ \t]*|[ \t]+)[\"']?"
_VALUE = r"(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
SECRET_ASSIGNMENT = re.compile(_NAME + _SEPARATOR + _VALUE, re.IGNORECASE)


def is_secret_shaped(value: str) -> bool:
    """Mixed-case base64 with a digit or ``/``/``+``: what a random 40-character secret
    access key is (a hex digest, an upper-case word run or a lower-case slug is not)."""
    has_upper = any(c.isupper() for c in value)
    has_lower = any(c.islower() for c in value)
    return has_upper and has_lower and any(c.isdigit() or c in "/+" for c in value)


def _location(text: str, offset: int, length: int, rel: str) -> Location:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(rel, line, column, line, column + length)


def scan_secret_assignments(source: SourceFile) -> list[Credential]:
    """Secret access keys assigned to a secret-key name anywhere in ``source``."""
    text = source.text
    if "ecret" not in text and "ECRET" not in text:  # secret, Secret, SECRET: str search is
        return []  # ten times faster than a case-insensitive regex over a file that has none
    found: list[Credential] = []
    for match in SECRET_ASSIGNMENT.finditer(text):
        value = match.group("value")
        if not is_secret_shaped(value):
            continue
        where = _location(text, match.start("value"), len(value), source.rel)
        found.append(Credential("secret-key", match.group("name"), value, where))
    return found


def new_secrets(scanned: Iterable[Credential], known: Iterable[Credential]) -> list[Credential]:
    """The scanned secrets on lines where no parser already found a secret: a file a
    format parser read reports each key once, under the parser's field and context."""
    taken = {
        (c.location.path, c.location.line)
        for c in known
        if c.kind in ("secret-key", "session-token")
    }
    return [c for c in scanned if (c.location.path, c.location.line) not in taken]

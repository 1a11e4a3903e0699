"""Masking of credential material: no secret is ever printed whole.

Every formatter, error message and log line goes through :func:`mask_text`, so a key
found by any parser (or quoted in a parse error) reaches no output unmasked.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Access key ids: a 4-letter prefix + 16 base32 characters (gitleaks' shape).
ACCESS_KEY_ID = re.compile(
    r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])"
)
# Secret access keys: 40 base64 characters, standing alone.
SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
# Session tokens are long base64 blobs; mask any base64 run of 100+ characters.
SESSION_TOKEN = re.compile(r"[A-Za-z0-9/+=]{100,}")
# The shortest of the three shapes is 20 characters: without such a run, nothing to mask.
_CANDIDATE = re.compile(r"[A-Za-z0-9/+=]{20}")


def mask(value: str) -> str:
    """``AKIAIOSFODNN7EXAMPLE`` -> ``AKIA************MPLE``; short values are fully hidden."""
    if len(value) <= 8:
        return "*" * len(value)
    keep = 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _looks_secret(candidate: str) -> bool:
    # A 40-character run of letters only or of digits only is a word or a hash, not a key;
    # real secret keys mix classes. Paths and ARNs have ":" and are not matched at all.
    has_digit = any(c.isdigit() for c in candidate)
    has_alpha = any(c.isalpha() for c in candidate)
    return has_digit and has_alpha


def _trie(words: list[str]) -> str:
    """A regex matching any of ``words``, as a trie (longest match first at each step):
    the engine follows one branch per character instead of trying every word at every
    position, which kept masking slow when a tree holds hundreds of keys."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [chain(char, child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) == 1 else body + "?"
        return body

    def chain(char: str, node: dict[str, Any]) -> str:
        # Follow a run of single-child nodes in a loop: recursion happens only where
        # words branch, so a megabyte-long secret cannot exhaust the stack.
        literal = [char]
        while len(node) == 1 and "" not in node:
            (char, node), = node.items()
            literal.append(char)
        return re.escape("".join(literal)) + build(node)

    return build(tree)


# Known secrets longer than this are replaced with str.replace (a regex of a megabyte
# literal takes seconds to compile); shorter ones go into one trie pattern.
_LONG_SECRET = 1024


@functools.lru_cache(maxsize=8)
def _extras_pattern(extra: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all known secrets (longest match wins), compiled once per run, so
    masking costs one scan per text rather than one per secret."""
    values = sorted({v for v in extra if v and 4 <= len(v) <= _LONG_SECRET})
    if not values:
        return None
    return re.compile(_trie(values))


@functools.lru_cache(maxsize=8)
def _long_secrets(extra: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({v for v in extra if len(v) > _LONG_SECRET}, key=len, reverse=True))


def _mask_extras(text: str, extra: tuple[str, ...]) -> str:
    for value in _long_secrets(extra):
        if value in text:
            text = text.replace(value, mask(value))
    pattern = _extras_pattern(extra)
    if pattern is not None:
        text = pattern.sub(lambda m: mask(m.group(0)), text)
    return text


def mask_text(text: str, extra: tuple[str, ...] = ()) -> str:
    """Mask every access key id, secret-key-shaped and token-shaped run in ``text``.

    ``extra`` lists literal values known to be secrets (from parsed secret fields) that
    do not have the usual shape (``"123XXXX"``-style placeholders, short test keys).
    """
    text = _mask_extras(text, extra)
    if _CANDIDATE.search(text) is None:
        return text  # no run long enough to be a key id, a secret key or a token
    text = SESSION_TOKEN.sub(lambda m: mask(m.group(0)), text)
    text = ACCESS_KEY_ID.sub(lambda m: mask(m.group(0)), text)
    return SECRET_KEY.sub(
        lambda m: mask(m.group(0)) if _looks_secret(m.group(0)) else m.group(0), text
    )


def mask_path(path: str, extra: tuple[str, ...] = ()) -> str:
    """``path`` with access key ids and known secret values masked.

    A file or folder named after a key would otherwise print it into CI logs and SARIF
    uploads. Only key ids and literal secrets are masked here, never the looser
    secret-key and token shapes: a long run of path segments can look like those, and a
    needlessly masked path no longer leads the reader (or code scanning) to the file.
    """
    path = _mask_extras(path, extra)
    if "A" not in path:
        return path
    return ACCESS_KEY_ID.sub(lambda m: mask(m.group(0)), path)

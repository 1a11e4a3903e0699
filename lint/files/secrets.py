"""Masking of credential material: no secret is ever printed whole.

:func:`mask_text` is the one masking function: every string that reaches an output
(finding messages and keys, suppression reasons, HTML excerpts, graph labels and ids,
paths, error messages, the baseline) goes through it, and the CLI passes every report
it writes through it once more before the bytes leave the process. New detectors
(another key shape, a new keyed form) therefore protect every output at once.

These kinds of text are masked:

* literal values the parsers know to be secrets (``extra``), whatever their shape;
* secret-shaped runs: access key ids, 40-character secret access keys and 100+
  character session tokens (random-looking: both letter cases and a digit);
* values written after a secret-looking name, in every form a file or a log uses:
  ``KEY=value``, ``export AWS_SECRET_ACCESS_KEY=...`` in a heredoc, ``# secret=...``
  in a comment, ``?a=1&secret=...`` in a URL, ``"client_secret": "..."`` in JSON and
  ``password: ...`` in YAML, whatever the value's shape (a tfvars secret of letters
  only has no digit to recognise it by);
* the password of a URL's user information, ``https://user:SECRET@host`` (a clone URL
  with a token, a ``DATABASE_URL``), whatever name the URL is assigned to;
* an HTTP credential: ``Bearer TOKEN`` (``curl -H "Authorization: Bearer ..."`` in a
  script or workflow step) and ``Authorization: Basic BASE64``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

#: A part of a text to mask: (start, end) offsets.
Span = tuple[int, int]

# Access key ids: a 4-letter prefix + 16 base32 characters (gitleaks' shape).
ACCESS_KEY_ID = re.compile(
    r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])"
)
# Secret access keys: 40 base64 characters, standing alone. "=" may come before (a
# ``KEY=value`` assignment), never after (that would be inside a longer base64 blob).
SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
# Session tokens are long base64 blobs; mask any base64 run of 100+ characters.
SESSION_TOKEN = re.compile(r"[A-Za-z0-9/+=]{100,}")
# The shortest of the three shapes is 20 characters: without such a run, no shape.
_CANDIDATE = re.compile(r"[A-Za-z0-9/+=]{20}")
# A secret-looking name (at the end of an identifier: ``token_file`` is not one) and
# the value assigned to it. The name may be quoted (JSON), the value too. The match is
# tried only where one of _ANCHORS occurs (found with str.find: a regex alternation
# scanned every position of a megabyte of text for a second).
KEYED_SECRET = re.compile(
    r"(?i)(?:secret(?:[_.-]?(?:access[_.-]?)?key)?|passw(?:or)?d|passphrase|pwd|token"
    r"|(?:api|private)[_.-]?key|credentials?)"
    r"[\"']?[ \t]*(?:=(?!=)|:(?![:=]))[ \t]*[\"']?"
    r"(?P<value>[^\s\"'`&;,<>(){}\[\]|\\#*]{8,})"
)
_ANCHORS = ("secret", "passw", "passphrase", "pwd", "token", "api", "private", "credential")
# The password in a URL's user information (RFC 3986: ``scheme://user:password@host``),
# tried where "://" occurs. Neither part holds "/", "?", "#", "@" or spaces unencoded,
# so ``https://host:8443/a@b`` (a port, then a path) is no match.
URL_PASSWORD = re.compile(
    r"://[^\s/?#@:\"'`<>]*:(?P<value>[^\s/?#@\"'`<>]+)@"
)
# An HTTP credential, tried where "bearer" or "authorization" occurs (any case). A bearer
# token is at least 16 characters (RFC 6750's token68 alphabet), so prose ("the bearer
# of this note") is left alone; Basic is masked only right after "Authorization:".
HTTP_CREDENTIAL = re.compile(
    r"(?i)(?:bearer[ \t]+(?P<bearer>[A-Za-z0-9\-._~+/]{16,}=*)"
    r"|authorization[\"']?[ \t]*[:=][ \t]*[\"']?basic[ \t]+(?P<basic>[A-Za-z0-9+/]{8,}=*))"
)
# Values after a secret-looking name that are not secrets: references to a variable,
# a resource attribute or a secret store, and ARNs (of the secret, not its value).
_REFERENCE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_\-\[\]\"]+)+")
_NOT_VALUES = ("$", "%{", "arn:")


def mask(value: str) -> str:
    """``AKIAIOSFODNN7EXAMPLE`` -> ``AKIA************MPLE``; short values are fully hidden."""
    if len(value) <= 8:
        return "*" * len(value)
    keep = 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _random(run: str) -> bool:
    """Does a secret-key- or token-shaped run look random? Real keys mix both letter
    cases and digits (a run without them is a word, a hex digest or a commit id); a run
    of several ``/``-separated segments is a path unless one segment itself looks random.
    """
    if not _mixed(run):
        return False
    if run.count("/") >= 3:
        return any(len(part) >= 8 and _mixed(part) for part in run.split("/"))
    return True


def _mixed(text: str) -> bool:
    """Both letter cases and a digit (three C-speed scans: runs may be a megabyte)."""
    return bool(_DIGIT.search(text) and _UPPER.search(text) and _LOWER.search(text))


_DIGIT, _UPPER, _LOWER = re.compile("[0-9]"), re.compile("[A-Z]"), re.compile("[a-z]")


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
def _extras_matchers(extra: tuple[str, ...]) -> tuple[tuple[str, ...], re.Pattern[str] | None]:
    """The known secrets too long for a pattern (replaced by str.replace, longest first)
    and one pattern for all the others (longest match wins), compiled once per run, so
    masking costs one scan per text rather than one per secret."""
    longs = tuple(sorted({v for v in extra if len(v) > _LONG_SECRET}, key=len, reverse=True))
    values = sorted({v for v in extra if v and 4 <= len(v) <= _LONG_SECRET})
    return longs, (re.compile(_trie(values)) if values else None)


# The last ``extra`` tuple seen and its matchers: a run passes the same tuple object for
# every string it masks, and hashing a tuple of thousands of secrets for the lru_cache
# on each call cost more than the masking itself.
_LAST_EXTRAS: list[Any] = [None, ((), None)]


def _mask_extras(text: str, extra: tuple[str, ...]) -> str:
    if _LAST_EXTRAS[0] is extra:
        longs, pattern = _LAST_EXTRAS[1]
    else:
        longs, pattern = _extras_matchers(extra) if extra else ((), None)
        _LAST_EXTRAS[:] = [extra, (longs, pattern)]
    for value in longs:
        if value in text:
            text = text.replace(value, mask(value))
    if pattern is not None:
        text = pattern.sub(lambda m: mask(m.group(0)), text)
    return text


def _occurrences(text: str, words: tuple[str, ...]) -> list[int]:
    """Every offset where one of ``words`` starts (str.find: C speed on megabytes)."""
    found = []
    for word in words:
        position = text.find(word)
        while position >= 0:
            found.append(position)
            position = text.find(word, position + 1)
    return sorted(found)


def _masked_spans(text: str, spans: list[Span]) -> str:
    """``text`` with each (sorted, non-overlapping) span masked."""
    if not spans:
        return text
    out, last = [], 0
    for begin, end in spans:
        out.append(text[last:begin])
        out.append(mask(text[begin:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


def _anchored_spans(text: str, anchors: tuple[str, ...], pattern: re.Pattern[str],
                    pick: Callable[[re.Match[str]], Span | None], *,
                    any_case: bool = False) -> list[Span]:
    """The spans to mask: ``pattern`` tried only where one of ``anchors`` starts (found
    with str.find, see :func:`_occurrences`; ``any_case`` finds them in any case),
    ``pick`` choosing the part of each match to mask (None: nothing), overlaps dropped.
    One scanner for every detector that starts from a word, so each stays linear."""
    if not any_case:
        starts = _occurrences(text, anchors)
    else:
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer: no offsets
            alternation = "|".join(re.escape(anchor) for anchor in anchors)
            starts = [m.start() for m in re.finditer("(?i)" + alternation, text)]
        else:
            starts = _occurrences(lowered, anchors)
    spans: list[Span] = []
    for start in starts:
        match = pattern.match(text, start)
        span = None if match is None else pick(match)
        if span is not None and (not spans or span[0] >= spans[-1][1]):
            spans.append(span)
    return spans


def _keyed_value(match: re.Match[str]) -> Span | None:
    value = match.group("value")
    if value.startswith(_NOT_VALUES) or _REFERENCE.fullmatch(value):
        return None
    return match.span("value")


def _url_password(match: re.Match[str]) -> Span | None:
    return None if match.group("value").startswith(_NOT_VALUES) else match.span("value")


def _http_credential(match: re.Match[str]) -> Span:
    return match.span("bearer" if match.group("bearer") is not None else "basic")


def _mask_keyed(text: str) -> str:
    """Mask each value written after a secret-looking name (see KEYED_SECRET)."""
    spans = _anchored_spans(text, _ANCHORS, KEYED_SECRET, _keyed_value, any_case=True)
    return _masked_spans(text, spans)


def _mask_url_passwords(text: str) -> str:
    """Mask the password of each URL with user information (see URL_PASSWORD); a
    reference to a variable (``${var.password}``) is left as written."""
    return _masked_spans(text, _anchored_spans(text, ("://",), URL_PASSWORD, _url_password))


def _mask_http_credentials(text: str) -> str:
    """Mask bearer tokens and Basic credentials (see HTTP_CREDENTIAL)."""
    spans = _anchored_spans(text, ("bearer", "authorization"), HTTP_CREDENTIAL,
                            _http_credential, any_case=True)
    return _masked_spans(text, spans)


_KEY_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "A3T")


def _mask_key_ids(text: str) -> str:
    """Mask access key ids, found from their prefixes rather than by a regex scan of
    every position (a seven-megabyte report took a second that way)."""
    return _masked_spans(text, _anchored_spans(text, _KEY_PREFIXES, ACCESS_KEY_ID,
                                               lambda match: match.span()))


# Masked short texts, per ``extra`` tuple (a run masks the same paths and messages again
# and again: a warm run over 2,000 files made 99,000 calls for 35,000 texts). Keyed by
# the tuple's identity, which the entry keeps alive; rules mask with no tuple at all
# between the engine's calls, so a few tuples are kept.
_MEMOS: dict[int, tuple[tuple[str, ...], dict[tuple[str, bool], str]]] = {}
_MEMO_TEXT = 512
_MEMO_SIZE = 4096


def mask_text(text: str, extra: tuple[str, ...] = (), *, shapes: bool = True) -> str:
    """``text`` with every secret masked: the one masking function of every output.

    ``extra`` lists literal values known to be secrets (from parsed secret fields) that
    need not have the usual shape (``"123XXXX"``-style placeholders, short test keys).
    ``shapes=False`` skips the two scans for secret-key- and token-shaped runs (the
    costly ones, which a whole report does not need once its every field was masked):
    known secrets, access key ids and keyed values are masked either way. Masking is
    idempotent: a masked text masks to itself.
    """
    if len(text) > _MEMO_TEXT:
        return _mask(text, extra, shapes)
    entry = _MEMOS.get(id(extra))
    if entry is None or entry[0] is not extra:
        if len(_MEMOS) >= 4:
            _MEMOS.clear()
        entry = _MEMOS[id(extra)] = (extra, {})
    memo = entry[1]
    key = (text, shapes)
    masked = memo.get(key)
    if masked is None:
        masked = _mask(text, extra, shapes)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = masked
    return masked


def _mask(text: str, extra: tuple[str, ...], shapes: bool) -> str:
    text = _mask_http_credentials(_mask_url_passwords(_mask_keyed(_mask_extras(text, extra))))
    if shapes and _CANDIDATE.search(text) is not None:
        text = SESSION_TOKEN.sub(_shaped, text)
        text = _mask_key_ids(text)
        return SECRET_KEY.sub(_shaped, text)
    return _mask_key_ids(text)


def _shaped(match: re.Match[str]) -> str:
    run = match.group(0)
    return mask(run) if _random(run) else run

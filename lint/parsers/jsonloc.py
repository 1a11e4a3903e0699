"""A located, strict JSON parser (RFC 8259) that never recurses.

The standard library's ``json`` forgets where values were written; trust-policy rules must
point at the exact statement, principal or condition key, so every value here becomes a
:class:`~assume_lint.parsers.located.Node` with its own Location (and the Location of the
key that holds it). The parser keeps an explicit stack instead of recursing: a hostile
file of 200,000 ``[`` must end in a clean :class:`JsonError`, not a RecursionError.

Duplicate keys are kept the way IAM reads them (the last one wins) and are recorded in
the mapping's ``duplicate_keys``. The same parser reads JSON embedded in another file (a
Terraform heredoc, a string-encoded policy) through ``line_offset``/``column_map`` or a
full ``locate`` hook, and ``unknown_marker`` turns strings holding an unresolved
interpolation into unknown Nodes.
"""

from __future__ import annotations

import bisect
import gc
import json.decoder
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from assume_lint.files.sources import line_starts
from assume_lint.model.findings import Location
from assume_lint.parsers.located import Node

Locator = Callable[[int], tuple[int, int]]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"\w+")
# A string with no escapes and no control characters: the common case, no decoding needed.
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_NUMBER_TAIL = frozenset("0123456789.eE+-")
_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
_CLOSERS = {"{": "}", "[": "]"}
# The C string scanner behind ``json.loads`` (escapes, surrogate pairs, strict control
# characters); typeshed does not declare it, hence the lookup.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = vars(json.decoder)["scanstring"]


class JsonError(ValueError):
    """Invalid JSON, with the 1-based line and column of the offending character."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


@dataclass
class _Frame:
    """An open container on the explicit stack."""

    node: Node
    start: int
    is_map: bool
    key: str | None = None
    key_location: Location | None = None
    duplicates: list[str] = field(default_factory=list)


class _Parser:
    """One parse of one text: tokenising and tree building in a single loop."""

    def __init__(
        self, text: str, rel: str, locate: Locator, unknown_marker: str | None, custom: bool
    ) -> None:
        self.text = text
        self.rel = rel
        self.locate = locate
        self.custom = custom
        self.marker = unknown_marker
        self.n = len(text)
        self.stack: list[_Frame] = []

    # ------------------------------------------------------------------ helpers

    def error(self, message: str, pos: int) -> JsonError:
        line, column = self.locate(min(pos, self.n))
        return JsonError(message, line, column)

    def span(self, start: int, end: int) -> Location:
        line, column = self.locate(start)
        end_line, end_column = self.locate(end)
        return Location(self.rel, line, column, end_line, end_column)

    def token_span(self, start: int, end: int) -> Location:
        """The span of a scalar token, which never contains a line break (one lookup)."""
        if self.custom:  # characters may not map one-to-one: look the end up too
            return self.span(start, end)
        line, column = self.locate(start)
        return Location(self.rel, line, column, line, column + end - start)

    def skip(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]  # matches ""

    def peek(self, pos: int) -> str:
        return self.text[pos] if pos < self.n else ""

    # ------------------------------------------------------------------ tokens

    def string(self, pos: int) -> tuple[str, int]:
        """Decode the string starting at ``pos`` (a '"'); return it and the end offset."""
        plain = _PLAIN_STRING.match(self.text, pos)
        if plain:
            return plain.group(1), plain.end()
        try:
            return _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise self._string_error(exc, pos) from None

    def _string_error(self, exc: json.JSONDecodeError, start: int) -> JsonError:
        msg = exc.msg
        if msg.startswith("Unterminated string"):
            return self.error("unterminated string", start)
        if msg.startswith("Invalid control character"):
            return self.error("control character (e.g. a raw newline) inside a string", exc.pos)
        if msg.startswith("Invalid \\uXXXX"):
            return self.error("invalid \\u escape in string (expected 4 hex digits)", exc.pos - 1)
        return self.error("invalid escape in string", exc.pos)

    def scalar(self, pos: int) -> tuple[Node, int]:
        """A string, number or literal at ``pos`` (whitespace already skipped)."""
        ch = self.peek(pos)
        if ch == '"':
            value, end = self.string(pos)
            location = self.token_span(pos, end)
            if self.marker is not None and self.marker in value:
                return Node(None, location, known=False, source=value), end
            return Node(value, location), end
        if ch == "-" or ch.isdigit():
            return self.number(pos)
        word = _WORD.match(self.text, pos) if ch.isalpha() else None
        if word:
            text = word.group(0)
            if text in _LITERALS:
                return Node(_LITERALS[text], self.token_span(pos, word.end())), word.end()
            shown = f" {text!r}" if len(text) <= 10 else ""
            raise self.error(f"invalid literal{shown} (expected true, false or null)", pos)
        if not ch:
            raise self.error("unexpected end of input, expected a value", pos)
        raise self.error(f"unexpected character {ch!r}, expected a value", pos)

    def number(self, pos: int) -> tuple[Node, int]:
        match = _NUMBER.match(self.text, pos)
        end = match.end() if match else pos
        if (
            match is None
            or end == pos
            or self.peek(end) in _NUMBER_TAIL
            or _word_char(self.peek(end))
        ):
            raise self.error("invalid number", pos)
        raw = match.group(0)
        value: int | float
        if "." in raw or "e" in raw or "E" in raw:
            value = float(raw)
        else:
            try:
                value = int(raw)
            except ValueError:  # more digits than int() accepts: keep its magnitude
                value = float(raw)
        return Node(value, self.token_span(pos, end), source=raw), end

    # ------------------------------------------------------------------ structure

    def open(self, pos: int) -> tuple[Node | None, int]:
        """Start a value at ``pos``: a finished scalar, or None after opening a container."""
        pos = self.skip(pos)
        ch = self.peek(pos)
        if ch in _CLOSERS:
            container: dict[str, Node] | list[Node] = {} if ch == "{" else []
            node = Node(container, self.token_span(pos, pos + 1))  # end set by close()
            self.stack.append(_Frame(node, pos, ch == "{"))
            return None, pos + 1
        return self.scalar(pos)

    def key(self, pos: int, frame: _Frame) -> int:
        """Read ``"key":`` into the frame; return the offset of the value."""
        pos = self.skip(pos)
        if self.peek(pos) != '"':
            if pos >= self.n:
                raise self.error("unexpected end of input, expected a string key", pos)
            raise self.error("expected a string key", pos)
        key, end = self.string(pos)
        frame.key, frame.key_location = key, self.token_span(pos, end)
        colon = self.skip(end)
        if self.peek(colon) != ":":
            raise self.error("expected ':' after object key", colon)
        return colon + 1

    def add(self, frame: _Frame, child: Node) -> None:
        if frame.is_map:
            assert frame.key is not None
            child.key_location = frame.key_location
            mapping: dict[str, Node] = frame.node.value
            if frame.key in mapping:
                if frame.key not in frame.duplicates:
                    frame.duplicates.append(frame.key)
                del mapping[frame.key]  # last wins, and takes the last position
            mapping[frame.key] = child
        else:
            frame.node.value.append(child)

    def close(self, frame: _Frame, end: int) -> Node:
        node = frame.node
        node.location = self.span(frame.start, end)
        if frame.duplicates:
            node.duplicate_keys = tuple(frame.duplicates)
        return node

    def parse(self) -> Node:
        pos = self.skip(0)
        if pos >= self.n:
            raise self.error("empty document, expected a JSON value", pos)
        done, pos = self.open(pos)
        while True:
            if done is None:  # a container was just opened
                frame = self.stack[-1]
                pos = self.skip(pos)
                if self.peek(pos) == _CLOSERS["{" if frame.is_map else "["]:
                    self.stack.pop()
                    done, pos = self.close(frame, pos + 1), pos + 1
                    continue
                if frame.is_map:
                    pos = self.key(pos, frame)
                done, pos = self.open(pos)
                continue
            if not self.stack:
                return self.finish(done, pos)
            frame = self.stack[-1]
            self.add(frame, done)
            done, pos = self.after_member(frame, pos)

    def after_member(self, frame: _Frame, pos: int) -> tuple[Node | None, int]:
        """After a member: ',' and the next value, or the closing bracket."""
        pos = self.skip(pos)
        ch = self.peek(pos)
        closer = "}" if frame.is_map else "]"
        if ch == ",":
            after = self.skip(pos + 1)
            if self.peek(after) == closer:
                raise self.error(f"trailing comma before '{closer}'", pos)
            if frame.is_map:
                after = self.key(after, frame)
            return self.open(after)
        if ch == closer:
            self.stack.pop()
            return self.close(frame, pos + 1), pos + 1
        what = "object member" if frame.is_map else "array element"
        if not ch:
            message = f"unexpected end of input, expected ',' or '{closer}' after {what}"
            raise self.error(message, pos)
        raise self.error(f"expected ',' or '{closer}' after {what}", pos)

    def finish(self, root: Node, pos: int) -> Node:
        pos = self.skip(pos)
        if pos < self.n:
            raise self.error("unexpected data after the JSON value", pos)
        return root


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def line_locator(
    text: str, line_offset: int = 0, column_map: Mapping[int, int] | None = None
) -> Locator:
    """Offsets of ``text`` -> (line, column), shifted for text embedded in another file.

    ``line_offset`` is added to every line; ``column_map`` maps a 1-based line of
    ``text`` to the number of columns to add on it (an indent that ``<<-`` stripped, or
    where a one-line string starts).
    """
    starts = line_starts(text)

    def locate(offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(starts, offset) - 1
        line = index + 1
        shift = column_map.get(line, 0) if column_map else 0
        return line + line_offset, offset - starts[index] + 1 + shift

    return locate


def offset_of(text: str, location: Location) -> int:
    """The offset in ``text`` of a 1-based (line, column)."""
    offset = 0
    for _ in range(location.line - 1):
        offset = text.index("\n", offset) + 1
    return offset + location.column - 1


_STRING_ESCAPES = frozenset('"\\/bfnrt')


def raw_positions(text: str, pos: int) -> list[int] | None:
    """For each decoded character of the JSON string body at ``pos``, its raw offset
    (+ the closing quote's); None when the body is not a well-formed string."""
    positions: list[int] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        positions.append(pos)
        if ch == '"':
            return positions
        if ch != "\\":
            pos += 1
            continue
        escape = text[pos + 1 : pos + 2]
        if escape in _STRING_ESCAPES:
            pos += 2
        elif escape == "u":
            pos += 6
            pair = text[pos : pos + 2] == "\\u" and _in_range(text[pos + 2 : pos + 6], 0xDC00)
            if pair and _in_range(text[pos - 4 : pos], 0xD800):
                pos += 6  # a surrogate pair decodes to one character
        else:
            return None
    return None


def _in_range(hex_digits: str, low: int) -> bool:
    """``hex_digits`` is a code unit of the 1024 starting at ``low`` (a surrogate half)."""
    try:
        return low <= int(hex_digits, 16) < low + 0x400
    except ValueError:
        return False


def fixed_locator(line: int, column: int) -> Locator:
    """A locator that puts everything at one place (when characters cannot be mapped)."""
    return lambda _offset: (line, column)


def string_locator(
    text: str, start: int, decoded: str, file_locate: Locator | None = None
) -> Locator:
    """Map offsets of a decoded JSON string literal (opening quote at ``start``) to the file.

    ``file_locate`` is the file's own locator when the caller has one (a plan holds
    thousands of such strings: indexing the file's lines once per string would be
    quadratic). Falls back to the string's own position when the re-decoding disagrees
    with the parser (it should not), so locations are approximate rather than wrong.
    """
    positions = raw_positions(text, start + 1)
    file_locate = file_locate or line_locator(text)
    if positions is None or len(positions) != len(decoded) + 1:
        return fixed_locator(*file_locate(start))
    return lambda offset: file_locate(positions[min(offset, len(positions) - 1)])


def parse_json(
    text: str,
    rel: str,
    line_offset: int = 0,
    column_map: Mapping[int, int] | None = None,
    *,
    unknown_marker: str | None = None,
    locate: Locator | None = None,
) -> Node:
    """Parse ``text`` into a located Node tree; raise :class:`JsonError` when invalid.

    ``locate`` (an offset -> (line, column) function) replaces the line/column mapping
    entirely, for text whose characters do not sit one-to-one in the file (a policy
    decoded from a JSON string). Any string value containing ``unknown_marker`` becomes
    an unknown Node whose ``source`` is the string.
    """
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # a BOM the caller left in: ignore it, keep columns
    locator = locate or line_locator(text, line_offset, column_map)
    parser = _Parser(text, rel, locator, unknown_marker, locate is not None)
    # The tree is acyclic, so the cyclic collector only costs time here (about half of
    # it on a large file, as it rescans the growing tree): pause it while parsing.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return parser.parse()
    finally:
        if paused:
            gc.enable()

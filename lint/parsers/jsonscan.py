"""Where the members of a large JSON document are, read at the C decoder's speed.

:mod:`assume_lint.parsers.jsonloc` gives every value of a document its own Location, in
pure Python: right for a trust policy, far too slow for a ``terraform show -json`` plan of
thousands of resources (about 1.5 s a megabyte, where ``json`` decodes 100 MB/s).
A plan needs positions only along a few paths (``resource_changes[i].change.after``,
``configuration.provider_config``), so this module walks just those containers by hand
and hands every other value to the standard library's C scanner, which decodes it and
says where it ends. Each byte is decoded once; Python runs once per member walked.

The same strictness as :mod:`jsonloc`: ``NaN``/``Infinity`` and trailing data are
errors, reported as :class:`~assume_lint.parsers.jsonloc.JsonError` with a line and
column. Duplicate keys: the last wins, as IAM and Terraform read them.
"""

from __future__ import annotations

import json
import json.decoder
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from assume_lint.parsers.jsonloc import JsonError, Locator

_WS = re.compile(r"[ \t\n\r]*")
# The C string scanner (see jsonloc); typeshed does not declare it.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = vars(json.decoder)["scanstring"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


Reader = Callable[[int], tuple[Any, int]]  # offset of a value -> (value, offset after it)
# The decoder's C scanner: (text, offset) -> (value, offset after it); raises
# StopIteration when no value starts there. typeshed does not declare it.
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = vars(
    json.JSONDecoder(parse_constant=_reject_constant)
)["scan_once"]


@dataclass(frozen=True, slots=True)
class Member:
    """A value of a walked container: where its key and the value itself are."""

    value: Any
    start: int  # offset of the value's first character
    end: int  # offset just after its last character
    key: int = -1  # offset of the key's opening quote (object members)


class Scanner:
    """One document: offsets in, decoded values and their spans out."""

    def __init__(self, text: str, locate: Locator) -> None:
        self.text = text
        self.locate = locate
        self._scan = _SCAN_ONCE

    def error(self, message: str, pos: int) -> JsonError:
        """A JsonError at offset ``pos``."""
        line, column = self.locate(min(pos, len(self.text)))
        return JsonError(message, line, column)

    def skip(self, pos: int) -> int:
        """The offset of the next non-whitespace character."""
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]  # matches ""

    def value(self, pos: int) -> tuple[Any, int]:
        """Decode the value at ``pos`` (whitespace allowed before it) with the C scanner."""
        pos = self.skip(pos)
        try:
            return self._scan(self.text, pos)
        except StopIteration:
            if pos >= len(self.text):
                raise self.error("unexpected end of input, expected a value", pos) from None
            raise self.error("expected a value", pos) from None
        except json.JSONDecodeError as exc:
            raise self.error(exc.msg.split(":")[0].lower(), exc.pos) from None
        except ValueError as exc:  # NaN, Infinity, -Infinity
            raise self.error(str(exc), pos) from None

    def members(
        self, pos: int, walk: dict[str, Reader] | None = None
    ) -> tuple[dict[str, Member], int]:
        """The object at ``pos``: its members, and the offset after its ``}``.

        A key named in ``walk`` is read by its reader (which walks into it and returns
        what it likes as the value); every other value is decoded in C.
        """
        text = self.text
        pos = self.skip(pos)
        if text[pos : pos + 1] != "{":
            raise self.error("expected an object", pos)
        found: dict[str, Member] = {}
        pos = self.skip(pos + 1)
        if text[pos : pos + 1] == "}":
            return found, pos + 1
        while True:
            if text[pos : pos + 1] != '"':
                raise self.error("expected a string key", pos)
            try:
                key, after = _scanstring(text, pos + 1, True)
            except json.JSONDecodeError as exc:
                raise self.error(exc.msg.split(":")[0].lower(), exc.pos) from None
            colon = self.skip(after)
            if text[colon : colon + 1] != ":":
                raise self.error("expected ':' after object key", colon)
            start = self.skip(colon + 1)
            reader = walk.get(key) if walk else None
            value, end = reader(start) if reader else self.value(start)
            found.pop(key, None)  # a repeated key: the last one wins, in its position
            found[key] = Member(value, start, end, pos)
            pos = self.skip(end)
            ch = text[pos : pos + 1]
            if ch == "}":
                return found, pos + 1
            if ch != ",":
                raise self.error("expected ',' or '}' after object member", pos)
            pos = self.skip(pos + 1)

    def elements(self, pos: int, reader: Reader | None = None) -> tuple[list[Member], int]:
        """The array at ``pos``: its elements (read by ``reader``, else decoded in C)."""
        text = self.text
        pos = self.skip(pos)
        if text[pos : pos + 1] != "[":
            raise self.error("expected an array", pos)
        found: list[Member] = []
        pos = self.skip(pos + 1)
        if text[pos : pos + 1] == "]":
            return found, pos + 1
        read = reader or self.value
        while True:
            value, end = read(pos)
            found.append(Member(value, pos, end))
            pos = self.skip(end)
            ch = text[pos : pos + 1]
            if ch == "]":
                return found, pos + 1
            if ch != ",":
                raise self.error("expected ',' or ']' after array element", pos)
            pos = self.skip(pos + 1)

    def document(self, walk: dict[str, Reader]) -> dict[str, Member]:
        """The top-level object, with nothing but whitespace after it."""
        found, end = self.members(0, walk)
        end = self.skip(end)
        if end < len(self.text):
            raise self.error("unexpected data after the JSON value", end)
        return found

    def path(self, pos: int, *keys: str) -> Member | None:
        """Follow ``keys`` down nested objects from the object at ``pos``; None when a key
        is missing or a step is not an object."""
        member: Member | None = None
        for key in keys:
            if self.text[self.skip(pos) : self.skip(pos) + 1] != "{":
                return None
            found, _ = self.members(pos)
            member = found.get(key)
            if member is None:
                return None
            pos = member.start
        return member

    def walk_object(self, walk: dict[str, Reader]) -> Reader:
        """A reader for an object whose ``walk`` keys are walked (see :meth:`members`);
        a value that is not an object (``null``) is decoded as it is."""

        def read(pos: int) -> tuple[Any, int]:
            if self.text[self.skip(pos) : self.skip(pos) + 1] != "{":
                return self.value(pos)
            return self.members(pos, walk)

        return read

    def walk_array(self, reader: Reader | None = None) -> Reader:
        """A reader for an array whose elements are read by ``reader`` (decoded in C when
        None): the value is the list of Members. A value that is not an array (``null``)
        is decoded as it is."""

        def read(pos: int) -> tuple[Any, int]:
            if self.text[self.skip(pos) : self.skip(pos) + 1] != "[":
                return self.value(pos)
            return self.elements(pos, reader)

        return read


def iter_members(found: dict[str, Member], *keys: str) -> Iterator[tuple[str, Member]]:
    """The members named ``keys`` that are present, in that order."""
    for key in keys:
        member = found.get(key)
        if member is not None:
            yield key, member

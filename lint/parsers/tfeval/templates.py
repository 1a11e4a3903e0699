"""Terraform's template language, rendered with where every character came from.

Quoted strings, heredocs, ``templatefile()`` and ``data "template_file"`` are all
templates: literal text, ``${expr}`` interpolations and ``%{ if }``/``%{ for }``
directives (``~`` strips the whitespace beside a marker). A trust policy rendered from
one is JSON whose principal may come from a caller three modules away, so rendering
keeps a :class:`Piece` per run of output: literal text maps back to the template's own
characters, an interpolated value to the Node it came from, an unknown part to a hole.
:func:`rendered_json` then parses the output and gives every JSON value the location
of the innermost place it was written: a string that is exactly one interpolated value
*is* that value (its location, its partly known text).

An interpolation or directive whose value is unknown renders as a hole marker (see
:func:`assume_lint.parsers.hcl.hole`): inside a JSON string it makes the string unknown
(partly known when the rest is literal), in place of a JSON value it is an unknown
value. A directive whose condition or collection is unknown is one hole for all it
would have produced: unknown, never a guess.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assume_lint.files.secrets import mask_text
from assume_lint.model import HOLE, ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl
from assume_lint.parsers.hcl import EncodedNode, closing_brace, hole
from assume_lint.parsers.jsonloc import JsonError, parse_json
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval.values import EvalError, elements, members, string_of, truth

Locate = Callable[[int], tuple[str, int, int]]  # offset in a template source -> place
MAX_OUTPUT = 2_000_000  # characters: a template looping over itself stops here


# --------------------------------------------------------------------------- parts


@dataclass
class Literal:
    text: str
    offset: int  # where ``text`` starts in the template source
    locate: Locate


@dataclass
class Interp:
    expr: Any  # a parse tree, or the expression's text (parsed on use)
    source: str
    offset: int
    locate: Locate


@dataclass
class If:
    condition: Any
    source: str
    offset: int
    locate: Locate
    then: list[Part] = field(default_factory=list)
    otherwise: list[Part] = field(default_factory=list)


@dataclass
class For:
    names: tuple[str, ...]  # (value,) or (key, value)
    collection: Any
    source: str
    offset: int
    locate: Locate
    body: list[Part] = field(default_factory=list)


Part = Literal | Interp | If | For


class Malformed(Exception):
    """Directives that do not nest (an ``endif`` without ``if``...)."""


# --------------------------------------------------------------------------- output


@dataclass(frozen=True)
class Piece:
    """A run ``[start, end)`` of rendered text: from a template source (``locate`` of
    ``offset`` + i), from a value (``node``), or an unknown part (``where``)."""

    start: int
    end: int
    offset: int = 0
    locate: Locate | None = None
    node: Node | None = None
    where: Location | None = None

    def location(self, at: int) -> Location:
        """Where the rendered character ``at`` was written."""
        if self.node is not None:
            return self.node.location
        if self.locate is not None:
            rel, line, column = self.locate(self.offset + at - self.start)
            return Location(rel, line, column)
        assert self.where is not None
        return self.where


@dataclass
class Rendered:
    """Rendered text (unknown parts as hole markers), its pieces and each hole's source."""

    text: str
    pieces: list[Piece]
    holes: list[str]

    @property
    def known(self) -> bool:
        return not self.holes


class _Output:
    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.pieces: list[Piece] = []
        self.holes: list[str] = []
        self.size = 0

    def add(self, text: str, **origin: Any) -> None:
        if not text:
            return
        self.size += len(text)
        if self.size > MAX_OUTPUT:
            raise EvalError("template output too large")
        start = self.size - len(text)
        self.chunks.append(text)
        self.pieces.append(Piece(start, self.size, **origin))

    def hole(self, source: str, where: Location) -> None:
        self.add(hole(len(self.holes)), where=where)
        self.holes.append(mask_text(source))

    def value(self, node: Node, source: str, where: Location) -> None:
        """An interpolated value: its text, partly known text, or a hole."""
        text = string_of(node)
        if text is not None:
            self.add(text, node=node)
            return
        if node.partial is None:
            self.hole(source, where)
            return
        parts = node.partial.split(HOLE)
        out = []
        for index, part in enumerate(parts):
            out.append(part)
            if index < len(parts) - 1:
                out.append(hole(len(self.holes)))
                self.holes.append(mask_text(node.source or source))
        self.add("".join(out), node=node)

    def result(self) -> Rendered:
        return Rendered("".join(self.chunks), self.pieces, self.holes)


# --------------------------------------------------------------------------- render

Evaluate = Callable[[Any, dict[str, Node]], Node]  # (expression, extra bindings) -> value


def render(parts: list[Part], evaluate: Evaluate, bindings: dict[str, Node] | None = None
           ) -> Rendered:
    """Render ``parts`` with ``evaluate`` (an EvalError in a part makes it unknown)."""
    out = _Output()
    _render(parts, evaluate, dict(bindings or {}), out)
    return out.result()


def _render(parts: list[Part], evaluate: Evaluate, bindings: dict[str, Node],
            out: _Output) -> None:
    for part in parts:
        if isinstance(part, Literal):
            out.add(part.text, offset=part.offset, locate=part.locate)
            continue
        rel, line, column = part.locate(part.offset)
        where = Location(rel, line, column)
        try:
            if isinstance(part, Interp):
                out.value(evaluate(part.expr, bindings), part.source, where)
            elif isinstance(part, If):
                decided = truth(evaluate(part.condition, bindings))
                if decided is None:
                    out.hole(part.source, where)
                else:
                    _render(part.then if decided else part.otherwise, evaluate, bindings, out)
            else:
                _for(part, evaluate, bindings, out, where)
        except EvalError:
            if out.size > MAX_OUTPUT:
                raise
            out.hole(part.source, where)


def _for(part: For, evaluate: Evaluate, bindings: dict[str, Node], out: _Output,
         where: Location) -> None:
    collection = evaluate(part.collection, bindings)
    if not collection.known:
        out.hole(part.source, where)
        return
    pairs: list[tuple[Node, Node]]
    if isinstance(collection.value, dict) and not isinstance(collection, EncodedNode):
        pairs = [(Node(k, v.key_location or v.location), v)
                 for k, v in sorted(members(collection).items())]
    else:
        pairs = [(Node(i, item.location), item) for i, item in enumerate(elements(collection))]
    # Render into a scratch output first: a failing iteration makes the whole loop one hole.
    for key, value in pairs:
        scope = dict(bindings)
        if len(part.names) == 2:
            scope[part.names[0]] = key
        scope[part.names[-1]] = value
        _render(part.body, evaluate, scope, out)


# --------------------------------------------------------------------------- parsing

def parse_text(text: str, locate: Locate) -> list[Part]:
    """The parts of a raw template text (a heredoc body, a template file).

    Raises :class:`Malformed` when directives do not nest or a marker never closes."""
    root: list[Part] = []
    stack: list[tuple[If | For, list[Part]]] = []
    current = root
    pending_strip = False
    i, n = 0, len(text)
    while i < n:
        start = hcl._next_template(text, i)
        if start < 0:
            _literal(current, text[i:], i, locate, pending_strip, False)
            break
        end = closing_brace(text, start + 2)
        if end < 0:
            raise Malformed("a template marker never closes")
        body = text[start + 2 : end]
        strip_before = body.startswith("~")
        strip_after = body.endswith("~") and len(body) > 1
        inner = body[1 if strip_before else 0 : len(body) - (1 if strip_after else 0)].strip()
        _literal(current, text[i:start], i, locate, pending_strip, strip_before)
        pending_strip = strip_after
        source = text[start : end + 1]
        if text[start] == "$":
            current.append(Interp(inner, source, start, locate))
        else:
            current = _directive(inner, source, start, locate, stack, current, root)
        i = end + 1
    if stack:
        raise Malformed("a directive is never closed")
    return root


def _literal(parts: list[Part], text: str, offset: int, locate: Locate, strip_start: bool,
             strip_end: bool) -> None:
    """Append literal text, unescaping ``$${``/``%%{`` and applying strip markers."""
    if strip_start:
        stripped = text.lstrip(" \t\r\n")
        offset += len(text) - len(stripped)
        text = stripped
    if strip_end:
        text = text.rstrip(" \t\r\n")
    if not text:
        return
    if "$${" not in text and "%%{" not in text:
        parts.append(Literal(text, offset, locate))
        return
    # Escapes shift the characters after them: split so each run maps exactly.
    position = 0
    for match in re.finditer(r"[$%]([$%])\{", text):
        if match.group(0)[0] != match.group(1):
            continue
        if match.start() > position:
            parts.append(Literal(text[position : match.start()], offset + position, locate))
        parts.append(Literal(match.group(0)[1:], offset + match.start() + 1, locate))
        position = match.end()
    if position < len(text):
        parts.append(Literal(text[position:], offset + position, locate))


_FOR = re.compile(r"^for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)$", re.S)


def _directive(inner: str, source: str, start: int, locate: Locate,
               stack: list[tuple[If | For, list[Part]]], current: list[Part],
               root: list[Part]) -> list[Part]:
    """Open or close an ``if``/``for``; returns the list the next parts go to."""
    word = inner.split(None, 1)[0] if inner else ""
    if word == "if":
        node = If(inner[2:].strip(), source, start, locate)
        current.append(node)
        stack.append((node, current))
        return node.then
    if word == "for":
        match = _FOR.match(inner)
        if match is None:
            raise Malformed("a for directive without 'in'")
        names = tuple(n for n in (match.group(1), match.group(2)) if n)
        loop = For(names, match.group(3).strip(), source, start, locate)
        current.append(loop)
        stack.append((loop, current))
        return loop.body
    if word == "else" and inner == "else" and stack and isinstance(stack[-1][0], If):
        return stack[-1][0].otherwise
    if word in ("endif", "endfor") and inner == word and stack:
        opened, parent = stack.pop()
        if isinstance(opened, If) != (word == "endif"):
            raise Malformed(f"{word} does not close the open directive")
        return parent
    raise Malformed(f"unexpected directive {inner!r}")


def parse_string_parts(children: list[Any], rel: str) -> list[Part]:
    """The parts of a quoted string's tree (python-hcl2's flat ``string_part`` list).

    Raises :class:`Malformed` when directives do not nest."""
    root: list[Part] = []
    stack: list[tuple[If | For, list[Part]]] = []
    current = root
    strip_next = False

    def locate_token(token: Any) -> Locate:
        line, column = getattr(token, "line", 1) or 1, getattr(token, "column", 1) or 1
        return lambda delta: (rel, line, column + delta)

    for part in children:
        if not hcl._is_tree(part):
            continue
        piece = part.children[0]
        if not hcl._is_tree(piece):
            raw = str(piece)
            if piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                text = raw[1:]
            else:
                text = hcl._unescape(raw)
            if strip_next:
                text = text.lstrip(" \t\r\n")
                strip_next = False
            current.append(Literal(text, 0, locate_token(piece)))
            continue
        tokens = [getattr(c, "type", "") for c in piece.children if not hcl._is_tree(c)]
        trees = [c for c in piece.children if hcl._is_tree(c) and c.data != "new_line_or_comment"]
        locate = locate_token(piece.children[0])
        strip_before = len(tokens) > 2 and tokens[1] == "STRIP_MARKER"
        if strip_before and current and isinstance(current[-1], Literal):
            last = current[-1]
            current[-1] = Literal(last.text.rstrip(" \t\r\n"), last.offset, last.locate)
        strip_next = len(tokens) > 2 and tokens[-2] == "STRIP_MARKER"
        if piece.data == "interpolation":
            current.append(Interp(piece.children[1], "${...}", 0, locate))
            strip_next = False
        elif piece.data == "template_if_start":
            node = If(trees[-1], "%{ if }", 0, locate)
            current.append(node)
            stack.append((node, current))
            current = node.then
        elif piece.data == "template_for_start":
            names = tuple(str(t.children[0]) for t in trees if t.data == "identifier")
            loop = For(names, trees[-1], "%{ for }", 0, locate)
            current.append(loop)
            stack.append((loop, current))
            current = loop.body
        elif piece.data == "template_else":
            if not stack or not isinstance(stack[-1][0], If):
                raise Malformed("else without if")
            current = stack[-1][0].otherwise
        elif piece.data in ("template_endif", "template_endfor"):
            if not stack or isinstance(stack[-1][0], If) != (piece.data == "template_endif"):
                raise Malformed("unbalanced directive")
            current = stack.pop()[1]
        else:
            raise Malformed(f"unexpected {piece.data}")
    if stack:
        raise Malformed("a directive is never closed")
    return root


# --------------------------------------------------------------------------- JSON


def rendered_json(rendered: Rendered, rel: str) -> Node | ParseProblem | None:
    """The JSON document a rendered template holds, every value located where it was
    written (see the module docstring).

    A ParseProblem (located in the template) when the text is not JSON although every
    part of it is known; None when it is not JSON and unknown parts may be the reason.
    """
    direct = _direct(rendered)
    if direct is not None:  # literal text of one source (most heredocs, file()): no mapping
        place, shift = direct
        rel, _line, _column = place(0)
        try:
            return parse_json(rendered.text, rel,
                              locate=lambda offset: place(offset + shift)[1:])
        except JsonError as exc:  # its line and column come through the same locator
            return ParseProblem(Location(rel, exc.line, exc.column),
                                f"invalid JSON: {mask_text(exc.message)}")
    text, inserted = _quote_bare_holes(rendered.text)
    try:
        root = parse_json(text, rel, locate=lambda offset: (offset, 1))
    except JsonError as exc:
        if rendered.holes:
            return None
        where = _place(rendered, _original(exc.line, inserted))
        return ParseProblem(where, f"invalid JSON: {mask_text(exc.message)}")
    spans = {(p.start, p.end): p for p in rendered.pieces if p.node is not None}
    return _relocate(root, rendered, inserted, spans, tuple(rendered.holes))


def _direct(rendered: Rendered) -> tuple[Locate, int] | None:
    """When the rendered text is one source's characters in order (no value, no hole):
    that source's locator and the shift from rendered to source offsets."""
    if rendered.holes or not rendered.pieces:
        return None
    first = rendered.pieces[0]
    if first.locate is None:
        return None
    shift = first.offset - first.start
    for piece in rendered.pieces:
        if piece.locate is not first.locate or piece.offset - piece.start != shift:
            return None
    return first.locate, shift


def _quote_bare_holes(text: str) -> tuple[str, list[int]]:
    """Hole markers outside JSON strings quoted (an unknown value in place of a JSON
    value); returns the new text and where each inserted quote went (old offsets)."""
    if hcl.HOLE_OPEN not in text:
        return text, []
    quoted = hcl._quote_bare_holes(text)
    if quoted == text:
        return text, []
    inserted: list[int] = []
    i = j = 0
    while i < len(text):
        if j < len(quoted) and quoted[j] == text[i]:
            i += 1
            j += 1
            continue
        inserted.append(i)  # a quote was inserted before old offset i
        j += 1
    inserted.extend([len(text)] * (len(quoted) - j))
    return quoted, inserted


def _original(offset: int, inserted: list[int]) -> int:
    """An offset of the quoted text mapped back to the rendered text."""
    if not inserted:
        return offset
    low, high = 0, len(inserted)
    while low < high:  # how many quotes were inserted before this new offset
        mid = (low + high) // 2
        if inserted[mid] + mid < offset:
            low = mid + 1
        else:
            high = mid
    return offset - low


def _place(rendered: Rendered, offset: int) -> Location:
    """Where rendered character ``offset`` was written."""
    pieces = rendered.pieces
    if not pieces:
        return Location("", 1, 1)
    index = bisect.bisect_right([p.start for p in pieces], offset) - 1
    piece = pieces[max(0, min(index, len(pieces) - 1))]
    return piece.location(min(max(offset, piece.start), piece.end - 1))


def _relocate(root: Node, rendered: Rendered, inserted: list[int],
              spans: dict[tuple[int, int], Piece], holes: tuple[str, ...]) -> Node:
    """Replace offset-coded locations by real ones, substitute interpolated values and
    make strings holding a hole unknown (iteratively: a document may nest deeply).

    Only the Nodes the JSON parser just built are changed; a substituted value is
    copied, never changed (it belongs to whoever wrote it)."""
    starts = [p.start for p in rendered.pieces]

    def place(coded: Location) -> Location:
        """The real location of an offset-coded one (line = start, end_line = end)."""
        start = _original(coded.line, inserted)
        index = bisect.bisect_right(starts, start) - 1
        piece = rendered.pieces[max(0, min(index, len(starts) - 1))]
        where = piece.location(min(max(start, piece.start), piece.end - 1))
        end = _original(coded.end_line, inserted) if coded.end_line is not None else None
        if end is None or piece.locate is None or not piece.start <= start < end <= piece.end:
            return where
        _rel, end_line, end_column = piece.locate(piece.offset + end - piece.start)
        return Location(where.path, where.line, where.column, end_line, end_column)

    def convert(node: Node) -> Node | None:
        """The substitute for ``node`` (an interpolated value), else None after fixing
        ``node`` in place."""
        start = _original(node.location.line, inserted)
        end = _original(node.location.end_line or node.location.line, inserted)
        whole = spans.get((start, end))
        if whole is None and isinstance(node.value, str):
            whole = spans.get((start + 1, end - 1))
        key = place(node.key_location) if node.key_location is not None else None
        if whole is not None and whole.node is not None:
            value = whole.node
            if isinstance(value, EncodedNode):
                value = Node(value.value, value.location, value.known, value.source, None,
                             value.duplicate_keys)
            return dataclasses.replace(value, key_location=key)
        node.location = place(node.location)
        node.key_location = key
        if isinstance(node.value, str) and hcl.HOLE_OPEN in node.value:
            node.source = hcl.fill_holes(node.value, holes)
            node.partial = hcl.partial_text(node.value)
            node.value, node.known = None, False
        return None

    top = convert(root)
    if top is not None:
        return top
    stack = [root]
    while stack:
        current = stack.pop()
        if isinstance(current.value, dict):
            renamed: dict[str, Node] = {}
            for name, child in current.value.items():
                replaced = convert(child)
                if replaced is None:
                    stack.append(child)
                    replaced = child
                if hcl.HOLE_OPEN in name:  # which key it is is unknown: so is its value
                    name = hcl.fill_holes(name, holes)
                    replaced = Node(None, replaced.location, False, name,
                                    replaced.key_location)
                renamed[name] = replaced
            current.value = renamed
        elif isinstance(current.value, list):
            items: list[Node] = []
            for child in current.value:
                replaced = convert(child)
                if replaced is None:
                    stack.append(child)
                    replaced = child
                items.append(replaced)
            current.value = items
    return root

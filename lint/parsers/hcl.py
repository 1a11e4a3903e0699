"""HCL loading and evaluation on python-hcl2's raw Lark tree, with exact locations.

Why not ``hcl2.loads``: its dict output loses every line and column, and its
``hcl2.parser.parser()`` rebuilds the LALR tables (~2 s) on every run when its cache
file is missing and site-packages is read-only. Here the Lark parser has exactly
hcl2's options and is loaded from tables shipped in the package
(:mod:`assume_lint.parsers.hcl_tables`), and the raw tree is evaluated into
:class:`Node` values that keep the line/column of every attribute, block, object key
and value.

Evaluation is deliberately partial: literals, strings and heredocs (with ``${...}``
resolved through a :class:`Scope`), tuples, objects, ``jsonencode``/``file``/
``templatefile`` and ``var.``/``local.``/``data.aws_iam_policy_document.X.json``
references. Everything else becomes an *unknown* Node (``known=False``) whose ``source``
is the expression text, so rules stay silent instead of guessing.

hcl2 and lark are imported lazily so importing this module stays cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from assume_lint.files.secrets import mask_text
from assume_lint.model import HOLE, ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers.jsonloc import parse_json
from assume_lint.parsers.located import Node

# Characters used to stand for unknown ``${...}`` interpolations inside a template
# string (private-use code points: they never occur in real policies).
HOLE_OPEN = "\ue000"
HOLE_CLOSE = "\ue001"
_HOLE_RE = re.compile(HOLE_OPEN + r"(\d+)" + HOLE_CLOSE + "*")

# --------------------------------------------------------------------------- parser


@functools.lru_cache(maxsize=1)
def get_parser() -> Any:
    """The process-wide HCL parser, loaded once from the tables shipped in the package
    (:mod:`assume_lint.parsers.hcl_tables`; nothing is read from or written to a cache
    folder)."""
    from assume_lint.parsers import hcl_tables

    return hcl_tables.load()


# --------------------------------------------------------------------------- tree


@dataclass
class Attribute:
    """``name = expression`` in a body; the expression is evaluated on demand."""

    name: str
    location: Location  # of the name
    expr: Any  # lark Tree


@dataclass
class Block:
    """``type "label" ... { body }``; ``location`` is the block type's position."""

    type: str
    labels: tuple[str, ...]
    location: Location
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, kind: str) -> Iterator[Block]:
        """Nested blocks of one type, in file order."""
        return (b for b in self.blocks if b.type == kind)


@dataclass
class HclFile:
    """A parsed file: its top-level body as a pseudo-block plus its text."""

    rel: str
    text: str
    body: Block
    problems: list[ParseProblem] = field(default_factory=list)  # blocks left unparsed


@dataclass
class EncodedNode(Node):
    """A Node produced by ``jsonencode``/``file``/a policy document: a policy object."""

    encoding: str = "json"


@dataclass
class TemplateNode(Node):
    """A string whose text may embed JSON: keeps where its text starts for line mapping.

    ``template`` is the text with unknown interpolations replaced by hole markers
    (``holes`` maps each marker index to its source). ``line``/``column`` are where
    the template text starts; ``indent`` is what ``<<-`` stripped from each line.
    """

    template: str = ""
    holes: tuple[str, ...] = ()
    body_line: int = 1
    body_column: int = 1
    indent: int = 0
    heredoc: bool = False


def _is_tree(obj: Any) -> bool:
    return hasattr(obj, "data") and hasattr(obj, "children")


def _loc(rel: str, meta_or_token: Any) -> Location:
    """The Location of a lark tree (its meta) or token."""
    obj = getattr(meta_or_token, "meta", meta_or_token)
    line = getattr(obj, "line", 1) or 1
    column = getattr(obj, "column", 1) or 1
    return Location(
        rel, line, column, getattr(obj, "end_line", None), getattr(obj, "end_column", None)
    )


def _name_of(rel: str, child: Any) -> tuple[str, Location]:
    """Text and location of an attribute name / block type / unquoted label."""
    if _is_tree(child):
        if child.data == "string":
            parts = [str(p.children[0]) for p in child.children if _is_tree(p)]
            return _unescape("".join(parts)), _loc(rel, child)
        token = child.children[0]
        return str(token), _loc(rel, token)
    return str(child), _loc(rel, child)


def _build_body(rel: str, body_tree: Any, target: Block) -> None:
    """Fill ``target`` from a ``body`` tree, iteratively (blocks nest arbitrarily)."""
    stack: list[tuple[Any, Block]] = [(body_tree, target)]
    while stack:
        tree, block = stack.pop()
        for child in tree.children:
            if not _is_tree(child):
                continue
            if child.data == "attribute":
                name, location = _name_of(rel, child.children[0])
                block.attributes[name] = Attribute(name, location, child.children[-1])
            elif child.data == "block":
                parts = [
                    c for c in child.children if _is_tree(c) and c.data != "new_line_or_comment"
                ]
                body = parts[-1]
                kind, location = _name_of(rel, parts[0])
                labels = tuple(_name_of(rel, p)[0] for p in parts[1:-1])
                nested = Block(kind, labels, location)
                block.blocks.append(nested)
                stack.append((body, nested))


def parse_hcl(text: str, rel: str) -> HclFile | ParseProblem:
    """Parse ``text``; a ParseProblem (masked, located) instead of any exception.

    Top-level blocks over the token budget are not parsed; each is reported in the
    file's ``problems`` (the rest of the file is still analysed).
    """
    from assume_lint.parsers.hcl_blocks import MAX_BLOCK_TOKENS, over_budget

    text, over = over_budget(text)
    skipped = [
        ParseProblem(
            Location(rel, line, 1),
            f"HCL too large to analyse: about {count:,} tokens in one block (the limit is "
            f"{MAX_BLOCK_TOKENS:,}); the block was skipped",
        )
        for line, count in over
    ]
    if skipped and not text.strip():
        return skipped[0]
    try:
        tree = parse_tree(text + "\n")
        top = Block("", (), Location(rel, 1, 1))
        body = next(c for c in tree.children if _is_tree(c) and c.data == "body")
        _build_body(rel, body, top)
    except RecursionError:
        return ParseProblem(Location(rel, 1, 1), "invalid HCL: nesting too deep to parse")
    except Exception as exc:  # lark raises several unrelated exception classes
        return _problem_from(exc, text, rel)
    return HclFile(rel, text, top, skipped)


def parse_tree(text: str) -> Any:
    """The syntax tree of ``text``: the fast parser's when it handles the text, else
    lark's (which also reports every syntax error). ``ASSUME_LINT_HCL_PARSER=lark``
    forces lark, for comparisons and as an escape hatch."""
    if os.environ.get("ASSUME_LINT_HCL_PARSER") != "lark":
        from assume_lint.parsers import hcl_fast

        try:
            return hcl_fast.parse(text)
        except hcl_fast.Fallback:
            pass
    return get_parser().parse(text)


def _problem_from(exc: Exception, text: str, rel: str) -> ParseProblem:
    """Turn a lark error into a short, located, masked ParseProblem."""
    line = getattr(exc, "line", -1)
    column = getattr(exc, "column", -1)
    token = getattr(exc, "token", None)
    at_end = type(exc).__name__ == "UnexpectedEOF" or (
        token is not None and getattr(token, "type", "") == "$END"
    )
    if at_end or not isinstance(line, int) or line < 1:
        opener = _unclosed_opener(text)
        if opener is not None:
            return ParseProblem(
                Location(rel, opener[0], opener[1]),
                f"invalid HCL: '{opener[2]}' opened here is never closed (end of file reached)",
            )
        lines = text.split("\n")
        return ParseProblem(
            Location(rel, max(1, len(lines)), 1), "invalid HCL: unexpected end of file"
        )
    if type(exc).__name__ == "UnexpectedCharacters":
        char = getattr(exc, "char", "?")
        message = f"invalid HCL: unexpected character {char!r}"
    elif token is not None:
        shown = str(token).strip().split("\n")[0] or repr(str(token))
        if len(shown) > 40:
            shown = shown[:37] + "..."
        message = f"invalid HCL: unexpected {shown!r}"
    else:
        message = "invalid HCL: syntax error"
    return ParseProblem(Location(rel, line, max(1, column)), mask_text(message))


_CLOSERS = {"{": "}", "[": "]", "(": ")"}
_HEREDOC_OPEN = re.compile(r"<<-?([A-Za-z][\w.-]*)\n")


def _unclosed_opener(text: str) -> tuple[int, int, str] | None:
    """The outermost unclosed bracket (line, column, char): a good place to report
    "unexpected end of file"."""
    brackets = [opener for opener in unclosed_openers(text) if opener[2] in _CLOSERS]
    return brackets[0] if brackets else None


def unclosed_openers(text: str) -> list[tuple[int, int, str]]:
    """Every construct ``text`` leaves open at its end, outermost first, as (line,
    column, opener): brackets (``{``, ``[``, ``(``) and, last, a heredoc without its
    closing marker (``<<EOF``: it runs to the end of the file). Strings and comments
    are skipped. Linear in the text, whatever it holds."""
    stack: list[tuple[int, int, str]] = []
    i, line, line_start, n = 0, 1, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, line_start = line + 1, i + 1
        elif ch == '"':
            i += 1
            while i < n and text[i] not in '"\n':
                i += 2 if text[i] == "\\" else 1
        elif ch == "#" or text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            if "\n" in text[i:end]:
                line_start = text.rfind("\n", i, end) + 1
            i = end
            continue
        elif text.startswith("<<", i):
            match = _HEREDOC_OPEN.match(text, i)
            if match:
                marker = re.escape(match.group(1))
                closing = re.compile(rf"^[ \t]*{marker}[ \t]*$", re.MULTILINE)
                found = closing.search(text, match.end())
                if found is None:
                    stack.append((line, i - line_start + 1, match.group(0).rstrip("\n")))
                    return stack
                end = found.end()
                line += text.count("\n", i, end)
                line_start = text.rfind("\n", 0, end) + 1
                i = end
                continue
        elif ch in _CLOSERS:
            stack.append((line, i - line_start + 1, ch))
        elif ch in "}])" and stack:
            stack.pop()
        i += 1
    return stack


# --------------------------------------------------------------------------- strings

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")


def _unescape(raw: str) -> str:
    """HCL quoted-string escapes (``\\n``, ``\\"``, ``\\uXXXX``...)."""
    if "\\" not in raw:
        return raw

    def repl(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE_RE.sub(repl, raw)


def heredoc_body(raw: str, trim: bool) -> tuple[str, int]:
    """A heredoc token's body text (common indent stripped for ``<<-``) and that indent."""
    body = raw.split("\n")[1:-2]  # drop "<<EOF", the closing marker and the final ""
    indent = 0
    if trim:
        widths = [len(s) - len(s.lstrip(" \t")) for s in body if s.strip()]
        indent = min(widths) if widths else 0
        body = [s[indent:] for s in body]
    return "\n".join(body) + ("\n" if body else ""), indent


def hole(index: int, width: int = 0) -> str:
    """The marker for unknown interpolation ``index``, padded to ``width`` characters
    when possible so JSON columns after it stay exact."""
    text = f"{HOLE_OPEN}{index}{HOLE_CLOSE}"
    return text + HOLE_CLOSE * max(0, width - len(text))


def fill_holes(text: str, holes: tuple[str, ...]) -> str:
    """``text`` with hole markers replaced by the original ``${...}`` sources."""
    return _HOLE_RE.sub(lambda m: holes[int(m.group(1))], text)


def partial_text(text: str) -> str | None:
    """``text`` with each hole marker as the model's :data:`HOLE` (a partly known value),
    or None when nothing of it is known."""
    partial = _HOLE_RE.sub(HOLE, text)
    return None if not partial.replace(HOLE, "") else partial


# --------------------------------------------------------------------------- evaluation

ReadFile = Callable[[str], "tuple[str, str] | None"]


@dataclass
class Scope:
    """What references resolve against.

    ``variables``/``locals`` map names to evaluated Nodes; ``policy_documents`` maps a
    ``data.aws_iam_policy_document`` name to its policy Node; ``read_file`` reads a
    module-relative path and returns ``(text, rel)`` or None (file()/templatefile()).
    """

    variables: dict[str, Node] = field(default_factory=dict)
    locals: dict[str, Node] = field(default_factory=dict)
    policy_documents: dict[str, Node] = field(default_factory=dict)
    read_file: ReadFile | None = None


def unknown(location: Location, source: str) -> Node:
    """An unresolved value."""
    return Node(None, location, known=False, source=source)


class Evaluator:
    """Evaluates expression trees of one file into located Nodes."""

    def __init__(self, hcl: HclFile, scope: Scope) -> None:
        self.rel = hcl.rel
        self.text = hcl.text
        self.scope = scope

    # -- helpers
    def source(self, tree: Any) -> str:
        """The expression as written (masked: a source is shown in messages)."""
        meta = getattr(tree, "meta", None)
        start = getattr(meta, "start_pos", None)
        end = getattr(meta, "end_pos", None)
        if start is None or end is None:
            return ""
        return mask_text(self.text[start:end].strip())

    def loc(self, tree: Any) -> Location:
        """Location of a tree or token in this file."""
        return _loc(self.rel, tree)

    def unknown(self, tree: Any) -> Node:
        """An unknown Node for ``tree``."""
        return unknown(self.loc(tree), self.source(tree))

    # -- entry points
    def attribute(self, attr: Attribute) -> Node:
        """Evaluate an attribute; the Node's key_location is the attribute name."""
        try:
            node = self.evaluate(attr.expr)
        except RecursionError:
            node = unknown(self.loc(attr.expr), "")
        node.key_location = attr.location
        return node

    def block_map(self, block: Block) -> Node:
        """A block's attributes (not nested blocks) as a mapping Node."""
        values = {name: self.attribute(attr) for name, attr in block.attributes.items()}
        return Node(values, block.location)

    def evaluate(self, tree: Any) -> Node:
        """Evaluate one expression tree (recursive on expression nesting only)."""
        if not _is_tree(tree):
            return unknown(self.loc(tree), str(tree))
        handler = getattr(self, "_e_" + str(tree.data), None)
        if handler is None:
            return self.unknown(tree)
        result: Node = handler(tree)
        return result

    # -- node kinds
    def _e_expr_term(self, tree: Any) -> Node:
        inner = [c for c in tree.children if _is_tree(c) and c.data != "new_line_or_comment"]
        if len(inner) != 1:
            return self.unknown(tree)
        return self.evaluate(inner[0])

    def _e_int_lit(self, tree: Any) -> Node:
        text = str(tree.children[0])
        try:
            return Node(int(text), self.loc(tree))
        except ValueError:  # more digits than int() converts (4,300): keep the magnitude
            return Node(float(text), self.loc(tree))

    def _e_float_lit(self, tree: Any) -> Node:
        return Node(float(str(tree.children[0])), self.loc(tree))

    def _e_literal_value(self, tree: Any) -> Node:
        word = str(tree.children[0])
        return Node({"true": True, "false": False}.get(word), self.loc(tree))

    def _e_unary_op(self, tree: Any) -> Node:
        operator = str(tree.children[0])
        operand = self.evaluate(tree.children[1])
        value = operand.value
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if operand.known and number and operator == "-":
            return Node(-value, self.loc(tree))
        if operand.known and isinstance(value, bool) and operator == "!":
            return Node(not value, self.loc(tree))
        return self.unknown(tree)

    def _e_tuple(self, tree: Any) -> Node:
        items = [
            self.evaluate(c)
            for c in tree.children
            if _is_tree(c) and c.data != "new_line_or_comment"
        ]
        return Node(items, self.loc(tree))

    def _e_object(self, tree: Any) -> Node:
        values: dict[str, Node] = {}
        duplicates: list[str] = []
        for elem in tree.children:
            if not _is_tree(elem) or elem.data != "object_elem":
                continue
            key_tree, value_tree = elem.children[0], elem.children[-1]
            key, key_known = self._object_key(key_tree)
            value = self.evaluate(value_tree)
            if not key_known:
                value = unknown(value.location, value.source or self.source(value_tree))
            value = dataclasses.replace(value, key_location=self.loc(key_tree))  # may be shared
            if key in values:
                duplicates.append(key)
            values[key] = value
        return Node(values, self.loc(tree), duplicate_keys=tuple(duplicates))

    def _object_key(self, key_tree: Any) -> tuple[str, bool]:
        """An object key: bare identifiers are literal names; others are evaluated."""
        inner = key_tree.children[0]
        if _is_tree(inner) and inner.data == "keyword":
            return str(inner.children[0]), True
        term = inner
        if _is_tree(term) and term.data == "expr_term" and len(term.children) == 1:
            only = term.children[0]
            if _is_tree(only) and only.data == "identifier":
                return str(only.children[0]), True
        node = self.evaluate(inner)
        text = node.text()
        if text is None and isinstance(node, TemplateNode) and node.holes:
            return fill_holes(node.template, node.holes), False
        if text is None:
            return node.source or self.source(inner), False
        return text, True

    def _e_string(self, tree: Any) -> Node:
        location = self.loc(tree)
        pieces: list[str] = []
        holes: list[str] = []
        for part in tree.children:
            if not _is_tree(part):
                continue  # the quotes
            self._string_part(part.children[0], pieces, holes)
        template = "".join(pieces)
        start = Location(self.rel, location.line, location.column + 1)
        if not holes:
            interpolated = any(_is_tree(p) and _is_tree(p.children[0]) for p in tree.children)
            return TemplateNode(
                template,
                location,
                source=self.source(tree) if interpolated else "",
                template=template,
                body_line=start.line,
                body_column=start.column,
            )
        return TemplateNode(
            None,
            location,
            known=False,
            source=self.source(tree),
            partial=partial_text(template),
            template=template,
            holes=tuple(holes),
            body_line=start.line,
            body_column=start.column,
        )

    def _string_part(self, piece: Any, pieces: list[str], holes: list[str]) -> None:
        """Append one string part: text, escaped ``$${``, or an interpolation."""
        if not _is_tree(piece):
            if piece.type == "ESCAPED_INTERPOLATION" or piece.type == "ESCAPED_DIRECTIVE":
                pieces.append(str(piece)[1:])
            else:
                pieces.append(_unescape(str(piece)))
            return
        if piece.data == "interpolation":
            value = self.evaluate(piece.children[1])
            text = value.text()
            if text is not None:
                pieces.append(text)
                return
        source = self.source(piece)
        pieces.append(hole(len(holes), len(source)))
        holes.append(source)

    def _e_heredoc_template(self, tree: Any) -> Node:
        return self._heredoc(tree, trim=False)

    def _e_heredoc_template_trim(self, tree: Any) -> Node:
        return self._heredoc(tree, trim=True)

    def _heredoc(self, tree: Any, trim: bool) -> Node:
        """A heredoc: body lines (common indent stripped for ``<<-``), interpolated."""
        location = self.loc(tree)
        text, indent = heredoc_body(str(tree.children[0]), trim)
        template, holes = self._interpolate(text)
        common: dict[str, Any] = {
            "template": template,
            "holes": tuple(holes),
            "body_line": location.line + 1,
            "body_column": 1,
            "indent": indent,
            "heredoc": True,
        }
        if holes:
            return TemplateNode(None, location, known=False, source=self.source(tree), **common)
        source = self.source(tree) if _next_template(text, 0) >= 0 else ""
        return TemplateNode(template, location, source=source, **common)

    def _interpolate(self, text: str) -> tuple[str, list[str]]:
        """Resolve ``${...}`` (and mark ``%{...}``) inside heredoc text."""
        out: list[str] = []
        holes: list[str] = []
        i = 0
        while True:
            j = _next_template(text, i)
            if j < 0:
                out.append(text[i:].replace("$${", "${").replace("%%{", "%{"))
                break
            out.append(text[i:j].replace("$${", "${").replace("%%{", "%{"))
            end = _matching_brace(text, j + 2)
            source = text[j:end]
            value = self._eval_snippet(source[2:-1]) if text[j] == "$" else None
            resolved = value.text() if value is not None else None
            if resolved is not None:
                out.append(resolved)
            else:
                out.append(hole(len(holes), len(source)))
                holes.append(mask_text(source))
            i = end
        return "".join(out), holes

    def _eval_snippet(self, expr_text: str) -> Node | None:
        """Evaluate an interpolation's expression text found inside a heredoc."""
        if "\n" in expr_text or len(expr_text) > 2000:
            return None
        try:
            tree = parse_tree(f"x = {expr_text}\n")
            attribute = next(
                c for c in tree.children[0].children if _is_tree(c) and c.data == "attribute"
            )
        except Exception:
            return None
        snippet = Evaluator(
            HclFile(self.rel, f"x = {expr_text}\n", Block("", (), Location(self.rel))), self.scope
        )
        return snippet.evaluate(attribute.children[-1])

    def _e_function_call(self, tree: Any) -> Node:
        name = str(tree.children[0].children[0])
        args_tree = next((c for c in tree.children if _is_tree(c) and c.data == "arguments"), None)
        args = (
            []
            if args_tree is None
            else [c for c in args_tree.children if _is_tree(c) and c.data != "new_line_or_comment"]
        )
        if name == "jsonencode" and len(args) == 1:
            return _encoded(self.evaluate(args[0]), "jsonencode")
        if name in ("file", "templatefile") and args:
            return self._read_json(tree, args[0])
        return self.unknown(tree)

    def _read_json(self, tree: Any, path_tree: Any) -> Node:
        """``file("${path.module}/x.json")``: the JSON file's located Node, else unknown."""
        path = self.evaluate(path_tree).text()
        reader = self.scope.read_file
        if path is None or reader is None:
            return self.unknown(tree)
        loaded = reader(path)
        if loaded is None:
            return self.unknown(tree)
        text, rel = loaded
        parsed = parse_json_text(text, rel)
        if isinstance(parsed, ParseProblem):
            return self.unknown(tree)
        return _encoded(parsed, "file")

    def _e_get_attr_expr_term(self, tree: Any) -> Node:
        return self._reference(tree)

    def _e_index_expr_term(self, tree: Any) -> Node:
        return self._reference(tree)

    def _e_identifier(self, tree: Any) -> Node:
        return self.unknown(tree)

    def _reference(self, tree: Any) -> Node:
        """``var.x``, ``local.x[0].y``, ``path.module``, ``data.aws_iam_policy_document.X.json``."""
        chain = _reference_chain(tree, self)
        if chain is None or not chain or not isinstance(chain[0], str):
            return self.unknown(tree)
        root, rest = chain[0], chain[1:]
        node: Node | None = None
        if root == "path" and rest and rest[0] in ("module", "root", "cwd"):
            node, rest = Node(".", self.loc(tree)), rest[1:]
        elif root in ("var", "local") and rest and isinstance(rest[0], str):
            table = self.scope.variables if root == "var" else self.scope.locals
            node, rest = table.get(rest[0]), rest[1:]
        elif root == "data" and _is_document_json(rest):
            assert isinstance(rest[1], str)
            node, rest = self.scope.policy_documents.get(rest[1]), rest[3:]
        for step in rest:
            if node is None or not node.known:
                break
            node = _step(node, step)
        if node is None or not node.known:
            return self.unknown(tree)
        return _as_reference(node, self.source(tree))


def _is_document_json(rest: list[str | int]) -> bool:
    """``aws_iam_policy_document.X.json`` after ``data``."""
    return (
        len(rest) >= 3
        and rest[0] == "aws_iam_policy_document"
        and isinstance(rest[1], str)
        and rest[2] == "json"
    )


def _encoded(node: Node, encoding: str) -> EncodedNode:
    """``node``'s value as an encoded policy (``jsonencode(...)``, ``file(...)``); where
    it is held (its key location) is the caller's business."""
    return EncodedNode(
        node.value, node.location, node.known, node.source, None, node.duplicate_keys,
        encoding=encoding,
    )


def _as_reference(node: Node, source: str) -> Node:
    """A copy of a resolved Node (of whichever kind) that remembers the reference it
    came through."""
    return dataclasses.replace(node, source=source)


def _step(node: Node, step: str | int) -> Node | None:
    """One attribute/index access on a resolved value."""
    if isinstance(step, str):
        return node.get(step)
    if isinstance(node.value, list) and -len(node.value) <= step < len(node.value):
        item = node.value[step]
        return item if isinstance(item, Node) else None
    return None


def _reference_chain(tree: Any, ev: Evaluator) -> list[str | int] | None:
    """Flatten nested get_attr/index terms into ``["var", "x", 0, "y"]`` (None: too complex)."""
    steps: list[str | int] = []
    current = tree
    while True:
        if not _is_tree(current):
            return None
        if current.data == "expr_term" and len(current.children) == 1:
            current = current.children[0]
            continue
        if current.data == "identifier":
            steps.append(str(current.children[0]))
            break
        if current.data == "get_attr_expr_term":
            attr = current.children[1]
            steps.append(str(attr.children[-1].children[0]))
        elif current.data == "index_expr_term":
            index = current.children[1]
            if index.data == "short_index":
                steps.append(int(str(index.children[-1])))
            else:
                expr = [
                    c for c in index.children if _is_tree(c) and c.data != "new_line_or_comment"
                ]
                value = ev.evaluate(expr[0]).value
                if isinstance(value, bool) or not isinstance(value, (str, int)):
                    return None
                steps.append(value)
        else:
            return None
        current = current.children[0]
    steps.reverse()
    return steps


def _next_template(text: str, start: int) -> int:
    """Index of the next unescaped ``${`` or ``%{`` at or after ``start`` (-1: none)."""
    i = start
    while True:
        j = min((k for k in (text.find("${", i), text.find("%{", i)) if k >= 0), default=-1)
        if j < 0:
            return -1
        if j > 0 and text[j - 1] == text[j] and (j < 2 or text[j - 2] != text[j]):
            i = j + 2  # "$${" / "%%{" is an escape
            continue
        return j


def closing_brace(text: str, start: int) -> int:
    """Index of the ``}`` closing an interpolation whose body starts at ``start`` (braces
    inside quoted strings skipped), or -1 when it never closes."""
    depth, i, n = 1, start, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _matching_brace(text: str, start: int) -> int:
    """Index just after the closing ``}``, or the end of the text when it never closes."""
    end = closing_brace(text, start)
    return end + 1 if end >= 0 else len(text)


# --------------------------------------------------------------------------- JSON


def parse_json_text(
    text: str, rel: str, line_offset: int = 0, column_offset: int = 0, first_column: int = 0
) -> Node | ParseProblem:
    """Parse located JSON with the shared parser (``jsonloc``), then shift locations.

    ``line_offset`` is added to every line; ``column_offset`` to every column (the
    ``<<-`` indent); ``first_column`` additionally to columns on the first line (a
    quoted string's opening position).
    """
    try:
        node = parse_json(text, rel)
    except Exception as exc:  # JsonError, and whatever else hostile text may raise
        line = int(getattr(exc, "line", 1) or 1)
        column = int(getattr(exc, "column", 1) or 1)
        message = str(getattr(exc, "message", "") or exc).split("\n")[0]
        return ParseProblem(
            _shift(Location(rel, line, column), line_offset, column_offset, first_column),
            mask_text(message),
        )
    if line_offset or column_offset or first_column:
        relocate(node, line_offset, column_offset, first_column)
    return node


def _shift(location: Location, lines: int, columns: int, first: int) -> Location:
    extra = columns + (first if location.line == 1 else 0)
    end_extra = columns + (first if location.end_line == 1 else 0)
    return Location(
        location.path,
        location.line + lines,
        location.column + extra,
        None if location.end_line is None else location.end_line + lines,
        None if location.end_column is None else location.end_column + end_extra,
    )


def walk(node: Node) -> Iterator[Node]:
    """Every Node of a tree, iteratively (pre-order)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current.value, dict):
            stack.extend(reversed(list(current.value.values())))
        elif isinstance(current.value, list):
            stack.extend(reversed(current.value))


def relocate(node: Node, lines: int, columns: int = 0, first: int = 0) -> None:
    """Shift every location of an embedded JSON tree into the enclosing file."""
    for current in walk(node):
        current.location = _shift(current.location, lines, columns, first)
        if current.key_location is not None:
            current.key_location = _shift(current.key_location, lines, columns, first)


def mark_holes(node: Node, holes: tuple[str, ...]) -> None:
    """Strings holding a hole marker become unknown (source: the ``${...}`` text); a
    mapping key holding one makes its value unknown (we cannot tell which key it is)."""
    for current in walk(node):
        if isinstance(current.value, str) and HOLE_OPEN in current.value:
            current.source = fill_holes(current.value, holes)
            current.partial = partial_text(current.value)
            current.value, current.known = None, False
        elif not current.known and HOLE_OPEN in current.source:
            current.source = fill_holes(current.source, holes)
        if isinstance(current.value, dict) and any(HOLE_OPEN in k for k in current.value):
            renamed: dict[str, Node] = {}
            for key, child in current.value.items():
                if HOLE_OPEN in key:
                    key = fill_holes(key, holes)
                    child = unknown(child.location, key)
                    child.key_location = current.value[
                        next(k for k in current.value if fill_holes(k, holes) == key)
                    ].key_location
                renamed[key] = child
            current.value = renamed


def template_json(node: TemplateNode, rel: str) -> Node | ParseProblem:
    """Parse the JSON inside a string/heredoc, located in the enclosing file.

    Unknown interpolations become unknown strings; a hole standing where a JSON value
    (not a string) belongs is quoted so the document still parses.
    """
    text = _quote_bare_holes(node.template)
    if node.heredoc:
        parsed = parse_json_text(text, rel, node.body_line - 1, node.indent)
    else:
        parsed = parse_json_text(text, rel, node.body_line - 1, 0, node.body_column - 1)
    if isinstance(parsed, Node) and node.holes:
        mark_holes(parsed, node.holes)
    return parsed


def _quote_bare_holes(text: str) -> str:
    """Wrap hole markers that sit outside JSON strings in quotes."""
    if HOLE_OPEN not in text:
        return text
    out: list[str] = []
    in_string, i, n = False, 0, len(text)
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\":
                out.append(text[i : i + 2])
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == HOLE_OPEN:
            match = _HOLE_RE.match(text, i)
            if match:
                out.append('"' + match.group(0) + '"')
                i = match.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)

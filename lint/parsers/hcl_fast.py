"""A hand-written parser for the common subset of HCL, shaped like python-hcl2's trees.

Why: lark's LALR parser runs in pure Python at 15-50 us per token, and loading it (with
python-hcl2) costs ~0.2 s before the first file; together that was most of a cold run
and of a pre-commit run. This recursive-descent parser reads the constructs Terraform
and Terragrunt files are made of (bodies, blocks, attributes, strings with
interpolation, heredocs, numbers, collections, references, calls, operators,
conditionals and ``for`` expressions) several times faster, and builds trees with the
same ``data`` names, the same children where the evaluator looks, and the same
positions as python-hcl2's grammar, so ``hcl.py`` reads either.

It never decides that a file is broken. Anything it does not handle (template
directives, splats, provider functions, deep nesting, and every syntax error) raises
:class:`Fallback`, and the caller hands the text to lark, which then parses it or
reports the error exactly as before. Accepting less than lark is therefore only ever
slower; the differential tests check that where both accept, the trees agree.
"""

from __future__ import annotations

import re
from typing import Any

from assume_lint.parsers.jsonloc import Locator, line_locator


class Fallback(Exception):
    """This text is outside the fast subset (or not valid HCL): let lark parse it."""


class Meta:
    """A tree's span; line and column are computed only when asked for, once."""

    __slots__ = ("_end", "_locate", "_start", "end_pos", "start_pos")

    def __init__(self, locate: Locator, start: int, end: int) -> None:
        self._locate = locate
        self.start_pos = start
        self.end_pos = end
        self._start: tuple[int, int] | None = None
        self._end: tuple[int, int] | None = None

    def _first(self) -> tuple[int, int]:
        if self._start is None:
            self._start = self._locate(self.start_pos)
        return self._start

    def _last(self) -> tuple[int, int]:
        if self._end is None:
            self._end = self._locate(self.end_pos)
        return self._end

    @property
    def line(self) -> int:
        return self._first()[0]

    @property
    def column(self) -> int:
        return self._first()[1]

    @property
    def end_line(self) -> int:
        return self._last()[0]

    @property
    def end_column(self) -> int:
        return self._last()[1]


class Token(str):
    """A token: its text, its terminal name and its span (the attributes lark's have)."""

    type: str
    meta: Meta

    def __new__(cls, value: str, kind: str, meta: Meta) -> Token:
        token = super().__new__(cls, value)
        token.type = kind
        token.meta = meta
        return token

    @property
    def line(self) -> int:
        return self.meta.line

    @property
    def column(self) -> int:
        return self.meta.column

    @property
    def end_line(self) -> int:
        return self.meta.end_line

    @property
    def end_column(self) -> int:
        return self.meta.end_column

    @property
    def start_pos(self) -> int:
        return self.meta.start_pos

    @property
    def end_pos(self) -> int:
        return self.meta.end_pos


class Tree:
    """A node: ``data`` is python-hcl2's rule name, ``children`` trees and tokens."""

    __slots__ = ("children", "data", "meta")

    def __init__(self, data: str, children: list[Any], meta: Meta) -> None:
        self.data = data
        self.children = children
        self.meta = meta

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"


# Terminals, as in python-hcl2's grammar (hcl2.lark), matched at a position only.
_WS = re.compile(r"[ \t\r]*")
_NL_TOKEN = re.compile(r"\n[ \t]*|#[^\n]*\n|//[^\n]*\n|/\*(?:.|\n)*?\*/")
_NL_RUN = re.compile(r"(?:[ \t\r]*(?:\n[ \t]*|#[^\n]*\n|//[^\n]*\n|/\*(?:.|\n)*?\*/))+")
_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_NEGATIVE_LITERAL = re.compile(r"-[0-9][0-9.eE-]")
_EQ = re.compile(r"[ \t]*=(?!=|>)")
_COLON = re.compile(r"[ \t]*:(?!:)")
_STRING_CHARS = re.compile(
    r"(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^\"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+"
)
_ESCAPED_INTERPOLATION = re.compile(r"\$\$\{[^}]*\}")
_ESCAPED_DIRECTIVE = re.compile(r"%%\{[^}]*\}")
_HEREDOC = re.compile(
    r"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*(?P=heredoc)\r?\n"
)
_HEREDOC_TRIM = re.compile(
    r"<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*"
    r"(?P=heredoc_trim)\r?\n"
)
# Binary operators by precedence level (python-hcl2's ladder, lowest first), longest
# spellings first within the pattern.
_OPERATOR = re.compile(r"\|\||&&|==|!=|<=|>=|<|>|\+|-|\*|/|%")
_OPERATOR_NAMES = {
    "||": "DOUBLE_PIPE", "&&": "DOUBLE_AMP", "==": "DOUBLE_EQ", "!=": "NEQ", "<": "LT",
    ">": "GT", "<=": "LEQ", ">=": "GEQ", "+": "PLUS", "-": "MINUS", "*": "ASTERISK",
    "/": "SLASH", "%": "PERCENT",
}  # fmt: skip
_LEVEL = {
    "||": 0, "&&": 1, "==": 2, "!=": 2, "<": 3, ">": 3, "<=": 3, ">=": 3,
    "+": 4, "-": 4, "*": 5, "/": 5, "%": 5,
}  # fmt: skip
# Operators a preceding newline merges into (python-hcl2's postlexer): a line that
# starts with one of them continues the expression above. Not "-": that may be a
# negative number starting the next attribute.
_CONTINUES = re.compile(r"[ \t\r]*(?:\|\||&&|==|!=|<=|>=|<|>|\+|\*|/(?![/*])|%|\?)")
_LITERALS = frozenset({"true", "false", "null"})
_DIRECTIVES = {
    "if": "template_if_start", "else": "template_else", "endif": "template_endif",
    "for": "template_for_start", "endfor": "template_endfor",
}  # fmt: skip
_KEYWORDS = frozenset({"in", "for", "if", "for_each", "else", "endif", "endfor"})


class _Parser:
    """One text, read from ``self.pos``; each method consumes one construct and leaves
    ``self.pos`` after it (restoring it when what follows belongs to the caller)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.lines = line_locator(text)
        self.absorbed = -1  # where the last newline taken by an operation ends
        self.absorbed_level = 0  # and that operation's precedence

    # -- scanning
    def meta(self, start: int, end: int) -> Meta:
        return Meta(self.lines, start, end)

    def span(self, first: Tree, last: Tree) -> Meta:
        return Meta(self.lines, first.meta.start_pos, last.meta.end_pos)

    def ws(self) -> None:
        pos = self.pos
        if pos < self.n and self.text[pos] in " \t\r":  # most calls find no space
            self.pos = _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def nl(self) -> None:
        """Skip newlines and comments (and the spaces around them), where HCL allows."""
        match = _NL_RUN.match(self.text, self.pos)
        if match is not None:
            self.pos = match.end()
        self.ws()

    def peek(self, literal: str) -> bool:
        return self.text.startswith(literal, self.pos)

    def expect(self, literal: str) -> None:
        if not self.text.startswith(literal, self.pos):
            raise Fallback(f"expected {literal!r} at {self.pos}")
        self.pos += len(literal)

    def name(self) -> Token:
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise Fallback(f"expected a name at {self.pos}")
        self.pos = match.end()
        return Token(match.group(0), "NAME", self.meta(match.start(), match.end()))

    def identifier(self) -> Tree:
        token = self.name()
        return Tree("identifier", [token], token.meta)

    # -- bodies
    def body(self, top: bool) -> Tree:
        items: list[Any] = []
        start = self.pos
        while True:
            self.nl()
            if self.pos >= self.n:
                if not top:
                    raise Fallback("unclosed block")
                break
            if self.text[self.pos] == "}":
                if top:
                    raise Fallback("unexpected '}'")
                break
            items.append(self.item())
        return Tree("body", items, self.meta(start, self.pos))

    def header_name(self) -> Tree:
        """A name in a body: an attribute name, block type or unquoted label. Keywords
        and literals may be names here; python-hcl2 keeps their own node kinds."""
        token = self.name()
        word = str(token)
        if word in _KEYWORDS:
            return Tree("keyword", [Token(word, word.upper(), token.meta)], token.meta)
        if word in _LITERALS:
            return Tree("literal_value", [Token(word, word.upper(), token.meta)], token.meta)
        return Tree("identifier", [token], token.meta)

    def item(self) -> Tree:
        name = self.header_name()
        equals = _EQ.match(self.text, self.pos)
        if equals is not None:
            self.pos = equals.end()
            self.ws()
            value = self.expression()
            return Tree("attribute", [name, value], self.span(name, value))
        parts: list[Any] = [name]
        while True:
            self.ws()
            char = self.text[self.pos] if self.pos < self.n else ""
            if char == '"':
                label = self.string()
                if any(isinstance(part.children[0], Tree) for part in label.children):
                    raise Fallback("interpolation in a block label")
                parts.append(label)
            elif char == "{":
                break
            elif char in ("\n", "#", "/"):
                self.nl()
                if not self.peek("{"):
                    raise Fallback("block header without '{'")
                break
            else:
                parts.append(self.header_name())
        self.pos += 1
        body = self.body(top=False)
        self.pos += 1  # the "}"
        parts.append(body)
        return Tree("block", parts, self.meta(name.meta.start_pos, self.pos))

    # -- expressions
    def expression(self) -> Tree:
        condition = self.binary(0)
        after = self.pos
        last = self.continuation()
        if not self.peek("?"):
            self.pos = after
            return condition
        self.absorb(condition, last)
        qmark = Token("?", "QMARK", self.meta(self.pos, self.pos + 1))
        self.pos += 1
        self.nl()
        yes = self.expression()
        self.nl()
        colon = _COLON.match(self.text, self.pos)
        if colon is None:
            raise Fallback("conditional without ':'")
        separator = Token(colon.group(0), "COLON", self.meta(colon.start(), colon.end()))
        self.pos = colon.end()
        self.nl()
        no = self.expression()
        children = [condition, qmark, yes, separator, no]
        return Tree("conditional", children, self.span(condition, no))

    def continuation(self) -> int | None:
        """Skip a newline run when an operator that continues the expression follows.

        python-hcl2's postlexer glues only the run's last newline-or-comment token to
        the operator; the operand before it must absorb the others, which only an
        operation can. Returns where that last token starts when the run has more
        than one (the caller extends the operation before it), else None.
        """
        match = _NL_RUN.match(self.text, self.pos)
        last: int | None = None
        if match is not None and _CONTINUES.match(self.text, match.end()):
            ends = [t.end() for t in _NL_TOKEN.finditer(self.text, self.pos, match.end())]
            last = ends[-2] if len(ends) > 1 else None
            self.pos = match.end()
        self.ws()
        return last

    def absorb(self, operand: Tree, last: int | None) -> None:
        """Extend ``operand`` over the newlines before a continuing operator (see
        :meth:`continuation`); anything but an operation cannot hold them."""
        if last is None:
            return
        if operand.data != "binary_op":
            raise Fallback("blank line before a continuing operator")
        operand.meta = self.meta(operand.meta.start_pos, last)

    def binary(self, lowest: int) -> Tree:
        """Operators of precedence ``lowest`` and above (precedence climbing: an operand
        with no operator after it costs one check, not a descent through six levels)."""
        left = self.unary()
        while True:
            before = self.pos
            last = self.continuation()
            match = _OPERATOR.match(self.text, self.pos)
            if match is None or self.text.startswith(("//", "/*"), self.pos):
                self.pos = before
                return left
            level = _LEVEL[match.group(0)]
            if level < lowest:
                self.pos = before
                return left
            if self.absorbed == before and level > self.absorbed_level:
                raise Fallback("an operator binding tighter than the line it continues")
            self.absorb(left, last)
            operator_meta = self.meta(match.start(), match.end())
            operator = Token(match.group(0), _OPERATOR_NAMES[match.group(0)], operator_meta)
            self.pos = match.end()
            self.nl()
            right = self.binary(level + 1)
            end = right.meta.end_pos
            if right.data != "binary_op":  # the innermost operation takes a newline after it
                absorbed = _NL_RUN.match(self.text, self.pos)
                if absorbed is not None and not _CONTINUES.match(self.text, absorbed.end()):
                    end = self.pos = absorbed.end()
                    # Only "-" can go on after that newline, and only as an operand of
                    # an operation that binds no tighter (python-hcl2's grammar).
                    self.absorbed, self.absorbed_level = end, level
            term_meta = self.meta(match.start(), right.meta.end_pos)
            term = Tree("binary_term", [Tree("binary_operator", [operator], operator_meta), right],
                        term_meta)
            left = Tree("binary_op", [left, term], self.meta(left.meta.start_pos, end))

    def unary(self) -> Tree:
        char = self.text[self.pos] if self.pos < self.n else ""
        if char in ("-", "!"):
            if char == "-" and _NEGATIVE_LITERAL.match(self.text, self.pos):
                raise Fallback("a negative literal")  # python-hcl2 lexes "-12" as one token
            start = self.pos
            self.pos += 1
            operator = Token(char, "MINUS" if char == "-" else "NOT", self.meta(start, start + 1))
            self.ws()
            operand = self.term()
            return Tree("unary_op", [operator, operand], self.meta(start, operand.meta.end_pos))
        return self.term()

    def term(self) -> Tree:
        """An ``expr_term`` with its trailing attribute accesses and indexes."""
        start = self.pos
        inner = self.primary()
        node = inner if inner.data == "expr_term" else self.wrap(inner)
        while True:
            before = self.pos
            self.ws()
            if self.peek(".*"):
                return self.splat(node, start, "attr_splat", ".*", "ATTR_SPLAT")
            if self.peek("[*]"):
                return self.splat(node, start, "full_splat", "[*]", "FULL_SPLAT_START")
            step = self.step()
            if step is None:
                self.pos = before
                return node
            kind = "get_attr_expr_term" if step.data == "get_attr" else "index_expr_term"
            node = self.wrap(Tree(kind, [node, step], self.meta(start, self.pos)))

    def step(self) -> Tree | None:
        """One ``.name``, ``.0`` or ``[key]`` at the position, or None (nothing consumed)."""
        if self.peek(".") and not self.peek("..."):
            following = self.text[self.pos + 1 : self.pos + 2]
            if following == ".":
                raise Fallback("'..'")
            return self.short_index() if following.isdigit() else self.get_attr()
        if self.peek("[") and not self.peek("[*]"):
            return self.braces_index()
        return None

    def splat(self, node: Tree, start: int, kind: str, marker: str, token: str) -> Tree:
        """``x.*.a[0]`` / ``x[*].a``: every access after the marker belongs to the splat."""
        first = self.pos
        self.pos += len(marker)
        children: list[Any] = [Token(marker, token, self.meta(first, self.pos))]
        while True:
            before = self.pos
            self.ws()
            if self.peek(".*") or self.peek("[*]"):
                raise Fallback("a splat inside a splat")
            step = self.step()
            if step is None:
                self.pos = before
                break
            children.append(step)
        inner = Tree(kind, children, self.meta(first, self.pos))
        return self.wrap(Tree(kind + "_expr_term", [node, inner], self.meta(start, self.pos)))

    def short_index(self) -> Tree:
        """``.0``: an index written as an attribute."""
        dot = self.pos
        digits = _DIGITS.match(self.text, dot + 1)
        assert digits is not None
        self.pos = digits.end()
        if self.peek(".") and self.text[self.pos + 1 : self.pos + 2].isdigit():
            raise Fallback("a number after an index")
        token = Token(digits.group(0), "INT_LITERAL", self.meta(digits.start(), self.pos))
        return Tree("short_index", [token], self.meta(dot, self.pos))

    def get_attr(self) -> Tree:
        dot = self.pos
        self.pos += 1
        attr = self.identifier()
        word = str(attr.children[0])
        if word in _LITERALS:
            attr = Tree("literal_value", [Token(word, word.upper(), attr.meta)], attr.meta)
        return Tree("get_attr", [attr], self.meta(dot, self.pos))

    def braces_index(self) -> Tree:
        bracket = self.pos
        self.pos += 1
        self.nl()
        key = self.expression()
        self.nl()
        self.expect("]")
        return Tree("braces_index", [key], self.meta(bracket, self.pos))

    def wrap(self, inner: Tree) -> Tree:
        return Tree("expr_term", [inner], inner.meta)

    def primary(self) -> Tree:
        if self.pos >= self.n:
            raise Fallback("expression expected at end of file")
        char = self.text[self.pos]
        if char == '"':
            return self.string()
        if char == "<" and self.peek("<<"):
            return self.heredoc()
        if char.isdigit():
            return self.number()
        if char == "[":
            return self.tuple()
        if char == "{":
            return self.object()
        if char == "(":
            start = self.pos
            self.pos += 1
            self.nl()
            inner = self.expression()
            self.nl()
            self.expect(")")
            opening = Token("(", "LPAR", self.meta(start, start + 1))
            closing = Token(")", "RPAR", self.meta(self.pos - 1, self.pos))
            return Tree("expr_term", [opening, inner, closing], self.meta(start, self.pos))
        token = self.name()
        word = str(token)
        if word in _LITERALS:
            return Tree("literal_value", [Token(word, word.upper(), token.meta)], token.meta)
        if word in _KEYWORDS:  # python-hcl2 lexes them as keywords in some states
            raise Fallback("a keyword as a value")
        name = Tree("identifier", [token], token.meta)
        after = self.pos
        self.ws()
        if self.peek("::"):
            raise Fallback("provider function")
        if not self.peek("("):
            self.pos = after
            return name
        return self.call(name)

    def call(self, name: Tree) -> Tree:
        self.pos += 1
        self.nl()
        children: list[Any] = [name]
        if not self.peek(")"):
            arguments: list[Any] = []
            args_start = self.pos
            while True:
                arguments.append(self.expression())
                args_end = self.pos
                self.ws()
                if self.peek("..."):
                    self.pos += 3
                    args_end = self.pos
                    self.nl()
                    break
                self.nl()
                if self.peek("..."):
                    raise Fallback("'...' after a newline")
                if not self.peek(","):
                    break
                wrapped = "\n" in self.text[args_end : self.pos]
                self.pos += 1
                args_end = self.pos
                self.nl()
                if self.peek(")"):
                    if wrapped:  # a trailing comma must follow its argument on its line
                        raise Fallback("trailing ',' after a newline")
                    break
            children.append(Tree("arguments", arguments, self.meta(args_start, args_end)))
        self.expect(")")
        return Tree("function_call", children, self.meta(name.meta.start_pos, self.pos))

    def number(self) -> Tree:
        match = _NUMBER.match(self.text, self.pos)
        assert match is not None
        self.pos = match.end()
        meta = self.meta(match.start(), match.end())
        if match.group(1) or match.group(2):
            return Tree("float_lit", [Token(match.group(0), "FLOAT_LITERAL", meta)], meta)
        return Tree("int_lit", [Token(match.group(0), "INT_LITERAL", meta)], meta)

    def heredoc(self) -> Tree:
        trim = self.peek("<<-")
        match = (_HEREDOC_TRIM if trim else _HEREDOC).match(self.text, self.pos)
        if match is None:
            raise Fallback("heredoc without its closing marker")
        self.pos = match.end()
        kind = "heredoc_template_trim" if trim else "heredoc_template"
        meta = self.meta(match.start(), match.end())
        token = Token(match.group(0), "HEREDOC_TEMPLATE_TRIM" if trim else "HEREDOC_TEMPLATE", meta)
        return Tree(kind, [token], meta)

    def string(self) -> Tree:
        start = self.pos
        self.pos += 1
        parts: list[Any] = []
        text = self.text
        while True:
            if self.pos >= self.n:
                raise Fallback("unterminated string")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return Tree("string", parts, self.meta(start, self.pos))
            if text.startswith("${", self.pos):
                parts.append(self.interpolation())
                continue
            if text.startswith("%{", self.pos):
                parts.append(self.directive())
                continue
            match = _STRING_CHARS.match(text, self.pos)
            kind = "STRING_CHARS"
            if match is None:
                match = _ESCAPED_INTERPOLATION.match(text, self.pos)
                kind = "ESCAPED_INTERPOLATION"
            if match is None:
                match = _ESCAPED_DIRECTIVE.match(text, self.pos)
                kind = "ESCAPED_DIRECTIVE"
            if match is None:
                raise Fallback("string")
            self.pos = match.end()
            meta = self.meta(match.start(), match.end())
            parts.append(Tree("string_part", [Token(match.group(0), kind, meta)], meta))

    def directive(self) -> Tree:
        """``%{ if c }``, ``%{ else }``, ``%{ endif }``, ``%{ for k, v in c }``,
        ``%{ endfor }`` (each with optional ``~`` strip markers), as python-hcl2's flat
        ``template_*`` parts: the evaluator pairs them up."""
        start = self.pos
        children: list[Any] = [Token("%{", "DIRECTIVE_START", self.meta(start, start + 2))]
        self.pos += 2
        self.strip_marker(children)
        match = _NAME.match(self.text, self.pos)
        word = match.group(0) if match is not None else ""
        if word not in _DIRECTIVES:
            raise Fallback("template directive")
        children.append(self.keyword_token(word, word.upper()))
        if word in ("if", "for"):
            self.ws()
            if word == "for":
                children.append(self.identifier())
                self.ws()
                if self.peek(","):
                    children.append(Token(",", "COMMA", self.meta(self.pos, self.pos + 1)))
                    self.pos += 1
                    self.ws()
                    children.append(self.identifier())
                    self.ws()
                keyword = self.name()
                if keyword != "in":
                    raise Fallback("for without 'in'")
                children.append(Token("in", "IN", keyword.meta))
                self.ws()
            if self.peek('\\"') or self.peek("~"):
                raise Fallback("directive expression")
            children.append(self.expression())
        self.strip_marker(children)
        self.expect("}")
        children.append(Token("}", "RBRACE", self.meta(self.pos - 1, self.pos)))
        meta = self.meta(start, self.pos)
        return Tree("string_part", [Tree(_DIRECTIVES[word], children, meta)], meta)

    def strip_marker(self, children: list[Any]) -> None:
        self.ws()
        if self.peek("~"):
            children.append(Token("~", "STRIP_MARKER", self.meta(self.pos, self.pos + 1)))
            self.pos += 1
            self.ws()

    def interpolation(self) -> Tree:
        start = self.pos
        self.pos += 2
        self.ws()
        inner = self.expression()
        self.ws()
        self.expect("}")
        meta = self.meta(start, self.pos)
        opening = Token("${", "INTERP_START", self.meta(start, start + 2))
        closing = Token("}", "RBRACE", self.meta(self.pos - 1, self.pos))
        return Tree("string_part", [Tree("interpolation", [opening, inner, closing], meta)], meta)

    def tuple(self) -> Tree:
        start = self.pos
        self.pos += 1
        self.nl()
        if self.is_for():
            return self.for_expression(start, "]", "for_tuple_expr")
        items: list[Any] = []
        while not self.peek("]"):
            items.append(self.expression())
            self.nl()
            if self.peek(","):
                self.pos += 1
                self.nl()
            elif not self.peek("]"):
                raise Fallback("tuple element not followed by ',' or ']'")
        self.pos += 1
        return Tree("tuple", items, self.meta(start, self.pos))

    def object(self) -> Tree:
        start = self.pos
        self.pos += 1
        self.nl()
        if self.is_for():
            return self.for_expression(start, "}", "for_object_expr")
        elements: list[Any] = []
        while not self.peek("}"):
            if self.is_for():
                raise Fallback("'for' as an object key")
            word = _NAME.match(self.text, self.pos)
            if word is not None and word.group(0) in _KEYWORDS:  # a bare keyword key
                token = self.name()
                key = Tree("keyword", [Token(str(token), str(token).upper(), token.meta)],
                           token.meta)
            else:
                key = self.expression()
            separator = _EQ.match(self.text, self.pos) or _COLON.match(self.text, self.pos)
            if separator is None:
                raise Fallback("object key without '=' or ':'")
            self.pos = separator.end()
            self.ws()
            value = self.expression()
            key_tree = Tree("object_elem_key", [key], key.meta)
            elements.append(Tree("object_elem", [key_tree, value], self.span(key, value)))
            self.nl()
            if self.peek(","):
                self.pos += 1
                self.nl()
        self.pos += 1
        return Tree("object", elements, self.meta(start, self.pos))

    def is_for(self) -> bool:
        match = _NAME.match(self.text, self.pos)
        return match is not None and match.group(0) == "for"

    def for_expression(self, start: int, closer: str, data: str) -> Tree:
        """``[for v in x : e if c]`` / ``{for k, v in x : k => v... if c}``, shaped as
        python-hcl2's ``for_tuple_expr``/``for_object_expr`` (keyword tokens kept)."""
        opener = Token(self.text[start], "LSQB" if closer == "]" else "LBRACE",
                       self.meta(start, start + 1))
        intro = self.for_intro()
        children: list[Any] = [opener, intro, self.expression()]
        if closer == "}":
            self.ws()
            arrow = self.pos
            self.expect("=>")
            children.append(Token("=>", "FOR_OBJECT_ARROW", self.meta(arrow, self.pos)))
            self.nl()
            children.append(self.expression())
            self.nl()
            if self.peek("..."):
                children.append(Token("...", "ELLIPSIS", self.meta(self.pos, self.pos + 3)))
                self.pos += 3
        self.nl()
        if self.is_for_cond():
            keyword = self.keyword_token("if", "IF")
            self.nl()
            condition = self.expression()
            children.append(Tree("for_cond", [keyword, condition],
                                 self.meta(keyword.start_pos, condition.meta.end_pos)))
        self.nl()
        close = self.pos
        self.expect(closer)
        children.append(Token(closer, "RSQB" if closer == "]" else "RBRACE",
                              self.meta(close, self.pos)))
        return self.wrap(Tree(data, children, self.meta(start, self.pos)))

    def for_intro(self) -> Tree:
        """``for k, v in x :`` (and the newlines after the colon, as python-hcl2 has it)."""
        first = self.keyword_token("for", "FOR")
        self.nl()
        children: list[Any] = [first, self.identifier()]
        self.ws()
        if self.peek(","):
            children.append(Token(",", "COMMA", self.meta(self.pos, self.pos + 1)))
            self.pos += 1
            self.ws()
            children.append(self.identifier())
            self.nl()
        self.nl()
        word = self.name()
        if word != "in":
            raise Fallback("for without 'in'")
        children.append(Token("in", "IN", word.meta))
        self.nl()
        children.append(self.expression())
        self.nl()
        colon = _COLON.match(self.text, self.pos)
        if colon is None:
            raise Fallback("for without ':'")
        children.append(Token(colon.group(0), "COLON", self.meta(colon.start(), colon.end())))
        self.pos = end = colon.end()
        newlines = _NL_RUN.match(self.text, self.pos)
        if newlines is not None:
            self.pos = end = newlines.end()
        self.ws()
        return Tree("for_intro", children, self.meta(first.start_pos, end))

    def keyword_token(self, word: str, kind: str) -> Token:
        start = self.pos
        self.pos += len(word)
        return Token(word, kind, self.meta(start, self.pos))

    def is_for_cond(self) -> bool:
        match = _NAME.match(self.text, self.pos)
        return match is not None and match.group(0) == "if"


def parse(text: str) -> Tree:
    """The ``start`` tree of ``text`` (a whole file, ending in a newline).

    Raises :class:`Fallback` for anything outside the subset, including any error.
    """
    parser = _Parser(text)
    try:
        body = parser.body(top=True)
    except (RecursionError, IndexError) as exc:
        raise Fallback(type(exc).__name__) from None
    return Tree("start", [body], parser.meta(0, len(text)))

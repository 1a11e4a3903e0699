"""Terraform's built-in functions, on located values.

The functions real modules use to build trust policies: collections (``merge``,
``concat``, ``flatten``, ``lookup``, ``coalesce``, ``compact``, ``distinct``,
``toset``...), strings (``format``, ``join``, ``split``, ``replace``...), and
``jsonencode``/``jsondecode``. A function that returns one of its arguments (or an
element of one) returns that very Node, so a principal keeps the location where it was
written; a new value is located at the call.

An unknown argument makes the result unknown, except where Terraform knows more: string
functions keep the known parts of a partly known string (``format("arn:aws:iam::%s:
root", var.account)`` is ``arn:aws:iam::<HOLE>:root``). A function we do not implement
is unknown, never a guess. A wrong argument raises :class:`~.values.EvalError`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable

from assume_lint.model import HOLE
from assume_lint.model.findings import Location
from assume_lint.parsers.hcl import EncodedNode
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval.values import (
    EvalError,
    at,
    check_length,
    elements,
    from_pattern,
    from_plain,
    index_of,
    is_null,
    json_text,
    members,
    number,
    pattern_of,
    same,
    string_of,
    unknown,
    wholly_known,
)

Function = Callable[[list[Node], Location, str], Node]
_FUNCTIONS: dict[str, Function] = {}
MAX_ITEMS = 10_000


def function(*names: str) -> Callable[[Function], Function]:
    def register(implementation: Function) -> Function:
        for name in names:
            _FUNCTIONS[name] = implementation
        return implementation

    return register


def call(name: str, args: list[Node], where: Location, source: str) -> Node:
    """``name(args...)``: the function's value, unknown when it is not implemented."""
    implementation = _FUNCTIONS.get(name)
    if implementation is None:
        return unknown(where, source)
    result = implementation(args, where, source)
    if isinstance(result.value, str):
        check_length(len(result.value))
    return result


def text_arg(args: list[Node], index: int) -> str | None:
    """Argument ``index`` as a string (None when unknown or missing)."""
    if index >= len(args):
        return None
    return string_of(args[index])


def of_one(*names: str) -> Callable[[Callable[[Node, Location], Node]], Function]:
    """Register a function of one argument, unknown when its argument is."""

    def register(compute: Callable[[Node, Location], Node]) -> Function:
        def implementation(args: list[Node], where: Location, source: str) -> Node:
            _need(args, 1, 1)
            return compute(args[0], where) if args[0].known else unknown(where, source)

        for name in names:
            _FUNCTIONS[name] = implementation
        return implementation

    return register


def _need(args: list[Node], low: int, high: int | None = None) -> None:
    if len(args) < low or (high is not None and len(args) > high):
        raise EvalError("wrong number of arguments")


def _known(args: list[Node]) -> bool:
    return all(a.known for a in args)


def _list(items: list[Node], where: Location) -> Node:
    if len(items) > MAX_ITEMS:
        raise EvalError("too many elements")
    return Node(items, where)


def _key(node: Node, key: Location | None) -> Node:
    return node if node.key_location is key else at(node, key=key)


# --------------------------------------------------------------------------- collections


@function("concat")
def _concat(args: list[Node], where: Location, source: str) -> Node:
    if not _known(args):
        return unknown(where, source)
    out: list[Node] = []
    for arg in args:
        out.extend(_key(i, None) for i in elements(arg))
    return _list(out, where)


@function("merge")
def _merge(args: list[Node], where: Location, source: str) -> Node:
    values: dict[str, Node] = {}
    for arg in args:
        if is_null(arg):
            continue
        if not arg.known:
            return unknown(where, source)
        values.update(members(arg))
    return Node(values, where)


@function("flatten")
def _flatten(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    out: list[Node] = []
    stack = [iter(elements(args[0]) if args[0].known else [])]
    if not args[0].known:
        return unknown(where, source)
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if not item.known:
            return unknown(where, source)
        if isinstance(item.value, list) and not isinstance(item, EncodedNode):
            stack.append(iter(item.value))
        else:
            out.append(_key(item, None))
        if len(out) > MAX_ITEMS:
            raise EvalError("too many elements")
    return _list(out, where)


@function("compact")
def _compact(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    if not args[0].known:
        return unknown(where, source)
    out = []
    for item in elements(args[0]):
        if not item.known:
            return unknown(where, source)
        if item.value is None or item.value == "":
            continue
        out.append(item)
    return _list(out, where)


@function("distinct", "toset")
def _distinct(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    if not args[0].known:
        return unknown(where, source)
    items = elements(args[0])
    out: list[Node] = []
    for item in items:
        if not wholly_known(item):
            return unknown(where, source)
        if not any(same(item, seen) for seen in out):
            out.append(_key(item, None))
    return _list(out, where)


@of_one("tolist", "tuple")
def _tolist(arg: Node, where: Location) -> Node:
    return _list(elements(arg), where)


@of_one("tomap")
def _tomap(arg: Node, where: Location) -> Node:
    return Node(members(arg), where)


@of_one("keys")
def _keys(arg: Node, where: Location) -> Node:
    values = members(arg)
    return _list([Node(k, values[k].key_location or where) for k in sorted(values)], where)


@of_one("values")
def _values(arg: Node, where: Location) -> Node:
    values = members(arg)
    return _list([_key(values[k], None) for k in sorted(values)], where)


@function("length")
def _length(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    arg = args[0]
    if not arg.known:
        return unknown(where, source)
    if isinstance(arg.value, (list, dict)) and not isinstance(arg, EncodedNode):
        return Node(len(arg.value), where)
    text = string_of(arg)
    if text is None:
        return unknown(where, source)
    return Node(len(text), where)


@function("contains")
def _contains(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 2)
    if not args[0].known:
        return unknown(where, source)
    answers = [same(item, args[1]) for item in elements(args[0])]
    if any(a is True for a in answers):
        return Node(True, where)
    if any(a is None for a in answers):
        return unknown(where, source)
    return Node(False, where)


@function("element")
def _element(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 2)
    if not _known(args):
        return unknown(where, source)
    items = elements(args[0])
    index = index_of(args[1])
    if not items or index is None or index < 0:
        raise EvalError("element() of an empty list or a negative index")
    return items[index % len(items)]


@function("index")
def _index(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 2)
    if not args[0].known:
        return unknown(where, source)
    for position, item in enumerate(elements(args[0])):
        answer = same(item, args[1])
        if answer is None:
            return unknown(where, source)
        if answer:
            return Node(position, where)
    raise EvalError("index(): no such element")


@function("lookup")
def _lookup(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 3)
    if not args[0].known or not args[1].known:
        return unknown(where, source)
    key = string_of(args[1])
    found = members(args[0]).get(key or "")
    if found is not None:
        return found
    if len(args) == 3:
        return args[2]
    raise EvalError(f"lookup(): no key {key!r}")


@function("coalesce")
def _coalesce(args: list[Node], where: Location, source: str) -> Node:
    for arg in args:
        if not arg.known:
            return unknown(where, source)
        if arg.value is None or arg.value == "":
            continue
        return arg
    raise EvalError("coalesce(): no non-null, non-empty argument")


@function("coalescelist")
def _coalescelist(args: list[Node], where: Location, source: str) -> Node:
    for arg in args:
        if not arg.known:
            return unknown(where, source)
        if elements(arg):
            return arg
    raise EvalError("coalescelist(): every list is empty")


@of_one("one")
def _one(arg: Node, where: Location) -> Node:
    items = elements(arg)
    if len(items) > 1:
        raise EvalError("one(): more than one element")
    return items[0] if items else Node(None, where)


@function("zipmap")
def _zipmap(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 2)
    if not _known(args):
        return unknown(where, source)
    keys, values = elements(args[0]), elements(args[1])
    if len(keys) != len(values):
        raise EvalError("zipmap(): lists of different lengths")
    out: dict[str, Node] = {}
    for key, value in zip(keys, values, strict=True):
        text = string_of(key)
        if text is None:
            return unknown(where, source)
        out[text] = _key(value, key.location)
    return Node(out, where)


@function("slice")
def _slice(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 3, 3)
    if not _known(args):
        return unknown(where, source)
    items = elements(args[0])
    start, end = index_of(args[1]), index_of(args[2])
    assert start is not None and end is not None
    if not 0 <= start <= end <= len(items):
        raise EvalError("slice(): indexes out of range")
    return _list(items[start:end], where)


@of_one("reverse")
def _reverse(arg: Node, where: Location) -> Node:
    return _list(list(reversed(elements(arg))), where)


@function("sort")
def _sort(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    if not args[0].known:
        return unknown(where, source)
    items = elements(args[0])
    texts = [string_of(i) for i in items]
    if any(t is None for t in texts):
        return unknown(where, source)
    order = sorted(range(len(items)), key=lambda i: texts[i] or "")
    return _list([items[i] for i in order], where)


@function("range")
def _range(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 3)
    if not _known(args):
        return unknown(where, source)
    numbers = [number(a) for a in args]
    start, stop, step = (0, numbers[0], 1) if len(numbers) == 1 else (
        numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else 1)
    assert start is not None and stop is not None and step is not None
    if step == 0:
        raise EvalError("range(): step is zero")
    count = max(0, math.ceil((stop - start) / step))
    if count > MAX_ITEMS:
        raise EvalError("too many elements")
    return _list([Node(start + i * step, where) for i in range(count)], where)


@function("setunion")
def _setunion(args: list[Node], where: Location, source: str) -> Node:
    return _distinct([_concat(args, where, source)], where, source)


@function("setintersection")
def _setintersection(args: list[Node], where: Location, source: str) -> Node:
    if not _known(args) or not args:
        return unknown(where, source)
    first = _distinct([args[0]], where, source)
    if not first.known:
        return first
    kept = []
    for item in first.value:
        answers = [any(same(item, other) for other in elements(a)) for a in args[1:]]
        if all(answers):
            kept.append(item)
    return _list(kept, where)


@function("setsubtract")
def _setsubtract(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 2)
    if not _known(args):
        return unknown(where, source)
    first = _distinct([args[0]], where, source)
    if not first.known:
        return first
    removed = elements(args[1])
    return _list([i for i in first.value if not any(same(i, r) for r in removed)], where)


def _truths(combine: Callable[[list[bool]], bool]) -> Function:
    def implementation(args: list[Node], where: Location, source: str) -> Node:
        _need(args, 1, 1)
        if not wholly_known(args[0]):
            return unknown(where, source)
        return Node(combine([i.value in (True, "true") for i in elements(args[0])]), where)

    return implementation


_FUNCTIONS["alltrue"] = _truths(all)
_FUNCTIONS["anytrue"] = _truths(any)


@function("sensitive", "nonsensitive")
def _identity(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    return args[0]


@function("tostring")
def _tostring(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    arg = args[0]
    if not arg.known or arg.value is None or isinstance(arg.value, str):
        return arg
    return at(Node(string_of(arg), arg.location, source=source), key=arg.key_location)


@function("tonumber")
def _tonumber(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    arg = args[0]
    if not arg.known or arg.value is None:
        return arg
    return at(Node(number(arg), arg.location, source=source), key=arg.key_location)


@function("tobool")
def _tobool(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    arg = args[0]
    if not arg.known or arg.value is None or isinstance(arg.value, bool):
        return arg
    if arg.value in ("true", "false"):
        return at(Node(arg.value == "true", arg.location, source=source), key=arg.key_location)
    raise EvalError("tobool(): not a bool")


def _extreme(pick: Callable[[list[float]], float]) -> Function:
    def implementation(args: list[Node], where: Location, source: str) -> Node:
        if not _known(args) or not args:
            return unknown(where, source)
        return Node(pick([number(a) or 0 for a in args]), where)

    return implementation


_FUNCTIONS["max"] = _extreme(max)
_FUNCTIONS["min"] = _extreme(min)


@function("sum")
def _sum(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    if not wholly_known(args[0]):
        return unknown(where, source)
    return Node(sum(number(i) or 0 for i in elements(args[0])), where)


# --------------------------------------------------------------------------- strings


def _string_function(compute: Callable[..., str]) -> Function:
    """A function of strings only: known arguments give a known result."""

    def implementation(args: list[Node], where: Location, source: str) -> Node:
        texts = [string_of(a) for a in args]
        if any(t is None for t in texts):
            return unknown(where, source)
        return Node(compute(*texts), where, source=source)

    return implementation


_FUNCTIONS["lower"] = _string_function(str.lower)
_FUNCTIONS["upper"] = _string_function(str.upper)
_FUNCTIONS["title"] = _string_function(str.title)
_FUNCTIONS["trimspace"] = _string_function(str.strip)
_FUNCTIONS["chomp"] = _string_function(lambda s: s.rstrip("\r\n"))
_FUNCTIONS["trimprefix"] = _string_function(lambda s, p: s[len(p):] if s.startswith(p) else s)
_FUNCTIONS["trimsuffix"] = _string_function(
    lambda s, p: s[: len(s) - len(p)] if p and s.endswith(p) else s)
_FUNCTIONS["trim"] = _string_function(lambda s, chars: s.strip(chars))
_FUNCTIONS["basename"] = _string_function(lambda s: s.rstrip("/").rsplit("/", 1)[-1])
_FUNCTIONS["dirname"] = _string_function(
    lambda s: s.rstrip("/").rsplit("/", 1)[0] if "/" in s.rstrip("/") else ".")


def _string_test(test: Callable[[str, str], bool]) -> Function:
    def implementation(args: list[Node], where: Location, source: str) -> Node:
        _need(args, 2, 2)
        text, part = string_of(args[0]), string_of(args[1])
        if text is None or part is None:
            return unknown(where, source)
        return Node(test(text, part), where)

    return implementation


_FUNCTIONS["startswith"] = _string_test(str.startswith)
_FUNCTIONS["endswith"] = _string_test(str.endswith)
_FUNCTIONS["strcontains"] = _string_test(lambda text, part: part in text)


@function("substr")
def _substr(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 3, 3)
    text = string_of(args[0])
    offset, length = index_of(args[1]), index_of(args[2])
    if text is None or offset is None or length is None:
        return unknown(where, source)
    if offset < 0:
        offset = max(0, len(text) + offset)
    end = len(text) if length < 0 else offset + length
    return Node(text[offset:end], where, source=source)


@function("join")
def _join(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2)
    separator = string_of(args[0])
    if separator is None or not all(a.known for a in args[1:]):
        return unknown(where, source)
    patterns = [pattern_of(item) for arg in args[1:] for item in elements(arg)]
    check_length(sum(map(len, patterns)) + len(separator) * max(len(patterns) - 1, 0))
    return from_pattern(separator.join(patterns), where, source)


@function("split")
def _split(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 2, 2)
    separator, text = string_of(args[0]), string_of(args[1])
    if separator is None or text is None:
        return unknown(where, source)
    if text == "":
        return Node([], where)
    return _list([Node(p, where) for p in text.split(separator)], where)


@function("replace")
def _replace(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 3, 3)
    text, search, replacement = (string_of(a) for a in args)
    if text is None or search is None or replacement is None:
        return unknown(where, source)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        try:
            pattern = re.compile(search[1:-1])
        except re.error:
            raise EvalError("replace(): invalid regular expression") from None
        go_style = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", replacement)
        matches = sum(1 for _ in pattern.finditer(text))
        # each match may become the replacement with every group as long as the text
        check_length(len(text) + matches * (len(go_style) + go_style.count("\\g<") * len(text)))
        try:
            return Node(pattern.sub(go_style, text), where, source=source)
        except (re.error, IndexError):
            return unknown(where, source)
    check_length(len(text) + text.count(search) * (len(replacement) - len(search)))
    return Node(text.replace(search, replacement), where, source=source)


@function("format")
def _format(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1)
    spec = string_of(args[0])
    if spec is None:
        return unknown(where, source)
    values = iter(args[1:])
    out: list[str] = []
    size = 0  # of out: checked as it grows (a thousand "%s" of a long string)
    i = 0
    while i < len(spec):
        if out:
            size += len(out[-1])  # what the previous round appended (each appends one)
            check_length(size)
        ch = spec[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        match = re.match(r"%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])", spec[i:])
        if match is None:
            raise EvalError("format(): invalid verb")
        i += match.end()
        verb = match.group(4)
        if verb == "%":
            out.append("%")
            continue
        value = next(values, None)
        if value is None:
            raise EvalError("format(): too few arguments")
        if verb in ("s", "v", "d") and not match.group(1) and not match.group(2):
            if verb == "v" and isinstance(value.value, (dict, list)) and value.known:
                text = json_text(value)
                out.append(text if text is not None else HOLE)
            else:
                out.append(pattern_of(value))
        elif verb == "q":
            text = string_of(value)
            out.append(json.dumps(text) if text is not None else HOLE)
        else:
            out.append(_formatted(verb, match, value))
    check_length(sum(map(len, out)))
    return from_pattern("".join(out), where, source)


def _formatted(verb: str, match: re.Match[str], value: Node) -> str:
    """A verb with flags or width, for known values (else a hole)."""
    if not value.known:
        return HOLE
    check_length(max(int(match.group(2) or 0), int(match.group(3) or 0)))  # %900000000s
    python = "%" + match.group(1) + match.group(2) + (
        "." + match.group(3) if match.group(3) else "")
    if verb in ("d", "f", "e", "g", "x", "X", "o", "b"):
        numeric = number(value)
        if verb == "b":
            return format(int(numeric or 0), "b")
        try:
            return (python + verb) % (int(numeric or 0) if verb in "dxXo" else numeric)
        except (TypeError, ValueError):
            raise EvalError("format(): bad number") from None
    text = string_of(value) or ""
    return (python + "s") % text


@function("formatlist")
def _formatlist(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1)
    if not _known(args):
        return unknown(where, source)
    lists = [elements(a) if isinstance(a.value, list) else None for a in args[1:]]
    lengths = {len(items) for items in lists if items is not None}
    if len(lengths) > 1:
        raise EvalError("formatlist(): lists of different lengths")
    count = lengths.pop() if lengths else 1
    out = []
    size = 0
    for index in range(count):
        row = [args[0]] + [
            items[index] if items is not None else arg
            for items, arg in zip(lists, args[1:], strict=True)
        ]
        out.append(_format(row, where, source))
        size += len(pattern_of(out[-1]))
        check_length(size)  # ten thousand long strings are one long string's memory
    return _list(out, where)


def _regex(every: bool) -> Function:
    def implementation(args: list[Node], where: Location, source: str) -> Node:
        _need(args, 2, 2)
        pattern, text = string_of(args[0]), string_of(args[1])
        if pattern is None or text is None:
            return unknown(where, source)
        try:
            compiled = re.compile(pattern)
        except re.error:
            return unknown(where, source)  # RE2 syntax Python lacks: not a guess
        found = list(compiled.finditer(text))
        if every:
            return _list([_match_value(m, where) for m in found], where)
        if not found:
            raise EvalError("regex(): no match")
        return _match_value(found[0], where)

    return implementation


_FUNCTIONS["regex"] = _regex(False)
_FUNCTIONS["regexall"] = _regex(True)


def _match_value(match: re.Match[str], where: Location) -> Node:
    if match.re.groupindex:
        return from_plain(match.groupdict(), where)
    if match.re.groups:
        return from_plain(list(match.groups()), where)
    return Node(match.group(0), where)


# --------------------------------------------------------------------------- encoding


@function("jsonencode")
def _jsonencode(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    arg = args[0]
    if isinstance(arg, EncodedNode):
        return unknown(where, source)  # a JSON string of JSON: not a policy document
    return EncodedNode(arg.value, arg.location, arg.known, arg.source, None,
                       arg.duplicate_keys, partial=arg.partial, encoding="jsonencode")


@function("jsondecode")
def _jsondecode(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    text = string_of(args[0])
    if text is None:
        return unknown(where, source)
    from assume_lint.parsers.hcl import parse_json_text

    node = args[0]
    parsed = parse_json_text(text, node.location.path, node.location.line - 1, 0,
                             node.location.column)
    if not isinstance(parsed, Node):
        raise EvalError("jsondecode(): invalid JSON")
    return parsed


@function("abs")
def _abs(args: list[Node], where: Location, source: str) -> Node:
    _need(args, 1, 1)
    value = number(args[0])
    return unknown(where, source) if value is None else Node(abs(value), where)


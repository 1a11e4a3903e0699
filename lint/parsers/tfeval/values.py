"""Terraform values as located Nodes: null, unknown, partly known, and conversions.

Every evaluated value is a :class:`~assume_lint.parsers.located.Node` that remembers
where it was written, so a principal passed from a caller's module block through three
modules still points at the caller's line. The conventions:

- *null* is a known Node whose value is None; *unknown* is ``known=False`` (its value is
  None, ``source`` the expression as written);
- a *partly known* string is unknown with ``partial`` set: the text with
  :data:`~assume_lint.model.HOLE` for each unknown part (see the model's docstring);
- a string produced by ``jsonencode`` or a policy document stays an
  :class:`~assume_lint.parsers.hcl.EncodedNode` holding the structure (its JSON text is
  computed only when something needs it as text);
- Nodes are never changed once built: a value reaches many places (a memoised module
  instance, several callers), so whoever needs another location or key copies it.

Terraform's errors (a missing attribute, an index out of range, a function given the
wrong type) raise :class:`EvalError`: ``try``/``can`` catch it, anywhere else the
expression becomes unknown. Unknown is never an error.
"""

from __future__ import annotations

import json
import math
from typing import Any

from assume_lint.model import HOLE
from assume_lint.model.findings import Location
from assume_lint.parsers.hcl import EncodedNode
from assume_lint.parsers.located import Node


class EvalError(Exception):
    """What Terraform would report as an error while evaluating an expression."""


# Bounds on what hostile files can make the evaluator build. A few lines of HCL double a
# string ("${local.s}${local.s}" through forty locals) or a list (``[local.t, local.t]``)
# forty times, or repeat a long string ten thousand times in one call (``join``); every
# such value ends unknown, and is refused *before* it is built.
MAX_STRING = 1_000_000  # characters of one string value
MAX_WEIGHT = 1_000_000  # the weight of one value (see weight())
_WEIGHT = "_weight"  # where a Node caches its weight (never a dataclass field)
_CHARS_PER_UNIT = 64  # a string weighs one per this many characters, plus one


def check_length(length: int) -> None:
    """Raise EvalError when a string about to be built would be longer than MAX_STRING."""
    if length > MAX_STRING:
        raise EvalError("string too long")


def weight(node: Node) -> tuple[int, int]:
    """The weight of a value (its nodes, a string counting one more per 64 characters)
    and the number of nodes weighed for it now.

    The weight is cached on each node (values never change once built), so weighing a
    value built from weighed parts costs its new nodes only, and a list doubled forty
    times through locals (2**40 nodes written in forty lines) is weighed in forty steps.
    The count of nodes weighed now is what building them cost: the caller charges it to
    the evaluation budget (a ``range(10000)`` per iteration of a ``for`` is work too).
    """
    cached = node.__dict__.get(_WEIGHT)
    if cached is not None:
        return cached, 0
    value = node.value
    if not isinstance(value, (dict, list)):  # a scalar: weighed on the spot, not cached
        return _own_weight(value), 1
    weighed = 0
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, ready = stack.pop()
        if _WEIGHT in current.__dict__:
            continue
        value = current.value
        children: list[Any] = (
            list(value.values()) if isinstance(value, dict)
            else value if isinstance(value, list) else [])
        if not ready:
            stack.append((current, True))
            stack.extend((c, False) for c in children
                         if isinstance(c, Node) and _WEIGHT not in c.__dict__)
            continue
        current.__dict__[_WEIGHT] = _own_weight(value) + sum(
            c.__dict__[_WEIGHT] for c in children if isinstance(c, Node))
        weighed += 1
    return node.__dict__[_WEIGHT], weighed


def _own_weight(value: Any) -> int:
    """A node's own weight, its children's not counted: one, plus one per 64 characters
    of a string."""
    return 1 + (len(value) // _CHARS_PER_UNIT if isinstance(value, str) else 0)


def null(where: Location) -> Node:
    """Terraform's ``null``."""
    return Node(None, where)


def unknown(where: Location, source: str = "", partial: str | None = None) -> Node:
    """A value the files do not determine."""
    return Node(None, where, known=False, source=source, partial=partial)


def is_null(node: Node) -> bool:
    """A known null (an unknown value is not null: it may be anything)."""
    return node.known and node.value is None


def clone(node: Node, **changes: Any) -> Node:
    """A shallow copy of ``node`` (same subclass) with some fields changed: what
    ``dataclasses.replace`` does, without re-running ``__init__`` (a hot path)."""
    copied = object.__new__(type(node))
    copied.__dict__.update(node.__dict__)
    copied.__dict__.update(changes)
    if "value" in changes:
        copied.__dict__.pop(_WEIGHT, None)
    return copied


def at(node: Node, where: Location | None = None, key: Location | None = None) -> Node:
    """A copy of ``node`` (same subclass) with another location and/or key location."""
    if where is None:
        return clone(node, key_location=key)
    return clone(node, key_location=key, location=where)


def wholly_known(node: Node) -> bool:
    """True when the value and everything inside it is known."""
    stack = [node]
    while stack:
        current = stack.pop()
        if not current.known:
            return False
        if isinstance(current.value, dict):
            stack.extend(current.value.values())
        elif isinstance(current.value, list):
            stack.extend(current.value)
    return True


def from_plain(value: Any, where: Location) -> Node:
    """A Node tree for a plain Python value (``jsondecode`` results, defaults)."""
    if isinstance(value, dict):
        return Node({str(k): _keyed(from_plain(v, where), where) for k, v in value.items()},
                    where)
    if isinstance(value, list):
        return Node([from_plain(v, where) for v in value], where)
    return Node(value, where)


def _keyed(node: Node, key: Location) -> Node:
    node.key_location = key  # a Node built here and now: nobody else holds it yet
    return node


# --------------------------------------------------------------------------- strings


def number_text(value: int | float) -> str:
    """A number as Terraform writes it in a string (``3``, ``1.5``, never ``3.0``)."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def json_text(node: Node) -> str | None:
    """Terraform's ``jsonencode`` of a wholly known value (keys sorted, compact)."""
    heavy = weight(node)[0]
    if heavy > MAX_WEIGHT:
        raise EvalError("value too large")
    if not wholly_known(node):
        return None
    plain = node.plain()
    if heavy * _CHARS_PER_UNIT <= MAX_STRING:  # short whatever it holds
        return json.dumps(plain, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    encoder = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    chunks: list[str] = []
    size = 0
    for chunk in encoder.iterencode(plain):  # stops at MAX_STRING, not after
        size += len(chunk)
        check_length(size)
        chunks.append(chunk)
    return "".join(chunks)


def string_of(node: Node) -> str | None:
    """The value converted to a string as Terraform does for interpolation and string
    arguments; None when unknown. Raises EvalError for null and collections."""
    if not node.known:
        return None
    if isinstance(node, EncodedNode):
        return json_text(node)
    value = node.value
    if value is None:
        raise EvalError("a null value cannot be used as a string")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return value
    raise EvalError("a collection cannot be used as a string")


def pattern_of(node: Node) -> str:
    """The value as a string pattern: the literal, the partly known text, or a lone
    HOLE (wholly unknown). Raises EvalError like :func:`string_of`."""
    text = string_of(node)
    if text is not None:
        return text
    if node.partial is not None:
        return node.partial
    return HOLE


def from_pattern(pattern: str, where: Location, source: str = "") -> Node:
    """A string Node from a pattern: known without holes, partly known with some
    known text, unknown when nothing is known."""
    if HOLE not in pattern:
        return Node(pattern, where, source=source)
    collapsed = _collapse(pattern)
    return unknown(where, source, None if collapsed == HOLE else collapsed)


def _collapse(pattern: str) -> str:
    """Adjacent holes are one unknown part."""
    while HOLE + HOLE in pattern:
        pattern = pattern.replace(HOLE + HOLE, HOLE)
    return pattern


# --------------------------------------------------------------------------- conversions


def truth(node: Node) -> bool | None:
    """A condition's value: True/False, None when unknown. EvalError for non-bools."""
    if not node.known:
        return None
    value = node.value
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise EvalError("a condition must be a bool")


def number(node: Node) -> int | float | None:
    """A number (strings of digits convert, as in Terraform); None when unknown."""
    if not node.known:
        return None
    value = node.value
    if isinstance(value, bool) or value is None:
        raise EvalError("a number is required")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                raise EvalError(f"{value!r} is not a number") from None
    raise EvalError("a number is required")


def index_of(node: Node) -> int | None:
    """A whole number used as an index or count."""
    value = number(node)
    if value is None:
        return None
    if isinstance(value, float):
        if value != int(value):
            raise EvalError("an index must be a whole number")
        value = int(value)
    return value


def same(a: Node, b: Node) -> bool | None:
    """Terraform's ``==``: deep equality of type and value (``"1" == 1`` is false);
    None when an unknown part decides."""
    if a.known and b.known and (a.value is None or b.value is None):
        return a.value is None and b.value is None  # null is null, whatever else is unknown
    if not (wholly_known(a) and wholly_known(b)):
        return None
    return _equal(_comparable(a), _comparable(b))


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _comparable(node: Node) -> Any:
    if isinstance(node, EncodedNode):
        return json_text(node)
    return node.plain()


def elements(node: Node) -> list[Node]:
    """The elements of a list, tuple or set. EvalError for anything else."""
    if isinstance(node.value, list) and node.known:
        return list(node.value)
    raise EvalError("a list is required")


def members(node: Node) -> dict[str, Node]:
    """The attributes of an object or map. EvalError for anything else."""
    if isinstance(node.value, dict) and node.known and not isinstance(node, EncodedNode):
        return dict(node.value)
    raise EvalError("a map or object is required")


def key_text(node: Node) -> str | None:
    """A map key (strings, numbers and bools convert); None when unknown."""
    return string_of(node)

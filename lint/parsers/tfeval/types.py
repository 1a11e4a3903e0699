"""Variable type constraints: what Terraform does to a value before a module sees it.

A module's ``variable "x" { type = map(object({ actions = optional(list(string),
["sts:AssumeRole"]), condition = optional(list(object({...}))) })) }`` changes the value
a caller passes: an attribute left out becomes its ``optional()`` default or null, an
attribute the type does not declare is dropped, ``"1"`` becomes 1 for a number. Modules
rely on it (``statement.value.actions`` exists even when the caller wrote none), so the
evaluator applies the constraint the way Terraform does. Unknown parts stay unknown; a
value that cannot convert makes the variable unknown (Terraform would stop with an
error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assume_lint.parsers.hcl import EncodedNode, _is_tree
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval.values import (
    EvalError,
    at,
    null,
    number,
    number_text,
)

_PRIMITIVES = frozenset({"string", "number", "bool", "any"})


@dataclass(frozen=True)
class Type:
    """A type constraint. ``kind`` is a primitive name, ``list``, ``set``, ``map``,
    ``tuple`` or ``object``; ``element`` the element type of a collection; ``items``
    the types of a tuple; ``attributes`` an object's (type, optional, default)."""

    kind: str
    element: Type | None = None
    items: tuple[Type, ...] = ()
    attributes: dict[str, tuple[Type, bool, Node | None]] = field(default_factory=dict)


ANY = Type("any")


def parse_type(tree: Any, evaluate: Callable[[Any], Node]) -> Type:
    """The constraint written in a ``type = ...`` attribute (``any`` when unreadable).

    ``evaluate`` evaluates an ``optional()`` default (an ordinary expression)."""
    tree = _unwrap(tree)
    if not _is_tree(tree):
        return ANY
    if tree.data == "identifier":
        name = str(tree.children[0])
        return Type(name) if name in _PRIMITIVES else ANY
    if tree.data != "function_call":
        return ANY
    name = str(tree.children[0].children[0])
    args = _arguments(tree)
    if name in ("list", "set", "map") and len(args) == 1:
        return Type(name, element=parse_type(args[0], evaluate))
    if name == "tuple" and len(args) == 1:
        items = _unwrap(args[0])
        if _is_tree(items) and items.data == "tuple":
            inner = [c for c in items.children if _is_tree(c) and c.data != "new_line_or_comment"]
            return Type("tuple", items=tuple(parse_type(c, evaluate) for c in inner))
    if name == "object" and len(args) == 1:
        return _object(args[0], evaluate)
    return ANY


def _object(tree: Any, evaluate: Callable[[Any], Node]) -> Type:
    tree = _unwrap(tree)
    if not _is_tree(tree) or tree.data != "object":
        return ANY
    attributes: dict[str, tuple[Type, bool, Node | None]] = {}
    for elem in tree.children:
        if not _is_tree(elem) or elem.data != "object_elem":
            continue
        key = _unwrap(elem.children[0].children[0])
        if not _is_tree(key) or key.data not in ("identifier", "keyword"):
            if _is_tree(key) and key.data == "string":
                parts = [str(p.children[0]) for p in key.children if _is_tree(p)]
                name = "".join(parts)
            else:
                return ANY
        else:
            name = str(key.children[0])
        value = _unwrap(elem.children[-1])
        optional, default = False, None
        if _is_tree(value) and value.data == "function_call" and \
                str(value.children[0].children[0]) == "optional":
            args = _arguments(value)
            if not args:
                return ANY
            optional, value = True, args[0]
            if len(args) > 1:
                default = evaluate(args[1])
        attributes[name] = (parse_type(value, evaluate), optional, default)
    return Type("object", attributes=attributes)


def _unwrap(tree: Any) -> Any:
    while _is_tree(tree) and tree.data == "expr_term" and len(tree.children) == 1:
        tree = tree.children[0]
    return tree


def _arguments(tree: Any) -> list[Any]:
    for child in tree.children:
        if _is_tree(child) and child.data == "arguments":
            return [c for c in child.children if _is_tree(c) and c.data != "new_line_or_comment"]
    return []


# --------------------------------------------------------------------------- conversion


def convert(node: Node, kind: Type) -> Node:
    """``node`` converted to ``kind`` as Terraform converts a variable's value.

    Raises EvalError when Terraform would refuse the value."""
    if not node.known or kind.kind == "any" or node.value is None:
        return node
    if kind.kind in ("string", "number", "bool"):
        return _primitive(node, kind.kind)
    if kind.kind in ("list", "set", "tuple"):
        if not isinstance(node.value, list):
            raise EvalError(f"a {kind.kind} is required")
        items = node.value
        if kind.kind == "tuple":
            if len(items) != len(kind.items):
                raise EvalError("wrong number of tuple elements")
            converted = [convert(i, t) for i, t in zip(items, kind.items, strict=True)]
        else:
            element = kind.element or ANY
            converted = [convert(i, element) for i in items]
            if kind.kind == "set":
                converted = _distinct(converted)
        return _with(node, converted)
    if not isinstance(node.value, dict) or isinstance(node, EncodedNode):
        raise EvalError(f"a {kind.kind} is required")
    if kind.kind == "map":
        element = kind.element or ANY
        return _with(node, {k: _keep_key(convert(v, element), v) for k, v in node.value.items()})
    values: dict[str, Node] = {}
    for name, (attribute, optional, default) in kind.attributes.items():
        given = node.value.get(name)
        if given is None:
            if not optional:
                raise EvalError(f"attribute {name!r} is required")
            given = at(default, key=None) if default is not None else null(node.location)
        elif given.known and given.value is None and default is not None:
            given = at(default, key=given.key_location)  # null takes the optional default
        values[name] = _keep_key(convert(given, attribute), given)
    return _with(node, values)


def _with(node: Node, value: Any) -> Node:
    return Node(value, node.location, True, node.source, node.key_location, node.duplicate_keys)


def _keep_key(converted: Node, original: Node) -> Node:
    if converted.key_location is original.key_location:
        return converted
    return at(converted, key=original.key_location)


def _distinct(items: list[Node]) -> list[Node]:
    seen: list[Any] = []
    out: list[Node] = []
    for item in items:
        plain = item.plain() if item.known else object()
        if plain in seen:
            continue
        seen.append(plain)
        out.append(item)
    return out


def _primitive(node: Node, kind: str) -> Node:
    value = node.value
    if kind == "string":
        if isinstance(value, str) or isinstance(node, EncodedNode):  # JSON text is a string
            return node
        if isinstance(value, bool):
            return at(Node("true" if value else "false", node.location, source=node.source),
                      key=node.key_location)
        if isinstance(value, (int, float)):
            return at(Node(number_text(value), node.location, source=node.source),
                      key=node.key_location)
        raise EvalError("a string is required")
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return node
        converted = number(node)
        return at(Node(converted, node.location, source=node.source), key=node.key_location)
    if isinstance(value, bool):
        return node
    if value in ("true", "false"):
        return at(Node(value == "true", node.location, source=node.source),
                  key=node.key_location)
    raise EvalError("a bool is required")

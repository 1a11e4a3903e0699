"""Terraform expressions on python-hcl2's trees (from either HCL parser).

:class:`TfEvaluator` extends the plain HCL evaluator of :mod:`assume_lint.parsers.hcl`
with what real modules write: operators, conditionals, ``for`` expressions, splats,
template directives, the built-in functions (:mod:`.functions`), and references to
everything a module declares (``var``, ``local``, ``module``, ``data``, resources,
``count``, ``each``, the iterators of ``for`` and ``dynamic``), resolved through a
:class:`Context` (a module instance, :mod:`.module`) only when they are used.

Terraform's errors raise :class:`~.values.EvalError` inside; :meth:`attribute` and
:meth:`value` turn them into unknown values, ``try``/``can`` catch them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Protocol

from assume_lint.files.sources import line_starts
from assume_lint.model import HOLE
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl
from assume_lint.parsers.hcl import Attribute, EncodedNode, Evaluator, HclFile, Scope, TemplateNode
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval import functions, templates
from assume_lint.parsers.tfeval.values import (
    MAX_WEIGHT,
    EvalError,
    at,
    check_length,
    clone,
    elements,
    index_of,
    is_null,
    key_text,
    members,
    number,
    same,
    string_of,
    truth,
    unknown,
    weight,
)

MAX_ITEMS = 10_000  # elements a for expression or splat may produce
CHARS_PER_STEP = 100  # a string value costs one evaluation step per this many characters
WEIGHT_PER_STEP = 64  # an operation walking values costs one step per this much weight
# References whose value was written elsewhere and keeps its location (a variable's value
# where the caller or a .tfvars wrote it); a resource's attribute is located at the
# reference.
_CARRIERS = frozenset({"var", "local", "module", "path"})


class Context(Protocol):
    """What references resolve against: one module instance (see :mod:`.module`)."""

    def var(self, name: str) -> Node | None: ...
    def local(self, name: str) -> Node | None: ...
    def module_value(self, name: str) -> Node | None: ...
    def data_value(self, kind: str, name: str) -> Node | None: ...
    def resource_value(self, kind: str, name: str) -> Node | None: ...
    def path_value(self, which: str) -> Node | None: ...
    def read(self, path: str) -> tuple[str, str] | None: ...
    def spend(self, cost: int = 1) -> None: ...


class LazyObject(Node):
    """An object whose attributes are computed when first asked for (a module call's
    outputs, a resource's attributes): most are never used."""

    def __init__(self, where: Location, names: Sequence[str], compute: Any, source: str = ""
                 ) -> None:
        super().__init__({}, where, True, source)
        self.names = tuple(names)
        self.compute = compute
        self.done: dict[str, Node] = {}

    def attribute(self, name: str) -> Node | None:
        if name not in self.done:
            if name not in self.names:
                return None
            self.done[name] = self.compute(name)
        return self.done[name]

    def materialize(self) -> Node:
        values = {}
        for name in self.names:
            found = self.attribute(name)
            if found is not None:
                values[name] = found
        return Node(values, self.location, True, self.source)


class SymbolicNode(Node):
    """The instances of a ``count``/``for_each`` over an unknown collection: one symbolic
    instance stands for all (an index or key step reaches it; the collection itself
    is unknown)."""

    def __init__(self, where: Location, instance: Node, source: str = "") -> None:
        super().__init__(None, where, False, source)
        self.instance = instance


@dataclasses.dataclass
class RenderedNode(TemplateNode):
    """A string rendered from a template, with where each of its characters came from
    (:class:`~.templates.Rendered`): a JSON policy in it is located exactly."""

    rendered: templates.Rendered | None = None


class TfEvaluator(Evaluator):
    """Evaluates one file's expressions in a :class:`Context` (see the module docstring)."""

    def __init__(self, hfile: HclFile, scope: Scope, context: Context | None = None,
                 bindings: dict[str, Node] | None = None) -> None:
        super().__init__(hfile, scope)
        self.hfile = hfile
        self.context = context
        self.bindings = bindings or {}

    def bind(self, extra: dict[str, Node]) -> TfEvaluator:
        """The same evaluator with more names bound (``each``, an iterator...)."""
        return TfEvaluator(self.hfile, self.scope, self.context, {**self.bindings, **extra})

    # -- entry points
    def attribute(self, attr: Attribute) -> Node:
        """An attribute's value (unknown on any error); key_location is its name."""
        node = self.value(attr.expr)
        return at(node, key=attr.location)

    def value(self, tree: Any) -> Node:
        """An expression's value, unknown when Terraform would report an error."""
        try:
            return self.evaluate(tree)
        except EvalError:
            return self.unknown(tree)
        except RecursionError:
            return unknown(self.loc(tree), "")

    def evaluate(self, tree: Any) -> Node:
        """An expression's value; every evaluation is charged to the unit's budget, with
        what its value cost to build: long strings by their length, new collections by
        their new nodes (see :func:`~.values.weight`). Values past the bounds of
        :mod:`.values` raise EvalError (unknown): doubling through locals ends there."""
        context = self.context
        if context is not None:
            context.spend()
        node = super().evaluate(tree)
        if isinstance(node, LazyObject):
            node = node.materialize()
        elif isinstance(node, SymbolicNode):
            return unknown(node.location, node.source)
        value = node.value
        if isinstance(value, str):
            if len(value) >= CHARS_PER_STEP:
                check_length(len(value))
                self._charge(len(value) // CHARS_PER_STEP)
        elif isinstance(value, (list, dict)):
            heavy, weighed = weight(node)
            if heavy > MAX_WEIGHT:
                raise EvalError("value too large")
            if weighed:
                self._charge(weighed)
        return node

    def _charge(self, cost: int) -> None:
        if self.context is not None and cost:
            self.context.spend(cost)

    def _charge_walks(self, *values: Node) -> None:
        """Charge an operation that walks whole values (a function, ``==``): a call on a
        large value repeated by a ``for`` is as much work as building it each time."""
        heavy = sum(weight(v)[0] for v in values if isinstance(v.value, (dict, list)))
        if heavy >= WEIGHT_PER_STEP:
            self._charge(heavy // WEIGHT_PER_STEP)

    # -- names
    def _e_identifier(self, tree: Any) -> Node:
        name = str(tree.children[0])
        if name in self.bindings:
            return self.bindings[name]
        return self.unknown(tree)

    def _object_key(self, key_tree: Any) -> tuple[str, bool]:
        inner = key_tree.children[0]
        term = inner
        if hcl._is_tree(term) and term.data == "expr_term" and len(term.children) == 1:
            only = term.children[0]
            if hcl._is_tree(only) and only.data == "identifier":
                return str(only.children[0]), True
        if hcl._is_tree(inner) and inner.data == "keyword":
            return str(inner.children[0]), True
        node = self.evaluate(inner)
        text = key_text(node) if node.known else None
        if text is None:
            return node.source or self.source(inner), False
        return text, True

    # -- operators
    def _e_conditional(self, tree: Any) -> Node:
        condition, yes, no = _significant(tree.children)
        decided = truth(self.evaluate(condition))
        if decided is None:
            return self.unknown(tree)
        return self.evaluate(yes if decided else no)

    def _e_unary_op(self, tree: Any) -> Node:
        operator = str(tree.children[0])
        operand = self.evaluate(tree.children[1])
        if not operand.known:
            return self.unknown(tree)
        if operator == "!":
            decided = truth(operand)
            return Node(not decided, self.loc(tree))
        value = number(operand)
        assert value is not None
        return Node(-value, self.loc(tree))

    def _e_binary_op(self, tree: Any) -> Node:
        left_tree, term = _significant(tree.children)[:2]
        operator_tree, right_tree = _significant(term.children)[:2]
        kind = operator_tree.children[0].type
        left = self.evaluate(left_tree)
        if kind in ("DOUBLE_AMP", "DOUBLE_PIPE"):
            decided = truth(left)
            if decided is (kind == "DOUBLE_PIPE"):
                return Node(decided, self.loc(tree))
            right_value = truth(self.evaluate(right_tree))
            if decided is None or right_value is None:
                if right_value is (kind == "DOUBLE_PIPE"):
                    return Node(right_value, self.loc(tree))
                return self.unknown(tree)
            return Node(right_value, self.loc(tree))
        right = self.evaluate(right_tree)
        if kind in ("DOUBLE_EQ", "NEQ"):
            self._charge_walks(left, right)
            equal = same(left, right)
            if equal is None:
                return self.unknown(tree)
            return Node(equal == (kind == "DOUBLE_EQ"), self.loc(tree))
        a, b = number(left), number(right)
        if a is None or b is None:
            return self.unknown(tree)
        return Node(_arithmetic(kind, a, b), self.loc(tree))

    # -- for expressions and splats
    def _e_for_tuple_expr(self, tree: Any) -> Node:
        found = self._iterations(tree)
        if found is None:
            return self.unknown(tree)
        body, iterations = found
        return Node([inner.evaluate(body[0]) for inner in iterations], self.loc(tree))

    def _e_for_object_expr(self, tree: Any) -> Node:
        found = self._iterations(tree)
        if found is None:
            return self.unknown(tree)
        body, iterations = found
        grouping = any(getattr(c, "type", "") == "ELLIPSIS" for c in tree.children)
        values: dict[str, Node] = {}
        groups: dict[str, list[Node]] = {}
        for inner in iterations:
            key_node = inner.evaluate(body[0])
            key = key_text(key_node)
            if key is None:
                return self.unknown(tree)
            value = at(inner.evaluate(body[1]), key=key_node.location)
            if grouping:
                groups.setdefault(key, []).append(value)
            elif key in values:
                raise EvalError(f"duplicate key {key!r} in a for expression")
            else:
                values[key] = value
        if grouping:
            values = {k: Node(v, self.loc(tree), key_location=v[0].key_location)
                      for k, v in groups.items()}
        return Node(values, self.loc(tree))

    def _iterations(self, tree: Any) -> tuple[list[Any], list[TfEvaluator]] | None:
        """A for expression's body and an evaluator per element its ``if`` keeps; None
        when the collection or a condition is unknown."""
        intro, body, condition = self._for_parts(tree)
        kept: list[TfEvaluator] = []
        for scope in self._for_scopes(intro, tree):
            if scope is None:
                return None
            inner = self.bind(scope)
            if condition is not None:
                keep = truth(inner.evaluate(condition))
                if keep is None:
                    return None
                if not keep:
                    continue
            kept.append(inner)
        return body, kept

    def _for_parts(self, tree: Any) -> tuple[Any, list[Any], Any]:
        trees = _significant(tree.children)
        intro = trees[0]
        condition = None
        if trees[-1].data == "for_cond":
            condition = _significant(trees[-1].children)[-1]
            trees = trees[:-1]
        return intro, trees[1:], condition

    def _for_scopes(self, intro: Any, tree: Any) -> list[dict[str, Node] | None]:
        """The bindings of each iteration; ``[None]`` when the collection is unknown."""
        parts = _significant(intro.children)
        names = [str(p.children[0]) for p in parts if p.data == "identifier"]
        collection = self.evaluate(parts[-1])
        if not collection.known:
            return [None]
        if is_null(collection):
            raise EvalError("a for expression over null")
        pairs = _pairs(collection)
        if len(pairs) > MAX_ITEMS:
            raise EvalError("too many elements")
        scopes: list[dict[str, Node] | None] = []
        for key, value in pairs:
            if len(names) == 2:
                scopes.append({names[0]: key, names[1]: value})
            else:
                scopes.append({names[0]: value})
        return scopes

    def _e_attr_splat_expr_term(self, tree: Any) -> Node:
        return self._splat(tree)

    def _e_full_splat_expr_term(self, tree: Any) -> Node:
        return self._splat(tree)

    def _splat(self, tree: Any) -> Node:
        base_tree, splat = tree.children[0], tree.children[1]
        base = super().evaluate(base_tree)
        if isinstance(base, LazyObject):
            base = base.materialize()
        if not base.known:
            return self.unknown(tree)
        if base.value is None:
            return Node([], self.loc(tree))
        items = base.value if isinstance(base.value, list) and \
            not isinstance(base, EncodedNode) else [base]
        steps = [s for s in _significant(splat.children)]
        self._charge(len(items))
        out: list[Node] = []
        for item in items:
            current: Node | None = item
            for step in steps:
                current = self._step(current, step)
            if current is None:
                raise EvalError("a splat step failed")
            out.append(current)
        return Node(out, self.loc(tree))

    # -- references
    def _e_get_attr_expr_term(self, tree: Any) -> Node:
        return self._reference(tree)

    def _e_index_expr_term(self, tree: Any) -> Node:
        return self._reference(tree)

    def _reference(self, tree: Any) -> Node:
        """``root.a[0].b``: the root resolved lazily (only what is used is evaluated)."""
        steps: list[Any] = []
        current = tree
        while hcl._is_tree(current) and current.data in (
            "get_attr_expr_term", "index_expr_term", "expr_term"
        ):
            if current.data == "expr_term":
                inner = _significant(current.children)
                if len(inner) != 1 or len(current.children) != 1:
                    break
                current = inner[0]
                continue
            steps.append(current.children[1])
            current = current.children[0]
        steps.reverse()
        node: Node | None
        here = False  # a resource's or data source's value is written here, not there
        if hcl._is_tree(current) and current.data == "identifier":
            name = str(current.children[0])
            node, steps = self._root(name, steps, tree)
            here = name not in self.bindings and name not in _CARRIERS
        else:
            node = super().evaluate(current)
        for step in steps:
            if node is None:
                break
            node = self._step(node, step)
        if node is None:
            return self.unknown(tree)
        if isinstance(node, LazyObject):
            node = node.materialize()
        opaque = not node.known and not isinstance(node, TemplateNode)
        if isinstance(node, SymbolicNode) or opaque:
            if node.partial is None or here:
                return unknown(self.loc(tree), self.source(tree), node.partial)
            return unknown(node.location, self.source(tree), node.partial)
        if here:  # a rendered template keeps what it knows of each of its characters
            return clone(node, location=self.loc(tree), source=self.source(tree))
        return clone(node, source=self.source(tree))

    def _root(self, name: str, steps: list[Any], tree: Any) -> tuple[Node | None, list[Any]]:
        """The value a reference starts from, and the steps left to apply to it."""
        if name in self.bindings:
            return self.bindings[name], steps
        context = self.context
        first = _attr_name(steps[0]) if steps else None
        if context is None or first is None:
            return None, steps
        if name == "var":
            return context.var(first), steps[1:]
        if name == "local":
            return context.local(first), steps[1:]
        if name == "path":
            return context.path_value(first), steps[1:]
        if name == "module":
            return context.module_value(first), steps[1:]
        if name == "data":
            second = _attr_name(steps[1]) if len(steps) > 1 else None
            if second is None:
                return None, steps
            return context.data_value(first, second), steps[2:]
        if name in ("terraform", "self", "count", "each"):
            return None, steps
        return context.resource_value(name, first), steps[1:]

    def _step(self, node: Node | None, step: Any) -> Node | None:
        """One ``.name``, ``[key]`` or ``.0`` applied to a value (None: unknown)."""
        if node is None:
            return None
        if isinstance(node, SymbolicNode):
            return node.instance if step.data != "get_attr" else None
        if step.data == "get_attr":
            key: Any = _attr_name(step)
        elif step.data == "short_index":
            key = int(str(step.children[-1]))
        else:
            key_node = self.evaluate(_significant(step.children)[0])
            if not key_node.known:
                return None
            key = key_node.value
            if isinstance(key, float) and key == int(key):
                key = int(key)
        if isinstance(node, LazyObject):
            found = node.attribute(str(key))
            if found is None:
                raise EvalError(f"no attribute {key!r}")
            return found
        if not node.known:
            return None
        if node.value is None:
            raise EvalError("an attribute of null")
        if isinstance(node.value, dict) and not isinstance(node, EncodedNode):
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise EvalError("a map key must be a string")
            child = node.value.get(str(key))
            if child is None:
                raise EvalError(f"no attribute {key!r}")
            return child  # type: ignore[no-any-return]
        if isinstance(node.value, list) and not isinstance(node, EncodedNode):
            if isinstance(key, str) and key.isdigit():
                key = int(key)
            if isinstance(key, bool) or not isinstance(key, int):
                raise EvalError("a list index must be a number")
            if not 0 <= key < len(node.value):
                raise EvalError("index out of range")
            return node.value[key]  # type: ignore[no-any-return]
        raise EvalError("this value has no attributes")

    # -- functions
    def _e_function_call(self, tree: Any) -> Node:
        name_parts = [c for c in tree.children if hcl._is_tree(c) and c.data == "identifier"]
        if len(name_parts) != 1:
            return self.unknown(tree)  # provider::x::f
        name = str(name_parts[0].children[0])
        args_tree = next((c for c in tree.children if hcl._is_tree(c) and c.data == "arguments"),
                         None)
        trees = [] if args_tree is None else _significant(args_tree.children)
        expand = args_tree is not None and any(
            getattr(c, "type", "") == "ELLIPSIS" for c in args_tree.children
        )
        where, source = self.loc(tree), self.source(tree)
        if name == "try":
            for arg in trees:
                try:
                    return self.evaluate(arg)
                except EvalError:
                    continue
            raise EvalError("no argument of try() could be evaluated")
        if name == "can":
            try:
                result = self.evaluate(trees[0]) if len(trees) == 1 else None
            except EvalError:
                return Node(False, where)
            if result is None:
                raise EvalError("can() takes one argument")
            return Node(True, where) if result.known else unknown(where, source)
        args = [self.evaluate(t) for t in trees]
        if expand:
            if not args or not args[-1].known:
                return self.unknown(tree)
            args = args[:-1] + elements(args[-1])
        self._charge_walks(*args)
        if name in ("file", "templatefile", "fileexists"):
            return self._file_function(name, args, where, source)
        if name == "jsondecode" and len(args) == 1:
            return self._jsondecode(args[0], where, source)
        return functions.call(name, args, where, source)

    def _file_function(self, name: str, args: list[Node], where: Location, source: str
                       ) -> Node:
        path = functions.text_arg(args, 0)
        if path is None or self.context is None:
            return unknown(where, source)
        loaded = self.context.read(path)
        if name == "fileexists":
            return Node(loaded is not None, where) if loaded is not None else unknown(where, source)
        if loaded is None:
            return unknown(where, source)
        text, rel = loaded
        locate = _file_locate(text, rel)
        if name == "file":
            parts: list[templates.Part] = [templates.Literal(text, 0, locate)]
            return self._rendered(templates.render(parts, self._template_value), where, source)
        if len(args) != 2:
            raise EvalError("templatefile() takes two arguments")
        variables = members(args[1]) if args[1].known else None
        if variables is None:
            return unknown(where, source)
        try:
            template = templates.parse_text(text, locate)
        except templates.Malformed:
            return unknown(where, source)
        evaluator = TemplateEvaluator(self.context, variables)
        return self._rendered(templates.render(template, evaluator.template_value), where,
                              source)

    def _rendered(self, rendered: templates.Rendered, where: Location, source: str) -> Node:
        text = rendered.text
        if rendered.known:
            return RenderedNode(text, where, source=source, template=text, rendered=rendered)
        return RenderedNode(None, where, False, source, partial=hcl.partial_text(text),
                            template=text, holes=tuple(rendered.holes), rendered=rendered)

    def _jsondecode(self, arg: Node, where: Location, source: str) -> Node:
        if isinstance(arg, EncodedNode) and arg.known:
            return Node(arg.value, arg.location, True, arg.source, None, arg.duplicate_keys)
        if isinstance(arg, RenderedNode) and arg.rendered is not None:
            parsed = templates.rendered_json(arg.rendered, where.path)
            if isinstance(parsed, Node):
                return parsed
            if parsed is None:
                return unknown(where, source)
            raise EvalError("invalid JSON")
        if not arg.known:
            return unknown(where, source)
        return functions.call("jsondecode", [arg], where, source)

    # -- templates
    def _template_value(self, expr: Any, bindings: dict[str, Node]) -> Node:
        """A template part's value: a tree of this file, or an expression's text."""
        evaluator = self.bind(bindings) if bindings else self
        if isinstance(expr, str):
            return evaluator.snippet(expr)
        return evaluator.evaluate(expr)

    def snippet(self, text: str) -> Node:
        """An expression written inside a template text (a heredoc, a template file)."""
        if len(text) > 20_000:
            raise EvalError("expression too long")
        code = f"x = {text}\n"
        try:
            tree = hcl.parse_tree(code)
        except Exception:  # noqa: BLE001 - lark raises several classes: not an expression
            raise EvalError("not an expression") from None
        attribute = next(c for c in tree.children[0].children
                         if hcl._is_tree(c) and c.data == "attribute")
        inner = TfEvaluator(HclFile(self.rel, code, self.hfile.body), self.scope, self.context,
                            self.bindings)
        return inner.evaluate(attribute.children[-1])

    def _e_string(self, tree: Any) -> Node:
        parts = [p for p in tree.children if hcl._is_tree(p)]
        if len(parts) == 1 and hcl._is_tree(parts[0].children[0]) \
                and parts[0].children[0].data == "interpolation":
            # "${x}" is x itself (HCL unwraps a lone interpolation): where it was written
            inner = self.evaluate(parts[0].children[0].children[1])
            return clone(inner, source=self.source(tree))
        directive = any(
            hcl._is_tree(p) and hcl._is_tree(p.children[0])
            and p.children[0].data.startswith("template_")
            for p in tree.children
        )
        if not directive:
            return super()._e_string(tree)
        try:
            parts = templates.parse_string_parts(tree.children, self.rel)
        except templates.Malformed:
            return self.unknown(tree)
        rendered = templates.render(parts, self._template_value)
        return self._rendered(rendered, self.loc(tree), self.source(tree))

    def _string_part(self, piece: Any, pieces: list[str], holes: list[str]) -> None:
        """One part of a quoted string: a value's text, or for an unknown value its
        known parts around a hole for each unknown one (the string stays partly known)."""
        if not (hcl._is_tree(piece) and piece.data == "interpolation"):
            super()._string_part(piece, pieces, holes)
            return
        try:
            value = self.evaluate(piece.children[1])
            text = string_of(value)
        except EvalError:
            value, text = self.unknown(piece), None
        if text is not None:
            pieces.append(text)
            return
        source = self.source(piece)
        if value.partial is None:  # as wide as its source: JSON columns after it stay
            pieces.append(hcl.hole(len(holes), len(source)))
            holes.append(source)
            return
        for index, part in enumerate(value.partial.split(HOLE)):
            if index:
                pieces.append(hcl.hole(len(holes)))
                holes.append(source)
            pieces.append(part)

    def _heredoc(self, tree: Any, trim: bool) -> Node:
        location = self.loc(tree)
        text, indent = hcl.heredoc_body(str(tree.children[0]), trim)
        first_line = location.line + 1
        starts = line_starts(text)
        rel = self.rel

        def locate(offset: int) -> tuple[str, int, int]:
            import bisect

            index = bisect.bisect_right(starts, offset) - 1
            return rel, first_line + index, offset - starts[index] + 1 + indent

        try:
            parts = templates.parse_text(text, locate)
        except templates.Malformed:
            return self.unknown(tree)
        rendered = templates.render(parts, self._template_value)
        return self._rendered(rendered, location, self.source(tree))


class TemplateEvaluator:
    """Evaluates a ``templatefile`` template's expressions: only its variables (and the
    built-in functions) are in scope, as in Terraform."""

    def __init__(self, context: Context | None, variables: dict[str, Node]) -> None:
        self.context = context
        self.variables = variables

    def template_value(self, expr: Any, bindings: dict[str, Node]) -> Node:
        text = expr if isinstance(expr, str) else ""
        code = f"x = {text}\n"
        try:
            tree = hcl.parse_tree(code)
        except Exception:  # noqa: BLE001 - not an expression
            raise EvalError("not an expression") from None
        attribute = next(c for c in tree.children[0].children
                         if hcl._is_tree(c) and c.data == "attribute")
        hfile = HclFile("<template>", code, hcl.Block("", (), Location("<template>")))
        evaluator = TfEvaluator(hfile, Scope(), _TemplateContext(self.context),
                                {**self.variables, **bindings})
        return evaluator.evaluate(attribute.children[-1])


class _TemplateContext:
    """Inside a template only files can be read; every other reference is an error."""

    def __init__(self, outer: Context | None) -> None:
        self.outer = outer

    def var(self, name: str) -> Node | None:
        raise EvalError("templates cannot refer to variables")

    def local(self, name: str) -> Node | None:
        raise EvalError("templates cannot refer to locals")

    def module_value(self, name: str) -> Node | None:
        raise EvalError("templates cannot refer to modules")

    def data_value(self, kind: str, name: str) -> Node | None:
        raise EvalError("templates cannot refer to data sources")

    def resource_value(self, kind: str, name: str) -> Node | None:
        raise EvalError("templates cannot refer to resources")

    def path_value(self, which: str) -> Node | None:
        return self.outer.path_value(which) if self.outer is not None else None

    def read(self, path: str) -> tuple[str, str] | None:
        return self.outer.read(path) if self.outer is not None else None

    def spend(self, cost: int = 1) -> None:
        if self.outer is not None:
            self.outer.spend(cost)


# --------------------------------------------------------------------------- helpers


def _significant(children: list[Any]) -> list[Any]:
    """The subtrees of a node, without newline/comment trees and tokens."""
    return [c for c in children if hcl._is_tree(c) and c.data != "new_line_or_comment"]


def _attr_name(step: Any) -> str | None:
    if hcl._is_tree(step) and step.data == "get_attr":
        inner = _significant(step.children)[0]
        return str(inner.children[0])
    return None


def _pairs(collection: Node) -> list[tuple[Node, Node]]:
    """(key, value) of each element: index for lists, key for maps (sorted, as Terraform)."""
    if isinstance(collection.value, dict) and not isinstance(collection, EncodedNode):
        return [(Node(k, v.key_location or v.location), v)
                for k, v in sorted(collection.value.items())]
    if isinstance(collection.value, list):
        return [(Node(i, item.location), item) for i, item in enumerate(collection.value)]
    raise EvalError("a for expression needs a collection")


def _arithmetic(kind: str, a: float, b: float) -> float:
    if kind == "PLUS":
        return a + b
    if kind == "MINUS":
        return a - b
    if kind == "ASTERISK":
        return a * b
    if kind in ("SLASH", "PERCENT"):
        if b == 0:
            raise EvalError("division by zero")
        if kind == "SLASH":
            result = a / b
            return int(result) if result == int(result) else result
        return a % b
    comparisons = {"LT": a < b, "GT": a > b, "LEQ": a <= b, "GEQ": a >= b}
    if kind in comparisons:
        return comparisons[kind]
    raise EvalError(f"unknown operator {kind}")


def _file_locate(text: str, rel: str) -> templates.Locate:
    """Offsets of a file's text -> (rel, line, column)."""
    import bisect

    starts = line_starts(text)

    def locate(offset: int) -> tuple[str, int, int]:
        index = bisect.bisect_right(starts, offset) - 1
        return rel, index + 1, offset - starts[index] + 1

    return locate


def index_number(node: Node) -> int | None:
    """Re-exported for callers that expand ``count``."""
    return index_of(node)


@dataclasses.dataclass
class Expansion:
    """One instance of a block with ``count``/``for_each``: its address suffix
    (``""``, ``[0]``, ``["k"]``) and the evaluator bound to its ``count``/``each``."""

    suffix: str
    evaluator: TfEvaluator
    symbolic: bool = False
    key: Node | None = None

"""A located YAML loader: YAML text -> :class:`~assume_lint.parsers.located.Node` tree.

Why an event-driven builder instead of ``yaml.safe_load``:

- every key and value keeps its exact 1-based line and column (start and exclusive end),
  so findings point at the offending attribute, not at the enclosing block;
- PyYAML's composers are recursive (libyaml's Cython composer even segfaults on a few
  hundred thousand nested ``[``), while its parsers are not: building the tree from the
  event stream with an explicit stack makes hostile nesting harmless;
- unknown tags (CloudFormation's ``!Ref``, ``!Sub``, ``!GetAtt``, ``!If``...) must not
  abort the load. By default they become unknown nodes (``known=False``, ``source`` =
  the tag and value as written), so "unknown means silent" holds; a ``tag_handler``
  (see :func:`cfn_long_form`) lets the CloudFormation parser evaluate them instead;
- mapping keys are kept as written (``on`` stays ``"on"``, never ``True``): YAML 1.1's
  boolean keys are a trap for GitHub workflows, and a tree keyed by ``str`` is what every
  consumer expects.

Two scalar schemas: ``"yaml11"`` (PyYAML's resolver: ``yes``/``on`` are booleans; what
CloudFormation uses) and ``"core"`` (YAML 1.2 core: only ``true``/``false`` are booleans;
what GitHub Actions uses). Merge keys (``<<``) are kept as ordinary keys. Only the first
document is read; a second one is an error, as for GitHub and CloudFormation.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assume_lint.model.findings import Location
from assume_lint.parsers.located import Node

STANDARD_TAG = "tag:yaml.org,2002:"
MAX_EXPANSION = 1_000_000  # total nodes reachable through aliases (billion laughs guard)
# Nested collections of any style. Kept well below libyaml's own limit (1000 since the
# libyaml bundled with PyYAML 6.0.4) so that our guard, not a library's, decides block
# nesting; real workflows and templates nest a dozen levels at most.
MAX_DEPTH = 200
# libyaml's scanner costs O(flow depth) per token, so deep `[[[[...` is quadratic; real
# workflows and templates stay far below this.
MAX_FLOW_DEPTH = 64
TOO_DEEP = "collections nested too deeply"

TagHandler = Callable[[str, Node], Node]
_MISSING = object()

_CORE_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_CORE_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_CORE_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_CORE_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class YamlError(Exception):
    """A YAML syntax or structure error, with its 1-based line and column."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.column})"


class MultipleDocuments(YamlError):
    """A stream of several documents: valid YAML, but not one workflow or template.

    GitHub rejects it as a workflow (an error there); a CloudFormation parser knows it is
    no template (a Kubernetes manifest, a docs file) and lets it go silently.
    """


def unknown_tag(tag: str, node: Node) -> Node:
    """Default tag handler: any non-standard tag makes the value unknown.

    ``node.source`` already holds the tag and the value as written (``!Ref Bucket``).
    """
    return Node(None, node.location, known=False, source=node.source)


def cfn_long_form(tag: str, node: Node) -> Node:
    """Tag handler for CloudFormation: ``!Ref X`` -> ``{"Ref": X}``, ``!Sub s`` ->
    ``{"Fn::Sub": s}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``,
    ``!Condition C`` -> ``{"Condition": C}``: the JSON long form, so one evaluator serves
    YAML and JSON templates. The inner value keeps its own location.
    """
    name = tag.lstrip("!")
    inner = dataclasses.replace(node, source="")
    if name == "GetAtt" and isinstance(node.value, str) and "." in node.value:
        first, _, rest = node.value.partition(".")
        inner = Node([Node(first, node.location), Node(rest, node.location)], node.location)
    key = name if name in ("Ref", "Condition") else f"Fn::{name}"
    return Node({key: inner}, node.location, source=node.source)


def _loader() -> Any:
    """The fastest available safe loader class (libyaml's when PyYAML was built with it)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _location(rel: str, start: Any, end: Any) -> Location:
    return Location(rel, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _resolve_core(text: str) -> Any:
    """A plain scalar under the YAML 1.2 core schema."""
    if _CORE_NULL.match(text):
        return None
    if _CORE_BOOL.match(text):
        return text.lower() == "true"
    if _CORE_INT.match(text):
        base = 8 if text.startswith("0o") else 16 if text.startswith("0x") else 10
        digits = text[2:] if base != 10 else text
        return int(digits, base)
    if _CORE_FLOAT.match(text):
        return float(text.replace("Inf", "inf").replace("INF", "inf"))
    return text


@functools.cache
def _constructors() -> dict[str, Callable[[Any], Any]]:
    """PyYAML's safe constructors of the scalar tags we turn into values (built once)."""
    import yaml

    constructor = yaml.constructor.SafeConstructor()
    return {
        STANDARD_TAG + "null": constructor.construct_yaml_null,
        STANDARD_TAG + "bool": constructor.construct_yaml_bool,
        STANDARD_TAG + "int": constructor.construct_yaml_int,
        STANDARD_TAG + "float": constructor.construct_yaml_float,
    }


def _construct_yaml11(tag: str, text: str) -> Any:
    """A scalar of a standard tag under PyYAML's YAML 1.1 rules (timestamps stay text)."""
    method = _constructors().get(tag)
    if method is None:
        return text
    import yaml

    return method(yaml.ScalarNode(tag, text))


@dataclass
class _Frame:
    """An open mapping or sequence while its events stream in."""

    node: Node
    tag: str | None
    anchor: str | None
    start_index: int
    flow: bool = False
    size: int = 1
    key: Node | None = None
    duplicates: list[str] = field(default_factory=list)


class _Builder:
    """Turns the parser's events into a Node tree with an explicit stack."""

    def __init__(self, text: str, rel: str, schema: str, tag_handler: TagHandler) -> None:
        import yaml

        self.yaml = yaml
        self.resolver = yaml.resolver.Resolver()
        self.text = text
        self.rel = rel
        self.schema = schema
        self.tag_handler = tag_handler
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.open_anchors: set[str] = set()
        self.expanded = 0
        self.root: Node | None = None
        self.documents = 0
        self.flow_depth = 0
        self.plain_cache: dict[str, Any] = {}  # values are immutable scalars

    # ---------------------------------------------------------------- scalars

    def scalar_value(self, event: Any) -> Any:
        tag = event.tag
        text: str = event.value
        custom = self.custom_tag(tag) is not None
        # a custom-tagged value is resolved as if untagged, for the tag handler
        plain = (bool(event.implicit[0]) or custom) and event.style in (None, "")
        if tag in (None, "!") or custom:
            if not plain:
                return text
            cached = self.plain_cache.get(text, _MISSING)
            if cached is _MISSING:
                cached = self.resolve_plain(text)
                self.plain_cache[text] = cached
            return cached
        if tag == STANDARD_TAG + "str":
            return text
        try:
            return _construct_yaml11(tag, text)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise _at(event.start_mark, f"invalid {tag} value") from exc

    def resolve_plain(self, text: str) -> Any:
        """A plain (unquoted, untagged) scalar under the builder's schema."""
        if self.schema == "core":
            return _resolve_core(text)
        resolved = self.resolver.resolve(  # type: ignore[no-untyped-call]
            self.yaml.ScalarNode, text, (True, False)
        )
        return _construct_yaml11(resolved, text)

    def custom_tag(self, tag: str | None) -> str | None:
        """The tag when it is neither absent, non-specific nor a standard one."""
        if tag is None or tag == "!" or tag.startswith(STANDARD_TAG):
            return None
        return tag

    # ---------------------------------------------------------------- tree

    def source_text(self, start: int, end: int) -> str:
        """The text as written (a block collection's end mark includes the newline)."""
        return self.text[start:end].rstrip()

    def finish(self, node: Node, tag: str | None, anchor: str | None, size: int) -> None:
        """Apply the tag handler, record the anchor and attach to the parent."""
        custom = self.custom_tag(tag)
        if custom is not None:
            node = self.tag_handler(custom, node)
        if anchor is not None:
            self.anchors[anchor] = (node, size)
            self.open_anchors.discard(anchor)
        self.attach(node, size, 1)

    def attach(self, node: Node, size: int, new_nodes: int) -> None:
        """Put ``node`` under the open container (or make it the root).

        ``size`` is the node count of its subtree; ``new_nodes`` what it adds to the
        expansion budget (1 for a parsed node, the whole subtree for an alias).
        """
        self.expanded += new_nodes
        if self.expanded > MAX_EXPANSION:
            loc = node.location
            message = "document expands to too many nodes (alias bomb?)"
            raise YamlError(message, loc.line, loc.column)
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame.size += size
        parent = frame.node
        if isinstance(parent.value, list):
            parent.value.append(node)
            return
        if frame.key is None:
            frame.key = node
            return
        key = frame.key
        frame.key = None
        name = key.text() if key.known and not key.is_map and not key.is_list else None
        if name is None:
            name = key.source or ("" if key.value is None else str(key.value))
            if key.is_map or key.is_list:
                loc = key.location
                raise YamlError("unsupported complex mapping key", loc.line, loc.column)
        if name in parent.value:
            frame.duplicates.append(name)
        node.key_location = key.location  # node is fresh (aliases attach a copy)
        parent.value[name] = node

    def handlers(self) -> dict[type, Callable[[Any], None]]:
        """Event class -> method: one dict lookup per event on the hot path."""
        yaml = self.yaml
        return {
            yaml.DocumentStartEvent: self.document,
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.open,
            yaml.SequenceStartEvent: self.open,
            yaml.MappingEndEvent: self.close,
            yaml.SequenceEndEvent: self.close,
            yaml.AliasEvent: self.alias,
        }

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            mark = event.start_mark
            message = "expected a single document in the stream"
            raise MultipleDocuments(message, mark.line + 1, mark.column + 1)

    def open(self, event: Any) -> None:
        empty: Any = {} if isinstance(event, self.yaml.MappingStartEvent) else []
        node = Node(empty, _location(self.rel, event.start_mark, event.end_mark))
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        flow = bool(event.flow_style)
        self.flow_depth += flow
        if len(self.stack) >= MAX_DEPTH or self.flow_depth > MAX_FLOW_DEPTH:
            raise _at(event.start_mark, TOO_DEEP)
        self.stack.append(_Frame(node, event.tag, event.anchor, event.start_mark.index, flow))

    def close(self, event: Any) -> None:
        frame = self.stack.pop()
        self.flow_depth -= frame.flow
        node = frame.node
        start, end = node.location, event.end_mark
        node.location = Location(self.rel, start.line, start.column, end.line + 1, end.column + 1)
        node.duplicate_keys = tuple(frame.duplicates)
        if self.custom_tag(frame.tag) is not None:
            node.source = self.source_text(frame.start_index, end.index)
        self.finish(node, frame.tag, frame.anchor, frame.size)

    def scalar(self, event: Any) -> None:
        location = _location(self.rel, event.start_mark, event.end_mark)
        source = ""
        if event.tag is not None and self.custom_tag(event.tag) is not None:
            source = self.source_text(event.start_mark.index, event.end_mark.index)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.key is None and isinstance(top.node.value, dict):
            value = event.value  # keys as written: "on" stays "on"
        else:
            value = self.scalar_value(event)
        if event.tag is None and event.anchor is None:
            self.attach(Node(value, location), 1, 1)  # the common case, kept cheap
            return
        self.finish(Node(value, location, source=source), event.tag, event.anchor, 1)

    def alias(self, event: Any) -> None:
        mark = event.start_mark
        if event.anchor in self.open_anchors:
            raise _at(mark, f"recursive alias *{event.anchor}")
        found = self.anchors.get(event.anchor)
        if found is None:
            raise _at(mark, f"found undefined alias *{event.anchor}")
        node, size = found
        self.attach(dataclasses.replace(node, key_location=None), size, size)


def load(
    text: str,
    rel: str,
    *,
    schema: str = "yaml11",
    tag_handler: TagHandler | None = None,
) -> Node:
    """Parse one YAML document into a located Node tree.

    ``rel`` is the path put into every Location. An empty document is a null Node at
    1:1. Raises :class:`YamlError` (never another exception) for invalid YAML.
    """
    import yaml

    builder = _Builder(text, rel, schema, tag_handler or unknown_tag)
    try:
        handlers = builder.handlers()
        for event in yaml.parse(text, Loader=_loader()):
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
    except yaml.MarkedYAMLError as exc:
        raise _error(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError("YAML nesting too deep") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # PyYAML internals on input nobody tested: still a parse problem, not a traceback
        raise YamlError(f"invalid YAML ({type(exc).__name__})") from None
    if builder.root is None:
        return Node(None, Location(rel, 1, 1))
    return builder.root


def _at(mark: Any, message: str) -> YamlError:
    """A YamlError at a PyYAML mark (0-based)."""
    return YamlError(message, mark.line + 1, mark.column + 1)


def _error(exc: Any, text: str) -> YamlError:
    """A PyYAML marked error as a YamlError at the problem's mark.

    An unterminated quote or flow collection is reported where it was opened (the
    context mark): the end of the file says nothing useful. A tab gets a hint, since
    libyaml's message does not name the character.
    """
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or ""
    if "nesting depth" in problem and mark is not None:
        # libyaml's own depth limit; its scanner looks ahead in flow context, so on one
        # long line of `[[[[` it can fire before our event-level guard sees the events.
        # Same refusal, our words: users (and tests) must not depend on a library's text.
        return _at(mark, TOO_DEEP)
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark
    parts = [p for p in (exc.context, problem) if p]
    message = "invalid YAML: " + ", ".join(parts) if parts else "invalid YAML"
    if mark is None:
        return YamlError(message)
    index = getattr(mark, "index", -1)
    if 0 <= index < len(text) and text[index] == "\t":
        message += " (a tab: YAML indentation must use spaces)"
    return YamlError(message, mark.line + 1, mark.column + 1)

"""What data sources and resources are worth, as far as the files know it.

- ``data "aws_iam_policy_document"`` is a policy built from ``statement`` blocks, static
  or ``dynamic`` (as terraform-aws-modules' ``iam-role`` builds its trust policy over a
  ``trust_policy_permissions`` input), merged with ``source_policy_documents`` and
  ``override_policy_documents`` the way the AWS provider does. Its ``json`` is the
  document, every value located where it was written.
- ``data "template_file"`` renders its ``template`` with its ``vars``.
- A resource's attribute is its configured argument where the provider keeps it as
  given; computed ones are unknown, or partly known where their shape is certain:
  ``aws_iam_role.X.arn`` is ``arn:<HOLE>:iam::<HOLE>:role/<path><name>`` when the
  name is known, ``aws_iam_openid_connect_provider.X.arn`` is
  ``arn:<HOLE>:iam::<HOLE>:oidc-provider/<host of its url>``.
- Any other data source (``aws_caller_identity``, ``aws_partition``...) is unknown.

With ``count``/``for_each`` the value is a list or map of such objects (see
:meth:`.module.Instance.expand`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from assume_lint.model import HOLE
from assume_lint.model.findings import Location
from assume_lint.parsers.hcl import Block, EncodedNode, HclFile
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval import templates
from assume_lint.parsers.tfeval.evaluator import (
    Expansion,
    LazyObject,
    RenderedNode,
    SymbolicNode,
    TfEvaluator,
)
from assume_lint.parsers.tfeval.values import (
    EvalError,
    elements,
    from_pattern,
    is_null,
    members,
    pattern_of,
    string_of,
    unknown,
)


class _Folder(Protocol):
    """What a block's value needs of the folder (``module.Folder``)."""

    @property
    def data(self) -> Mapping[tuple[str, str], tuple[HclFile, Block]]: ...

    @property
    def resources(self) -> Mapping[tuple[str, str], tuple[HclFile, Block]]: ...


class _Scope(Protocol):
    def explicit(self, table: str, name: str) -> Node | None: ...


class Instance(Protocol):
    """What a block's value needs of the module instance (``module.Instance``, which
    calls in here: typed structurally, so this module does not import it back)."""

    @property
    def folder(self) -> _Folder: ...

    @property
    def scope(self) -> _Scope: ...

    def expand(self, hfile: HclFile, block: Block) -> list[Expansion]: ...

Fields = Mapping[str, Node]  # a block's attributes, evaluated (HCL) or as read (JSON)

_STATEMENT_LISTS = {
    "actions": "Action",
    "not_actions": "NotAction",
    "resources": "Resource",
    "not_resources": "NotResource",
}


# --------------------------------------------------------------------------- values


def data_value(instance: Instance, kind: str, name: str) -> Node | None:
    """``data.KIND.NAME`` of an instance (None: no such block)."""
    declared = instance.folder.data.get((kind, name))
    if declared is None:
        if kind == "aws_iam_policy_document":
            document = instance.scope.explicit("document", name)
            if document is not None:  # from the JSON syntax
                found = document
                return LazyObject(found.location, ("json", "minified_json"),
                                  lambda _attr: found)
        return None
    hfile, block = declared
    return _instances(instance, hfile, block, lambda e: _data_object(instance, hfile, block, e))


def resource_value(instance: Instance, kind: str, name: str) -> Node | None:
    """``KIND.NAME`` of an instance (None: no such block)."""
    declared = instance.folder.resources.get((kind, name))
    if declared is None:
        return None
    hfile, block = declared
    return _instances(instance, hfile, block, lambda e: _resource_object(kind, block, e))


def _instances(instance: Instance, hfile: HclFile, block: Block,
               build: Callable[[Expansion], Node]) -> Node:
    expansions = instance.expand(hfile, block)
    objects = [build(e) for e in expansions]
    if expansions and expansions[0].symbolic:
        return SymbolicNode(block.location, objects[0])
    if "count" in block.attributes:
        return Node(objects, block.location)
    if "for_each" in block.attributes:
        return Node({str(e.key.value if e.key else ""): o
                     for e, o in zip(expansions, objects, strict=True)}, block.location)
    return objects[0]


def _data_object(instance: Instance, hfile: HclFile, block: Block, expansion: Expansion) -> Node:
    kind = block.labels[0]
    evaluator = expansion.evaluator
    if kind == "aws_iam_policy_document":
        cache: dict[str, Node] = {}

        def document(_attr: str) -> Node:
            if "doc" not in cache:
                cache["doc"] = policy_document(evaluator, block)
            return cache["doc"]

        return LazyObject(block.location, ("json", "minified_json"), document)
    if kind == "template_file":
        return LazyObject(block.location, ("rendered",),
                          lambda _attr: _template_file(evaluator, block))
    if kind == "aws_iam_openid_connect_provider":
        return LazyObject(block.location, ("arn", "url"),
                          lambda attr: _oidc_attribute(evaluator, block, attr))
    return _opaque(block)


def _resource_object(kind: str, block: Block, expansion: Expansion) -> Node:
    evaluator = expansion.evaluator
    names = tuple(block.attributes) + _COMPUTED.get(kind, ())
    return LazyObject(block.location, names,
                      lambda attr: _resource_attribute(evaluator, block, kind, attr))


def _opaque(block: Block) -> Node:
    """An object whose every attribute is unknown (a data source we do not read)."""

    class _Unknown(LazyObject):
        def attribute(self, name: str) -> Node | None:
            return unknown(block.location, f"data.{'.'.join(block.labels)}.{name}")

    return _Unknown(block.location, (), None)


_COMPUTED: dict[str, tuple[str, ...]] = {
    "aws_iam_role": ("arn", "id", "unique_id", "name"),
    "aws_iam_user": ("arn", "id", "unique_id", "name"),
    "aws_iam_policy": ("arn", "id", "name"),
    "aws_iam_openid_connect_provider": ("arn", "id"),
}
# Arguments the provider changes or fills in: their configured value is not the value.
_NOT_AS_CONFIGURED = frozenset({"tags_all", "name_prefix", "assume_role_policy", "policy"})


def _resource_attribute(evaluator: TfEvaluator, block: Block, kind: str, attr: str) -> Node:
    where = block.location
    if kind in ("aws_iam_role", "aws_iam_user", "aws_iam_policy") and attr in ("name", "id"):
        return _name(evaluator, block)
    if kind in ("aws_iam_role", "aws_iam_user", "aws_iam_policy") and attr == "arn":
        name = pattern_of(_name(evaluator, block))
        path = "/"
        if "path" in block.attributes:
            path = pattern_of(evaluator.attribute(block.attributes["path"]))
        resource = {"aws_iam_role": "role", "aws_iam_user": "user",
                    "aws_iam_policy": "policy"}[kind]
        return from_pattern(f"arn:{HOLE}:iam::{HOLE}:{resource}{path}{name}", where,
                            f"{kind}.{block.labels[1]}.arn")
    if kind == "aws_iam_openid_connect_provider" and attr in ("arn", "id"):
        return _oidc_attribute(evaluator, block, "arn")
    configured = block.attributes.get(attr)
    if configured is not None and attr not in _NOT_AS_CONFIGURED:
        return evaluator.attribute(configured)
    return unknown(where, f"{kind}.{block.labels[1]}.{attr}")


def _name(evaluator: TfEvaluator, block: Block) -> Node:
    """A named IAM resource's name: configured, ``name_prefix`` + a generated suffix."""
    where = block.location
    configured = block.attributes.get("name")
    if configured is not None:
        value = evaluator.attribute(configured)
        if not is_null(value):
            return value
    prefix = block.attributes.get("name_prefix")
    if prefix is not None:
        value = evaluator.attribute(prefix)
        if not is_null(value):
            return from_pattern(pattern_of(value) + HOLE, value.location, value.source)
    return unknown(where, f"{'.'.join(block.labels)}.name")


def _oidc_attribute(evaluator: TfEvaluator, block: Block, attr: str) -> Node:
    where = block.location
    configured = block.attributes.get("url")
    url = evaluator.attribute(configured) if configured is not None else unknown(where)
    if attr == "url":
        return url
    if "arn" in block.attributes:  # the data source may be looked up by ARN
        return evaluator.attribute(block.attributes["arn"])
    host = pattern_of(url) if not is_null(url) else HOLE
    for scheme in ("https://", "http://"):
        if host.startswith(scheme):
            host = host[len(scheme):]
    return from_pattern(f"arn:{HOLE}:iam::{HOLE}:oidc-provider/{host}", where,
                        f"{'.'.join(block.labels)}.arn")


def _template_file(evaluator: TfEvaluator, block: Block) -> Node:
    """``data "template_file"``: its ``template`` text rendered with its ``vars``."""
    where = block.location
    template_attr = block.attributes.get("template")
    if template_attr is None:
        return unknown(where, "template_file")
    template = evaluator.attribute(template_attr)
    variables_attr = block.attributes.get("vars")
    variables: dict[str, Node] = {}
    if variables_attr is not None:
        value = evaluator.attribute(variables_attr)
        if not value.known:
            return unknown(where, "template_file")
        variables = members(value) if not is_null(value) else {}
    parts = template_parts(template)
    if parts is None:
        return unknown(where, "template_file")
    from assume_lint.parsers.tfeval.evaluator import TemplateEvaluator

    rendered = templates.render(parts, TemplateEvaluator(evaluator.context, variables)
                                .template_value)
    return evaluator._rendered(rendered, where, f"data.template_file.{block.labels[1]}")


def template_parts(template: Node) -> list[templates.Part] | None:
    """A template given as a value (``file(...)``, a heredoc) parsed as a template,
    its characters still located where they were written; None when unknown."""
    if isinstance(template, RenderedNode) and template.rendered is not None:
        rendered = template.rendered
        if rendered.holes:
            return None
        located = _rendered_locate(rendered)
        try:
            return templates.parse_text(rendered.text, located)
        except templates.Malformed:
            return None
    text = string_of(template) if template.known else None
    if text is None:
        return None
    line, column, rel = template.location.line, template.location.column, template.location.path
    try:
        return templates.parse_text(text, lambda offset: (rel, line, column))
    except templates.Malformed:
        return None


def _rendered_locate(rendered: templates.Rendered) -> templates.Locate:
    """Offsets of a rendered text -> where each character was written."""
    import bisect

    starts = [p.start for p in rendered.pieces]

    def locate(offset: int) -> tuple[str, int, int]:
        index = max(0, bisect.bisect_right(starts, offset) - 1)
        piece = rendered.pieces[index]
        place = piece.location(min(max(offset, piece.start), piece.end - 1))
        return place.path, place.line, place.column

    return locate


# --------------------------------------------------------------------------- documents


@dataclasses.dataclass
class Nested:
    """One nested block of a block, static or produced by a ``dynamic`` block."""

    block: Block
    evaluator: TfEvaluator
    symbolic: bool = False  # from a dynamic block over an unknown collection


def nested(evaluator: TfEvaluator, block: Block, kind: str) -> list[Nested]:
    """The ``kind`` blocks inside ``block``, ``dynamic "kind"`` ones expanded in place."""
    out: list[Nested] = []
    for child in block.blocks:
        if child.type == kind:
            out.append(Nested(child, evaluator))
        elif child.type == "dynamic" and child.labels[:1] == (kind,):
            out.extend(_dynamic(evaluator, child, kind))
    return out


def _dynamic(evaluator: TfEvaluator, block: Block, kind: str) -> list[Nested]:
    content = next(block.blocks_of("content"), None)
    for_each = block.attributes.get("for_each")
    if content is None or for_each is None:
        return []
    name = kind
    iterator = block.attributes.get("iterator")
    if iterator is not None:
        text = evaluator.source(iterator.expr)
        if text.isidentifier():
            name = text
    collection = evaluator.value(for_each.expr)
    if not collection.known:
        symbol = Node({"key": unknown(collection.location, f"{name}.key"),
                       "value": unknown(collection.location, f"{name}.value")},
                      collection.location)
        return [Nested(content, evaluator.bind({name: symbol}), True)]
    if is_null(collection):
        return []
    try:
        if isinstance(collection.value, dict) and not isinstance(collection, EncodedNode):
            pairs = [(Node(k, v.key_location or v.location), v)
                     for k, v in sorted(collection.value.items())]
        else:
            pairs = [(Node(i, v.location), v) for i, v in enumerate(elements(collection))]
    except EvalError:
        return []
    return [
        Nested(content, evaluator.bind({name: Node({"key": k, "value": v}, v.location)}))
        for k, v in pairs
    ]


def fields(evaluator: TfEvaluator, block: Block) -> dict[str, Node]:
    """A block's attributes, evaluated (nested blocks are read separately)."""
    return {name: evaluator.attribute(attr) for name, attr in block.attributes.items()}


def policy_document(evaluator: TfEvaluator, block: Block) -> Node:
    """``data "aws_iam_policy_document"`` as an IAM-JSON-shaped Node, locations kept."""
    where = block.location
    name = f"data.aws_iam_policy_document.{block.labels[-1]}"
    values = fields(evaluator, block)
    merged_from = []
    for attr in ("source_policy_documents", "source_json", "override_policy_documents",
                 "override_json"):
        value = values.get(attr)
        if value is None or is_null(value):
            continue
        documents = _documents(value, attr.endswith("_json"))
        if documents is None:
            return unknown(where, name)
        merged_from.append((attr.startswith("override"), documents))
    statements: list[Node] = []
    symbolic = False
    dynamic = any(b.type == "dynamic" and b.labels[:1] == ("statement",) for b in block.blocks)
    for item in nested(evaluator, block, "statement"):
        statements.append(statement(item.evaluator, item.block))
        symbolic = symbolic or item.symbolic
    if dynamic and not statements and not merged_from:
        return unknown(where, name)  # every statement depends on inputs it did not get
    for override, documents in merged_from:
        statements = _merge_statements(statements, documents, override)
    version = values.get("version") or Node("2012-10-17", where)
    document: dict[str, Node] = {"Version": version}
    if "policy_id" in values:
        document["Id"] = values["policy_id"]
    document["Statement"] = Node(statements, where, key_location=where)
    return EncodedNode(document, where, encoding="policy_document")


def _documents(value: Node, single: bool) -> list[list[Node]] | None:
    """The statement lists of ``source_policy_documents`` (a list of JSON documents) or
    ``source_json`` (one); None when any is unknown."""
    items = [value] if single else (elements(value) if value.known else None)
    if items is None:
        return None
    out: list[list[Node]] = []
    for item in items:
        document = json_document(item)
        if document is None or not document.known:
            return None
        found = document.get_ci("Statement")
        if found is None or not found.known:
            return None
        out.append(found.elements())
    return out


def json_document(value: Node) -> Node | None:
    """A policy given as a JSON value: a document object, None when unknown."""
    if isinstance(value, EncodedNode):
        return value if value.known else None
    if isinstance(value, RenderedNode) and value.rendered is not None:
        parsed = templates.rendered_json(value.rendered, value.location.path)
        return parsed if isinstance(parsed, Node) else None
    if not value.known or not isinstance(value.value, str):
        return None
    from assume_lint.parsers.hcl import parse_json_text

    parsed_text = parse_json_text(value.value, value.location.path)
    return parsed_text if isinstance(parsed_text, Node) else None


def _sid(statement: Node) -> str | None:
    found = statement.get_ci("Sid")
    return found.value if found is not None and isinstance(found.value, str) and \
        found.value else None


def _merge_statements(current: list[Node], documents: list[list[Node]], override: bool
                      ) -> list[Node]:
    """The AWS provider's merge: source documents first, overridden by the current
    document's statements with the same Sid; override documents replace the current
    statements with their Sid, the rest appended."""
    if not override:
        base: list[Node] = []
        for statements in documents:
            base = _overlay(base, statements)
        return _overlay(base, current)
    merged = list(current)
    for statements in documents:
        merged = _overlay(merged, statements)
    return merged


def _overlay(base: list[Node], statements: Sequence[Node]) -> list[Node]:
    out = list(base)
    for item in statements:
        sid = _sid(item)
        position = next((i for i, old in enumerate(out) if sid and _sid(old) == sid), None)
        if position is None:
            out.append(item)
        else:
            out[position] = item
    return out


def statement(evaluator: TfEvaluator, block: Block) -> Node:
    """One ``statement`` block (its nested blocks static or dynamic) as IAM JSON."""
    values_in = fields(evaluator, block)
    values: dict[str, Node] = {}
    sid = values_in.get("sid")
    if sid is not None and not is_null(sid):
        values["Sid"] = sid
    effect = values_in.get("effect")
    values["Effect"] = effect if effect is not None and not is_null(effect) else \
        Node("Allow", block.location)
    for name, key in _STATEMENT_LISTS.items():
        given = values_in.get(name)
        if given is None or is_null(given):
            continue
        if not given.known and name != "actions":
            # it may be null (absent) or not: what the statement means is unknown
            return unknown(block.location, "statement")
        values[key] = given
    for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = nested(evaluator, block, kind)
        if blocks:
            values[key] = principals_node(
                [(b.block.location, fields(b.evaluator, b.block)) for b in blocks])
    conditions = nested(evaluator, block, "condition")
    if conditions:
        values["Condition"] = conditions_node(
            [(b.block.location, fields(b.evaluator, b.block)) for b in conditions])
    return Node(values, block.location)


def principals_node(blocks: Sequence[tuple[Location, Fields]]) -> Node:
    """``principals { type, identifiers }`` blocks (where each is, and its fields) ->
    ``{"AWS": [...], ...}`` or ``"*"``. Serves the HCL and the JSON syntax alike."""
    merged: dict[str, Node] = {}
    for where, block_fields in blocks:
        kind, identifiers = block_fields.get("type"), block_fields.get("identifiers")
        if kind is None or identifiers is None:
            continue
        type_name = kind.text()
        if type_name is None:
            return unknown(where, kind.source)
        if type_name == "*":
            star = identifiers.elements()[0] if identifiers.elements() else identifiers
            return Node("*", star.location, star.known, star.source, where)
        existing = merged.get(type_name)
        if existing is not None and existing.is_list and identifiers.is_list:
            merged[type_name] = dataclasses.replace(
                existing, value=[*existing.value, *identifiers.value])
        else:
            merged[type_name] = dataclasses.replace(identifiers, key_location=kind.key_location)
    first = blocks[0][0]
    return Node(merged, first, key_location=first)


def conditions_node(blocks: Sequence[tuple[Location, Fields]]) -> Node:
    """``condition { test, variable, values }`` blocks -> ``{test: {variable: values}}``."""
    operators: dict[str, dict[str, Node]] = {}
    placed: dict[str, tuple[Location, Location | None]] = {}
    for where, block_fields in blocks:
        test, variable = block_fields.get("test"), block_fields.get("variable")
        values = block_fields.get("values")
        if test is None or variable is None or values is None:
            continue
        test_name, key = test.text(), variable.text()
        if test_name is None or key is None:
            return unknown(where, "condition")
        operator = operators.setdefault(test_name, {})
        placed.setdefault(test_name, (where, test.key_location))
        located = dataclasses.replace(values, key_location=variable.location)
        existing = operator.get(key)
        if existing is not None and existing.is_list and located.is_list:
            operator[key] = dataclasses.replace(existing, value=[*existing.value, *located.value])
        else:
            operator[key] = located
    first = blocks[0][0]
    nodes = {
        name: Node(keys, placed[name][0], key_location=placed[name][1])
        for name, keys in operators.items()
    }
    return Node(nodes, first, key_location=first)

"""CloudFormation templates (YAML and JSON, CDK's ``cdk.out`` output): IAM roles.

Every ``AWS::IAM::Role`` resource becomes a :class:`~assume_lint.model.Role` whose trust
policy is read by the shared builder (:func:`assume_lint.parsers.policy.build_trust`), so
a template gives the same statements, at their own lines, as the same policy written in
JSON or Terraform.

Both syntaxes become one located Node tree: YAML short tags (``!Ref``, ``!Sub``...) are
turned into the JSON long form (``{"Ref": ...}``, ``{"Fn::Sub": ...}``) by
:func:`assume_lint.parsers.yamlloc.cfn_long_form`, so one evaluator serves both.

Intrinsic functions are evaluated only where the answer is certain:

- ``Ref`` to a Parameter with a ``Default`` gives the default; ``Ref`` to a pseudo
  parameter (``AWS::AccountId``, ``AWS::Partition``...), a parameter without a default
  or a resource is unknown;
- ``Fn::Sub`` gives a string only when every ``${...}`` resolves (its own variables,
  parameter defaults); one unresolved part makes the whole string unknown: we never
  guess an account id or a partition;
- ``Fn::Join`` and ``Fn::Select`` over known values; ``Fn::FindInMap`` over ``Mappings``;
- ``Fn::If`` (the condition's value is a deploy-time fact), ``Fn::GetAtt``,
  ``Fn::ImportValue`` and everything else are unknown.

Unknown values stay unknown Nodes, so rules stay silent about them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assume_lint.findings import Location
from assume_lint.model import Attr, Model, ParseProblem, Role
from assume_lint.parsers import per_file
from assume_lint.parsers.jsonloc import JsonError, parse_json
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import build_trust
from assume_lint.parsers.yamlloc import YamlError, cfn_long_form, load
from assume_lint.secrets import mask_text
from assume_lint.sources import SourceFile

ROLE_TYPE = "AWS::IAM::Role"
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SOURCE_LIMIT = 120


@dataclass
class _Template:
    """What intrinsic functions resolve against."""

    parameters: dict[str, Node] = field(default_factory=dict)
    mappings: Node | None = None


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse each template of the unit (one file, normally)."""
    return per_file(parse_file, files)


def parse_file(source: SourceFile) -> Model:
    """One template -> its roles, or a ParseProblem when the YAML/JSON is invalid."""
    model = Model()
    root = load_template(source)
    if isinstance(root, ParseProblem):
        model.problems.append(root)
        return model
    try:
        model.roles.extend(_roles(root, source.rel))
    except RecursionError:
        where = Location(source.rel, 1, 1)
        model.problems.append(ParseProblem(where, "template nested too deeply to evaluate"))
    return model


def load_template(source: SourceFile) -> Node | ParseProblem:
    """The template's Node tree: JSON when it starts with ``{``, YAML otherwise."""
    text = source.text
    if text.lstrip().startswith("{"):
        try:
            return parse_json(text, source.rel)
        except JsonError as exc:
            where = Location(source.rel, exc.line, exc.column)
            return ParseProblem(where, f"invalid JSON: {mask_text(exc.message)}")
    try:
        return load(text, source.rel, schema="yaml11", tag_handler=cfn_long_form)
    except YamlError as exc:
        where = Location(source.rel, exc.line, exc.column)
        return ParseProblem(where, mask_text(exc.message))


# --------------------------------------------------------------------------- roles


def _roles(root: Node, rel: str) -> list[Role]:
    """Every ``AWS::IAM::Role`` under ``Resources``, in file order."""
    resources = root.get("Resources") if root.is_map else None
    if resources is None or not resources.is_map:
        return []
    template = _Template(_parameters(root), root.get("Mappings"))
    roles: list[Role] = []
    for logical_id, resource in resources.items():
        kind = resource.get("Type") if resource.is_map else None
        if kind is None or kind.value != ROLE_TYPE:
            continue
        roles.append(_role(logical_id, resource, template, rel))
    return roles


def _parameters(root: Node) -> dict[str, Node]:
    """Parameter name -> its ``Default`` (only parameters that have one)."""
    found: dict[str, Node] = {}
    parameters = root.get("Parameters")
    for name, spec in parameters.items() if parameters is not None else ():
        default = spec.get("Default") if spec.is_map else None
        if default is not None and default.known:
            found[name] = default
    return found


def _role(logical_id: str, resource: Node, template: _Template, rel: str) -> Role:
    """One role resource; its trust policy evaluated and read by the shared builder."""
    where = resource.key_location or resource.location
    properties = resource.get("Properties")
    props = dict(properties.items()) if properties is not None and properties.is_map else {}
    name_node = props.get("RoleName")
    name = evaluate(name_node, template).text() if name_node is not None else None
    role = Role(
        address=f"{rel}#{logical_id}",
        location=where,
        name=name or logical_id,
        max_session_duration=_attr(props.get("MaxSessionDuration"), template),
        trust_known=False,
    )
    raw = props.get("AssumeRolePolicyDocument")
    if raw is None:
        return role
    trust_location = raw.key_location or raw.location
    document = _document(evaluate(raw, template), rel)
    if isinstance(document, ParseProblem):
        message = f"AssumeRolePolicyDocument is not valid JSON: {document.message}"
        return _replace(role, trust_location, structure=((document.location, message),))
    trust = build_trust(document)
    return Role(
        address=role.address,
        location=role.location,
        name=role.name,
        statements=trust.statements,
        trust_known=trust.known,
        trust_location=trust_location,
        version=trust.version,
        has_version=trust.has_version,
        max_session_duration=role.max_session_duration,
        structure_errors=trust.problems,
    )


def _replace(
    role: Role, trust_location: Location, structure: tuple[tuple[Location, str], ...]
) -> Role:
    return Role(
        address=role.address,
        location=role.location,
        name=role.name,
        trust_known=False,
        trust_location=trust_location,
        max_session_duration=role.max_session_duration,
        structure_errors=structure,
    )


def _document(node: Node, rel: str) -> Node | ParseProblem:
    """The policy object; a policy given as a JSON string is parsed, located at the string."""
    if not node.known or not isinstance(node.value, str):
        return node
    at = node.location
    try:
        parsed = parse_json(node.value, rel, locate=lambda _offset: (at.line, at.column))
    except JsonError as exc:
        return ParseProblem(at, mask_text(exc.message))
    parsed.key_location = node.key_location
    return parsed


def _attr(node: Node | None, template: _Template) -> Attr | None:
    """A scalar property as an Attr located at its key (None when absent)."""
    if node is None:
        return None
    value = evaluate(node, template)
    text = value.source if value.known and value.source and _is_number(value) else value.text()
    return Attr(text, node.key_location or node.location, value.source or (text or ""))


def _is_number(node: Node) -> bool:
    return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


# --------------------------------------------------------------------------- intrinsics


def _intrinsic(node: Node) -> tuple[str, Node] | None:
    """``(name, argument)`` when ``node`` is a one-key ``Ref``/``Fn::*`` mapping."""
    if not isinstance(node.value, dict) or len(node.value) != 1:
        return None
    name, argument = next(iter(node.value.items()))
    if name == "Ref" or name.startswith("Fn::"):
        return name, argument
    return None


def evaluate(node: Node, template: _Template) -> Node:
    """``node`` with its intrinsic functions evaluated (a new tree; the input is kept).

    A resolved intrinsic takes the location of the place it is written (the finding
    belongs where the author wrote ``!Ref``), keeping the key location of its slot.
    """
    found = _intrinsic(node)
    if found is not None:
        name, argument = found
        result = _call(name, argument, node, template)
        result.key_location = node.key_location
        return result
    if isinstance(node.value, dict):
        values = {k: evaluate(v, template) for k, v in node.value.items()}
        return _copy(node, values)
    if isinstance(node.value, list):
        return _copy(node, [evaluate(v, template) for v in node.value])
    return node


def _copy(node: Node, value: object) -> Node:
    return Node(
        value, node.location, node.known, node.source, node.key_location, node.duplicate_keys
    )


def _unknown(node: Node) -> Node:
    """An unknown value standing where ``node`` (an intrinsic) was written."""
    source = node.source or _describe(node)
    return Node(None, node.location, known=False, source=source, key_location=node.key_location)


def _describe(node: Node) -> str:
    """A short text for an intrinsic written in JSON (YAML nodes keep their own text)."""
    found = _intrinsic(node)
    if found is None:
        return ""
    name, argument = found
    shown = argument.text() or ("[...]" if argument.is_list else "{...}")
    text = f"{name} {shown}"
    if len(text) > _SOURCE_LIMIT:
        text = text[: _SOURCE_LIMIT - 3] + "..."
    return mask_text(text)


def _call(name: str, argument: Node, node: Node, template: _Template) -> Node:
    """Evaluate one intrinsic; unknown unless the value is certain."""
    handler = _HANDLERS.get(name)
    if handler is None:
        return _unknown(node)
    value = handler(argument, template)
    if value is None or not value.known:
        return _unknown(node)
    return _copy_at(value, node.location)


def _copy_at(value: Node, location: Location) -> Node:
    """A resolved value placed at the intrinsic's location (scalars) or kept (trees)."""
    if isinstance(value.value, (dict, list)):
        return _copy(value, value.value)
    return Node(value.value, location, True, value.source, None, ())


def _ref(argument: Node, template: _Template) -> Node | None:
    name = argument.value if argument.known else None
    if not isinstance(name, str):
        return None
    return template.parameters.get(name)  # pseudo parameters and resources: unknown


def _sub(argument: Node, template: _Template) -> Node | None:
    """``Fn::Sub``: ``"text"`` or ``["text", {"Var": value}]``; all parts must resolve."""
    variables: dict[str, Node] = {}
    text_node = argument
    if argument.is_list:
        items = argument.elements()
        if len(items) != 2 or not items[1].is_map:
            return None
        text_node = items[0]
        variables = {k: evaluate(v, template) for k, v in items[1].items()}
    if not text_node.known or not isinstance(text_node.value, str):
        return None
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"  # ${!Literal} is written as-is
        value = variables.get(name) or template.parameters.get(name.strip())
        text = value.text() if value is not None and value.known else None
        if text is None:
            unresolved = True
            return ""
        return text

    result = _SUB_VARIABLE.sub(replace, text_node.value)
    if unresolved:
        return None
    return Node(result, text_node.location)


def _strings(node: Node, template: _Template) -> list[str] | None:
    """The texts of a list argument (itself possibly an intrinsic), None unless all known."""
    value = evaluate(node, template)
    if not value.known or not value.is_list:
        return None
    texts = [item.text() if item.known else None for item in value.elements()]
    if any(t is None for t in texts):
        return None
    return [t for t in texts if t is not None]


def _join(argument: Node, template: _Template) -> Node | None:
    items = argument.elements() if argument.is_list else []
    if len(items) != 2:
        return None
    delimiter = evaluate(items[0], template).text()
    parts = _strings(items[1], template)
    if delimiter is None or parts is None:
        return None
    return Node(delimiter.join(parts), argument.location)


def _select(argument: Node, template: _Template) -> Node | None:
    items = argument.elements() if argument.is_list else []
    if len(items) != 2:
        return None
    index = evaluate(items[0], template).text()
    values = evaluate(items[1], template)
    if index is None or not index.isdigit() or not values.known or not values.is_list:
        return None
    elements = values.elements()
    position = int(index)
    return elements[position] if position < len(elements) else None


def _find_in_map(argument: Node, template: _Template) -> Node | None:
    items = argument.elements() if argument.is_list else []
    if len(items) != 3 or template.mappings is None:
        return None
    current: Node | None = template.mappings
    for item in items:
        key = evaluate(item, template).text()
        if key is None or current is None:
            return None
        current = current.get(key)
    if current is None:
        return None
    return evaluate(current, template)


_HANDLERS = {
    "Ref": _ref,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::FindInMap": _find_in_map,
}

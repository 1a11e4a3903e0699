"""CloudFormation templates (YAML and JSON, SAM, CDK's ``cdk.out`` output): IAM roles.

Every ``AWS::IAM::Role`` resource becomes a :class:`~assume_lint.model.Role` whose trust
policy is read by the shared builder (:func:`assume_lint.parsers.policy.build_trust`), so
a template gives the same statements, at their own lines, as the same policy written in
JSON or Terraform. SAM templates (``Transform: AWS::Serverless-2016-10-31``) are
CloudFormation templates too.

Both syntaxes become one located Node tree: YAML short tags (``!Ref``, ``!Sub``...) are
turned into the JSON long form (``{"Ref": ...}``, ``{"Fn::Sub": ...}``) by
:func:`assume_lint.parsers.yamlloc.cfn_long_form`, so one evaluator serves both.

What the evaluator knows:

- **Parameters.** A value supplied in a parameter file (``--cfn-parameters``) is certain.
  Otherwise a ``Default`` is the template's stated configuration: it is used, and the
  role is marked as evaluated "with the template's default parameters" (a deployment
  variant; see :class:`~assume_lint.model.findings.Variant`), so a finding that depends on it
  says so. A parameter with ``AllowedValues`` and no default is evaluated once per
  allowed value ("when Env is prod"). A parameter with neither is unknown.
- **Pseudo parameters** (``AWS::AccountId``, ``AWS::Partition``...) are unknown, but
  understood structurally: ``!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:...``
  keeps its known parts with :data:`~assume_lint.model.HOLE` for each unknown one.
  ``AWS::NoValue`` removes the property or list element that holds it.
- **Resources.** ``Ref`` and ``GetAtt .Arn`` of an ``AWS::IAM::OIDCProvider`` whose
  ``Url`` is known give its ARN with the account and partition unknown; other resource
  references are unknown.
- **Fn::If**: each branch is a possible deployment. A condition the supplied parameters
  and literals decide is followed; any other is evaluated both ways, the role once per
  combination ("when CreateProvider is false"), and the engine reports a problem that
  holds in every combination once, plainly. At most :data:`MAX_VARIANTS` combinations of
  one role are evaluated; conditions and parameters met beyond that stay unknown (their
  values silent), so a pathological template costs linear time, not exponential.
- ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap`` (over
  ``Mappings``); ``Fn::GetAtt`` of anything else, ``Fn::ImportValue`` and the rest are
  unknown.

Unknown values stay unknown Nodes (with their known parts in ``partial``), so rules stay
silent about them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from assume_lint.files.secrets import mask_text
from assume_lint.files.sources import SourceFile
from assume_lint.model import HOLE, Attr, Model, ParseProblem, Role
from assume_lint.model.findings import Location, Variant
from assume_lint.parsers import per_file
from assume_lint.parsers.jsonloc import JsonError, parse_json
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import build_trust
from assume_lint.parsers.yamlloc import MultipleDocuments, YamlError, cfn_long_form, load

ROLE_TYPE = "AWS::IAM::Role"
OIDC_PROVIDER_TYPE = "AWS::IAM::OIDCProvider"
MAX_VARIANTS = 16
DEFAULTS_PHRASE = "with the template's default parameters"
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SOURCE_LIMIT = 120
_NO_VALUE = "AWS::NoValue"
_NO_VALUE_SOURCE = "\0" + _NO_VALUE  # the source of the node standing for "no value"
_CONDITION_DEPTH = 32


@dataclass(frozen=True)
class _Param:
    """A declared parameter: its default, allowed values and supplied value."""

    default: Node | None
    allowed: tuple[Node, ...]
    location: Location


class _Choice(Exception):
    """Raised when an evaluation meets an undecided choice (an Fn::If condition, a
    parameter with allowed values) that the explorer must try each way."""

    def __init__(self, key: str, count: int) -> None:
        super().__init__(key)
        self.key = key
        self.count = count


@dataclass
class _Template:
    """What intrinsic functions resolve against, and the evaluation in progress."""

    parameters: dict[str, _Param] = field(default_factory=dict)
    mappings: Node | None = None
    conditions: dict[str, Node] = field(default_factory=dict)
    resources: dict[str, Node] = field(default_factory=dict)
    supplied: Mapping[str, str | None] = field(default_factory=dict)
    # the current evaluation: chosen options, how many more variants may be opened, and
    # whether a parameter default was used
    chosen: dict[str, int] = field(default_factory=dict)
    budget: int = 0
    used_default: bool = False
    ignore_defaults: bool = False  # the witness evaluation: defaults are unknown
    _deciding: set[str] = field(default_factory=set)

    def choose(self, key: str, count: int) -> int | None:
        """The option taken for ``key`` in this evaluation; None when the variant budget
        is spent (the value stays unknown)."""
        if key in self.chosen:
            return self.chosen[key]
        if count == 1:
            return 0
        if count - 1 <= self.budget:
            raise _Choice(key, count)
        return None

    def parameter(self, name: str) -> Node | None:
        """A parameter's value in this evaluation (None: unknown or not a parameter)."""
        spec = self.parameters.get(name)
        if spec is None:
            return None
        if name in self.supplied:
            value = self.supplied[name]
            return None if value is None else Node(value, spec.location)
        if spec.default is not None:
            self.used_default = True
            return None if self.ignore_defaults else spec.default
        if spec.allowed:
            index = self.choose(f"param:{name}", len(spec.allowed))
            return None if index is None else spec.allowed[index]
        return None

    def condition(self, name: str) -> bool | None:
        """A condition's value: decided by supplied parameters and literals, else each
        way in turn (a choice), else unknown."""
        expression = self.conditions.get(name)
        if expression is None or name in self._deciding:
            return None
        if len(self._deciding) > _CONDITION_DEPTH:
            return None
        self._deciding.add(name)
        try:
            decided = _decide(expression, self)
        finally:
            self._deciding.discard(name)
        if decided is not None:
            return decided
        index = self.choose(f"if:{name}", 2)
        return None if index is None else index == 0

    def certain_text(self, node: Node) -> str | None:
        """A literal or a supplied parameter (``Ref``), for deciding conditions: defaults
        are not facts about a deployment, so they never decide an ``Fn::If``."""
        found = _intrinsic(node)
        if found is None:
            return node.text()
        name, argument = found
        if name == "Ref" and argument.text() in self.supplied:
            return self.supplied[argument.text() or ""]  # None: supplied, but unknown
        return None

    def clause(self) -> str:
        """The choices of the current evaluation as a phrase ("when A is true and Env
        is prod"); empty when nothing was chosen."""
        parts = []
        for key, index in self.chosen.items():
            kind, _, name = key.partition(":")
            if kind == "if":
                parts.append(f"when {name} is {'true' if index == 0 else 'false'}")
            else:
                value = self.parameters[name].allowed[index].text()
                parts.append(f"when {name} is {value}")
        return " and ".join(parts)


@dataclass(frozen=True)
class _Leaf:
    """One evaluation of a role: its choices, their phrase, whether a default was used."""

    chosen: dict[str, int]
    clause: str
    used_default: bool
    role: Role


def _decide(expression: Node, template: _Template) -> bool | None:
    """A condition expression's value when certain (``Fn::Equals`` of literals or
    supplied parameters, ``And``/``Or``/``Not``, ``Condition`` references)."""
    found = _intrinsic(expression) or _condition_ref(expression)
    if found is None:
        return None
    name, argument = found
    items = argument.elements() if argument.is_list else [argument]
    if name == "Fn::Equals" and len(items) == 2:
        left, right = (template.certain_text(item) for item in items)
        return None if left is None or right is None else left == right
    if name == "Condition":
        referenced = argument.text()
        return template.condition(referenced) if referenced else None
    values = [_decide(item, template) for item in items]
    if name == "Fn::Not" and len(values) == 1:
        return None if values[0] is None else not values[0]
    if name == "Fn::And":
        return False if False in values else (True if None not in values else None)
    if name == "Fn::Or":
        return True if True in values else (False if None not in values else None)
    return None


def _condition_ref(node: Node) -> tuple[str, Node] | None:
    if isinstance(node.value, dict) and len(node.value) == 1 and "Condition" in node.value:
        return "Condition", node.value["Condition"]
    return None


def parse_unit(
    files: Sequence[SourceFile], supplied: Mapping[str, str | None] | None = None
) -> Model:
    """Parse each template of the unit (one file, normally), with the parameter values
    a parameter file supplies for it."""
    return per_file(partial(parse_file, supplied=supplied), files)


def parse_file(source: SourceFile, supplied: Mapping[str, str | None] | None = None) -> Model:
    """One template -> its roles, or a ParseProblem when the YAML/JSON is invalid.

    ``supplied`` holds parameter values from parameter files: they replace defaults (a
    value of None is supplied but unknown, e.g. the AWS CLI's ``UsePreviousValue``).
    """
    model = Model()
    root = load_template(source)
    if root is None:
        return model  # a stream of several YAML documents: no template
    if isinstance(root, ParseProblem):
        model.problems.append(root)
        return model
    try:
        _roles(root, source.rel, supplied or {}, model)
    except RecursionError:
        where = Location(source.rel, 1, 1)
        model.problems.append(ParseProblem(where, "template nested too deeply to evaluate"))
    return model


def load_template(source: SourceFile) -> Node | ParseProblem | None:
    """The template's Node tree: JSON when it starts with ``{``, YAML otherwise; None
    for a stream of several YAML documents (valid YAML, but CloudFormation reads one)."""
    text = source.text
    if text.lstrip().startswith("{"):
        try:
            return parse_json(text, source.rel)
        except JsonError as exc:
            where = Location(source.rel, exc.line, exc.column)
            return ParseProblem(where, f"invalid JSON: {mask_text(exc.message)}")
    try:
        return load(text, source.rel, schema="yaml11", tag_handler=cfn_long_form)
    except MultipleDocuments:
        return None
    except YamlError as exc:
        where = Location(source.rel, exc.line, exc.column)
        return ParseProblem(where, mask_text(exc.message))


# --------------------------------------------------------------------------- roles


def _section(root: Node, name: str) -> dict[str, Node]:
    node = root.get(name)
    return dict(node.items()) if node is not None and node.is_map else {}


def _roles(
    root: Node, rel: str, supplied: Mapping[str, str | None], model: Model
) -> None:
    """Every ``AWS::IAM::Role`` under ``Resources``, in file order, once per variant."""
    resources = root.get("Resources") if root.is_map else None
    if resources is None or not resources.is_map:
        return
    template = _Template(
        parameters=_parameters(root),
        mappings=root.get("Mappings"),
        conditions=_section(root, "Conditions"),
        resources=dict(resources.items()),
        supplied=supplied,
    )
    for logical_id, resource in resources.items():
        kind = resource.get("Type") if resource.is_map else None
        if kind is None or kind.value != ROLE_TYPE:
            continue
        build = partial(_role, logical_id, resource, template, rel)
        leaves = explore(build, template)
        if len(leaves) == 1 and not leaves[0].chosen and not leaves[0].used_default:
            model.roles.append(leaves[0].role)
            continue
        group = f"{rel}#{logical_id}"
        for leaf in leaves:
            model.roles.extend(_variant_roles(leaf, group, build, template))
        model.variants[group] = tuple(dict.fromkeys(leaf.clause for leaf in leaves))


def _variant_roles(
    leaf: _Leaf, group: str, build: Callable[[], Role], template: _Template
) -> list[Role]:
    """The role of one evaluation with its variant; when it used a parameter default,
    also the witness evaluated with the defaults unknown, which tells the engine which
    problems do not depend on them (those are reported without the defaults phrase)."""
    if not leaf.used_default:
        return [replace(leaf.role, variant=Variant(group, leaf.clause))]
    phrase = f"{DEFAULTS_PHRASE} {leaf.clause}".rstrip()
    variant = Variant(group, phrase, plain_phrase=leaf.clause)
    template.chosen, template.budget, template.ignore_defaults = dict(leaf.chosen), 0, True
    try:
        witness = build()
    except _Choice:  # pragma: no cover - no budget: choices are never raised
        return [replace(leaf.role, variant=variant)]
    finally:
        template.chosen, template.ignore_defaults = {}, False
    return [
        replace(leaf.role, variant=variant),
        replace(witness, variant=Variant(group, leaf.clause, witness=True)),
    ]


def explore(build: Callable[[], Role], template: _Template) -> list[_Leaf]:
    """``build`` evaluated once per combination of the choices it meets.

    Depth first, re-evaluating from the start with one more choice fixed each time: a
    trust policy is small, and this keeps the evaluator free of continuations. At most
    :data:`MAX_VARIANTS` results: a choice that would exceed it stays unknown.
    """
    pending: list[dict[str, int]] = [{}]
    done: list[_Leaf] = []
    while pending:
        chosen = pending.pop(0)
        template.chosen = chosen
        template.budget = MAX_VARIANTS - len(done) - len(pending) - 1
        template.used_default = False
        try:
            result = build()
        except _Choice as choice:
            pending[0:0] = [{**chosen, choice.key: i} for i in range(choice.count)]
            continue
        done.append(_Leaf(chosen, template.clause(), template.used_default, result))
    template.chosen = {}
    return done


def _parameters(root: Node) -> dict[str, _Param]:
    """Every declared parameter with its known ``Default`` and ``AllowedValues``."""
    found: dict[str, _Param] = {}
    for name, spec in _section(root, "Parameters").items():
        default = spec.get("Default") if spec.is_map else None
        allowed = spec.get("AllowedValues") if spec.is_map else None
        values = tuple(
            v for v in (allowed.elements() if allowed is not None and allowed.is_list else ())
            if v.known and v.text() is not None
        )
        known_default = default if default is not None and default.known else None
        found[name] = _Param(known_default, values, spec.key_location or spec.location)
    return found


def _role(logical_id: str, resource: Node, template: _Template, rel: str) -> Role:
    """One role resource; its trust policy evaluated and read by the shared builder."""
    where = resource.key_location or resource.location
    properties = resource.get("Properties")
    props = dict(properties.items()) if properties is not None and properties.is_map else {}
    name_node = props.get("RoleName")
    name = evaluate(name_node, template).text() if name_node is not None else None
    duration = _attr(props.get("MaxSessionDuration"), template)
    template.used_default = False  # only the trust policy's own defaults are phrased
    role = Role(
        address=f"{rel}#{logical_id}",
        location=where,
        name=name or logical_id,
        max_session_duration=duration,
        trust_known=False,
    )
    raw = props.get("AssumeRolePolicyDocument")
    if raw is None:
        return role
    trust_location = raw.key_location or raw.location
    document = _document(evaluate(raw, template), rel)
    if isinstance(document, ParseProblem):
        message = f"AssumeRolePolicyDocument is not valid JSON: {document.message}"
        structure = ((document.location, message),)
        return replace(role, trust_location=trust_location, structure_errors=structure)
    trust = build_trust(document)
    return replace(
        role,
        statements=trust.statements,
        trust_known=trust.known,
        trust_location=trust_location,
        version=trust.version,
        has_version=trust.has_version,
        structure_errors=trust.problems,
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


def _is_no_value(node: Node) -> bool:
    return not node.known and node.source == _NO_VALUE_SOURCE


def evaluate(node: Node, template: _Template) -> Node:
    """``node`` with its intrinsic functions evaluated (a new tree; the input is kept).

    A resolved intrinsic takes the location of the place it is written (the finding
    belongs where the author wrote ``!Ref``), keeping the key location of its slot.
    Entries that evaluate to ``AWS::NoValue`` are left out of maps and lists.
    """
    found = _intrinsic(node)
    if found is not None:
        name, argument = found
        result = _call(name, argument, node, template)
        result.key_location = node.key_location
        return result
    if isinstance(node.value, dict):
        values = {k: evaluate(v, template) for k, v in node.value.items()}
        return _copy(node, {k: v for k, v in values.items() if not _is_no_value(v)})
    if isinstance(node.value, list):
        items = [evaluate(v, template) for v in node.value]
        return _copy(node, [v for v in items if not _is_no_value(v)])
    return node


def _copy(node: Node, value: object) -> Node:
    return Node(
        value, node.location, node.known, node.source, node.key_location, node.duplicate_keys
    )


def _unknown(node: Node, partial: str | None = None) -> Node:
    """An unknown value standing where ``node`` (an intrinsic) was written."""
    source = node.source or _describe(node)
    return Node(
        None, node.location, known=False, source=source, key_location=node.key_location,
        partial=partial,
    )


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
    """Evaluate one intrinsic; unknown (keeping any known parts) unless certain."""
    handler = _HANDLERS.get(name)
    if handler is None:
        return _unknown(node)
    value = handler(argument, template)
    if value is None:
        return _unknown(node)
    if _is_no_value(value):
        return value
    if not value.known:
        return _unknown(node, value.partial)
    return _copy_at(value, node.location)


def _copy_at(value: Node, location: Location) -> Node:
    """A resolved value placed at the intrinsic's location (scalars) or kept (trees)."""
    if isinstance(value.value, (dict, list)):
        return _copy(value, value.value)
    return Node(value.value, location, True, value.source, None, ())


def _partial_node(text: str, location: Location) -> Node:
    """A string with holes: unknown, keeping its known parts (None when none are)."""
    if HOLE not in text:
        return Node(text, location)
    partial = text if text.replace(HOLE, "") else None
    return Node(None, location, known=False, partial=partial)


def _piece(node: Node | None) -> str | None:
    """A node as text for Sub and Join: the literal, the known parts, or one hole;
    None for a list or map (not a string)."""
    if node is None:
        return HOLE
    if node.known:
        return node.text()
    return node.partial if node.partial is not None else HOLE


def _ref(argument: Node, template: _Template) -> Node | None:
    name = argument.text()
    if name is None:
        return None
    if name == _NO_VALUE:
        return Node(None, argument.location, known=False, source=_NO_VALUE_SOURCE)
    value = template.parameter(name)
    if value is not None:
        return value
    resource = template.resources.get(name)
    if resource is not None:
        return _provider_arn(resource, template, argument.location)
    return None  # pseudo parameters, undeclared names: unknown


def _provider_arn(resource: Node, template: _Template, location: Location) -> Node | None:
    """The ARN of an ``AWS::IAM::OIDCProvider`` with its account and partition unknown:
    ``arn:<HOLE>:iam::<HOLE>:oidc-provider/<host>``, the host from its ``Url``."""
    kind = resource.get("Type") if resource.is_map else None
    properties = resource.get("Properties") if resource.is_map else None
    if kind is None or kind.value != OIDC_PROVIDER_TYPE or properties is None:
        return None
    url = properties.get("Url")
    host = _piece(evaluate(url, template)) if url is not None else None
    if host is None or not host.replace(HOLE, ""):
        return None
    host = re.sub(r"^https://", "", host).rstrip("/")
    return _partial_node(f"arn:{HOLE}:iam::{HOLE}:oidc-provider/{host}", location)


def _get_att(argument: Node, template: _Template) -> Node | None:
    """``Fn::GetAtt [Provider, Arn]`` of an OIDC provider; anything else is unknown."""
    items = argument.elements() if argument.is_list else []
    if len(items) != 2:
        return None
    logical, attribute = (evaluate(item, template).text() for item in items)
    resource = template.resources.get(logical or "")
    if resource is None or attribute != "Arn":
        return None
    return _provider_arn(resource, template, argument.location)


def _sub(argument: Node, template: _Template) -> Node | None:
    """``Fn::Sub``: ``"text"`` or ``["text", {"Var": value}]``; an unresolved part is a
    hole (the result keeps its known parts)."""
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
    failed = False

    def replace_variable(match: re.Match[str]) -> str:
        nonlocal failed
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"  # ${!Literal} is written as-is
        value = variables.get(name)
        if value is None:
            value = _sub_variable(name.strip(), template, text_node.location)
        text = _piece(value)
        if text is None:
            failed = True
            return ""
        return text

    result = _SUB_VARIABLE.sub(replace_variable, text_node.value)
    return None if failed else _partial_node(result, text_node.location)


def _sub_variable(name: str, template: _Template, location: Location) -> Node | None:
    """``${Param}``, ``${Resource}``, ``${Resource.Attribute}`` or a pseudo parameter."""
    if "." in name:
        logical, _, attribute = name.partition(".")
        pair = Node([Node(logical, location), Node(attribute, location)], location)
        return _get_att(pair, template)
    return _ref(Node(name, location), template)


def _strings(node: Node, template: _Template) -> list[str] | None:
    """The pieces of a list argument (itself possibly an intrinsic): literals, known
    parts or holes; None when the list itself is unknown or holds a non-string."""
    value = evaluate(node, template)
    if not value.known or not value.is_list:
        return None
    texts = [_piece(item) for item in value.elements()]
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
    return _partial_node(delimiter.join(parts), argument.location)


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


def _split(argument: Node, template: _Template) -> Node | None:
    """``Fn::Split [delimiter, text]`` of a known text: a list of strings."""
    items = argument.elements() if argument.is_list else []
    if len(items) != 2:
        return None
    delimiter = evaluate(items[0], template).text()
    text = evaluate(items[1], template).text()
    if not delimiter or text is None:
        return None
    where = argument.location
    return Node([Node(part, where) for part in text.split(delimiter)], where)


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


def _if(argument: Node, template: _Template) -> Node | None:
    """``Fn::If [Condition, then, else]``: the branch of this evaluation's choice."""
    items = argument.elements() if argument.is_list else []
    if len(items) != 3:
        return None
    name = items[0].text()
    value = template.condition(name) if name else None
    if value is None:
        return None
    return evaluate(items[1] if value else items[2], template)


_HANDLERS: dict[str, Callable[[Node, _Template], Node | None]] = {
    "Ref": _ref,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::GetAtt": _get_att,
    "Fn::If": _if,
}

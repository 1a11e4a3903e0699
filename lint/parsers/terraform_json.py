"""Terraform's JSON syntax (``.tf.json``, ``.tfvars.json``) and ``.json.tpl`` trust templates.

``.tf.json`` files belong to the same module as the folder's ``.tf`` files (variables and
locals are shared), so :mod:`assume_lint.parsers.terraform` hands them to this module:
:func:`load` parses them, :func:`extend_scope` adds their variables, tfvars, locals and
policy documents to the module's scope, and :func:`collect` turns their providers,
backends, remote states and roles into the same model objects as ``.tf`` files, with
exact JSON locations.

In the JSON syntax every string is a template: ``"${var.x}"`` and
``"${jsonencode({...})}"`` are evaluated with the HCL evaluator against the module's
scope (locations mapped back to the characters of the JSON string); a mixed string
(``"arn:aws:iam::${var.account}:root"``) is known only when every interpolation is;
template directives (``%{...}``) and anything unresolvable are unknown.

``.json.tpl`` files (kind ``json-template``, :func:`parse_unit`) are trust policies with
``${placeholder}`` holes filled at deploy time: each hole becomes an unknown value in
place (same width, so columns stay exact) and the document is read with the
conventions of :mod:`assume_lint.parsers.trust_json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from assume_lint.files.secrets import mask_text
from assume_lint.files.sources import SourceFile, line_starts
from assume_lint.model import AssumeAttempt, Model, ParseProblem, Role
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl, per_file
from assume_lint.parsers import terraform_model as tm
from assume_lint.parsers.hcl import (
    Block,
    EncodedNode,
    Evaluator,
    HclFile,
    Scope,
    TemplateNode,
    closing_brace,
)
from assume_lint.parsers.jsonloc import (
    JsonError,
    fixed_locator,
    line_locator,
    offset_of,
    parse_json,
    raw_positions,
    string_locator,
)
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval import datasources

JSON_SUFFIXES = (".tf.json", ".tfvars.json")
_SNIPPET = "\0snippet"  # path suffix marking locations still in snippet coordinates
_PREFIX = "x = "


@dataclass
class JsonFile:
    """A parsed ``.tf.json``/``.tfvars.json`` file."""

    source: SourceFile
    root: Node
    is_vars: bool


@dataclass
class JsonModule:
    """The JSON files of one module folder."""

    files: list[JsonFile] = field(default_factory=list)


def is_json(rel: str) -> bool:
    """True for Terraform JSON-syntax files."""
    return rel.lower().endswith(JSON_SUFFIXES)


# --------------------------------------------------------------------------- loading


def load(files: Sequence[SourceFile], model: Model) -> JsonModule:
    """Parse the JSON files; invalid ones become ParseProblems in ``model``."""
    module = JsonModule()
    for source in sorted(files, key=lambda f: f.rel):
        try:
            root = parse_json(source.text, source.rel)
        except JsonError as exc:
            where = Location(source.rel, exc.line, exc.column)
            model.problems.append(ParseProblem(where, f"invalid JSON: {mask_text(exc.message)}"))
            continue
        if not root.is_map:
            where = root.location
            message = "a Terraform JSON file must hold an object at the top level"
            model.problems.append(ParseProblem(where, message))
            continue
        module.files.append(JsonFile(source, root, source.rel.endswith(".tfvars.json")))
    return module


def _objects(node: Node | None) -> Iterator[Node]:
    """A block body given as an object or as a list of objects (both are valid)."""
    if node is None:
        return
    for item in node.elements():
        if item.is_map:
            yield item


def _labelled(node: Node | None) -> Iterator[tuple[str, Node]]:
    """``{"label": body-or-list-of-bodies}`` -> (label, body) pairs, comments skipped."""
    for container in _objects(node):
        for label, body in container.items():
            if label == "//":
                continue
            for item in _objects(body):
                if item.key_location is None:
                    item.key_location = body.key_location
                yield label, item


def _blocks(jfile: JsonFile, kind: str) -> Iterator[tuple[str, Node]]:
    """Top-level blocks of one type with one label level (``variable``, ``provider``)."""
    yield from _labelled(jfile.root.get(kind))


def _typed(jfile: JsonFile, kind: str, resource_type: str) -> Iterator[tuple[str, Node]]:
    """``resource``/``data`` blocks of one type: (name, body) pairs."""
    for label, types in _labelled_types(jfile.root.get(kind)):
        if label == resource_type:
            yield from _labelled(types)


def _labelled_types(node: Node | None) -> Iterator[tuple[str, Node]]:
    for container in _objects(node):
        for label, body in container.items():
            if label != "//":
                yield label, body


# --------------------------------------------------------------------------- scope


def extend_scope(module: JsonModule, scope: Scope) -> None:
    """Variables (defaults, then ``.tfvars.json``), policy documents and locals."""
    for jfile in module.files:
        if jfile.is_vars:
            continue
        for name, body in _blocks(jfile, "variable"):
            default = body.get("default")
            if default is not None and name not in scope.variables:
                scope.variables[name] = _safe(default, scope, jfile.source)
    for jfile in _tfvars_order(module):
        for name, value in jfile.root.items():
            if name != "//":
                scope.variables[name] = _safe(value, scope, jfile.source)
    for _ in range(3):  # locals and documents may refer to each other
        for jfile in module.files:
            if jfile.is_vars:
                continue
            for body in _objects(jfile.root.get("locals")):
                for name, value in body.items():
                    if name != "//":
                        scope.locals[name] = _safe(value, scope, jfile.source)
            for name, body in _typed(jfile, "data", "aws_iam_policy_document"):
                try:
                    document = _policy_document(name, body, scope, jfile.source)
                except RecursionError:
                    document = hcl.unknown(body.location, f"data.aws_iam_policy_document.{name}")
                scope.policy_documents[name] = document


def _safe(node: Node, scope: Scope, source: SourceFile) -> Node:
    """:func:`evaluate`, or an unknown value when the JSON nests too deeply to walk."""
    try:
        return evaluate(node, scope, source)
    except RecursionError:
        return Node(None, node.location, False, "(nested too deeply)", node.key_location)


def _tfvars_order(module: JsonModule) -> list[JsonFile]:
    """``terraform.tfvars.json`` first, then ``*.auto.tfvars.json`` alphabetically."""
    by_name = {PurePosixPath(f.source.rel).name: f for f in module.files if f.is_vars}
    ordered = [by_name["terraform.tfvars.json"]] if "terraform.tfvars.json" in by_name else []
    ordered += [by_name[n] for n in sorted(by_name) if n.endswith(".auto.tfvars.json")]
    return ordered


# --------------------------------------------------------------------------- evaluation


def evaluate(node: Node, scope: Scope, source: SourceFile) -> Node:
    """A copy of ``node`` with every string template evaluated against ``scope``."""
    if isinstance(node.value, str) and ("${" in node.value or "%{" in node.value):
        result = _template(node, scope, source)
        result.key_location = node.key_location
        return result
    if isinstance(node.value, dict):
        values = {k: evaluate(v, scope, source) for k, v in node.value.items()}
        return Node(values, node.location, True, "", node.key_location, node.duplicate_keys)
    if isinstance(node.value, list):
        items = [evaluate(v, scope, source) for v in node.value]
        return Node(items, node.location, True, "", node.key_location)
    return node


def _unknown(node: Node) -> Node:
    return Node(None, node.location, False, mask_text(str(node.value)), node.key_location)


def _template(node: Node, scope: Scope, source: SourceFile) -> Node:
    """One JSON string as a Terraform template."""
    text: str = node.value
    parts = _split(text)
    if parts is None:
        return _unknown(node)
    if len(parts) == 1 and isinstance(parts[0], tuple):
        start, expr = parts[0]
        value = _snippet(expr, start + 2, node, scope, source)
        if value is None or not value.known:
            return _unknown(node)
        return value
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = _snippet(part[1], part[0] + 2, node, scope, source)
        resolved = value.text() if value is not None else None
        if resolved is None:
            return _unknown(node)
        out.append(resolved)
    return Node("".join(out), node.location, True, mask_text(text), node.key_location)


def _split(text: str) -> list[str | tuple[int, str]] | None:
    """Literal pieces and ``(offset, expression)`` interpolations; None for directives."""
    parts: list[str | tuple[int, str]] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith(("$${", "%%{"), i):
            literal.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith("%{", i):
            return None
        if text.startswith("${", i):
            end = closing_brace(text, i + 2)
            if end < 0:
                return None
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append((i, text[i + 2 : end].strip("~").strip()))
            i = end + 1
            continue
        literal.append(text[i])
        i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _snippet(expr: str, offset: int, node: Node, scope: Scope, source: SourceFile) -> Node | None:
    """Evaluate one interpolation's expression; locations mapped into the JSON string.

    ``offset`` is where the expression text starts in the decoded string.
    """
    if not expr or len(expr) > 100_000:
        return None
    text = f"{_PREFIX}{expr}\n"
    pseudo = source.rel + _SNIPPET
    try:
        tree = hcl.get_parser().parse(text)
        attribute = next(
            c for c in tree.children[0].children if getattr(c, "data", "") == "attribute"
        )
        evaluator = Evaluator(HclFile(pseudo, text, Block("", (), Location(pseudo))), scope)
        value = evaluator.evaluate(attribute.children[-1])
    except RecursionError:
        return None
    except Exception:  # lark raises several unrelated classes: an invalid expression
        return None
    _relocate(value, _mapper(text, offset - len(_PREFIX), node, source), pseudo, source.rel)
    return value


def _mapper(snippet: str, shift: int, node: Node, source: SourceFile) -> Any:
    """Snippet (line, column) -> file (line, column) through the string's raw characters."""
    snippet_locate = _offsets(snippet)
    positions = raw_positions(source.text, offset_of(source.text, node.location) + 1)
    file_locate = line_locator(source.text)
    fallback = (node.location.line, node.location.column)

    def locate(line: int, column: int) -> tuple[int, int]:
        decoded = snippet_locate(line, column) + shift
        if positions is None or not 0 <= decoded < len(positions):
            return fallback
        return file_locate(positions[decoded])

    return locate


def _offsets(text: str) -> Any:
    starts = line_starts(text)

    def offset(line: int, column: int) -> int:
        index = min(max(line, 1), len(starts)) - 1
        return starts[index] + column - 1

    return offset


def _relocate(value: Node, locate: Any, pseudo: str, rel: str) -> None:
    """Move snippet locations into the file; nodes from the scope keep theirs."""
    for current in hcl.walk(value):
        for name in ("location", "key_location"):
            where: Location | None = getattr(current, name)
            if where is None or where.path != pseudo:
                continue
            line, column = locate(where.line, where.column)
            end: tuple[int | None, int | None] = (None, None)
            if where.end_line is not None and where.end_column is not None:
                end = locate(where.end_line, where.end_column)
            setattr(current, name, Location(rel, line, column, end[0], end[1]))
        if isinstance(current, TemplateNode) and current.location.path == rel:
            current.body_line, current.body_column = current.location.line, current.location.column


def collect(module: JsonModule, tf: tm.TfModule) -> None:
    """Providers, backends, remote states and roles of the JSON files."""
    for jfile in module.files:
        if jfile.is_vars:
            continue
        try:
            _collect_file(jfile, tf)
        except RecursionError:
            where = Location(jfile.source.rel, 1, 1)
            tf.model.problems.append(ParseProblem(where, "JSON nested too deeply to evaluate"))


def _collect_file(jfile: JsonFile, tf: tm.TfModule) -> None:
    scope, source = tf.scope, jfile.source
    for name, body in _blocks(jfile, "provider"):
        if name == "aws":
            _provider(tf, evaluate(body, scope, source))
    for terraform_block in _objects(jfile.root.get("terraform")):
        for name, body in _labelled(terraform_block.get("backend")):
            if name == "s3":
                _backend(tf, evaluate(body, scope, source), body)
    for name, body in _typed(jfile, "data", "terraform_remote_state"):
        _remote_state(tf, name, evaluate(body, scope, source), body)
    for name, body in _typed(jfile, "resource", "aws_iam_role"):
        tf.model.roles.append(_role(name, body, evaluate(body, scope, source), source))


def _fields(node: Node) -> dict[str, Node]:
    """A block body's members; a one-element list of objects is that object."""
    return {k: v for k, v in node.items() if k != "//"}


def _nested(fields: dict[str, Node], names: Sequence[str]) -> list[tuple[Location, Node]]:
    """Nested blocks (object or list of objects) with the location of each."""
    found: list[tuple[Location, Node]] = []
    for name in names:
        node = fields.get(name)
        if node is None:
            continue
        if node.is_list:
            found += [(item.location, item) for item in node.elements() if item.is_map]
        elif node.is_map:
            found.append((node.key_location or node.location, node))
    return found


def _provider(tf: tm.TfModule, body: Node) -> None:
    fields = _fields(body)
    alias_node = fields.get("alias")
    alias = alias_node.text() if alias_node is not None else None
    caller = f'provider "aws" (alias {alias})' if alias else 'provider "aws"'
    address = f"provider.aws.{alias}" if alias else "provider.aws"
    tf.model.credentials.extend(tm.credentials(fields, 'provider "aws"'))
    since = len(tf.model.attempts)
    roles = _nested(fields, ("assume_role", "assume_role_with_web_identity"))
    for index, (where, role) in enumerate(roles):
        tm.emit_attempt(
            tf, "provider", caller, address, where, _fields(role), alias=alias, chained=index > 0
        )
    if not roles:
        where = body.key_location or body.location
        attempt = AssumeAttempt("provider", caller, address, where, module=tf.folder, alias=alias)
        tf.model.attempts.append(attempt)
    tm.credential_source(tf.model, since, fields)


def _flatten(fields: dict[str, Node]) -> dict[str, Node]:
    """``assume_role: [{...}]`` -> ``assume_role: {...}`` (the list form of one block)."""
    out = dict(fields)
    for name in ("assume_role", "assume_role_with_web_identity"):
        node = out.get(name)
        if node is not None and node.is_list and len(node.elements()) == 1:
            only = node.elements()[0]
            out[name] = Node(only.value, only.location, only.known, "", node.key_location)
    return out


def _backend(tf: tm.TfModule, body: Node, raw: Node) -> None:
    fields = _flatten(_fields(body))
    context = 'backend "s3"'
    tf.model.credentials.extend(tm.credentials(fields, context))
    since = len(tf.model.attempts)
    _config(
        tf, "backend", context, "terraform.backend.s3", raw.key_location or raw.location, fields
    )
    tm.credential_source(tf.model, since, fields, backend=True)


def _remote_state(tf: tm.TfModule, name: str, body: Node, raw: Node) -> None:
    fields = _fields(body)
    backend = fields.get("backend")
    if backend is None or backend.text() != "s3":
        return
    address = f"data.terraform_remote_state.{name}"
    config = fields.get("config")
    values = _flatten(_fields(config)) if config is not None and config.is_map else {}
    tf.model.credentials.extend(tm.credentials(values, address))
    since = len(tf.model.attempts)
    _config(tf, "remote-state", address, address, raw.key_location or raw.location, values)
    tm.credential_source(tf.model, since, values)


def _config(
    tf: tm.TfModule,
    kind: str,
    caller: str,
    address: str,
    where: Location,
    fields: dict[str, Node],
) -> None:
    old, deprecated = tm.legacy_backend_fields(fields)
    tm.config_attempts(
        tf, kind, caller, address, where, fields, old, deprecated, None, None
    )


def _role(name: str, raw: Node, body: Node, source: SourceFile) -> Role:
    fields = _fields(body)
    policy = fields.get("assume_role_policy")
    role = tm.role_from_fields(f"aws_iam_role.{name}", raw.key_location or raw.location, fields)
    if policy is None:
        return role
    document = _policy_node(policy, source)
    if isinstance(document, ParseProblem):
        message = f"assume_role_policy is not valid JSON: {document.message}"
        return tm.replace_role(role, structure_errors=((document.location, message),))
    if document is None:
        return role
    return tm.with_trust(role, document)


def _policy_node(policy: Node, source: SourceFile) -> Node | ParseProblem | None:
    """The policy object: jsonencode/document/file, a JSON string, or an object as-is."""
    if isinstance(policy, EncodedNode):
        return policy if policy.known else None
    if isinstance(policy, TemplateNode) and (policy.known or policy.holes):
        return hcl.template_json(policy, policy.location.path)
    if not policy.known:
        return None
    if policy.is_map:
        return policy
    if not isinstance(policy.value, str):
        return None
    return _json_string(policy, source)


def _json_string(policy: Node, source: SourceFile) -> Node | ParseProblem:
    """A policy written as a JSON string literal in the file, located per character."""
    locate = fixed_locator(policy.location.line, policy.location.column)
    if policy.location.path == source.rel:
        start = offset_of(source.text, policy.location)
        locate = string_locator(source.text, start, policy.value)
    try:
        node = parse_json(policy.value, policy.location.path, locate=locate)
    except JsonError as exc:
        return ParseProblem(Location(policy.location.path, exc.line, exc.column), exc.message)
    node.key_location = policy.key_location
    return node


# --------------------------------------------------------------------------- documents


def _policy_document(name: str, raw: Node, scope: Scope, source: SourceFile) -> Node:
    """``data.aws_iam_policy_document`` in JSON syntax -> an IAM-JSON-shaped Node."""
    where = raw.key_location or raw.location
    body = evaluate(raw, scope, source)
    fields = _fields(body)
    dynamic = ("source_policy_documents", "override_policy_documents", "source_json")
    if any(n in fields for n in (*dynamic, "override_json", "dynamic")):
        return hcl.unknown(where, f"data.aws_iam_policy_document.{name}")
    document: dict[str, Node] = {"Version": fields.get("version") or Node("2012-10-17", where)}
    statements = [_statement(item) for item in _objects(fields.get("statement"))]
    statement_where = fields["statement"].key_location if "statement" in fields else where
    document["Statement"] = Node(statements, where, key_location=statement_where)
    return EncodedNode(document, where, encoding="policy_document")


_STATEMENT_LISTS = {
    "sid": "Sid",
    "effect": "Effect",
    "actions": "Action",
    "not_actions": "NotAction",
    "resources": "Resource",
    "not_resources": "NotResource",
}


def _statement(block: Node) -> Node:
    fields = _fields(block)
    values: dict[str, Node] = {}
    for name, key in _STATEMENT_LISTS.items():
        if name in fields:
            values[key] = fields[name]
    values.setdefault("Effect", Node("Allow", block.location))
    for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = list(_objects(fields.get(kind)))
        if blocks:
            values[key] = datasources.principals_node([(b.location, b.value) for b in blocks])
    conditions = list(_objects(fields.get("condition")))
    if conditions:
        values["Condition"] = datasources.conditions_node(
            [(b.location, b.value) for b in conditions]
        )
    return Node(values, block.location)


# --------------------------------------------------------------------------- .json.tpl


_PLACEHOLDER = re.compile(r"(?<![$%])[$%]\{")


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """``.json.tpl`` trust templates: each file is one unit (kind ``json-template``)."""
    return per_file(parse_template, files)


def parse_template(source: SourceFile) -> Model:
    """A trust-policy template with ``${...}`` holes -> its Role (unknowns in the holes)."""
    from assume_lint.parsers import trust_json

    model = Model()
    text, holes, directives = _punch_holes(source.text)
    try:
        root = parse_json(hcl._quote_bare_holes(text), source.rel)
    except JsonError as exc:
        if directives:  # %{ for }/%{ if } templates are not JSON before rendering
            return model
        where = Location(source.rel, exc.line, exc.column)
        model.problems.append(
            ParseProblem(where, f"invalid JSON template: {mask_text(exc.message)}")
        )
        return model
    hcl.mark_holes(root, tuple(holes))
    for found in trust_json._role_docs(root, source.rel):
        if isinstance(found.policy.value, str) or not found.policy.known:
            continue
        role = trust_json._role(found, found.policy, source.rel)
        if role is not None:
            model.roles.append(role)
    return model


def _punch_holes(text: str) -> tuple[str, list[str], bool]:
    """Replace each ``${...}``/``%{...}`` by a same-width hole marker (masked sources)."""
    out: list[str] = []
    holes: list[str] = []
    directives = False
    i = 0
    for match in _PLACEHOLDER.finditer(text):
        start = match.start()
        if start < i:
            continue
        end = closing_brace(text, start + 2)
        if end < 0 or "\n" in text[start:end]:
            continue
        directives = directives or text[start] == "%"
        out.append(text[i:start])
        source = text[start : end + 1]
        out.append(hcl.hole(len(holes), len(source)))
        holes.append(mask_text(source))
        i = end + 1
    out.append(text[i:])
    return "".join(out), holes, directives

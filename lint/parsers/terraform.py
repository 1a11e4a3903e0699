"""Terraform modules: providers, S3 backends, remote state, IAM roles and policy documents.

One unit is one module folder (its ``.tf`` and ``.tfvars`` files), because values are
resolved across files: ``variable`` defaults, then ``terraform.tfvars``, then
``*.auto.tfvars`` (alphabetical), then ``locals``. Findings stay located in whichever
file holds the thing. HCL details live in :mod:`assume_lint.parsers.hcl`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from assume_lint.findings import Location
from assume_lint.model import AssumeAttempt, Attr, Credential, Model, ParseProblem, Role
from assume_lint.parsers import hcl
from assume_lint.parsers.hcl import Block, EncodedNode, Evaluator, HclFile, Scope, TemplateNode
from assume_lint.parsers.hcl_blocks import keep_relevant
from assume_lint.parsers.located import Node
from assume_lint.sources import SourceFile

_INTERESTING = re.compile(
    r"\b(provider|terraform|aws_iam_role|aws_iam_policy_document|terraform_remote_state"
    r"|locals|variable)\b"
)
_REF = re.compile(r"\b(var|local)\.")
_CREDENTIAL_FIELDS = {
    "access_key": "access-key-id",
    "secret_key": "secret-key",
    "token": "session-token",
}
_DEPRECATED_BACKEND = (
    "role_arn",
    "external_id",
    "session_name",
    "assume_role_duration_seconds",
    "assume_role_policy",
    "assume_role_policy_arns",
    "assume_role_tags",
    "assume_role_transitive_tag_keys",
)
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_MAX_LOCAL_PASSES = 50


@dataclass
class _Module:
    """Parsed files of one module folder and what was collected from them."""

    folder: str
    files: list[HclFile] = field(default_factory=list)
    by_rel: dict[str, SourceFile] = field(default_factory=dict)
    model: Model = field(default_factory=Model)
    scope: Scope = field(default_factory=Scope)


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse the ``.tf``/``.tfvars`` files of one module folder into a Model."""
    if not files:
        return Model()
    module = _Module(str(PurePosixPath(files[0].rel).parent))
    module.by_rel = {f.rel: f for f in files}
    json_files = [f for f in files if f.rel.lower().endswith((".tf.json", ".tfvars.json"))]
    json_rels = {f.rel for f in json_files}
    for source in sorted(files, key=lambda f: f.rel):
        if source.rel in json_rels:
            continue  # Terraform JSON syntax: see _json_module
        is_vars = source.rel.endswith(".tfvars")
        if not is_vars and not _INTERESTING.search(source.text):
            continue
        text = source.text if is_vars else keep_relevant(source.text)
        parsed = hcl.parse_hcl(text, source.rel)
        if isinstance(parsed, ParseProblem):
            module.model.problems.append(parsed)
        else:
            module.model.problems.extend(parsed.problems)
            module.files.append(parsed)
    _build_scope(module, files)
    json_module = _json_module(module, json_files)
    for hfile in module.files:
        if hfile.rel.endswith(".tfvars"):
            continue
        _collect(module, hfile)
    if json_module is not None:
        from assume_lint.parsers import terraform_json

        if isinstance(json_module, terraform_json.JsonModule):
            terraform_json.collect(json_module, module)
    return module.model


def _json_module(module: _Module, json_files: Sequence[SourceFile]) -> object | None:
    """The module's ``.tf.json``/``.tfvars.json`` files, their values added to the scope."""
    if not json_files:
        return None
    from assume_lint.parsers import terraform_json

    loaded = terraform_json.load(json_files, module.model)
    terraform_json.extend_scope(loaded, module.scope)
    _resolve_locals(module)  # HCL locals may refer to JSON variables
    return loaded


# --------------------------------------------------------------------------- scope


def _tf_files(module: _Module) -> Iterator[HclFile]:
    return (f for f in module.files if not f.rel.endswith(".tfvars"))


def _tfvars_order(module: _Module) -> list[HclFile]:
    """``terraform.tfvars`` first, then ``*.auto.tfvars`` alphabetically (later wins)."""
    by_name = {PurePosixPath(f.rel).name: f for f in module.files if f.rel.endswith(".tfvars")}
    ordered = [by_name["terraform.tfvars"]] if "terraform.tfvars" in by_name else []
    ordered += [by_name[n] for n in sorted(by_name) if n.endswith(".auto.tfvars")]
    return ordered


def _build_scope(module: _Module, files: Sequence[SourceFile]) -> None:
    """Variables (defaults, then tfvars), policy documents, locals (fixed point)."""
    scope = module.scope
    scope.read_file = _file_reader(module, files)
    empty = Scope(read_file=scope.read_file)
    for hfile in _tf_files(module):
        for block in hfile.body.blocks_of("variable"):
            default = block.attributes.get("default")
            if block.labels and default is not None:
                scope.variables[block.labels[0]] = Evaluator(hfile, empty).attribute(default)
    for hfile in _tfvars_order(module):
        evaluator = Evaluator(hfile, empty)
        for name, attr in hfile.body.attributes.items():
            scope.variables[name] = evaluator.attribute(attr)
    _resolve_locals(module)
    for hfile in _tf_files(module):
        for block in hfile.body.blocks_of("data"):
            if len(block.labels) == 2 and block.labels[0] == "aws_iam_policy_document":
                scope.policy_documents[block.labels[1]] = _policy_document(hfile, block, scope)
    _resolve_locals(module)  # locals may refer to policy documents


def _resolve_locals(module: _Module) -> None:
    """Evaluate locals repeatedly until nothing changes (they may refer to each other)."""
    pending = [
        (hfile, attr)
        for hfile in _tf_files(module)
        for block in hfile.body.blocks_of("locals")
        for attr in block.attributes.values()
    ]
    previous: dict[str, tuple[bool, object]] = {}
    for _ in range(min(len(pending) + 1, _MAX_LOCAL_PASSES)):
        for hfile, attr in pending:
            module.scope.locals[attr.name] = Evaluator(hfile, module.scope).attribute(attr)
        snapshot = {k: (v.known, v.plain()) for k, v in module.scope.locals.items()}
        if snapshot == previous:
            break
        previous = snapshot


def _file_reader(module: _Module, files: Sequence[SourceFile]) -> hcl.ReadFile:
    """Read ``file()`` targets from disk relative to the module folder."""
    base = files[0].path.parent
    folder = PurePosixPath(module.folder)
    by_rel = module.by_rel  # not the module: the module holds this reader (no cycle)

    def read(path: str) -> tuple[str, str] | None:
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            return None
        target = base / relative
        rel = str(folder / relative) if str(folder) != "." else str(relative)
        if rel in by_rel:
            return by_rel[rel].text, rel
        from assume_lint.sources import read_source

        loaded = read_source(target, rel)
        if isinstance(loaded, SourceFile):
            return loaded.text, rel
        return None

    return read


# --------------------------------------------------------------------------- values


def _attr(node: Node | None) -> Attr | None:
    """An Attr for a field (located at its key), None when the field is absent."""
    if node is None:
        return None
    location = node.key_location or node.location
    return Attr(node.text(), location, node.source, node.partial)


def _duration_attr(node: Node | None) -> Attr | None:
    """``duration = "1h30m"`` -> seconds as text; numbers as they are."""
    attr = _attr(node)
    if attr is None or attr.value is None or node is None:
        return attr
    if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return attr
    seconds = parse_duration(attr.value)
    source = attr.source or attr.value
    if seconds is None:
        return Attr(None, attr.location, source)
    return Attr(str(seconds), attr.location, source)


def parse_duration(text: str) -> int | None:
    """Go duration strings (``"1h"``, ``"15m"``, ``"90s"``, ``"1h30m"``) in seconds."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or _DURATION.sub("", text) != "":
        return None
    total = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(text))
    return int(total)


def _fields(evaluator: Evaluator, block: Block) -> dict[str, Node]:
    """A block's attributes evaluated (nested blocks are read separately)."""
    return {name: evaluator.attribute(attr) for name, attr in block.attributes.items()}


def _credentials(fields: dict[str, Node], context: str) -> Iterator[Credential]:
    """``access_key``/``secret_key``/``token`` fields as Credentials."""
    for name, kind in _CREDENTIAL_FIELDS.items():
        node = fields.get(name)
        if node is None:
            continue
        value = node.text()
        if value == "" and node.known and not node.source:
            continue  # an explicit empty string configures nothing
        yield Credential(
            kind=kind,
            field=name,
            value=value,
            location=node.key_location or node.location,
            context=context,
            from_variable=bool(_REF.search(node.source)),
        )


def _map_fields(node: Node) -> dict[str, Node]:
    return dict(node.items()) if node.is_map else {}


# --------------------------------------------------------------------------- collect


def _collect(module: _Module, hfile: HclFile) -> None:
    """Everything one ``.tf`` file contributes."""
    evaluator = Evaluator(hfile, module.scope)
    model = module.model
    for block in hfile.body.blocks:
        if block.type == "provider" and block.labels[:1] == ("aws",):
            _provider(module, evaluator, block)
        elif block.type == "terraform":
            for backend in block.blocks_of("backend"):
                if backend.labels[:1] == ("s3",):
                    _backend(module, evaluator, backend)
        elif block.type == "resource" and block.labels[:1] == ("aws_iam_role",):
            role = _role(hfile, evaluator, block)
            if role is not None:
                model.roles.append(role)
        elif block.type == "data" and block.labels[:1] == ("terraform_remote_state",):
            _remote_state(module, evaluator, block)


def _provider(module: _Module, evaluator: Evaluator, block: Block) -> None:
    fields = _fields(evaluator, block)
    alias_node = fields.get("alias")
    alias = alias_node.text() if alias_node is not None else None
    caller = f'provider "aws" (alias {alias})' if alias else 'provider "aws"'
    address = f"provider.aws.{alias}" if alias else "provider.aws"
    module.model.credentials.extend(_credentials(fields, 'provider "aws"'))
    role_blocks = [
        b for b in block.blocks if b.type in ("assume_role", "assume_role_with_web_identity")
    ]
    for attr_name in ("assume_role", "assume_role_with_web_identity"):
        node = fields.get(attr_name)  # the rare `assume_role = {...}` attribute form
        if node is not None:
            _emit(
                module,
                "provider",
                caller,
                address,
                node.key_location or node.location,
                _map_fields(node),
                alias=alias,
            )
    for index, role_block in enumerate(role_blocks):
        _emit(
            module,
            "provider",
            caller,
            address,
            role_block.location,
            _fields(evaluator, role_block),
            alias=alias,
            chained=index > 0,
        )
    if not role_blocks and not any(
        n in fields for n in ("assume_role", "assume_role_with_web_identity")
    ):
        module.model.attempts.append(
            AssumeAttempt(
                kind="provider",
                caller=caller,
                address=address,
                location=block.location,
                module=module.folder,
                alias=alias,
            )
        )


def _emit(
    module: _Module,
    kind: str,
    caller: str,
    address: str,
    location: Location,
    fields: dict[str, Node],
    alias: str | None = None,
    chained: bool = False,
    deprecated: tuple[tuple[str, Location], ...] = (),
) -> None:
    module.model.attempts.append(
        AssumeAttempt(
            kind=kind,
            caller=caller,
            address=address,
            location=location,
            module=module.folder,
            alias=alias,
            chained=chained,
            deprecated=deprecated,
            role_arn=_attr(fields.get("role_arn")),
            external_id=_attr(fields.get("external_id")),
            session_name=_attr(fields.get("session_name")),
            duration=_duration_attr(fields.get("duration") or fields.get("duration_seconds")),
        )
    )


def _backend(module: _Module, evaluator: Evaluator, backend: Block) -> None:
    fields = _fields(evaluator, backend)
    context = 'backend "s3"'
    module.model.credentials.extend(_credentials(fields, context))
    deprecated = tuple(
        (name, node.key_location or node.location)
        for name, node in fields.items()
        if name in _DEPRECATED_BACKEND
    )
    old = {n: v for n, v in fields.items() if n in ("role_arn", "external_id", "session_name")}
    if "assume_role_duration_seconds" in fields:
        old["duration"] = fields["assume_role_duration_seconds"]
    _config_attempts(
        module,
        "backend",
        context,
        "terraform.backend.s3",
        backend.location,
        fields,
        old,
        deprecated,
        evaluator,
        backend,
    )


def _config_attempts(
    module: _Module,
    kind: str,
    caller: str,
    address: str,
    where: Location,
    fields: dict[str, Node],
    old: dict[str, Node],
    deprecated: tuple[tuple[str, Location], ...],
    evaluator: Evaluator | None,
    block: Block | None,
) -> None:
    """Backend / remote-state config: ``assume_role = {}``, ``assume_role {}`` or old form."""
    emitted = False
    nested: list[tuple[Location, dict[str, Node]]] = []
    for name in ("assume_role", "assume_role_with_web_identity"):
        node = fields.get(name)
        if node is not None:
            nested.append((node.key_location or node.location, _map_fields(node)))
        if block is not None and evaluator is not None:
            nested += [(b.location, _fields(evaluator, b)) for b in block.blocks_of(name)]
    for location, values in nested:
        merged = {**old, **values}
        _emit(module, kind, caller, address, location, merged, deprecated=deprecated)
        emitted = True
    if not emitted:
        anchor = old.get("role_arn")
        location = (anchor.key_location or anchor.location) if anchor is not None else where
        _emit(module, kind, caller, address, location, old, deprecated=deprecated)


def _remote_state(module: _Module, evaluator: Evaluator, block: Block) -> None:
    fields = _fields(evaluator, block)
    backend = fields.get("backend")
    if backend is None or backend.text() != "s3":
        return
    address = f"data.terraform_remote_state.{block.labels[1] if len(block.labels) > 1 else ''}"
    config = fields.get("config")
    values = _map_fields(config) if config is not None else {}
    module.model.credentials.extend(_credentials(values, address))
    old = {n: v for n, v in values.items() if n in ("role_arn", "external_id", "session_name")}
    if "assume_role_duration_seconds" in values:
        old["duration"] = values["assume_role_duration_seconds"]
    deprecated = tuple(
        (n, v.key_location or v.location) for n, v in values.items() if n in _DEPRECATED_BACKEND
    )
    _config_attempts(
        module,
        "remote-state",
        address,
        address,
        block.location,
        values,
        old,
        deprecated,
        None,
        None,
    )


# --------------------------------------------------------------------------- roles


def _role(hfile: HclFile, evaluator: Evaluator, block: Block) -> Role | None:
    if len(block.labels) < 2:
        return None
    fields = _fields(evaluator, block)
    name_node = fields.get("name")
    policy = fields.get("assume_role_policy")
    role = Role(
        address=f"aws_iam_role.{block.labels[1]}",
        location=block.location,
        name=name_node.text() if name_node is not None else None,
        max_session_duration=_attr(fields.get("max_session_duration")),
        trust_location=(policy.key_location or policy.location) if policy is not None else None,
        trust_known=False,
    )
    if policy is None:
        return role
    document = _policy_node(hfile, policy)
    if isinstance(document, ParseProblem):
        return _replace(
            role,
            structure_errors=(
                (document.location, f"assume_role_policy is not valid JSON: {document.message}"),
            ),
        )
    if document is None:
        return role
    return _with_trust(role, document)


def _policy_node(hfile: HclFile, policy: Node) -> Node | ParseProblem | None:
    """The policy object behind ``assume_role_policy`` (None when unresolvable)."""
    if isinstance(policy, EncodedNode):
        return policy if policy.known else None
    if isinstance(policy, TemplateNode) and (policy.known or policy.holes):
        return hcl.template_json(policy, policy.location.path)
    if policy.known and isinstance(policy.value, str):
        return hcl.parse_json_text(
            policy.value, hfile.rel, policy.location.line - 1, 0, policy.location.column
        )
    return None


def _replace(role: Role, **changes: object) -> Role:
    from dataclasses import replace

    return replace(role, **changes)  # type: ignore[arg-type,unused-ignore]


def _with_trust(role: Role, document: Node) -> Role:
    """Build statements with the shared policy builder."""
    from assume_lint.parsers.policy import build_trust

    trust = build_trust(document)
    return _replace(
        role,
        statements=tuple(trust.statements),
        version=trust.version,
        has_version=trust.has_version,
        trust_known=trust.known,
        structure_errors=tuple(trust.problems),
    )


# --------------------------------------------------------------------------- documents

_STATEMENT_LISTS = {
    "actions": "Action",
    "not_actions": "NotAction",
    "resources": "Resource",
    "not_resources": "NotResource",
}


def _policy_document(hfile: HclFile, block: Block, scope: Scope) -> Node:
    """``data "aws_iam_policy_document"`` as an IAM-JSON-shaped Node, locations kept."""
    evaluator = Evaluator(hfile, scope)
    fields = _fields(evaluator, block)
    if any(
        n in fields
        for n in (
            "source_policy_documents",
            "override_policy_documents",
            "source_json",
            "override_json",
        )
    ) or any(b.type == "dynamic" for b in block.blocks):
        return hcl.unknown(block.location, f"data.aws_iam_policy_document.{block.labels[-1]}")
    version = fields.get("version") or Node("2012-10-17", block.location)
    statements = [_statement(evaluator, b) for b in block.blocks_of("statement")]
    document: dict[str, Node] = {"Version": version}
    if "policy_id" in fields:
        document["Id"] = fields["policy_id"]
    document["Statement"] = Node(statements, block.location, key_location=block.location)
    return EncodedNode(document, block.location, encoding="policy_document")


def _statement(evaluator: Evaluator, block: Block) -> Node:
    fields = _fields(evaluator, block)
    values: dict[str, Node] = {}
    if "sid" in fields:
        values["Sid"] = fields["sid"]
    values["Effect"] = fields.get("effect") or Node("Allow", block.location)
    for name, key in _STATEMENT_LISTS.items():
        if name in fields:
            values[key] = fields[name]
    for kind, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = list(block.blocks_of(kind))
        if blocks:
            values[key] = principals_node([(b.location, _fields(evaluator, b)) for b in blocks])
    conditions = list(block.blocks_of("condition"))
    if conditions:
        values["Condition"] = conditions_node(
            [(b.location, _fields(evaluator, b)) for b in conditions]
        )
    if any(b.type == "dynamic" for b in block.blocks):
        values.setdefault("Principal", hcl.unknown(block.location, "dynamic block"))
        values.setdefault("Condition", hcl.unknown(block.location, "dynamic block"))
    return Node(values, block.location)


Fields = Mapping[str, Node]  # a block's attributes, evaluated (HCL) or as read (JSON)


def principals_node(blocks: Sequence[tuple[Location, Fields]]) -> Node:
    """``principals { type, identifiers }`` blocks (where each is, and its fields) ->
    ``{"AWS": [...], ...}`` or ``"*"``. Serves the HCL and the JSON syntax alike."""
    merged: dict[str, Node] = {}
    for where, fields in blocks:
        kind, identifiers = fields.get("type"), fields.get("identifiers")
        if kind is None or identifiers is None:
            continue
        type_name = kind.text()
        if type_name is None:
            return hcl.unknown(where, kind.source)
        if type_name == "*":
            star = identifiers.elements()[0] if identifiers.elements() else identifiers
            return Node("*", star.location, star.known, star.source, where)
        existing = merged.get(type_name)
        if existing is not None and existing.is_list and identifiers.is_list:
            existing.value.extend(identifiers.value)
        else:
            merged[type_name] = replace(identifiers, key_location=kind.key_location)
    first = blocks[0][0]
    return Node(merged, first, key_location=first)


def conditions_node(blocks: Sequence[tuple[Location, Fields]]) -> Node:
    """``condition { test, variable, values }`` blocks -> ``{test: {variable: values}}``."""
    operators: dict[str, Node] = {}
    for where, fields in blocks:
        test, variable, values = fields.get("test"), fields.get("variable"), fields.get("values")
        if test is None or variable is None or values is None:
            continue
        test_name, key = test.text(), variable.text()
        if test_name is None or key is None:
            return hcl.unknown(where, "condition")
        operator = operators.setdefault(
            test_name, Node({}, where, key_location=test.key_location)
        )
        located = replace(values, key_location=variable.location)
        existing = operator.get(key)
        if existing is not None and existing.is_list and located.is_list:
            existing.value.extend(located.value)
        else:
            operator.value[key] = located
    first = blocks[0][0]
    return Node(operators, first, key_location=first)

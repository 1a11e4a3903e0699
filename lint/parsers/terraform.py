"""Terraform modules: providers, S3 backends, remote state, IAM roles and policy documents.

One unit is one module folder (its ``.tf``, ``.tf.json`` and ``.tfvars`` files),
evaluated as a root module by :mod:`assume_lint.parsers.tfeval` the way Terraform would
as far as the files know it: variables from defaults, ``terraform.tfvars`` and
``*.auto.tfvars`` (alphabetical, later wins), locals, data sources and module calls
(local folders, and registry or git modules where ``.terraform/modules/modules.json``
exists) with their inputs, ``count``, ``for_each`` and ``dynamic`` blocks, templates.

What the model gets:

- providers, S3 backends and remote state of the unit's own files (AssumeAttempts and
  Credentials);
- its IAM roles and those of every module it calls, addressed as Terraform plans do
  (``module.a.aws_iam_role.b["k"]``), each value located where it was written (the
  caller's argument, a ``.tfvars`` line), with the module calls as ``Role.related``;
- the trust documents (``data "aws_iam_policy_document"``, ``jsonencode`` locals) that
  grant ``sts:AssumeRole*`` to principals, as ``Role.document_only`` roles: the model
  drops those a role of the tree uses;
- with other ``*.tfvars`` in the folder (candidate ``-var-file``s), the roles once per
  var-file, as deployment variants ("with -var-file=prod.tfvars"); providers and
  backends come from the evaluation without a var-file (AL301 compares them per
  module, not per variant).

Findings stay located in whichever file holds the thing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from assume_lint.files.sources import SourceFile
from assume_lint.model import AssumeAttempt, Model, ParseProblem, Role
from assume_lint.model.conditions import ASSUME_ACTIONS, expand_sts_action
from assume_lint.model.findings import Location, Variant
from assume_lint.parsers import hcl
from assume_lint.parsers import terraform_model as tm
from assume_lint.parsers.hcl import Block, EncodedNode, Evaluator, HclFile, Scope, TemplateNode
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval import templates
from assume_lint.parsers.tfeval.evaluator import LazyObject, RenderedNode, SymbolicNode
from assume_lint.parsers.tfeval.module import Folder, Instance, Session, load_folder


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse the ``.tf``/``.tf.json``/``.tfvars`` files of one module folder."""
    if not files:
        return Model()
    folder_rel = str(PurePosixPath(files[0].rel).parent)
    path = files[0].path.parent.resolve()
    folder = load_folder(path, folder_rel, files)
    model = Model(problems=list(folder.problems))
    session = Session(folder, _repository(files[0]))
    automatic = _automatic_tfvars(folder)
    base = session.root_instance(automatic)
    module = tm.TfModule(folder.rel, model, base.scope)
    json_module = _json_module(module, folder.json_files)
    for hfile in folder.files:
        _collect(module, base, hfile)
    var_files = [name for name in sorted(folder.tfvars) if folder.tfvars[name] not in automatic]
    if var_files:
        group = folder.rel
        phrases = tuple(f"with -var-file={name}" for name in var_files)
        model.variants[group] = phrases
        for name, phrase in zip(var_files, phrases, strict=True):
            instance = session.root_instance([*automatic, folder.tfvars[name]])
            if json_module is not None:
                _json_scope(json_module, instance.scope)
            variant = Variant(group, phrase)
            model.roles.extend(replace(r, variant=variant) for r in _roles_of(instance))
    else:
        model.roles.extend(_roles_of(base))
    if json_module is not None:
        from assume_lint.parsers import terraform_json

        if isinstance(json_module, terraform_json.JsonModule):
            terraform_json.collect(json_module, module)
    model.credentials = list(dict.fromkeys(model.credentials))
    model.drop_covered_documents()
    model.inputs = dict(session.reads.digests)
    session.release()
    return model


def _repository(source: SourceFile) -> Path:
    """The folder nothing is read outside of: the scan root ``source.rel`` is relative
    to, or when that name climbs out of it (``../../x/main.tf``), the folder it climbs to."""
    parts = [p for p in PurePosixPath(source.rel).parts if p != "."]
    below = len(parts) - sum(1 for p in parts if p == "..")
    path = source.path.absolute()
    return path.parents[max(below, 1) - 1]


def _automatic_tfvars(folder: Folder) -> list[HclFile]:
    """``terraform.tfvars`` first, then ``*.auto.tfvars`` alphabetically (later wins)."""
    ordered = [folder.tfvars["terraform.tfvars"]] if "terraform.tfvars" in folder.tfvars else []
    ordered += [folder.tfvars[n] for n in sorted(folder.tfvars) if n.endswith(".auto.tfvars")]
    return ordered


def _json_module(module: tm.TfModule, json_files: Sequence[SourceFile]) -> object | None:
    """The module's ``.tf.json``/``.tfvars.json`` files, their values added to the scope."""
    if not json_files:
        return None
    from assume_lint.parsers import terraform_json

    loaded = terraform_json.load(json_files, module.model)
    terraform_json.extend_scope(loaded, module.scope)
    return loaded


def _json_scope(json_module: object, scope: Scope) -> None:
    from assume_lint.parsers import terraform_json

    if isinstance(json_module, terraform_json.JsonModule):
        terraform_json.extend_scope(json_module, scope)


# --------------------------------------------------------------------------- values


# --------------------------------------------------------------------------- collect


def _collect(module: tm.TfModule, instance: Instance, hfile: HclFile) -> None:
    """The providers, backends and remote states of one ``.tf`` file."""
    evaluator = instance.evaluator(hfile)
    for block in hfile.body.blocks:
        if block.type == "provider" and block.labels[:1] == ("aws",):
            _provider(module, evaluator, block)
        elif block.type == "terraform":
            for backend in block.blocks_of("backend"):
                if backend.labels[:1] == ("s3",):
                    _backend(module, evaluator, backend)
        elif block.type == "data" and block.labels[:1] == ("terraform_remote_state",):
            _remote_state(module, evaluator, block)


def _provider(module: tm.TfModule, evaluator: Evaluator, block: Block) -> None:
    since = len(module.model.attempts)
    fields = tm.fields_of(evaluator, block)
    alias_node = fields.get("alias")
    alias = alias_node.text() if alias_node is not None else None
    caller = f'provider "aws" (alias {alias})' if alias else 'provider "aws"'
    address = f"provider.aws.{alias}" if alias else "provider.aws"
    module.model.credentials.extend(tm.credentials(fields, 'provider "aws"'))
    role_blocks = [
        b for b in block.blocks if b.type in ("assume_role", "assume_role_with_web_identity")
    ]
    for attr_name in ("assume_role", "assume_role_with_web_identity"):
        node = fields.get(attr_name)  # the rare `assume_role = {...}` attribute form
        if node is not None:
            tm.emit_attempt(
                module,
                "provider",
                caller,
                address,
                node.key_location or node.location,
                tm.map_fields(node),
                alias=alias,
            )
    for index, role_block in enumerate(role_blocks):
        tm.emit_attempt(
            module,
            "provider",
            caller,
            address,
            role_block.location,
            tm.fields_of(evaluator, role_block),
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
    tm.credential_source(module.model, since, fields)


def _backend(module: tm.TfModule, evaluator: Evaluator, backend: Block) -> None:
    fields = tm.fields_of(evaluator, backend)
    context = 'backend "s3"'
    module.model.credentials.extend(tm.credentials(fields, context))
    old, deprecated = tm.legacy_backend_fields(fields)
    since = len(module.model.attempts)
    tm.config_attempts(
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
    tm.credential_source(module.model, since, fields, backend=True)


def _remote_state(module: tm.TfModule, evaluator: Evaluator, block: Block) -> None:
    fields = tm.fields_of(evaluator, block)
    backend = fields.get("backend")
    if backend is None or backend.text() != "s3":
        return
    address = f"data.terraform_remote_state.{block.labels[1] if len(block.labels) > 1 else ''}"
    config = fields.get("config")
    values = tm.map_fields(config) if config is not None else {}
    module.model.credentials.extend(tm.credentials(values, address))
    old, deprecated = tm.legacy_backend_fields(values)
    since = len(module.model.attempts)
    tm.config_attempts(
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
    tm.credential_source(module.model, since, values)


# --------------------------------------------------------------------------- roles


def _roles_of(instance: Instance, prefix: str = "", related: tuple[Location, ...] = ()
              ) -> list[Role]:
    """The roles and trust documents of an instance and of every module it calls
    (addresses as in a plan: ``module.a["k"].aws_iam_role.b[0]``)."""
    out: list[Role] = []
    stack: list[tuple[Instance, str, tuple[Location, ...]]] = [(instance, prefix, related)]
    while stack:
        current, at, chain = stack.pop()
        for role in _own_roles(current):
            out.append(role if not at and not chain else
                       replace(role, address=at + role.address, related=chain))
        children = []
        for call in current.calls():
            for expansion, child in call.instances:
                if child is not None:
                    where = (*chain, call.block.location)
                    children.append((child, f"{at}module.{call.name}{expansion.suffix}.", where))
        stack.extend(reversed(children))
    return out


def _own_roles(instance: Instance) -> list[Role]:
    """An instance's own roles and trust documents (computed once per instance)."""
    cached = instance.memo.get("roles")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    roles: list[Role] = []
    folder = instance.folder
    for (kind, _name), (hfile, block) in folder.resources.items():
        if kind == "aws_iam_role" and len(block.labels) >= 2:
            for expansion in instance.expand(hfile, block):
                roles.append(_role(expansion.evaluator, block, expansion.suffix))
    used = {_place(s.location) for role in roles for s in role.statements}
    roles.extend(_documents(instance, used))
    instance.memo["roles"] = roles
    return roles


def _role(evaluator: Evaluator, block: Block, suffix: str = "") -> Role:
    fields = tm.fields_of(evaluator, block)
    policy = fields.get("assume_role_policy")
    role = tm.role_from_fields(f"aws_iam_role.{block.labels[1]}{suffix}", block.location, fields)
    if policy is None:
        return role
    document = _policy_node(policy)
    if isinstance(document, ParseProblem):
        return tm.replace_role(
            role,
            structure_errors=(
                (document.location, f"assume_role_policy is not valid JSON: {document.message}"),
            ),
        )
    if document is None:
        return role
    return tm.with_trust(role, document)


def _policy_node(policy: Node) -> Node | ParseProblem | None:
    """The policy object behind ``assume_role_policy`` (None when unresolvable)."""
    if isinstance(policy, EncodedNode):
        return policy if policy.known else None
    if isinstance(policy, RenderedNode) and policy.rendered is not None:
        return templates.rendered_json(policy.rendered, policy.location.path)
    if isinstance(policy, TemplateNode) and (policy.known or policy.holes):
        return hcl.template_json(policy, policy.location.path)
    if policy.known and isinstance(policy.value, str):
        where = policy.location
        return hcl.parse_json_text(policy.value, where.path, where.line - 1, 0, where.column)
    return None


# --------------------------------------------------------------------------- documents


def _documents(instance: Instance, used: set[tuple[str, int, int]]) -> list[Role]:
    """Trust documents defined in the instance: policy documents and ``jsonencode``
    locals whose statements grant ``sts:AssumeRole*`` to principals, but for those the
    instance's roles use (their statements at ``used`` places)."""
    out: list[Role] = []
    folder = instance.folder
    for kind, name in folder.data:
        if kind != "aws_iam_policy_document":
            continue
        value = instance.data_value(kind, name)
        for suffix, document in _document_instances(value):
            if _statement_places(document) & used:
                continue
            block = folder.data[(kind, name)][1]
            address = f"data.aws_iam_policy_document.{name}{suffix}"
            role = _document_role(address, block.location, document)
            if role is not None:
                out.append(role)
    for name, (_hfile, attr) in folder.locals.items():
        value = instance.local(name)
        if isinstance(value, EncodedNode) and value.encoding == "jsonencode" \
                and not _statement_places(value) & used:
            role = _document_role(f"local.{name}", attr.location, value)
            if role is not None:
                out.append(role)
    return out


def _document_instances(value: Node | None) -> list[tuple[str, Node]]:
    """(address suffix, document) of each instance of a policy document data source."""
    if value is None:
        return []
    if isinstance(value, SymbolicNode):
        value = value.instance
    objects: list[tuple[str, Node]] = [("", value)]
    if isinstance(value, LazyObject):
        pass
    elif value.is_list:
        objects = [(f"[{i}]", item) for i, item in enumerate(value.value)]
    elif value.is_map:
        objects = [(f"[{json.dumps(k)}]", item) for k, item in value.value.items()]
    out = []
    for suffix, found in objects:
        document = found.attribute("json") if isinstance(found, LazyObject) else None
        if document is not None:
            out.append((suffix, document))
    return out


def _place(where: Location) -> tuple[str, int, int]:
    return where.path, where.line, where.column


def _statement_places(document: Node) -> set[tuple[str, int, int]]:
    statements = document.get_ci("Statement") if document.is_map and document.known else None
    if statements is None or not statements.known:
        return set()
    return {_place(item.location) for item in statements.elements()}


def _document_role(address: str, where: Location, document: Node) -> Role | None:
    """A trust document as a role of its own, when it is one."""
    if not document.known or not _grants_assume(document):
        return None
    role = Role(address=address, location=where, trust_location=where, trust_known=False,
                document_only=True)
    return tm.with_trust(role, document)


def _grants_assume(document: Node) -> bool:
    """The document reads as a trust policy: some statement names principals and an
    ``sts:AssumeRole*`` action, and none grants anything but ``sts:`` actions or names a
    Resource (a bucket or key policy that also lets someone assume a role is not one)."""
    statements = document.get_ci("Statement")
    if statements is None or not statements.known:
        return False
    grants = False
    for item in statements.elements():
        if not item.is_map:
            continue
        if item.get_ci("Resource") is not None or item.get_ci("NotResource") is not None:
            return False
        actions = item.get_ci("Action") or item.get_ci("NotAction")
        texts = [a.text() for a in actions.elements()] if actions is not None else []
        if any(t is not None and not t.strip().lower().startswith("sts:") for t in texts):
            return False
        named = item.get_ci("Principal") is not None or item.get_ci("NotPrincipal") is not None
        if named and any(t is not None and _names_assume_action(t) for t in texts):
            grants = True
    return grants


def _names_assume_action(pattern: str) -> bool:
    """An ``sts:`` action pattern that covers an AssumeRole action (``sts:AssumeRole``,
    ``sts:AssumeRole*``, ``sts:*``...). ``*`` alone does not make a document a trust
    policy: key and bucket policies grant it to principals too."""
    if not pattern.strip().lower().startswith("sts:"):
        return False
    return any(action in ASSUME_ACTIONS for action in expand_sts_action(pattern))



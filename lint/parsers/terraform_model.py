"""What the Terraform readers share to build the model: the module being collected,
fields as Attrs, credentials, assume-role attempts (providers, backends, remote state)
and a role's trust.

terraform.py (HCL ``.tf``), terraform_json.py (``.tf.json``) and terragrunt.py read
different syntaxes into the same model objects; these builders are the one way they do
it. Kept apart from terraform.py so that the JSON reader, which terraform.py calls, does
not import terraform.py back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from assume_lint.model import AssumeAttempt, Attr, Credential, Model, Role
from assume_lint.model.durations import duration_seconds
from assume_lint.model.findings import Location
from assume_lint.parsers.hcl import Block, Evaluator, Scope
from assume_lint.parsers.located import Node

REF = re.compile(r"\b(var|local)\.")
CREDENTIAL_FIELDS = {
    "access_key": "access-key-id",
    "secret_key": "secret-key",
    "token": "session-token",
}
DEPRECATED_BACKEND = (
    "role_arn",
    "external_id",
    "session_name",
    "assume_role_duration_seconds",
    "assume_role_policy",
    "assume_role_policy_arns",
    "assume_role_tags",
    "assume_role_transitive_tag_keys",
)

@dataclass
class TfModule:
    """One module folder being collected: where its values resolve and the model."""

    folder: str
    model: Model = field(default_factory=Model)
    scope: Scope = field(default_factory=Scope)


def attr_of(node: Node | None) -> Attr | None:
    """An Attr for a field (located at its key), None when the field is absent."""
    if node is None:
        return None
    location = node.key_location or node.location
    return Attr(node.text(), location, node.source, node.partial)


def duration_attr(node: Node | None) -> Attr | None:
    """``duration = "1h30m"`` -> seconds as text; numbers as they are."""
    attr = attr_of(node)
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
    """A Go duration (``"1h"``, ``"15m"``, ``"1h30m"``) or seconds, in whole seconds."""
    seconds = duration_seconds(text)
    return None if seconds is None else int(seconds)


def fields_of(evaluator: Evaluator, block: Block) -> dict[str, Node]:
    """A block's attributes evaluated (nested blocks are read separately)."""
    return {name: evaluator.attribute(attr) for name, attr in block.attributes.items()}


def credentials(fields: dict[str, Node], context: str) -> Iterator[Credential]:
    """``access_key``/``secret_key``/``token`` fields as Credentials."""
    for name, kind in CREDENTIAL_FIELDS.items():
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
            from_variable=bool(REF.search(node.source)),
        )


def credential_source(
    model: Model, since: int, fields: Mapping[str, Node], *, backend: bool = False
) -> None:
    """Record on the attempts appended since ``since`` where their source credentials
    come from: a ``profile``, access keys written in the block, and for a backend
    whether ``terraform init`` completes its configuration (no ``bucket`` or ``key``).
    Rules need it to tell an identity they cannot see from the runner's own credentials.
    """
    profile = attr_of(fields.get("profile"))
    key = fields.get("access_key")
    static = key is not None and not (key.known and key.text() == "")
    partial = backend and not ("bucket" in fields and "key" in fields)
    if profile is None and not static and not partial:
        return
    for index in range(since, len(model.attempts)):
        model.attempts[index] = replace(
            model.attempts[index], profile=profile, static_keys=static, partial=partial
        )


def map_fields(node: Node) -> dict[str, Node]:
    return dict(node.items()) if node.is_map else {}


def legacy_backend_fields(
    fields: Mapping[str, Node],
) -> tuple[dict[str, Node], tuple[tuple[str, Location], ...]]:
    """The S3 backend's top-level (pre-1.6) assume-role fields as attempt fields
    (``assume_role_duration_seconds`` as ``duration``), and where each deprecated
    attribute is written (AL208)."""
    old = {n: v for n, v in fields.items() if n in ("role_arn", "external_id", "session_name")}
    if "assume_role_duration_seconds" in fields:
        old["duration"] = fields["assume_role_duration_seconds"]
    deprecated = tuple(
        (name, node.key_location or node.location)
        for name, node in fields.items()
        if name in DEPRECATED_BACKEND
    )
    return old, deprecated


def role_from_fields(address: str, location: Location, fields: Mapping[str, Node]) -> Role:
    """An ``aws_iam_role`` from its fields, before its trust policy is read."""
    name_node = fields.get("name")
    policy = fields.get("assume_role_policy")
    return Role(
        address=address,
        location=location,
        name=name_node.text() if name_node is not None else None,
        max_session_duration=attr_of(fields.get("max_session_duration")),
        trust_location=(policy.key_location or policy.location) if policy is not None else None,
        trust_known=False,
    )


def emit_attempt(
    module: TfModule,
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
            role_arn=attr_of(fields.get("role_arn")),
            external_id=attr_of(fields.get("external_id")),
            session_name=attr_of(fields.get("session_name")),
            duration=duration_attr(fields.get("duration") or fields.get("duration_seconds")),
        )
    )


def config_attempts(
    module: TfModule,
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
            nested.append((node.key_location or node.location, map_fields(node)))
        if block is not None and evaluator is not None:
            nested += [(b.location, fields_of(evaluator, b)) for b in block.blocks_of(name)]
    for location, values in nested:
        merged = {**old, **values}
        emit_attempt(module, kind, caller, address, location, merged, deprecated=deprecated)
        emitted = True
    if not emitted:
        anchor = old.get("role_arn")
        location = (anchor.key_location or anchor.location) if anchor is not None else where
        emit_attempt(module, kind, caller, address, location, old, deprecated=deprecated)


def replace_role(role: Role, **changes: object) -> Role:
    return replace(role, **changes)  # type: ignore[arg-type,unused-ignore]


def with_trust(role: Role, document: Node) -> Role:
    """Build statements with the shared policy builder."""
    from assume_lint.parsers.policy import build_trust

    trust = build_trust(document)
    return replace_role(
        role,
        statements=tuple(trust.statements),
        version=trust.version,
        has_version=trust.has_version,
        trust_known=trust.known,
        structure_errors=tuple(trust.problems),
    )

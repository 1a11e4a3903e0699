"""Trust-policy JSON files: standalone policies and the AWS CLI's role documents.

Detection (``sniff``) only saw "AssumeRole" and "Statement" in the text; this module
decides what the document really is:

- a standalone policy (``{"Version": ..., "Statement": [...]}``);
- ``aws iam get-role`` output (``{"Role": {"RoleName", "Arn", "MaxSessionDuration",
  "AssumeRolePolicyDocument": {...}}}``);
- ``aws iam create-role`` input (``{"RoleName": ..., "AssumeRolePolicyDocument":
  "<policy as a JSON string>"}``): the string is parsed too, and its Locations point
  into the string on the file's line (the raw IAM API's URL-encoded form is also read,
  located at the string's start);
- ``aws iam list-roles`` output (``{"Roles": [...]}``): one Role per entry.

A standalone document that does not grant an ``sts:AssumeRole*`` action to a principal
is an identity policy or something else, and yields nothing: only trust policies are
linted here. CloudFormation templates (``Resources``) are left to their own parser.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from assume_lint.files.secrets import mask_text
from assume_lint.files.sources import SourceFile
from assume_lint.model import Attr, Model, ParseProblem, Role, Statement
from assume_lint.model.arn import role_account
from assume_lint.model.conditions import ASSUME_ACTIONS, action_matches
from assume_lint.model.findings import Location
from assume_lint.parsers import per_file
from assume_lint.parsers.jsonloc import (
    JsonError,
    Locator,
    fixed_locator,
    offset_of,
    parse_json,
    string_locator,
)
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import build_trust


@dataclass(frozen=True)
class _RoleDoc:
    """A role-shaped object found in the file and the policy it carries."""

    role: Node | None  # the role object (None for a standalone policy)
    policy: Node
    address: str


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse each file of the unit (one file, normally) into roles and problems."""
    return per_file(parse_file, files)


def parse_file(source: SourceFile) -> Model:
    """One JSON file -> its roles, or a ParseProblem when the JSON (or a policy) is bad."""
    model = Model()
    try:
        root = parse_json(source.text, source.rel)
    except JsonError as exc:
        where = Location(source.rel, exc.line, exc.column)
        model.problems.append(ParseProblem(where, f"invalid JSON: {mask_text(exc.message)}"))
        return model
    except RecursionError:  # pragma: no cover - the parser is iterative
        model.problems.append(ParseProblem(Location(source.rel), "JSON nested too deeply"))
        return model
    for found in _role_docs(root, source.rel):
        policy = _policy_node(found.policy, source)
        if isinstance(policy, ParseProblem):
            model.problems.append(policy)
            continue
        role = _role(found, policy, source.rel)
        if role is not None:
            model.roles.append(role)
    return model


# --------------------------------------------------------------------------- shapes


def _role_docs(root: Node, rel: str) -> Iterator[_RoleDoc]:
    """The role/policy pairs of a document, whatever its shape."""
    if not root.is_map or root.get("Resources") is not None:
        return
    wrapped = root.get("Role")
    roles = root.get("Roles")
    if wrapped is not None and wrapped.is_map:
        yield from _wrapped([wrapped], rel)
    elif roles is not None and roles.is_list:
        yield from _wrapped([r for r in roles.elements() if r.is_map], rel)
    elif root.get("AssumeRolePolicyDocument") is not None:
        yield from _wrapped([root], rel)
    elif root.get_ci("Statement") is not None:
        yield _RoleDoc(None, root, rel)


def _wrapped(roles: list[Node], rel: str) -> Iterator[_RoleDoc]:
    """Role objects with an ``AssumeRolePolicyDocument``; ``#name`` when there are several."""
    for index, role in enumerate(roles):
        policy = role.get("AssumeRolePolicyDocument")
        if policy is None:
            continue
        address = rel
        if len(roles) > 1:
            name = role.get("RoleName")
            label = name.value if name is not None and isinstance(name.value, str) else index
            address = f"{rel}#{label}"
        yield _RoleDoc(role, policy, address)


def _role(found: _RoleDoc, trust_node: Node, rel: str) -> Role | None:
    """The Role for one policy; None for a standalone document that is not a trust policy."""
    trust = build_trust(trust_node)
    if found.role is None and not _is_trust_policy(trust.statements):
        return None
    name = arn = account = None
    duration: Attr | None = None
    location = trust_node.location
    if found.role is not None:
        location = found.role.location
        name = _text(found.role.get("RoleName"))
        arn = _text(found.role.get("Arn"))
        account = role_account(arn)
        duration = _attr(found.role.get("MaxSessionDuration"))
    return Role(
        address=found.address,
        location=location,
        name=name or _stem(rel),
        account=account,
        arn=arn,
        statements=trust.statements,
        trust_known=trust.known,
        trust_location=found.policy.key_location or found.policy.location,
        version=trust.version,
        has_version=trust.has_version,
        max_session_duration=duration,
        structure_errors=trust.problems,
        document_only=found.role is None,  # a bare policy: a Terraform role may use it
    )


def _stem(rel: str) -> str:
    """``iam/deploy-trust.json`` -> ``deploy-trust`` (the role name a file stands for)."""
    return PurePosixPath(rel).name.removesuffix(".tpl").removesuffix(".json")


def _text(node: Node | None) -> str | None:
    return node.value if node is not None and isinstance(node.value, str) else None


def _attr(node: Node | None) -> Attr | None:
    """A scalar as an Attr (numbers as written), None when absent."""
    if node is None:
        return None
    text = node.source if node.source and node.known else node.text()
    return Attr(text, node.location, text or "")


def _is_trust_policy(statements: Sequence[Statement]) -> bool:
    """True when some non-Deny statement with a principal grants an sts:AssumeRole* action."""
    for statement in statements:
        if statement.effect == "Deny" or not statement.has_principal:
            continue
        if any(_grants_assume(statement, action.value) for action in statement.actions):
            return True
    return False


def _grants_assume(statement: Statement, action: str | None) -> bool:
    if action is None:
        return True  # unresolved: keep the role, rules stay silent about the unknown
    matched = [a for a in ASSUME_ACTIONS if action_matches(action, a)]
    if statement.not_action:
        return len(matched) < len(ASSUME_ACTIONS)
    return bool(matched)


# --------------------------------------------------------------------------- string policies


def _policy_node(policy: Node, source: SourceFile) -> Node | ParseProblem:
    """The policy object; a policy given as a (JSON or URL-encoded) string is parsed."""
    if not isinstance(policy.value, str):
        return policy
    raw = policy.value
    start = offset_of(source.text, policy.location)
    locate: Locator
    if raw.lstrip()[:3].upper() == "%7B":
        raw = urllib.parse.unquote(raw)
        locate = fixed_locator(policy.location.line, policy.location.column)  # no char map
    else:
        locate = string_locator(source.text, start, raw)
    try:
        node = parse_json(raw, source.rel, locate=locate)
    except JsonError as exc:
        message = f"invalid JSON in AssumeRolePolicyDocument: {mask_text(exc.message)}"
        return ParseProblem(Location(source.rel, exc.line, exc.column), message)
    node.key_location = policy.key_location
    return node

"""Which role defined in the scanned tree a caller's role ARN names.

A caller (provider, backend, profile, workflow step, Terragrunt ``iam_role``) names the
role it assumes by ARN. The role may be defined in the same tree: a Terraform
``aws_iam_role``, a CloudFormation ``AWS::IAM::Role``, a trust-policy JSON document. When
the definition's ARN is known, the match is by ARN identity (partition, account and the
role name, which IAM compares case-insensitively and independently of the path). When
only the role's name is known (a Terraform role whose account depends on the provider),
the match is by name, provided the definition's account is unknown or the same. A caller
whose ARN is partly known (``arn:${local.partition}:iam::111111111111:role/deploy``) is
matched by its known parts (:mod:`assume_lint.model.arn`) when only its partition or path is
unknown; an unknown account or role name decides which role it is (another account's
role of the same name is not the tree's), so such a caller matches nothing. Two
candidate definitions (the same name in two modules) are ambiguous: no match, so no
finding, because "unknown means silent".

A model-layer question: the cross-file rules (AL302 to AL305) ask it, and so does the
engine's partial run (which role definitions a changed file's callers miss).
"""

from __future__ import annotations

from dataclasses import dataclass

from assume_lint.model import HOLE, Model, Role
from assume_lint.model.arn import RoleArn, could_be_same_role, literal_role_arn, parse_role_arn


def _definition_arn(role: Role) -> RoleArn | None:
    return literal_role_arn(role.arn)


def _same_by_name(role: Role, wanted: RoleArn) -> bool:
    """Name match for a definition whose ARN is not known: same name (any case), and the
    definition's account unknown or equal."""
    if role.name is None or role.name.lower() != wanted.name.lower():
        return False
    return role.account is None or role.account == wanted.account


@dataclass(frozen=True)
class _RoleIndex:
    """Roles by ARN identity and, for those without a known ARN, by lower-case name."""

    roles: list[Role]
    size: int
    by_identity: dict[object, list[Role]]
    by_name: dict[str, list[Role]]
    defined_by_name: dict[str, list[tuple[RoleArn, Role]]]


_INDEXES: dict[int, _RoleIndex] = {}


def _index(model: Model) -> _RoleIndex:
    """Built once per model (every caller looks roles up: a scan per caller would make
    a large tree quadratic). Keyed by the identity of the model's role list."""
    cached = _INDEXES.get(id(model.roles))
    if cached is not None and cached.roles is model.roles and cached.size == len(model.roles):
        return cached
    by_identity: dict[object, list[Role]] = {}
    by_name: dict[str, list[Role]] = {}
    defined_by_name: dict[str, list[tuple[RoleArn, Role]]] = {}
    for role in model.roles:
        defined = _definition_arn(role)
        if defined is not None:
            by_identity.setdefault(defined.identity, []).append(role)
            defined_by_name.setdefault(defined.name.lower(), []).append((defined, role))
        elif role.name is not None:
            by_name.setdefault(role.name.lower(), []).append(role)
    index = _RoleIndex(model.roles, len(model.roles), by_identity, by_name, defined_by_name)
    _INDEXES.clear()  # one model at a time: no growth across runs in one process
    _INDEXES[id(model.roles)] = index
    return index


def find_role_variants(model: Model, arn_text: str | None) -> list[Role]:
    """Every evaluated variant of the one in-tree role that ``arn_text`` names (a
    CloudFormation role under each ``Fn::If`` branch, its defaults and their witness);
    empty when no role or several different roles match."""
    wanted = parse_role_arn(arn_text)
    if wanted is None or HOLE in wanted.name or HOLE in wanted.account:
        return []  # the unknown account or name decides which role it is
    index = _index(model)
    named = [r for r in index.by_name.get(wanted.name.lower(), []) if _same_by_name(r, wanted)]
    if wanted.known:
        found = index.by_identity.get(wanted.identity, []) or named
    else:  # only the partition or the path is unknown: every definition it may name
        defined = index.defined_by_name.get(wanted.name.lower(), [])
        found = [r for arn, r in defined if could_be_same_role(arn, wanted)] + named
    if len(found) == 1:
        return found
    same_role = len({role.address for role in found}) == 1
    if not same_role or any(role.variant is None for role in found):
        return []  # two definitions of that name: which one is meant is unknown
    return found


def find_role(model: Model, arn_text: str | None) -> Role | None:
    """The one in-tree role that ``arn_text`` names, or None (not found, or ambiguous);
    of a role evaluated several ways, its first deployment variant."""
    variants = find_role_variants(model, arn_text)
    deployed = [r for r in variants if not (r.variant and r.variant.witness)]
    return deployed[0] if deployed else None

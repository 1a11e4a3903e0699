"""Matching callers to the roles defined in the scanned tree, for the AL3xx rules.

A caller (provider, backend, profile, workflow step, Terragrunt ``iam_role``) names the
role it assumes by ARN. The role may be defined in the same tree: a Terraform
``aws_iam_role``, a CloudFormation ``AWS::IAM::Role``, a trust-policy JSON document. When
the definition's ARN is known, the match is by ARN identity (partition, account and the
role name, which IAM compares case-insensitively and independently of the path). When
only the role's name is known (a Terraform role whose account depends on the provider),
the match is by name, provided the definition's account is unknown or the same. Two
candidate definitions (the same name in two modules) are ambiguous: no match, so no
finding, because "unknown means silent".

This module also knows which trust statements *could* admit a caller: the Allow
statements that grant the STS action the caller uses, with a principal of the right
kind. A cross-file rule only reports when every such statement refuses the caller.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assume_lint.conditions import (
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    grants_action,
    is_allow,
)
from assume_lint.findings import Hit, Location, Variant
from assume_lint.model import AssumeAttempt, Model, Role, Statement
from assume_lint.rules._helpers_callers import RoleArn, attempt_anchor, parse_role_arn

__all__ = [
    "ASSUME_ROLE",
    "WEB_IDENTITY",
    "Match",
    "admitting_statements",
    "caller_action",
    "find_role",
    "find_role_variants",
    "matched_callers",
    "related_locations",
]

WEB_IDENTITY = ASSUME_ROLE_WITH_WEB_IDENTITY
_MAX_RELATED = 5


@dataclass(frozen=True)
class Match:
    """A caller, the in-tree role it assumes, and the trust statements that could admit it."""

    attempt: AssumeAttempt
    role: Role
    statements: tuple[Statement, ...]
    action: str

    @property
    def variant(self) -> Variant | None:
        """The deployment variant the pair was evaluated under (the role's, else the
        caller's): a hit about the pair holds in that variant."""
        return self.role.variant or self.attempt.variant


def _definition_arn(role: Role) -> RoleArn | None:
    return parse_role_arn(role.arn)


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


_INDEXES: dict[int, _RoleIndex] = {}


def _index(model: Model) -> _RoleIndex:
    """Built once per model (every caller looks roles up: a scan per caller would make
    a large tree quadratic). Keyed by the identity of the model's role list."""
    cached = _INDEXES.get(id(model.roles))
    if cached is not None and cached.roles is model.roles and cached.size == len(model.roles):
        return cached
    by_identity: dict[object, list[Role]] = {}
    by_name: dict[str, list[Role]] = {}
    for role in model.roles:
        defined = _definition_arn(role)
        if defined is not None:
            by_identity.setdefault(defined.identity, []).append(role)
        elif role.name is not None:
            by_name.setdefault(role.name.lower(), []).append(role)
    index = _RoleIndex(model.roles, len(model.roles), by_identity, by_name)
    _INDEXES.clear()  # one model at a time: no growth across runs in one process
    _INDEXES[id(model.roles)] = index
    return index


def find_role_variants(model: Model, arn_text: str | None) -> list[Role]:
    """Every evaluated variant of the one in-tree role that ``arn_text`` names (a
    CloudFormation role under each ``Fn::If`` branch, its defaults and their witness);
    empty when no role or several different roles match."""
    wanted = parse_role_arn(arn_text)
    if wanted is None:
        return []
    index = _index(model)
    found = index.by_identity.get(wanted.identity, [])
    if not found:
        found = [r for r in index.by_name.get(wanted.name.lower(), []) if _same_by_name(r, wanted)]
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


def _profile_uses_web_identity(model: Model, attempt: AssumeAttempt) -> bool:
    """A profile with ``web_identity_token_file`` calls AssumeRoleWithWebIdentity."""
    for profile in model.profiles:
        if (
            attempt.address == f"{profile.group}/profile {profile.name}"
            and profile.get("web_identity_token_file") is not None
        ):
            return True
    return False


def caller_action(model: Model, attempt: AssumeAttempt) -> str:
    """The STS action the caller performs: web identity for OIDC workflow steps and
    profiles with a token file, ``sts:AssumeRole`` for everything else."""
    if attempt.kind in ("workflow", "cli") and attempt.uses_oidc:
        return WEB_IDENTITY
    if attempt.kind == "profile" and _profile_uses_web_identity(model, attempt):
        return WEB_IDENTITY
    return ASSUME_ROLE


def _principal_fits(statement: Statement, action: str) -> bool:
    """Could the statement's principal be the caller? AssumeRole callers are AWS
    identities; web-identity callers are federated. Unknown principals could be either."""
    if statement.not_principal or statement.unknown_principals:
        return True
    wanted = "Federated" if action == WEB_IDENTITY else "AWS"
    return any(p.kind in ("*", wanted) for p in statement.principals)


def admitting_statements(role: Role, action: str) -> tuple[Statement, ...]:
    """The Allow statements that could admit a caller performing ``action``."""
    return tuple(
        statement
        for statement in role.statements
        if is_allow(statement)
        and grants_action(statement, (action,)) is not False
        and _principal_fits(statement, action)
    )


def matched_callers(model: Model) -> Iterator[Match]:
    """Every caller whose role is defined (unambiguously, with a known trust) in the tree
    and has at least one statement that could admit it."""
    for attempt in model.attempts:
        if attempt.role_arn is None or not attempt.role_arn.known or attempt.refused:
            continue  # a command its own tool refuses never reaches the trust
        for role in find_role_variants(model, attempt.role_arn.value):
            if not role.trust_known or not role.statements:
                continue
            action = caller_action(model, attempt)
            statements = admitting_statements(role, action)
            if statements:
                yield Match(attempt, role, statements, action)


def denied_hit(match: Match, requirement: str, problem: str) -> Hit:
    """The AL302/AL303 finding: a caller that cannot meet what the role's trust requires,
    at the caller, with the trust statements as related locations."""
    attempt, role = match.attempt, match.role
    return Hit(
        location=attempt_anchor(attempt),
        message=(
            f"{attempt.caller} assumes role {role.label} ({role.address}), whose trust "
            f"requires {requirement}, but {problem}: the call will be denied"
        ),
        key=f"{attempt.address}~{role.address}",
        related=related_locations(match.statements),
        variant=match.variant,
    )


def related_locations(statements: Sequence[Statement]) -> tuple[Location, ...]:
    """The trust statements' locations for ``Hit.related`` (deduplicated, a few at most)."""
    seen: list[Location] = []
    for statement in statements:
        if statement.location not in seen:
            seen.append(statement.location)
    return tuple(seen[:_MAX_RELATED])


# --------------------------------------------------------------------------- subject shapes

# Token kinds of a compiled pattern: a literal character, any one character, any run of
# characters, any run of characters without ":" (the ``*`` of a derived subject).
_LIT, _ONE, _ANY, _NOCOLON = 0, 1, 2, 3
_Token = tuple[int, str]


def _compile(text: str, *, glob: bool, subject: bool = False) -> tuple[_Token, ...]:
    """Tokens of a trust value (``glob``: StringLike's ``*``/``?``) or of a derived
    subject (``subject``: ``*`` is any text without ``:``)."""
    tokens: list[_Token] = []
    for char in text:
        if subject and char == "*":
            tokens.append((_NOCOLON, ""))
        elif glob and char == "*":
            tokens.append((_ANY, ""))
        elif glob and char == "?":
            tokens.append((_ONE, ""))
        else:
            tokens.append((_LIT, char))
    return tuple(tokens)


def _is_star(token: _Token) -> bool:
    return token[0] in (_ANY, _NOCOLON)


def _share_char(a: _Token, b: _Token) -> bool:
    """Can one character be consumed by both tokens?"""
    if a[0] == _LIT and b[0] == _LIT:
        return a[1] == b[1]
    if a[0] == _LIT:
        return not (b[0] == _NOCOLON and a[1] == ":")
    if b[0] == _LIT:
        return not (a[0] == _NOCOLON and b[1] == ":")
    return True


def _steps(
    a: tuple[_Token, ...], b: tuple[_Token, ...], i: int, j: int
) -> Iterator[tuple[int, int]]:
    """Successor states of the product automaton at (i, j)."""
    if i < len(a) and _is_star(a[i]):
        yield i + 1, j  # the star matches nothing more
    if j < len(b) and _is_star(b[j]):
        yield i, j + 1
    if i < len(a) and j < len(b) and _share_char(a[i], b[j]):
        yield (i if _is_star(a[i]) else i + 1), (j if _is_star(b[j]) else j + 1)


def shapes_intersect(a: tuple[_Token, ...], b: tuple[_Token, ...]) -> bool:
    """Is there a string that both token patterns match? (Reachability in the product of
    the two patterns' automata: O(len(a) * len(b)), no backtracking.)"""
    seen = {(0, 0)}
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if i == len(a) and j == len(b):
            return True
        for state in _steps(a, b, i, j):
            if state not in seen:
                seen.add(state)
                todo.append(state)
    return False


def subject_may_match(subject: str, value: str, *, glob: bool, ignore_case: bool = False) -> bool:
    """Can a token whose ``sub`` has the shape ``subject`` satisfy a trust ``value``?"""
    if ignore_case:
        subject, value = subject.lower(), value.lower()
    return shapes_intersect(_compile(subject, glob=False, subject=True), _compile(value, glob=glob))

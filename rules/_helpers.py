"""Shared predicates for the trust-side rules (AL1xx).

The condition semantics live in :mod:`assume_lint.model.conditions`; this module adds what the
rules share on top of it: classifying principals (account root, IAM user), deciding which
accounts are the user's own, and the combined "is MFA / ExternalId enforced for this
principal" answers that take Deny statements into account. Keeping these in one place is
what lets AL103 promise never to report what AL102 reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from assume_lint.model import HOLE, Condition, Model, Principal, Role, Statement
from assume_lint.model.arn import iam_resource, is_account_id, parse_arn
from assume_lint.model.conditions import (
    ALWAYS_PRESENT,
    ASSUME_ACTIONS,
    ASSUME_ROLE,
    allows_without_mfa,
    conditions_on,
    deny_blocks_without_external_id,
    deny_blocks_without_mfa,
    effective_mfa,
    glob_match,
    glob_tokens,
    grants_action,
    is_allow,
    is_wildcard_only,
    parse_operator,
    patterns_intersect,
    requires_external_id,
    tri_or,
)
from assume_lint.model.conditions import Tri as Tri
from assume_lint.model.findings import Location
from assume_lint.model.registry import RuleContext

__all__ = [
    "ASSUME_ACTIONS",
    "ASSUME_ROLE",
    "Tri",
    "account_root_of",
    "allow_statements",
    "external_id_enforced",
    "hit_key",
    "iam_user_account",
    "iam_user_text",
    "may_match_any_glob",
    "shown",
    "is_foreign_account_root",
    "matches_any_glob",
    "mfa_enforced",
    "own_accounts",
    "related",
    "weak_conditions",
    "weak_note",
]

_PARTITION_OR_HOLE = re.compile(r"^(?:aws(?:-[a-z]+)*|.*" + HOLE + r".*)$")
_ACCOUNT_OR_HOLE = re.compile(r"^(?:\d{12}|[\d" + HOLE + r"]*" + HOLE + r"[\d" + HOLE + r"]*)$")


def account_root_of(principal: Principal) -> str | None:
    """The account id when the principal is account-wide (``arn:...:root`` or a bare id)."""
    if principal.kind != "AWS" or principal.value is None:
        return None
    value = principal.value.strip()
    if is_account_id(value):
        return value
    root = iam_resource(value, "root")
    return root[0] if root is not None and is_account_id(root[0]) else None


def iam_user_account(principal: Principal) -> str | None:
    """The account id when the principal is an IAM user ARN (a human-capable identity)."""
    if principal.kind != "AWS" or principal.value is None:
        return None
    user = iam_resource(principal.value, "user")
    return user[0] if user is not None and is_account_id(user[0]) else None


def iam_user_text(principal: Principal) -> str | None:
    """The ARN text (literal or partly known) of a principal that is certainly an IAM
    user, whatever its unknown parts: ``arn:<?>:iam::<?>:user/admin`` (Terraform's
    ``aws_iam_user.admin.arn``) is a user of some account; None otherwise."""
    if principal.kind != "AWS" or principal.pattern is None:
        return None
    text = principal.pattern.strip()
    arn = parse_arn(text)
    if arn is None or arn.service != "iam" or arn.region or not arn.resource.startswith("user/"):
        return None
    if not _PARTITION_OR_HOLE.match(arn.partition) or not _ACCOUNT_OR_HOLE.match(arn.account):
        return None
    return text


def shown(text: str) -> str:
    """A partly known value for messages: each unknown part as ``<?>``."""
    return text.replace(HOLE, "<?>")


def globs_intersect(a: str, b: str) -> bool:
    """Is there a string that both ``*``/``?`` globs match?"""
    return patterns_intersect(glob_tokens(a), glob_tokens(b))


def may_match_any_glob(text: str, patterns: Sequence[str]) -> bool:
    """Could a partly known ``text`` match one of the ``*``/``?`` globs? Exact for
    literals; for a partly known ARN, True means "cannot rule it out": the glob and the
    value are intersected segment by segment (an unknown part never spans an ARN's
    ``:``, see :mod:`assume_lint.model.arn`), or as a whole when the glob is no six-part ARN."""
    if HOLE not in text:
        return matches_any_glob(text, patterns)
    parts = text.replace(HOLE, "*").split(":", 5)
    for pattern in patterns:
        globs = pattern.split(":", 5)
        if len(globs) == len(parts) == 6:
            if all(globs_intersect(g, p) for g, p in zip(globs, parts, strict=True)):
                return True
        elif globs_intersect(pattern, ":".join(parts)):
            return True
    return False


def own_accounts(role: Role, ctx: RuleContext) -> frozenset[str]:
    """The configured own accounts plus the role's own account when known."""
    accounts = set(ctx.trusted.accounts)
    if role.account:
        accounts.add(role.account)
    return frozenset(accounts)


def is_foreign_account_root(role: Role, principal: Principal, ctx: RuleContext) -> bool:
    """An account-wide principal of an account that is not ours: AL102's territory."""
    account = account_root_of(principal)
    return account is not None and account not in own_accounts(role, ctx)


def allow_statements(
    model: Model, actions: Sequence[str] = (ASSUME_ROLE,)
) -> Iterator[tuple[Role, Statement]]:
    """Allow statements that certainly grant one of ``actions`` (unknown: skipped)."""
    for role, statement in model.statements():
        if is_allow(statement) and grants_action(statement, actions) is True:
            yield role, statement


def mfa_enforced(role: Role, statement: Statement, principal: Principal) -> Tri:
    """Must ``principal`` present MFA to use ``statement``? Either the statement's own
    conditions refuse no-MFA requests, or a Deny in the same policy does.
    """
    if effective_mfa(statement):
        return True
    own = allows_without_mfa(statement)
    if own is False:
        return True
    denied = deny_blocks_without_mfa(role.statements, principal)
    return tri_or((None if own is None else False, denied))


def external_id_enforced(role: Role, statement: Statement, principal: Principal) -> Tri:
    """Must ``principal`` present an ``sts:ExternalId`` (statement or a Deny says so)?"""
    own = requires_external_id(statement)
    if own is True:
        return True
    denied = deny_blocks_without_external_id(role.statements, principal)
    return tri_or((own, denied))


def matches_any_glob(value: str, patterns: Sequence[str]) -> bool:
    """``*``/``?`` glob match of ``value`` against any pattern (case-sensitive, like ARNs)."""
    return any(glob_match(pattern, value) for pattern in patterns)


def hit_key(role: Role, statement: Statement, extra: str | None = None) -> str:
    """The logical location of a trust hit: ``address/label`` (``/extra`` when several)."""
    key = f"{role.address}/{statement.label}"
    return f"{key}/{extra}" if extra else key


def related(role: Role, statement: Statement, where: Location) -> tuple[Location, ...]:
    """Related locations of a hit at ``where`` about ``statement``: the statement itself
    when the offending value was written in another file (a module's caller, a
    ``.tfvars``, the call of a template), then the module calls the role came through."""
    out: list[Location] = []
    if where.path != statement.location.path:
        out.append(statement.location)
    out.extend(loc for loc in role.related if loc != where and loc not in out)
    return tuple(out)
# --------------------------------------------------------------------------- messages


def _weak_reason(condition: Condition) -> str | None:
    """Why a condition that is written does not bind, or None (it binds, or unknown)."""
    op = parse_operator(condition.operator)
    values = condition.values
    if op is None or not values or any(value is None for value in values):
        return None
    if op.negated:
        return "a negated operator admits every value it does not name"
    if op.if_exists and condition.key.strip().lower() not in ALWAYS_PRESENT:
        return "...IfExists passes when the request does not carry the key"
    if op.qualifier == "forallvalues":
        return "ForAllValues passes when the request does not carry the key"
    key = condition.key.strip().lower()
    if key == "aws:multifactorauthpresent":
        if op.base == "null":
            return "Null only tests whether the key is present"
        if any(str(v).strip().lower() != "true" for v in values):
            return "it admits sessions without MFA"
        return None
    if key == "aws:multifactorauthage" and op.base.startswith("numericgreater"):
        return "a lower bound on the age admits old sessions"
    wild = next((str(v) for v in values if is_wildcard_only(condition.key, str(v))), None)
    if wild is not None:
        return f"{wild!r} matches anybody's value"
    return None


def weak_conditions(statement: Statement, keys: Sequence[str]) -> list[tuple[Condition, str]]:
    """The conditions on ``keys`` that are written but do not bind, each with why: rules
    must not tell a user to add a condition that is there, but say what is wrong with it."""
    found: list[tuple[Condition, str]] = []
    for key in keys:
        for condition in conditions_on(statement, key):
            reason = _weak_reason(condition)
            if reason is not None:
                found.append((condition, reason))
    return found


def weak_note(weak: Sequence[tuple[Condition, str]]) -> str:
    """`` (its StringLike aws:PrincipalArn condition does not bind: ...)`` or ``""``."""
    if not weak:
        return ""
    condition, reason = weak[0]
    return f" (its {condition.operator} {condition.key} condition does not bind: {reason})"

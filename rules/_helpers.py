"""Shared predicates for the trust-side rules (AL1xx).

The condition semantics live in :mod:`assume_lint.conditions`; this module adds what the
rules share on top of it: classifying principals (account root, IAM user), deciding which
accounts are the user's own, and the combined "is MFA / ExternalId enforced for this
principal" answers that take Deny statements into account. Keeping these in one place is
what lets AL103 promise never to report what AL102 reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assume_lint.arn import iam_resource, is_account_id
from assume_lint.conditions import (
    ASSUME_ACTIONS,
    ASSUME_ROLE,
    allows_without_mfa,
    deny_blocks_without_external_id,
    deny_blocks_without_mfa,
    effective_mfa,
    glob_match,
    grants_action,
    is_allow,
    requires_external_id,
    tri_or,
)
from assume_lint.conditions import Tri as Tri
from assume_lint.findings import Location
from assume_lint.model import Model, Principal, Role, Statement
from assume_lint.registry import RuleContext

__all__ = [
    "ASSUME_ACTIONS",
    "ASSUME_ROLE",
    "Tri",
    "account_root_of",
    "allow_statements",
    "external_id_enforced",
    "hit_key",
    "iam_user_account",
    "is_foreign_account_root",
    "matches_any_glob",
    "mfa_enforced",
    "own_accounts",
    "related",
]



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

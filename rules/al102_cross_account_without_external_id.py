"""Another account may assume the role with no ExternalId, MFA or organization guard.

## What it does
Flags an account-wide principal (`arn:aws:iam::N:root` or a bare account id `N`) of an
account that is not one of your own (the `[trusted] accounts` of the config, or the
role's own account when known) in an Allow statement granting `sts:AssumeRole`, when the
statement requires none of: an `sts:ExternalId`, an effective MFA condition
(`Bool aws:MultiFactorAuthPresent "true"`), `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths`,
or a specific `aws:PrincipalArn`. A Deny statement of the same policy that refuses
requests without ExternalId or without MFA counts as well.

A specific role ARN in another account is a precise principal and is not reported.

## Why is this bad?
`arn:aws:iam::N:root` delegates the decision to account N: every identity there whose own
policies allow `sts:AssumeRole` can assume the role. When N is a vendor (a SaaS that
assumes roles in its customers' accounts), any other customer of that vendor can ask it
to act on your role: the confused-deputy problem. The `sts:ExternalId` the vendor gives
you, checked in the trust policy, is what ties the vendor's call to your tenant.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
 "Action": "sts:AssumeRole"}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
 "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"sts:ExternalId": "tenant-8c1f4f2a"}}}
```
or trust the exact role ARN that calls you. Declare your own accounts in
`[trusted] accounts` so that trust between them is not reported.

## References
- AWS IAM User Guide: The confused deputy problem.
- AWS IAM User Guide: Access to AWS accounts owned by third parties (ExternalId).
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model, Principal, Role, Statement
from assume_lint.model.conditions import guard_unknown, names_principal, principal_guards
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import (
    account_root_of,
    allow_statements,
    external_id_enforced,
    hit_key,
    is_foreign_account_root,
    mfa_enforced,
    related,
    weak_conditions,
    weak_note,
)

RULE = RuleMeta(
    id="AL102",
    name="cross-account-without-external-id",
    summary="Another account may assume the role with no ExternalId, MFA or org guard",
    severity=Severity.HIGH,
    tags=("security", "trust", "cross-account"),
)

_ORG_GUARDS = frozenset({"aws:principalorgid", "aws:principalorgpaths"})
_GUARD_KEYS = (
    "sts:ExternalId",
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalArn",
)


def _protected(role: Role, statement: Statement, principal: Principal) -> bool:
    """True when a guard binds the foreign account, or when that cannot be decided."""
    if guard_unknown(statement) or principal_guards(statement) & _ORG_GUARDS:
        return True
    if names_principal(statement):
        return True
    external = external_id_enforced(role, statement, principal)
    mfa = mfa_enforced(role, statement, principal)
    return external is not False or mfa is not False


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per unguarded foreign account principal."""
    for role, statement in allow_statements(model):
        if statement.not_principal:
            continue
        foreign = [p for p in statement.principals if is_foreign_account_root(role, p, ctx)]
        for principal in foreign:
            if _protected(role, statement, principal):
                continue
            account = account_root_of(principal)
            weak = weak_conditions(statement, _GUARD_KEYS)
            what = "binding " if weak else ""
            yield Hit(
                location=principal.location,
                message=(
                    f"Role {role.label} trusts account {account} (not one of your own "
                    f"accounts) with no {what}sts:ExternalId, MFA, aws:PrincipalOrgID or "
                    f"aws:PrincipalArn condition{weak_note(weak)}; require the vendor's "
                    "ExternalId, trust the exact caller role ARN, or list the account under "
                    "[trusted] accounts"
                ),
                key=hit_key(role, statement, account if len(foreign) > 1 else None),
                variant=role.variant,
                related=related(role, statement, principal.location),
            )

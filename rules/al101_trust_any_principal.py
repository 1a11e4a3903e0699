"""Trust policy lets any principal assume the role.

## What it does
Flags an Allow statement that grants `sts:AssumeRole*` (also through `sts:*` or `*`) to
`"*"`, `{"AWS": "*"}` or `{"Federated": "*"}` (alone or inside a list), or to everyone but
a few through `NotPrincipal`, when no strong condition limits the callers:
`aws:PrincipalOrgID`/`aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, a specific
`aws:PrincipalArn`, `aws:SourceArn`/`aws:SourceAccount`/`aws:SourceOrgID`. A Deny
statement that refuses everybody outside such a value (`StringNotEquals
aws:PrincipalOrgID`) counts as a guard too.

## Why is this bad?
Any AWS account in the world, including an attacker's, can call `sts:AssumeRole` on the
role and receive its permissions. `sts:ExternalId` alone is not a guard: it is a shared
value, not an identity, and it is often visible in a vendor's onboarding page or in code.
Weak keys such as `aws:SourceIp`, `aws:UserAgent` or `aws:PrincipalTag/*` (set by the
caller's own account) and wildcard-only values (`*`, `arn:aws:iam::*:role/x`) do not
limit who may call either.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"sts:ExternalId": "b6d2c4e0"}}}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
```
or name the principal (`arn:aws:iam::111111111111:role/ci`).

## References
- AWS IAM User Guide: AWS global condition context keys (`aws:PrincipalOrgID`).
- AWS IAM User Guide: IAM JSON policy elements: Principal ("Principal": "*").
- checkov issues #6839, #7304 (guarded `*` principals wrongly flagged).
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model, Role, Statement
from assume_lint.model.conditions import (
    STRONG_GUARDS,
    constrains_principal,
    deny_guard,
    guard_unknown,
)
from assume_lint.model.findings import Hit, Location, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import (
    ASSUME_ACTIONS,
    allow_statements,
    hit_key,
    related,
    weak_conditions,
    weak_note,
)

RULE = RuleMeta(
    id="AL101",
    name="trust-any-principal",
    summary="A role trusts any principal with no organization, account or ARN guard",
    severity=Severity.CRITICAL,
    tags=("security", "trust"),
)


def _anyone(statement: Statement) -> tuple[Location, str] | None:
    """Where the statement admits everybody, and how (for the message); None otherwise."""
    if statement.not_principal:
        first = statement.principals[0].location if statement.principals else None
        return first or statement.location, "every principal but those in NotPrincipal"
    for principal in statement.principals:
        if principal.kind == "*":
            return principal.location, 'any principal ("*")'
        if principal.kind in ("AWS", "Federated") and principal.value == "*":
            label = "AWS principal" if principal.kind == "AWS" else "federated principal"
            return principal.location, f'any {label} ("{principal.kind}": "*")'
    return None


def _guarded(role: Role, statement: Statement) -> bool:
    """True when a strong guard limits the callers, or when we cannot tell (silent)."""
    if constrains_principal(statement) is not None or guard_unknown(statement):
        return True
    return deny_guard(role.statements) is not None


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per Allow statement that admits anybody without a strong guard."""
    for role, statement in allow_statements(model, ASSUME_ACTIONS):
        found = _anyone(statement)
        if found is None or _guarded(role, statement):
            continue
        location, who = found
        weak = weak_conditions(statement, STRONG_GUARDS)
        if weak:
            detail = (
                f"Role {role.label} trusts {who}{weak_note(weak)}; name your organization, "
                "accounts or the exact identities, or restrict the principal"
            )
        else:
            detail = (
                f"Role {role.label} trusts {who} with no aws:PrincipalOrgID, "
                "aws:PrincipalAccount or aws:PrincipalArn guard; restrict the principal "
                "or add one"
            )
        yield Hit(
            location=location,
            message=detail,
            key=hit_key(role, statement),
            variant=role.variant,
            related=related(role, statement, location),
        )

"""A service principal may assume the role on behalf of any AWS customer.

## What it does
Flags a service principal (`{"Service": "<name>.amazonaws.com"}`) in an Allow statement
that grants `sts:AssumeRole` with no `aws:SourceArn`, `aws:SourceAccount`,
`aws:SourceOrgID` or `aws:SourceOrgPaths` condition naming a specific value (a Deny
that refuses every other source counts too). Reported at the service principal.

A guard under an `...IfExists` operator (`StringEqualsIfExists aws:SourceAccount`) counts:
a service acting for another customer's resource sends the key, and the condition then
refuses it. So does `sts:ExternalId`, the guard AWS documents for the services that pass
one when they assume your role (Amazon Cognito's SMS role, Amazon Redshift). A guard
whose value is unresolved counts too. A condition that is written but names nobody's
resource (`aws:SourceArn` = `*`) is reported as such, never as missing.

Exempt, following AWS's guidance and prowler's exemptions, are services that assume
their role for compute *you* launch and do not send these keys when they do, so a
condition would break the role: `ec2.amazonaws.com`, `lambda.amazonaws.com`,
`edgelambda.amazonaws.com`, `eks.amazonaws.com`, `eks-fargate-pods.amazonaws.com`,
`eks-nodegroup.amazonaws.com` and `secretsmanager.amazonaws.com` (rotation).
Statements whose conditions cannot be resolved are not reported.

## Why is this bad?
A service principal is shared by every AWS customer. Another customer can point the
same service (an SNS topic, a CodeBuild project, a Config rule) at your role's ARN and
have the service act with your role's permissions: the cross-service confused deputy.
`aws:SourceArn`/`aws:SourceAccount` restrict the role to requests the service makes for
your own resources.

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"},
 "Action": "sts:AssumeRole"}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"},
 "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"},
               "ArnLike": {"aws:SourceArn": "arn:aws:codebuild:eu-west-1:111111111111:project/*"}}}
```

## References
- AWS IAM User Guide: The confused deputy problem (cross-service confused deputy
  prevention).
- AWS IAM User Guide: AWS global condition context keys (`aws:SourceArn`,
  `aws:SourceAccount`, `aws:SourceOrgID`).
- prowler check `iam_role_cross_service_confused_deputy_prevention`.
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Condition, Model, Principal, Role, Statement
from assume_lint.model.conditions import (
    Tri,
    deny_guard,
    guard_unknown,
    is_wildcard_only,
    normalise_key,
    parse_operator,
    tri_or,
)
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import (
    ASSUME_ROLE,
    allow_statements,
    hit_key,
    related,
    weak_conditions,
    weak_note,
)

RULE = RuleMeta(
    id="AL107",
    name="service-confused-deputy",
    summary="A service principal may assume the role with no aws:SourceArn/SourceAccount",
    severity=Severity.LOW,
    tags=("security", "trust", "confused-deputy"),
)

SOURCE_KEYS = frozenset(
    {"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"}
)
# What AWS documents as the confused-deputy guard of services that pass an ExternalId.
GUARD_KEYS = SOURCE_KEYS | {"sts:externalid"}
EXEMPT_SERVICES = frozenset(
    {
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "edgelambda.amazonaws.com",
        "eks.amazonaws.com",
        "eks-fargate-pods.amazonaws.com",
        "eks-nodegroup.amazonaws.com",
        "secretsmanager.amazonaws.com",
    }
)


def is_exempt(service: str) -> bool:
    """Services that do not send the source keys when assuming their role.

    China-region names (``ec2.amazonaws.com.cn``) are the same services.
    """
    name = service.strip().lower().removesuffix(".cn")
    return name in EXEMPT_SERVICES


def _source_guard(condition: Condition) -> Tri:
    """Does this condition limit the service to requests for named resources? A positive
    string or ARN match on a guard key, ``...IfExists`` included (the service sends the
    key when it acts for a resource); None when a value is unresolved."""
    if normalise_key(condition.key) not in GUARD_KEYS:
        return False
    op = parse_operator(condition.operator)
    if op is None:
        return None
    if op.negated or op.qualifier == "forallvalues" or op.family not in ("string", "arn"):
        return False
    if not condition.values:
        return False
    if any(value is None for value in condition.values):
        return None
    return not any(is_wildcard_only(condition.key, str(v)) for v in condition.values)


def _guarded(role: Role, statement: Statement) -> bool:
    """A source guard in the statement or a Deny; unresolved conditions count (silent)."""
    if tri_or(_source_guard(c) for c in statement.conditions) is not False:
        return True
    if guard_unknown(statement):
        return True
    key = deny_guard(role.statements)
    return key is not None and normalise_key(key) in SOURCE_KEYS


def _services(statement: Statement) -> list[Principal]:
    if statement.not_principal:
        return []
    return [
        p
        for p in statement.principals
        if p.kind == "Service" and p.value is not None and p.value != "*" and not is_exempt(p.value)
    ]


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per unguarded, non-exempt service principal."""
    for role, statement in allow_statements(model, (ASSUME_ROLE,)):
        services = _services(statement)
        if not services or _guarded(role, statement):
            continue
        weak = weak_conditions(statement, sorted(GUARD_KEYS))
        fix = (
            f"{weak_note(weak)}; name your own account or resource in it"
            if weak
            else "; add an aws:SourceAccount or aws:SourceArn condition naming your own "
            "account or resource"
        )
        for principal in services:
            yield Hit(
                location=principal.location,
                message=(
                    f"Role {role.label} can be assumed by {principal.value} for any AWS "
                    f"account's resources{fix}"
                ),
                key=hit_key(role, statement, principal.value),
                variant=role.variant,
                related=related(role, statement, principal.location),
            )

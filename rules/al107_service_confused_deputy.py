"""A service principal may assume the role on behalf of any AWS customer.

## What it does
Flags a service principal (`{"Service": "<name>.amazonaws.com"}`) in an Allow statement
that grants `sts:AssumeRole` with no `aws:SourceArn`, `aws:SourceAccount`,
`aws:SourceOrgID` or `aws:SourceOrgPaths` condition naming a specific value (a Deny
that refuses every other source counts too). Reported at the service principal.

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

from assume_lint.conditions import deny_guard, guard_unknown, normalise_key, principal_guards
from assume_lint.findings import Hit, Severity
from assume_lint.model import Model, Principal, Role, Statement
from assume_lint.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import ASSUME_ROLE, allow_statements, hit_key, related

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


def _guarded(role: Role, statement: Statement) -> bool:
    """A source guard in the statement or a Deny; unresolved conditions count (silent)."""
    if principal_guards(statement) & SOURCE_KEYS or guard_unknown(statement):
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
        for principal in services:
            yield Hit(
                location=principal.location,
                message=(
                    f"Role {role.label} can be assumed by {principal.value} for any AWS "
                    "account's resources; add an aws:SourceAccount or aws:SourceArn "
                    "condition naming your own account or resource"
                ),
                key=hit_key(role, statement, principal.value),
                variant=role.variant,
                related=related(role, statement, principal.location),
            )

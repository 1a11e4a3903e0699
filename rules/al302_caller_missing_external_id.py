"""A caller assumes an in-tree role whose trust requires an ExternalId it does not pass.

## What it does
Matches every caller (Terraform provider and backend, Terragrunt, AWS profile, workflow
step) to the role it assumes when that role is defined in the scanned tree (Terraform,
CloudFormation or a trust-policy document), by ARN or by role name and account. Reports
at the caller's `role_arn` when every trust statement that could admit the caller
requires `sts:ExternalId` (or a Deny refuses requests without one) and the caller passes
none, or passes a literal that no statement accepts. The trust statements are attached
as related locations. Unresolved ARNs, ExternalIds and conditions are silent, and so is
a role name defined twice in the tree.

## Why is this bad?
The call is denied with a bare `AccessDenied`, which says nothing about the missing
ExternalId: the pipeline fails at plan or deploy time, and the usual "fix" is to delete
the ExternalId condition from the trust, reopening the confused-deputy hole it closed.

## Example
```hcl
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "ci-7f3a" } }
    }]
  })
}
provider "aws" {
  assume_role { role_arn = "arn:aws:iam::222222222222:role/deploy" }
}
```

Use instead:
```hcl
provider "aws" {
  assume_role {
    role_arn    = "arn:aws:iam::222222222222:role/deploy"
    external_id = var.external_id
  }
}
```

## References
- [AWS IAM: Access to AWS accounts owned by third parties (external ID)](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html)
- [Terraform AWS provider: assume_role](https://registry.terraform.io/providers/hashicorp/aws/latest/docs#assume-role)
- [AWS CLI: external_id in a role profile](https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.conditions import (
    EXTERNAL_ID,
    deny_blocks_without_external_id,
    requires_external_id,
    satisfiable_with,
    tri_or,
)
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers_match import Match, denied_hit, matched_callers

RULE = RuleMeta(
    id="AL302",
    name="caller-missing-external-id",
    summary="Caller does not pass the ExternalId the role's trust requires",
    severity=Severity.HIGH,
    tags=("consistency", "external-id"),
)


def _required(match: Match) -> bool:
    """True when no statement admitting the caller can be satisfied without an ExternalId."""
    if all(requires_external_id(s) is True for s in match.statements):
        return True
    return deny_blocks_without_external_id(match.role.statements, None) is True


def _accepted(match: Match, value: str) -> bool | None:
    """Does some admitting statement accept ``value`` as the ExternalId? None: unknown."""
    scenario = ({EXTERNAL_ID: value},)
    return tri_or(satisfiable_with(s, scenario) for s in match.statements)


def _problem(match: Match) -> str | None:
    """What is wrong with the caller's ExternalId, or None when nothing (or unknown)."""
    if not _required(match):
        return None
    passed = match.attempt.external_id
    if passed is None:
        return "passes no ExternalId"
    if passed.value is None or _accepted(match, passed.value) is not False:
        return None
    return "passes an ExternalId that the trust does not accept"


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per caller of an in-tree role that requires an ExternalId it lacks."""
    for match in matched_callers(model):
        problem = _problem(match)
        if problem is None:
            continue
        yield denied_hit(match, "sts:ExternalId", problem)

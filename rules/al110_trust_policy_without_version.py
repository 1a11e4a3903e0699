"""A trust policy without `Version`: IAM applies the 2008-10-17 policy language.

## What it does
Reports, at low severity, a role trust policy that has no `Version` element. Opt-in:
AWS documents `Version` as mattering only for policy variables, and the case where it
breaks something (a policy variable in a condition) is AL109's, in the default set. IAM accepts
such a policy and evaluates it with the old `2008-10-17` version of the policy
language. Reported at the trust policy (the `AssumeRolePolicyDocument` or
`assume_role_policy` that holds it, or the document itself).

A policy that relies on what the old version lacks, such as a policy variable
(`${aws:PrincipalTag/team}`) in a condition, silently cannot work: that is reported by
AL109 at the condition, at high severity.

## Why is this bad?
Nothing fails today, which is why it goes unnoticed: the policy is saved and works.
But under 2008-10-17 policy variables are plain text, so the first time someone adds a
condition such as `"aws:PrincipalArn": "arn:aws:iam::*:role/${aws:PrincipalTag/team}-*"`
the condition compares against the literal string and never matches (or, in a Deny,
never denies). AWS documentation, IAM Access Analyzer and every policy example use
`2012-10-17`; writing it keeps the policy's meaning independent of the defaults.

## Example
```yaml
ECSTaskRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument:
      Statement:
        - Effect: Allow
          Principal: {Service: ecs-tasks.amazonaws.com}
          Action: sts:AssumeRole
```

Use instead:
```yaml
ECSTaskRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: ecs-tasks.amazonaws.com}
          Action: sts:AssumeRole
```

## References
- [AWS IAM User Guide: IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
- [AWS IAM User Guide: IAM policy elements: Variables and tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL110",
    name="trust-policy-without-version",
    summary="A trust policy has no Version: IAM applies the 2008-10-17 policy language",
    severity=Severity.LOW,
    tags=("correctness", "trust"),
    # AWS documents Version as mattering only for policy variables (and AL109 reports a
    # policy variable under 2008-10-17 where it breaks a condition): on its own the note
    # is style, which a user reads as noise, so it is opt-in.
    default=False,
)


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per known trust policy written without a Version element."""
    for role in model.roles:
        if role.has_version or not role.trust_known or not role.statements:
            continue
        location = role.trust_location or role.location
        yield Hit(
            location=location,
            message=(
                f"Role {role.label}: the trust policy has no Version, so IAM applies "
                '2008-10-17 (policy variables are plain text there); add "Version": '
                '"2012-10-17"'
            ),
            key=f"{role.address}/Version",
            variant=role.variant,
        )

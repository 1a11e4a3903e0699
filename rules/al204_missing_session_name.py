"""A role is assumed with no session name.

## What it does
Reports a Terraform provider or S3 backend `assume_role`, a `terraform_remote_state`
`assume_role`, a Terragrunt `iam_role`, or an AWS profile with `role_arn`, that sets no
session name (`session_name`, `role_session_name`, `iam_assume_role_session_name`).
The role ARN may be unresolved: the missing name is known either way. GitHub Actions
steps are not reported, because `configure-aws-credentials` always sets one.

## Why is this bad?
The session name is the last part of the assumed-role ARN
(`arn:aws:sts::111111111111:assumed-role/deploy/SESSION`) that CloudTrail records for
every call. Without it the SDK or Terraform picks a random or generic name, so an audit
cannot tell which pipeline, person or module made a change.

## Example
```hcl
provider "aws" {
  assume_role {
    role_arn = "arn:aws:iam::111111111111:role/terraform"
  }
}
```

Use instead:
```hcl
provider "aws" {
  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/terraform"
    session_name = "terraform-network"
  }
}
```

## References
- [AWS STS AssumeRole: RoleSessionName](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
- [AWS CLI: role_session_name](https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.findings import Hit, Severity
from assume_lint.model import AssumeAttempt, Model
from assume_lint.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers_callers import role_arn_label

RULE = RuleMeta(
    id="AL204",
    name="missing-session-name",
    summary="Role assumed without a session name",
    severity=Severity.INFO,
    tags=("audit", "cloudtrail"),
    default=False,
)

# kind -> the attribute the user should add
_SESSION_FIELD = {
    "provider": "session_name",
    "backend": "session_name",
    "remote-state": "session_name",
    "profile": "role_session_name",
    "terragrunt": "iam_assume_role_session_name",
}


def _missing(attempt: AssumeAttempt) -> bool:
    return (
        attempt.kind in _SESSION_FIELD
        and attempt.role_arn is not None
        and attempt.session_name is None
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per attempt that assumes a role without naming the session."""
    for attempt in model.attempts:
        if not _missing(attempt):
            continue
        caller = attempt.caller or attempt.address
        yield Hit(
            location=attempt.location,
            message=(
                f"{caller} assumes {role_arn_label(attempt)} with no session name: set "
                f"{_SESSION_FIELD[attempt.kind]} so CloudTrail can attribute the session"
            ),
            key=attempt.address,
            variant=attempt.variant,
        )

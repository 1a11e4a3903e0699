"""A role is assumed with no session name.

## What it does
Reports a Terraform provider or S3 backend `assume_role`, a `terraform_remote_state`
`assume_role`, a Terragrunt `iam_role`, or an AWS profile with `role_arn`, that sets no
session name (`session_name`, `role_session_name`, `iam_assume_role_session_name`).
The role ARN may be unresolved: the missing name is known either way. GitHub Actions
steps are not reported, because `configure-aws-credentials` always sets one. An
`aws sts assume-role` command in a script without `--role-session-name` is reported as
what it is: the AWS CLI requires the option, so the command fails (it is not judged by
the other caller rules either).

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

from assume_lint.model import AssumeAttempt, Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
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


# kind -> the generic name the tool gives the session instead
_DEFAULT_NAME = {
    "provider": "aws-go-sdk-<timestamp>",
    "backend": "aws-go-sdk-<timestamp>",
    "remote-state": "aws-go-sdk-<timestamp>",
    "profile": "botocore-session-<timestamp>",
    "terragrunt": "terragrunt-<timestamp>",
}


def _missing(attempt: AssumeAttempt) -> bool:
    return (
        attempt.kind in _SESSION_FIELD
        and attempt.role_arn is not None
        and attempt.session_name is None
    )


def _refused(attempt: AssumeAttempt) -> bool:
    """``aws sts assume-role`` without ``--role-session-name``: the CLI requires it, so
    the command fails; say that, rather than what CloudTrail would show had it run."""
    return attempt.kind == "cli" and attempt.session_name is None and attempt.refused is not None


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per attempt that assumes a role without naming the session."""
    for attempt in model.attempts:
        if _refused(attempt):
            yield Hit(
                location=attempt.location,
                message=(
                    f"{attempt.caller} has no --role-session-name: {attempt.refused}, so "
                    "this command fails before it calls STS; pass a session name that "
                    "names the job, for CloudTrail"
                ),
                key=attempt.address,
                variant=attempt.variant,
            )
            continue
        if not _missing(attempt):
            continue
        caller = attempt.caller or attempt.address
        yield Hit(
            location=attempt.location,
            message=(
                f"{caller} assumes {role_arn_label(attempt)} with no session name, so the "
                f"session gets a generic one ({_DEFAULT_NAME[attempt.kind]}): set "
                f"{_SESSION_FIELD[attempt.kind]} so CloudTrail can attribute the session"
            ),
            key=attempt.address,
            variant=attempt.variant,
        )

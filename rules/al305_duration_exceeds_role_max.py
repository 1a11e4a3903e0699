"""A caller requests a session longer than the role's maximum session duration.

## What it does
Matches every caller to the role it assumes when that role is defined in the scanned
tree (by ARN, or by role name and account), and compares the session duration the
caller requests (`duration_seconds` in a profile, `assume_role.duration` in Terraform,
`iam_assume_role_duration` in Terragrunt, `role-duration-seconds` in a workflow) with
the role's `max_session_duration` / `MaxSessionDuration` (3,600 seconds when the role
sets none). Reports at the caller's duration, with the role's setting (or the role) as
related location. An unresolved duration on either side is silent.

## Why is this bad?
STS rejects a request for more than the role's maximum with a `ValidationError`: the
pipeline or the profile stops working, typically only in the environment where the
longer duration was configured.

## Example
```hcl
resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
provider "aws" {
  assume_role {
    role_arn = "arn:aws:iam::111111111111:role/deploy"
    duration = "2h"
  }
}
```

Use instead:
```hcl
resource "aws_iam_role" "deploy" {
  name                 = "deploy"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 7200
}
```

## References
- [AWS STS: AssumeRole DurationSeconds](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
- [AWS IAM: Update the maximum session duration for a role](https://docs.aws.amazon.com/IAM/latest/UserGuide/roles-managingrole-editing-api.html#roles-modify_max-session-duration-api)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import AssumeAttempt, Model, Role
from assume_lint.model.findings import Hit, Location, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.model.roles import find_role_variants
from assume_lint.rules._helpers_callers import format_seconds, parse_duration

RULE = RuleMeta(
    id="AL305",
    name="duration-exceeds-role-max",
    summary="Caller requests a session longer than the role's maximum",
    severity=Severity.MEDIUM,
    tags=("consistency", "session"),
)

DEFAULT_MAX = 3600.0


def _role_max(role: Role) -> tuple[float, Location] | None:
    """The role's maximum session duration and where it is set (the role when defaulted)."""
    setting = role.max_session_duration
    if setting is None:
        return DEFAULT_MAX, role.location
    seconds = parse_duration(setting.value)
    return (seconds, setting.location) if seconds is not None else None


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per caller whose requested duration exceeds the in-tree role's maximum."""
    for attempt in model.attempts:
        if attempt.duration is None or attempt.role_arn is None:
            continue
        if attempt.refused:
            continue  # a command its own tool refuses never reaches STS
        requested = parse_duration(attempt.duration.value)
        if requested is None:
            continue
        for role in find_role_variants(model, attempt.role_arn.pattern):
            yield from _exceeds(attempt, role, requested)


def _exceeds(attempt: AssumeAttempt, role: Role, requested: float) -> Iterator[Hit]:
    """The hit when ``requested`` seconds exceed ``role``'s maximum (one variant)."""
    limit = _role_max(role)
    if limit is not None and requested > limit[0]:
        assert attempt.duration is not None
        maximum, where = limit
        source = "max_session_duration" if role.max_session_duration else "default maximum"
        yield Hit(
            location=attempt.duration.location,
            message=(
                f"{attempt.caller} requests a {format_seconds(requested)} s session from role "
                f"{role.label} ({role.address}), whose {source} is {format_seconds(maximum)} s: "
                f"STS will reject the request"
            ),
            key=f"{attempt.address}~{role.address}",
            related=(where,),
            variant=role.variant or attempt.variant,
        )

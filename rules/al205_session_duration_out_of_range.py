"""A requested session duration that STS will reject.

## What it does
Reports a requested session duration (`duration` / `duration_seconds` of a Terraform
`assume_role`, `assume_role_duration_seconds` of an S3 backend, `duration_seconds` of a
profile, `role-duration-seconds` of a workflow step) below 900 seconds or above 43,200
seconds; or above 3,600 seconds on a chained assumption (a profile whose
`source_profile` itself assumes a role, a step with `role-chaining: true`). Integer
seconds and Terraform's Go durations (`1h30m`) are read; an unresolved value is silent.

## Why is this bad?
STS `AssumeRole` accepts 900 to 43,200 seconds, and role chaining caps the session at
one hour whatever the role allows. A value outside the range makes the call fail
(`ValidationError`), usually only when the pipeline runs for real.

## Example
```ini
[profile admin]
role_arn = arn:aws:iam::111111111111:role/admin
source_profile = jump
duration_seconds = 14400
```

Use instead:
```ini
[profile admin]
role_arn = arn:aws:iam::111111111111:role/admin
source_profile = jump
duration_seconds = 3600
```

## References
- [AWS STS AssumeRole: DurationSeconds](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
- [AWS IAM: Role chaining](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import AssumeAttempt, Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers_callers import format_seconds, parse_duration

RULE = RuleMeta(
    id="AL205",
    name="session-duration-out-of-range",
    summary="Session duration below 900 s, above 43,200 s, or above 1 h when chained",
    severity=Severity.MEDIUM,
    tags=("correctness", "sts"),
)

MIN_SECONDS = 900
MAX_SECONDS = 43_200
CHAINED_MAX_SECONDS = 3_600


def _problem(seconds: float, chained: bool) -> str | None:
    """Why STS would reject this duration, or None when it accepts it."""
    if seconds < MIN_SECONDS:
        return f"below the minimum of {MIN_SECONDS} seconds"
    if seconds > MAX_SECONDS:
        return f"above the maximum of {MAX_SECONDS} seconds"
    if chained and seconds > CHAINED_MAX_SECONDS:
        return f"above the {CHAINED_MAX_SECONDS}-second cap of a chained role session"
    return None


def _hit(attempt: AssumeAttempt) -> Hit | None:
    attr = attempt.duration
    seconds = parse_duration(attr.value) if attr is not None else None
    if attr is None or seconds is None:
        return None
    problem = _problem(seconds, attempt.chained)
    if problem is None:
        return None
    caller = attempt.caller or attempt.address
    return Hit(
        location=attr.location,
        message=(
            f"{caller} requests a session of {format_seconds(seconds)} seconds, {problem}: "
            "STS will reject the call"
        ),
        key=attempt.address,
        variant=attempt.variant,
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per attempt whose known duration STS would reject."""
    for attempt in model.attempts:
        hit = _hit(attempt)
        if hit is not None:
            yield hit

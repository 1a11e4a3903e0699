"""An MFA condition in a trust policy that does not enforce MFA.

## What it does
Flags the MFA conditions that look like enforcement but are not:
- Allow with `BoolIfExists aws:MultiFactorAuthPresent "true"` (or any `...IfExists` on the
  MFA keys): it passes when the key is absent, which is the case for long-term access
  keys used without MFA;
- Allow with `Bool aws:MultiFactorAuthPresent "false"`: it admits sessions without MFA;
- `Null` on the MFA keys with the wrong polarity: `"false"` only tests that the key
  exists (temporary credentials without MFA have it), `"true"` in an Allow admits only
  callers without MFA;
- `ForAnyValue:`/`ForAllValues:` on the single-valued MFA keys (`ForAllValues` passes
  when the key is absent);
- `NumericGreaterThan(Equals)` on `aws:MultiFactorAuthAge` in an Allow (admits old MFA
  sessions, and nothing about fresh ones);
- a Deny with `Bool aws:MultiFactorAuthPresent "false"` (no `IfExists`) as the only MFA
  enforcement of the policy: the key is absent for long-term keys, so they are not denied.

A weak condition in an Allow statement that is still MFA-safe as a whole (for example
`BoolIfExists "true"` together with `Null "false"`) is not reported.

## Why is this bad?
The policy author meant to require MFA and believes it does; a leaked long-term access
key still reaches the role. Popular scanners accept `BoolIfExists` as MFA, and
the pattern is copied from documentation written for identity policies.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
 "Action": "sts:AssumeRole",
 "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
 "Action": "sts:AssumeRole",
 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
```
(in a Deny statement, use `BoolIfExists aws:MultiFactorAuthPresent "false"`).

## References
- AWS IAM User Guide: AWS global condition context keys (`aws:MultiFactorAuthPresent`).
- AWS IAM User Guide: Condition operators (`...IfExists`, `Null`).
- awsdocs/iam-user-guide issue #28 (BoolIfExists and long-term keys).
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Condition, Model, Role, Statement
from assume_lint.model.conditions import (
    MFA_AGE,
    MFA_KEYS,
    MFA_PRESENT,
    allows_without_mfa,
    deny_blocks_without_mfa,
    effective_mfa,
    is_allow,
    is_deny,
    normalise_key,
    parse_operator,
)
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import hit_key, related

RULE = RuleMeta(
    id="AL104",
    name="ineffective-mfa-condition",
    summary="An MFA condition that does not enforce MFA",
    severity=Severity.HIGH,
    tags=("security", "trust", "mfa"),
)


def _values(condition: Condition) -> set[str]:
    return {v.strip().lower() for v in condition.values if v is not None}


def _allow_problem(condition: Condition, key: str) -> str | None:
    """Why an MFA condition in an Allow statement does not require MFA."""
    op = parse_operator(condition.operator)
    if op is None:
        return None
    if op.family == "null":
        if "false" in _values(condition):
            return "Null only tests that the key exists"
        return 'Null "true" admits only callers without MFA'
    if op.if_exists:
        return f"{condition.operator} passes when the key is absent, as with long-term access keys"
    if key == MFA_PRESENT and op.base == "bool" and "false" in _values(condition):
        return 'Bool "false" in an Allow admits sessions without MFA'
    return None


def _shape_problem(statement: Statement, condition: Condition, key: str) -> str | None:
    """Mistakes whatever the rest of the statement says: set operators on the
    single-valued MFA keys, and a minimum instead of a maximum MFA age in an Allow."""
    op = parse_operator(condition.operator)
    if op is None:
        return None
    if op.qualifier is not None:
        return f"{condition.operator} is a set operator on a single-valued key"
    if is_allow(statement) and key == MFA_AGE and op.base.startswith("numericgreaterthan"):
        return f"{condition.operator} admits old MFA sessions; a maximum age needs NumericLessThan"
    return None


def _enforced_elsewhere(role: Role, skip: Statement) -> bool:
    """Does anything else in the policy enforce MFA (an Allow or another Deny)?"""
    others = [s for s in role.statements if s is not skip]
    if any(is_allow(s) and (effective_mfa(s) or allows_without_mfa(s) is False) for s in others):
        return True
    return deny_blocks_without_mfa(others, None) is not False


def _problems(role: Role, statement: Statement) -> Iterator[tuple[Condition, str]]:
    # Report an Allow's weak condition only when the statement as a whole (certainly)
    # admits a caller without MFA; unknown parts keep the rule silent.
    allow_weak = is_allow(statement) and allows_without_mfa(statement) is True
    for condition in statement.conditions:
        key = normalise_key(condition.key)
        if key not in MFA_KEYS:
            continue
        reason = _shape_problem(statement, condition, key)
        if reason is None and allow_weak:
            reason = _allow_problem(condition, key)
        if reason is None and is_deny(statement):
            reason = _deny_problem(role, statement, condition, key)
        if reason is not None:
            yield condition, reason


def _deny_problem(role: Role, statement: Statement, condition: Condition, key: str) -> str | None:
    """Why an MFA condition in a Deny statement does not block callers without MFA."""
    op = parse_operator(condition.operator)
    if op is None or op.if_exists:
        return None
    values = _values(condition)
    if op.family == "null":
        return 'Null "false" only tests that the key exists' if values == {"false"} else None
    weak = (key == MFA_PRESENT and op.base == "bool" and "false" in values) or (
        key == MFA_AGE and op.base.startswith("numericgreaterthan")
    )
    if not weak or _enforced_elsewhere(role, statement):
        return None
    return (
        f"a Deny with {condition.operator} (no IfExists) does not apply when the key is "
        "absent (long-term access keys) and nothing else enforces MFA"
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per ineffective MFA condition, at its key."""
    for role, statement in model.statements():
        for condition, reason in _problems(role, statement):
            yield Hit(
                location=condition.location,
                message=(
                    f"Role {role.label}: {condition.key} condition does not enforce MFA "
                    f'({reason}); use Bool aws:MultiFactorAuthPresent "true" in the Allow '
                    'statement, or BoolIfExists "false" in a Deny'
                ),
                key=hit_key(role, statement, condition.key),
                variant=role.variant,
                related=related(role, statement, condition.location),
            )

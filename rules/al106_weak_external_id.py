"""An `sts:ExternalId` condition that does not bind the caller to a secret value.

## What it does
Flags, in Allow statements, an `sts:ExternalId` condition that a caller can satisfy
without knowing the agreed value:
- an `...IfExists` operator, or `ForAllValues:` (both pass when the caller simply omits
  the ExternalId);
- a negated operator (`StringNotEquals`): every other value passes;
- `StringLike` with a `*` or `?` in the value;
- an empty value;
- a value shorter than `external-id-min-length` characters (default 8): short values
  can be guessed, and AWS requires at least 2 characters anyway.

Deny statements are not checked (`StringNotEquals` there is the usual way to enforce an
ExternalId). Unresolved values are not reported.

## Why is this bad?
The ExternalId protects a role that a third party assumes on your behalf against the
confused deputy problem: another customer of the same vendor must not be able to make
the vendor assume *your* role. That only works when the value is required, exact and
unguessable.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
 "Action": "sts:AssumeRole",
 "Condition": {"StringLikeIfExists": {"sts:ExternalId": "acme-*"}}}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
 "Action": "sts:AssumeRole",
 "Condition": {"StringEquals": {"sts:ExternalId": "7f3c1e9a-5b2d-4c8e-9a61-0d4f2b7e8c13"}}}
```

## Options
- `external-id-min-length` (integer, default 8): the shortest ExternalId accepted.

## References
- AWS IAM User Guide: How to use an external ID when granting access to your AWS
  resources to a third party.
- AWS IAM User Guide: The confused deputy problem.
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Condition, Model
from assume_lint.model.conditions import EXTERNAL_ID, conditions_on, is_allow, parse_operator
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import hit_key, related

RULE = RuleMeta(
    id="AL106",
    name="weak-external-id",
    summary="An sts:ExternalId condition that can be satisfied without the agreed value",
    severity=Severity.MEDIUM,
    tags=("security", "trust", "external-id"),
    options={"external-id-min-length": 8},
)

DEFAULT_MIN_LENGTH = 8


def _min_length(ctx: RuleContext) -> int:
    raw = ctx.options.get("external-id-min-length", DEFAULT_MIN_LENGTH)
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else DEFAULT_MIN_LENGTH


def _operator_problem(condition: Condition) -> str | None:
    """Why the operator itself lets a caller through without the value."""
    op = parse_operator(condition.operator)
    if op is None:
        return None
    if op.if_exists:
        return f"{condition.operator} passes when the caller omits the ExternalId"
    if op.qualifier == "forallvalues":
        return f"{condition.operator} passes when the caller omits the ExternalId"
    if op.family != "string":
        return None
    if op.negated:
        return f"{condition.operator} admits every value but the listed ones"
    return None


def _value_problem(condition: Condition, minimum: int) -> str | None:
    """Why one of the values does not bind (wildcard, empty, short)."""
    op = parse_operator(condition.operator)
    if op is None or op.family != "string" or op.negated:
        return None
    for value in condition.values:
        if value is None or "${" in value:
            continue
        if op.positive == "stringlike" and ("*" in value or "?" in value):
            return f"{condition.operator} with a wildcard value matches many ExternalIds"
        if not value.strip():
            return "the value is empty"
        if len(value) < minimum:
            return (
                f"a {len(value)}-character value is too easy to guess "
                f"(external-id-min-length is {minimum})"
            )
    return None


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per weak ExternalId condition of an Allow statement, at its key."""
    minimum = _min_length(ctx)
    for role, statement in model.statements():
        if not is_allow(statement):
            continue
        for condition in conditions_on(statement, EXTERNAL_ID):
            reason = _operator_problem(condition) or _value_problem(condition, minimum)
            if reason is None:
                continue
            yield Hit(
                location=condition.location,
                message=(
                    f"Role {role.label}: the sts:ExternalId condition does not bind ({reason}); "
                    "use StringEquals with the long random value agreed with the third party"
                ),
                key=hit_key(role, statement, condition.key),
                variant=role.variant,
                related=related(role, statement, condition.location),
            )

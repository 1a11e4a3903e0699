"""A trust statement grants more STS actions than the principal needs.

## What it does
- **medium**: an Allow statement grants a wildcard action that covers the assume
  actions (`*`, `sts:*`, `sts:AssumeRole*`, `sts:Assume*`) or uses `NotAction`, to a
  principal that is not an AWS service;
- **low**: an Allow statement grants `sts:TagSession` or `sts:SetSourceIdentity` by
  name with no condition on `aws:RequestTag/...`, `aws:TagKeys` or
  `sts:SourceIdentity`.

Reported at the action. Statements granting only to service principals are left alone
for the first check; unresolved actions and conditions are not reported.

## Why is this bad?
A wildcard grants every current and future STS action of the trust relationship,
including `sts:TagSession` and `sts:SetSourceIdentity`: the caller can then set any
session tag (defeating attribute-based access control that trusts `aws:PrincipalTag`)
or any source identity (defeating CloudTrail attribution). Name the one assume action
the principal uses, and constrain which tags or identities it may set.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"},
 "Action": "sts:*"}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"},
 "Action": ["sts:AssumeRole", "sts:TagSession"],
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}
```

## References
- AWS IAM User Guide: Passing session tags in AWS STS (`sts:TagSession`).
- AWS IAM User Guide: Monitor and control actions taken with assumed roles
  (`sts:SetSourceIdentity`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from assume_lint.files.secrets import mask_text
from assume_lint.model import Attr, Model, Statement
from assume_lint.model.conditions import (
    ASSUME_ACTIONS,
    action_matches,
    has_unknown_conditions,
    is_allow,
    normalise_key,
)
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import Grade, RuleContext, RuleMeta
from assume_lint.rules._helpers import hit_key, related

RULE = RuleMeta(
    id="AL108",
    name="broad-trust-action",
    summary="A trust statement grants wildcard STS actions or unconstrained session tags",
    severity=Severity.MEDIUM,
    tags=("security", "trust"),
    grades=(
        Grade(Severity.MEDIUM, "`*`, `sts:*`, `sts:AssumeRole*` or NotAction granted to "
              "non-service principals"),
        Grade(Severity.LOW, "sts:TagSession or sts:SetSourceIdentity with no condition on "
              "the tags or the source identity"),
    ),
)

SESSION_ACTIONS = ("sts:TagSession", "sts:SetSourceIdentity")
SESSION_KEYS = ("aws:requesttag/", "aws:tagkeys", "sts:sourceidentity")


def _is_wildcard(action: Attr) -> bool:
    """A wildcard action pattern that covers an assume action."""
    value = action.value
    if value is None or ("*" not in value and "?" not in value):
        return False
    return any(action_matches(value, wanted) for wanted in ASSUME_ACTIONS)


def _non_service(statement: Statement) -> bool:
    """True when some principal (or NotPrincipal's complement) is not an AWS service."""
    if statement.not_principal:
        return True
    return any(p.kind != "Service" for p in statement.principals)


def _session_constrained(statement: Statement) -> bool:
    return any(
        normalise_key(c.key).startswith(SESSION_KEYS) for c in statement.conditions
    ) or has_unknown_conditions(statement)


def _broad_hits(role_label: str, key: str, statement: Statement) -> Iterator[Hit]:
    if statement.not_action and statement.actions:
        first = statement.actions[0]
        yield Hit(
            location=first.location,
            message=(
                f"Role {role_label}: NotAction grants every STS action but the listed ones; "
                "name the assume action the principal needs"
            ),
            key=f"{key}/NotAction",
        )
        return
    for action in statement.actions:
        if _is_wildcard(action):
            yield Hit(
                location=action.location,
                message=(
                    f"Role {role_label}: action {action.value!r} grants every matching STS "
                    "action (TagSession, SetSourceIdentity...); name the assume action the "
                    "principal needs"
                ),
                key=f"{key}/{action.value}",
            )


def _session_hits(role_label: str, key: str, statement: Statement) -> Iterator[Hit]:
    if statement.not_action or _session_constrained(statement):
        return
    for action in statement.actions:
        value = action.value
        if value is None:
            continue
        named = next((a for a in SESSION_ACTIONS if a.lower() == value.strip().lower()), None)
        if named is None:
            continue
        yield Hit(
            location=action.location,
            message=(
                f"Role {role_label}: {named} is granted with no aws:RequestTag, aws:TagKeys "
                "or sts:SourceIdentity condition, so the caller may set any value; "
                "constrain it"
            ),
            key=f"{key}/{named}",
            severity=Severity.LOW,
        )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Wildcard assume actions (medium) and unconstrained session actions (low)."""
    for role, statement in model.statements():
        if not is_allow(statement):
            continue
        key = hit_key(role, statement)
        hits = [*_session_hits(role.label, key, statement)]
        if _non_service(statement):
            hits[:0] = _broad_hits(role.label, key, statement)
        for hit in hits:  # action values are quoted: mask anything credential-shaped
            yield replace(
                hit, message=mask_text(hit.message), key=mask_text(hit.key), variant=role.variant,
                related=related(role, statement, hit.location),
            )

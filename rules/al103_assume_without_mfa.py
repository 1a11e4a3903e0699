"""A human-capable principal may assume the role without MFA.

## What it does
Flags an Allow statement granting `sts:AssumeRole` to an IAM user ARN (in any account),
or to the root of one of your own accounts (`[trusted] accounts`, or the role's own
account), when neither the statement nor a Deny of the same policy enforces MFA and no
`sts:ExternalId` is required. MFA is enforced by `Bool aws:MultiFactorAuthPresent
"true"` or `NumericLessThan(Equals) aws:MultiFactorAuthAge` (no `IfExists`), or by a
Deny with `BoolIfExists aws:MultiFactorAuthPresent "false"`. `BoolIfExists ... "true"`
in an Allow does not count: it passes for long-term access keys (see AL104).

Account roots of foreign accounts are AL102's business and are never reported here.

## Why is this bad?
The users (or, through `:root`, every user of the account) can assume the role with a
leaked long-term access key alone. Requiring MFA on the role's trust policy makes a
stolen key insufficient to reach the role's permissions.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
 "Action": "sts:AssumeRole"}
```

Use instead:
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
 "Action": "sts:AssumeRole",
 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
```

## Options
- `mfa-exempt-principals` (list of globs, default `[]`): principals that cannot present
  MFA (automation users), e.g. `["arn:aws:iam::*:user/ci-*"]`.

## References
- AWS IAM User Guide: Configuring MFA-protected API access.
- AWS IAM User Guide: AWS global condition context keys (`aws:MultiFactorAuthPresent`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assume_lint.model import Model, Principal, Role, Statement
from assume_lint.model.conditions import has_unknown_conditions
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import (
    account_root_of,
    allow_statements,
    external_id_enforced,
    hit_key,
    iam_user_text,
    is_foreign_account_root,
    may_match_any_glob,
    mfa_enforced,
    own_accounts,
    related,
    shown,
    weak_conditions,
    weak_note,
)

RULE = RuleMeta(
    id="AL103",
    name="assume-without-mfa",
    summary="A human-capable principal may assume the role without MFA",
    severity=Severity.MEDIUM,
    tags=("security", "trust", "mfa"),
    options={"mfa-exempt-principals": []},
)


_MFA_KEYS = ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge")


def _exempt_patterns(ctx: RuleContext) -> tuple[str, ...]:
    raw = ctx.options.get("mfa-exempt-principals", [])
    if isinstance(raw, str):
        return (raw,)
    return tuple(str(item) for item in raw or ())


def _human(role: Role, principal: Principal, ctx: RuleContext) -> str | None:
    """A description of a human-capable principal, or None."""
    user = iam_user_text(principal)
    if user is not None:  # a user of any account, its ARN literal or partly known
        return f"IAM user {shown(user)}"
    account = account_root_of(principal)
    if account is not None and account in own_accounts(role, ctx):
        return f"every identity of account {account}"
    return None


def _needs_report(
    role: Role, statement: Statement, principal: Principal, exempt: Sequence[str]
) -> bool:
    text = principal.pattern
    if text is None or may_match_any_glob(text, exempt):
        return False
    if mfa_enforced(role, statement, principal) is not False:
        return False
    return external_id_enforced(role, statement, principal) is False


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per human-capable principal that can assume the role without MFA."""
    exempt = _exempt_patterns(ctx)
    for role, statement in allow_statements(model):
        if statement.not_principal or has_unknown_conditions(statement):
            continue
        humans = [
            (p, who)
            for p in statement.principals
            if not is_foreign_account_root(role, p, ctx) and (who := _human(role, p, ctx))
        ]
        for principal, who in humans:
            if not _needs_report(role, statement, principal, exempt):
                continue
            weak = weak_conditions(statement, _MFA_KEYS)
            fix = "use" if weak else "add"
            place = "instead" if weak else "to the trust statement"
            yield Hit(
                location=principal.location,
                message=(
                    f"Role {role.label} can be assumed by {who} without MFA"
                    f"{weak_note(weak)}; {fix} "
                    f'Bool aws:MultiFactorAuthPresent "true" {place}, or list '
                    "automation users under mfa-exempt-principals"
                ),
                key=hit_key(role, statement, principal.value if len(humans) > 1 else None),
                variant=role.variant,
                related=related(role, statement, principal.location),
            )

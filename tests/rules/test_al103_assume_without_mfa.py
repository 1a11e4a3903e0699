"""AL103 assume-without-mfa: human-capable principals that can assume without MFA."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition, Model, Role, Statement
from assume_lint.model.registry import RuleContext, Trusted
from assume_lint.rules import al102_cross_account_without_external_id as al102
from assume_lint.rules import al103_assume_without_mfa as rule

OWN = "111111111111"
USER = f"arn:aws:iam::{OWN}:user/alice"
FOREIGN_USER = "arn:aws:iam::999999999999:user/bob"
CTX = RuleContext(trusted=Trusted(accounts=frozenset({OWN})))


def run(m: Model, ctx: RuleContext = CTX) -> list[tuple[str, int]]:
    return [(rule.RULE.id, h.location.line) for h in rule.check(m, ctx)]


def one(
    *conds: Condition, who: str | None = USER, account: str | None = None, **extra: Any
) -> Role:
    """A role with one Allow statement at line 2 whose principal sits on line 4."""
    return role(
        statement(principals=[principal(who, line=4, col=9)], conditions=conds, line=2, **extra),
        account=account,
    )


MFA = "aws:MultiFactorAuthPresent"
CASES = [
    ("user, no conditions", one(), [("AL103", 4)]),
    ("foreign user", one(who=FOREIGN_USER), [("AL103", 4)]),
    ("user with path", one(who=f"arn:aws:iam::{OWN}:user/team/alice"), [("AL103", 4)]),
    ("own root (trusted)", one(who=f"arn:aws:iam::{OWN}:root"), [("AL103", 4)]),
    ("own bare account id", one(who=OWN), [("AL103", 4)]),
    (
        "role's own account root",
        one(who="arn:aws:iam::222222222222:root", account="222222222222"),
        [("AL103", 4)],
    ),
    ("BoolIfExists true is not MFA", one(cond("BoolIfExists", MFA, "true")), [("AL103", 4)]),
    ("Bool false", one(cond("Bool", MFA, "false")), [("AL103", 4)]),
    ("Null false", one(cond("Null", MFA, "false")), [("AL103", 4)]),
    ("ForAllValues", one(cond("ForAllValues:Bool", MFA, "true")), [("AL103", 4)]),
    (
        "MFA age IfExists",
        one(cond("NumericLessThanIfExists", "aws:MultiFactorAuthAge", "3600")),
        [("AL103", 4)],
    ),
    (
        "ExternalId IfExists",
        one(cond("StringEqualsIfExists", "sts:ExternalId", "abcdefgh")),
        [("AL103", 4)],
    ),
    (
        "SourceIp is not MFA",
        one(cond("IpAddress", "aws:SourceIp", "203.0.113.0/24")),
        [("AL103", 4)],
    ),
    # enforced
    ("Bool true", one(cond("Bool", MFA, "true")), []),
    ("Bool TRUE any case", one(cond("bool", "AWS:MultiFactorAuthPresent", "TRUE")), []),
    ("MFA age", one(cond("NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600")), []),
    (
        "BoolIfExists true + Null false",
        one(cond("BoolIfExists", MFA, "true"), cond("Null", MFA, "false")),
        [],
    ),
    ("ExternalId", one(cond("StringEquals", "sts:ExternalId", "abcdefgh")), []),
    # not in scope
    ("foreign root is AL102's", one(who="arn:aws:iam::999999999999:root"), []),
    ("role principal", one(who=f"arn:aws:iam::{OWN}:role/ci"), []),
    (
        "service principal",
        role(
            statement(principals=[principal("ec2.amazonaws.com", kind="Service", line=4)], line=2)
        ),
        [],
    ),
    ("Deny statement", one(effect="Deny"), []),
    ("other action", one(actions=["sts:TagSession"]), []),
    ("unknown principal", one(who=None), []),
    ("unknown condition value", one(cond("Bool", MFA, None)), []),
    ("unknown condition block", one(unknown_conditions=True), []),
]


@pytest.mark.parametrize(("case", "r", "expected"), CASES, ids=[c[0] for c in CASES])
def test_al103(case: str, r: Role, expected: list[tuple[str, int]]) -> None:
    assert run(model(roles=[r])) == expected


def _deny(*conds: Condition, who: str = "*") -> Statement:
    return statement(
        effect="Deny", principals=[principal(who, line=9)], conditions=conds, line=8, index=1
    )


DENY_CASES = [
    ("Deny BoolIfExists false enforces", _deny(cond("BoolIfExists", MFA, "false")), []),
    ("Deny for this user enforces", _deny(cond("BoolIfExists", MFA, "false"), who=USER), []),
    ("Deny Bool false does not", _deny(cond("Bool", MFA, "false")), [("AL103", 4)]),
    (
        "Deny for another user does not",
        _deny(cond("BoolIfExists", MFA, "false"), who=f"arn:aws:iam::{OWN}:user/carol"),
        [("AL103", 4)],
    ),
    (
        "Deny with an extra condition does not",
        _deny(cond("BoolIfExists", MFA, "false"), cond("StringEquals", "aws:SourceVpc", "vpc-1")),
        [("AL103", 4)],
    ),
]


@pytest.mark.parametrize(("case", "deny", "expected"), DENY_CASES, ids=[c[0] for c in DENY_CASES])
def test_deny_statements(case: str, deny: Statement, expected: list[tuple[str, int]]) -> None:
    allow = statement(principals=[principal(USER, line=4)], line=2)
    assert run(model(roles=[role(allow, deny)])) == expected


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ([], [("AL103", 4), ("AL103", 5)]),
        (["arn:aws:iam::*:user/ci-*"], [("AL103", 4)]),
        (["arn:aws:iam::111111111111:user/*"], []),
        (["arn:aws:iam::*:user/CI-*"], [("AL103", 4), ("AL103", 5)]),  # case-sensitive
        ("arn:aws:iam::*:user/ci-*", [("AL103", 4)]),  # a lone string is accepted
    ],
)
def test_mfa_exempt_principals(patterns: object, expected: list[tuple[str, int]]) -> None:
    st = statement(
        principals=[
            principal(USER, line=4),
            principal(f"arn:aws:iam::{OWN}:user/ci-deploy", line=5),
        ],
        line=2,
    )
    ctx = RuleContext(options={"mfa-exempt-principals": patterns}, trusted=CTX.trusted)
    assert run(model(roles=[role(st)]), ctx) == expected


def test_default_option_declared() -> None:
    assert rule.RULE.options == {"mfa-exempt-principals": []}


def test_never_double_reports_al102() -> None:
    st = statement(
        principals=[
            principal("arn:aws:iam::999999999999:root", line=3),
            principal(f"arn:aws:iam::{OWN}:root", line=4),
            principal(USER, line=5),
        ],
        line=2,
    )
    m = model(roles=[role(st)])
    l102 = [h.location.line for h in al102.check(m, CTX)]
    l103 = [h.location.line for h in rule.check(m, CTX)]
    assert l102 == [3]
    assert l103 == [4, 5]
    # without trusted accounts the own root becomes foreign: AL102 only, never both
    l102 = [h.location.line for h in al102.check(m, RuleContext())]
    l103 = [h.location.line for h in rule.check(m, RuleContext())]
    assert (l102, l103) == ([3, 4], [5])


def test_hit_details() -> None:
    st = statement(principals=[principal(USER, line=4, col=9)], line=2, sid="Humans")
    hits = list(rule.check(model(roles=[role(st)]), CTX))
    assert [(h.location.line, h.location.column, h.key) for h in hits] == [
        (4, 9, "aws_iam_role.deploy/Humans")
    ]
    assert hits[0].message == (
        f"Role deploy can be assumed by IAM user {USER} without MFA; add "
        'Bool aws:MultiFactorAuthPresent "true" to the trust statement, or list automation '
        "users under mfa-exempt-principals"
    )


def test_message_says_what_is_wrong_with_a_written_mfa_condition() -> None:
    weak = cond("BoolIfExists", "aws:MultiFactorAuthPresent", "true", line=6)
    stmt = statement(principals=[principal(f"arn:aws:iam::{OWN}:user/alice", line=4)],
                     conditions=[weak], line=2)
    [hit] = rule.check(model([role(stmt)]), CTX)
    assert "its BoolIfExists aws:MultiFactorAuthPresent condition does not bind" in hit.message
    assert 'use Bool aws:MultiFactorAuthPresent "true" instead' in hit.message
    assert " add " not in hit.message


# --------------------------------------------------------------------------- partly known users
# Terraform's aws_iam_user.admin.arn evaluates to arn:<?>:iam::<?>:user/admin (issue 14):
# an IAM user of some account, whatever the unknown parts (lead's decision on issue 13).

H = "\ue000"


def _user(partial: str) -> Model:
    from assume_lint.model import Principal
    from assume_lint.model.findings import Location

    who = Principal("AWS", None, Location("main.tf", 4, 9), partial=partial)
    return model([role(statement(principals=[who], line=2))])


def test_partly_known_user_arn_is_a_user_without_mfa() -> None:
    found = list(rule.check(_user(f"arn:{H}:iam::{H}:user/admin"), CTX))
    assert [(h.location.line, h.location.column) for h in found] == [(4, 9)]
    assert "IAM user arn:<?>:iam::<?>:user/admin" in found[0].message


@pytest.mark.parametrize(
    ("partial", "exempt", "expected"),
    [
        (f"arn:{H}:iam::{H}:user/admin", ["arn:aws:iam::*:user/ci-*"], 1),  # cannot match
        (f"arn:{H}:iam::{H}:user/admin", ["arn:aws:iam::*:user/*"], 0),  # may match
        (f"arn:{H}:iam::{H}:user/{H}", ["arn:aws:iam::*:user/ci-*"], 0),  # unknown name
        (f"arn:{H}:iam::{H}:role/admin", [], 0),  # a role, not a user
        (f"{H}", [], 0),  # nothing known
    ],
)
def test_partly_known_users_and_exemptions(partial: str, exempt: list[str], expected: int) -> None:
    ctx = RuleContext(options={"mfa-exempt-principals": exempt}, trusted=CTX.trusted)
    assert len(list(rule.check(_user(partial), ctx))) == expected

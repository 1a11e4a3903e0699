"""AL104 ineffective-mfa-condition: MFA conditions that do not enforce MFA."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition, Model, Statement
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al103_assume_without_mfa as al103
from assume_lint.rules import al104_ineffective_mfa_condition as rule

MFA = "aws:MultiFactorAuthPresent"
AGE = "aws:MultiFactorAuthAge"
USER = "arn:aws:iam::111111111111:user/alice"


def run(m: Model) -> list[tuple[str, int]]:
    return [(rule.RULE.id, h.location.line) for h in rule.check(m, RuleContext())]


def allow(*conds: Condition, **extra: Any) -> Statement:
    return statement(principals=[principal(USER, line=3)], conditions=conds, line=2, **extra)


def deny(*conds: Condition, line: int = 8, **extra: Any) -> Statement:
    return statement(
        effect="Deny",
        principals=[principal("*", line=line + 1)],
        conditions=conds,
        line=line,
        index=1,
        **extra,
    )


ALLOW_CASES = [
    ("BoolIfExists true", [cond("BoolIfExists", MFA, "true", line=6, col=11)], [("AL104", 6)]),
    (
        "boolifexists any case",
        [cond("boolifexists", "AWS:MULTIFACTORAUTHPRESENT", "true", line=6)],
        [("AL104", 6)],
    ),
    ("Bool false", [cond("Bool", MFA, "false", line=6)], [("AL104", 6)]),
    ("Null false", [cond("Null", MFA, "false", line=6)], [("AL104", 6)]),
    ("Null true", [cond("Null", MFA, "true", line=6)], [("AL104", 6)]),
    ("ForAnyValue", [cond("ForAnyValue:Bool", MFA, "true", line=6)], [("AL104", 6)]),
    ("ForAllValues", [cond("ForAllValues:Bool", MFA, "true", line=6)], [("AL104", 6)]),
    (
        "ForAnyValue on age",
        [cond("ForAnyValue:NumericLessThan", AGE, "3600", line=6)],
        [("AL104", 6)],
    ),
    ("NumericGreaterThan age", [cond("NumericGreaterThan", AGE, "3600", line=6)], [("AL104", 6)]),
    (
        "NumericGreaterThanEquals age",
        [cond("NumericGreaterThanEquals", AGE, "60", line=6)],
        [("AL104", 6)],
    ),
    (
        "NumericLessThanIfExists age",
        [cond("NumericLessThanIfExists", AGE, "3600", line=6)],
        [("AL104", 6)],
    ),
    (
        "weak next to other keys",
        [
            cond("StringEquals", "sts:ExternalId", "abcdefgh", line=5),
            cond("BoolIfExists", MFA, "true", line=6),
        ],
        [("AL104", 6)],
    ),
    # effective or not about MFA
    ("Bool true", [cond("Bool", MFA, "true", line=6)], []),
    ("NumericLessThan age", [cond("NumericLessThan", AGE, "3600", line=6)], []),
    ("no condition", [], []),
    ("other key", [cond("BoolIfExists", "aws:SecureTransport", "true", line=6)], []),
    (
        "safe combination",
        [cond("BoolIfExists", MFA, "true", line=6), cond("Null", MFA, "false", line=7)],
        [],
    ),
    (
        "NumericGreaterThan age is a mistake even next to Bool true",
        [cond("Bool", MFA, "true", line=6), cond("NumericGreaterThan", AGE, "60", line=7)],
        [("AL104", 7)],
    ),
    (
        "Bool false is harmless next to Bool true on the age key",
        [cond("NumericLessThan", AGE, "3600", line=6), cond("BoolIfExists", MFA, "true", line=7)],
        [],
    ),
    (
        "unknown value elsewhere",
        [cond("BoolIfExists", MFA, "true", line=6), cond("Null", MFA, None, line=7)],
        [],
    ),
    ("unknown operator", [cond("BoolIfExistz", MFA, "true", line=6)], []),
]


@pytest.mark.parametrize(
    ("case", "conds", "expected"), ALLOW_CASES, ids=[c[0] for c in ALLOW_CASES]
)
def test_allow_statements(
    case: str, conds: list[Condition], expected: list[tuple[str, int]]
) -> None:
    assert run(model(roles=[role(allow(*conds))])) == expected


def test_unknown_condition_block_is_silent() -> None:
    st = allow(cond("BoolIfExists", MFA, "true", line=6), unknown_conditions=True)
    assert run(model(roles=[role(st)])) == []


DENY_CASES = [
    (
        "Deny Bool false only enforcement",
        [allow()],
        [cond("Bool", MFA, "false", line=10)],
        [("AL104", 10)],
    ),
    (
        "Deny NumericGreaterThan age only enforcement",
        [allow()],
        [cond("NumericGreaterThan", AGE, "3600", line=10)],
        [("AL104", 10)],
    ),
    ("Deny Null false", [allow()], [cond("Null", MFA, "false", line=10)], [("AL104", 10)]),
    (
        "Deny ForAnyValue",
        [allow()],
        [cond("ForAnyValue:Bool", MFA, "false", line=10)],
        [("AL104", 10)],
    ),
    (
        "Deny BoolIfExists false is strict",
        [allow()],
        [cond("BoolIfExists", MFA, "false", line=10)],
        [],
    ),
    ("Deny Null true is fine", [allow()], [cond("Null", MFA, "true", line=10)], []),
    (
        "Deny Bool false next to Allow Bool true",
        [allow(cond("Bool", MFA, "true", line=5))],
        [cond("Bool", MFA, "false", line=10)],
        [],
    ),
    (
        "Deny Bool false next to a strict Deny",
        [allow(), deny(cond("BoolIfExists", MFA, "false", line=14), line=13)],
        [cond("Bool", MFA, "false", line=10)],
        [],
    ),
    (
        "Deny Bool false next to an unknown Deny",
        [allow(), deny(cond("BoolIfExists", MFA, None, line=14), line=13)],
        [cond("Bool", MFA, "false", line=10)],
        [],
    ),
]


@pytest.mark.parametrize(
    ("case", "others", "conds", "expected"), DENY_CASES, ids=[c[0] for c in DENY_CASES]
)
def test_deny_statements(
    case: str, others: list[Statement], conds: list[Condition], expected: list[tuple[str, int]]
) -> None:
    r = role(deny(*conds), *others)
    assert run(model(roles=[r])) == expected


def test_bool_if_exists_reported_by_both_al103_and_al104() -> None:
    m = model(roles=[role(allow(cond("BoolIfExists", MFA, "true", line=6)))])
    assert run(m) == [("AL104", 6)]
    assert [h.location.line for h in al103.check(m, RuleContext())] == [3]


def test_hit_details() -> None:
    st = allow(cond("BoolIfExists", MFA, "true", line=6, col=11), sid="Humans")
    hits = list(rule.check(model(roles=[role(st)]), RuleContext()))
    assert [(h.location.line, h.location.column, h.key) for h in hits] == [
        (6, 11, "aws_iam_role.deploy/Humans/aws:MultiFactorAuthPresent")
    ]
    assert hits[0].message == (
        "Role deploy: aws:MultiFactorAuthPresent condition does not enforce MFA "
        "(BoolIfExists passes when the key is absent, as with long-term access keys); use "
        'Bool aws:MultiFactorAuthPresent "true" in the Allow statement, or '
        'BoolIfExists "false" in a Deny'
    )


def test_every_role_checked() -> None:
    a = role(allow(cond("Bool", MFA, "false", line=6)))
    b = role(allow(cond("Bool", MFA, "false", line=30)), address="aws_iam_role.other", name="other")
    assert run(model(roles=[a, b])) == [("AL104", 6), ("AL104", 30)]

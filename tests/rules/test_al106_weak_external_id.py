"""AL106 weak-external-id."""

from __future__ import annotations

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al106_weak_external_id as rule

VENDOR = principal("arn:aws:iam::999999999999:root", line=4)


def run(
    *conds: Condition, effect: str = "Allow", ctx: RuleContext | None = None
) -> list[tuple[str, int]]:
    the_model = model(
        [role(statement(effect=effect, principals=[VENDOR], conditions=conds, line=2))]
    )
    return [(rule.RULE.id, h.location.line) for h in rule.check(the_model, ctx or RuleContext())]


EID = "sts:ExternalId"
CASES = [
    ("good", cond("StringEquals", EID, "7f3c1e9a-5b2d", line=6), []),
    ("IfExists", cond("StringEqualsIfExists", EID, "7f3c1e9a-5b2d", line=6), [("AL106", 6)]),
    (
        "ForAllValues",
        cond("ForAllValues:StringEquals", EID, "7f3c1e9a-5b2d", line=6),
        [("AL106", 6)],
    ),
    ("negated", cond("StringNotEquals", EID, "7f3c1e9a-5b2d", line=6), [("AL106", 6)]),
    ("like wildcard", cond("StringLike", EID, "acme-*", line=7), [("AL106", 7)]),
    ("like without wildcard is fine", cond("StringLike", EID, "acme-1234", line=7), []),
    ("equals with * is literal", cond("StringEquals", EID, "acme-123*", line=7), []),
    ("empty", cond("StringEquals", EID, "", line=8), [("AL106", 8)]),
    ("short", cond("StringEquals", EID, "abc", line=8), [("AL106", 8)]),
    ("exactly the minimum", cond("StringEquals", EID, "abcdefgh", line=8), []),
    ("case-insensitive key", cond("stringequals", "STS:EXTERNALID", "abc", line=8), [("AL106", 8)]),
    ("unknown value", cond("StringEquals", EID, None, line=8), []),
    ("other key", cond("StringEquals", "aws:PrincipalOrgID", "o-1", line=8), []),
]


@pytest.mark.parametrize(("name", "condition", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(name: str, condition: Condition, expected: list[tuple[str, int]]) -> None:
    assert run(condition) == expected


def test_deny_statements_are_not_checked() -> None:
    assert run(cond("StringNotEquals", EID, "abc", line=6), effect="Deny") == []


def test_min_length_option() -> None:
    ctx = RuleContext(options={"external-id-min-length": 20})
    assert run(cond("StringEquals", EID, "7f3c1e9a-5b2d", line=6), ctx=ctx) == [("AL106", 6)]
    assert rule.RULE.options == {"external-id-min-length": 8}


def test_message_does_not_quote_the_value() -> None:
    the_model = model(
        [role(statement(principals=[VENDOR], conditions=[cond("StringEquals", EID, "s3cr")]))]
    )
    (hit,) = rule.check(the_model, RuleContext())
    assert "s3cr" not in hit.message and "4-character" in hit.message

"""AL101 trust-any-principal: `*` principals with no strong guard."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition, Model, Role
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al101_trust_any_principal as rule


def run(m: Model, ctx: RuleContext | None = None) -> list[tuple[str, int]]:
    return [(rule.RULE.id, h.location.line) for h in rule.check(m, ctx or RuleContext())]


def one(*conds: Condition, who: str = "*", kind: str = "AWS", **extra: Any) -> Role:
    """A role with one Allow statement at line 2 whose principal sits on line 4."""
    return role(
        statement(
            principals=[principal(who, kind=kind, line=4, col=7)], conditions=conds, line=2, **extra
        )
    )


CASES = [
    ("AWS *", one(), [("AL101", 4)]),
    ("bare *", one(kind="*"), [("AL101", 4)]),
    (
        "Federated *",
        one(kind="Federated", actions=["sts:AssumeRoleWithWebIdentity"]),
        [("AL101", 4)],
    ),
    ("sts:* action", one(actions=["sts:*"]), [("AL101", 4)]),
    ("* action", one(actions=["*"]), [("AL101", 4)]),
    ("AssumeRole* action", one(actions=["STS:AssumeRole*"]), [("AL101", 4)]),
    (
        "only ExternalId",
        one(cond("StringEquals", "sts:ExternalId", "abc12345", line=6)),
        [("AL101", 4)],
    ),
    ("weak SourceIp", one(cond("IpAddress", "aws:SourceIp", "203.0.113.0/24")), [("AL101", 4)]),
    (
        "weak PrincipalTag",
        one(cond("StringEquals", "aws:PrincipalTag/team", "ops")),
        [("AL101", 4)],
    ),
    ("wildcard org id", one(cond("StringLike", "aws:PrincipalOrgID", "*")), [("AL101", 4)]),
    (
        "wildcard account in PrincipalArn",
        one(cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/deploy")),
        [("AL101", 4)],
    ),
    (
        "IfExists org id",
        one(cond("StringEqualsIfExists", "aws:PrincipalOrgID", "o-abc123")),
        [("AL101", 4)],
    ),
    # guarded
    ("org id guard", one(cond("StringEquals", "aws:PrincipalOrgID", "o-abc123")), []),
    (
        "org paths guard",
        one(cond("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-abc123/r-ab12/*")),
        [],
    ),
    ("account guard", one(cond("StringEquals", "aws:PrincipalAccount", "111111111111")), []),
    (
        "specific PrincipalArn",
        one(cond("ArnEquals", "aws:PrincipalArn", "arn:aws:iam::111111111111:role/ci")),
        [],
    ),
    ("SourceAccount guard", one(cond("StringEquals", "aws:SourceAccount", "111111111111")), []),
    (
        "SourceArn guard",
        one(cond("ArnLike", "aws:SourceArn", "arn:aws:sns:eu-west-1:111111111111:topic")),
        [],
    ),
    ("case-insensitive key", one(cond("stringequals", "AWS:PrincipalOrgId", "o-abc123")), []),
    # out of scope / unknown
    ("specific principal", one(who="arn:aws:iam::111111111111:root"), []),
    ("Deny statement", one(effect="Deny"), []),
    ("other action", one(actions=["sts:TagSession"]), []),
    ("unknown guard value", one(cond("StringEquals", "aws:PrincipalOrgID", None)), []),
    ("unknown condition block", one(unknown_conditions=True), []),
    ("unknown principal", one(who=None), []),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("case", "r", "expected"), CASES, ids=[c[0] for c in CASES])
def test_al101(case: str, r: Role, expected: list[tuple[str, int]]) -> None:
    assert run(model(roles=[r])) == expected


def test_principal_inside_list() -> None:
    st = statement(
        principals=[
            principal("arn:aws:iam::111111111111:root", line=3),
            principal("*", line=5),
        ],
        line=2,
    )
    assert run(model(roles=[role(st)])) == [("AL101", 5)]


def test_not_principal_with_allow() -> None:
    st = statement(
        principals=[principal("arn:aws:iam::111111111111:root", line=3)], not_principal=True, line=2
    )
    assert run(model(roles=[role(st)])) == [("AL101", 3)]


def test_deny_outside_org_is_a_guard() -> None:
    allow = statement(principals=[principal("*", line=4)], line=2)
    deny = statement(
        effect="Deny",
        principals=[principal("*", line=9)],
        line=8,
        conditions=[cond("StringNotEquals", "aws:PrincipalOrgID", "o-abc123")],
    )
    assert run(model(roles=[role(allow, deny)])) == []
    weak = statement(
        effect="Deny",
        principals=[principal("*", line=9)],
        line=8,
        conditions=[cond("StringNotEquals", "aws:UserAgent", "x")],
    )
    assert run(model(roles=[role(allow, weak)])) == [("AL101", 4)]


def test_hit_details() -> None:
    st = statement(
        principals=[principal("*", line=4, col=7)],
        line=2,
        sid="Open",
        conditions=[cond("StringEquals", "sts:ExternalId", "s3cr3tvalue")],
    )
    hits = list(rule.check(model(roles=[role(st, address="aws_iam_role.deploy")]), RuleContext()))
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.location.path, hit.location.line, hit.location.column) == ("t.json", 4, 7)
    assert hit.key == "aws_iam_role.deploy/Open"
    assert hit.message == (
        'Role deploy trusts any AWS principal ("AWS": "*") with no aws:PrincipalOrgID, '
        "aws:PrincipalAccount or aws:PrincipalArn guard; restrict the principal or add one"
    )
    assert "s3cr3tvalue" not in hit.message


def test_one_hit_per_statement_and_per_role() -> None:
    a = statement(principals=[principal("*", kind="*", line=3)], line=2, index=0)
    b = statement(principals=[principal("*", line=7)], line=6, index=1)
    other = role(
        statement(principals=[principal("*", line=20, path="b.json")], line=19, path="b.json"),
        address="b.json",
        path="b.json",
    )
    hits = list(rule.check(model(roles=[role(a, b), other]), RuleContext()))
    assert [(h.location.path, h.location.line, h.key) for h in hits] == [
        ("t.json", 3, "aws_iam_role.deploy/#0"),
        ("t.json", 7, "aws_iam_role.deploy/#1"),
        ("b.json", 20, "b.json/#0"),
    ]


def _message(*conds: Condition) -> str:
    [hit] = rule.check(model([one(*conds)]), RuleContext())
    return hit.message


def test_message_describes_a_guard_that_is_there_but_does_not_bind() -> None:
    """Never "no aws:PrincipalArn guard" when an ArnLike guard on it is written."""
    weak = _message(cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/deploy", line=6))
    assert "no aws:PrincipalOrgID" not in weak
    assert (
        "its ArnLike aws:PrincipalArn condition does not bind: 'arn:aws:iam::*:role/deploy' "
        "matches anybody's value" in weak
    )
    assert "with no aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn" in _message()


def test_if_exists_on_a_key_every_request_carries_still_guards() -> None:
    arn = "arn:aws:iam::111111111111:role/deploy"
    assert run(model([one(cond("ArnLikeIfExists", "aws:PrincipalArn", arn))])) == []
    # aws:PrincipalOrgID is absent for principals outside any organization: not a guard
    org = cond("StringEqualsIfExists", "aws:PrincipalOrgID", "o-abc123defg")
    assert run(model([one(org)])) == [("AL101", 4)]
    assert "...IfExists passes when the request does not carry the key" in _message(org)

"""AL107 service-confused-deputy."""

from __future__ import annotations

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition
from assume_lint.registry import RuleContext
from assume_lint.rules import al107_service_confused_deputy as rule


def run(service: str | None, *conds: Condition, **extra: object) -> list[tuple[str, int]]:
    st = statement(
        principals=[principal(service, kind="Service", line=4)], conditions=conds, line=2, **extra
    )
    return [(rule.RULE.id, h.location.line) for h in rule.check(model([role(st)]), RuleContext())]


CASES = [
    ("codebuild bare", "codebuild.amazonaws.com", (), [("AL107", 4)]),
    ("sns bare", "sns.amazonaws.com", (), [("AL107", 4)]),
    (
        "source account",
        "codebuild.amazonaws.com",
        (cond("StringEquals", "aws:SourceAccount", "111111111111"),),
        [],
    ),
    (
        "source arn",
        "events.amazonaws.com",
        (cond("ArnLike", "aws:SourceArn", "arn:aws:events:eu-west-1:111111111111:rule/x"),),
        [],
    ),
    (
        "source org",
        "config.amazonaws.com",
        (cond("StringEquals", "aws:SourceOrgID", "o-abc123"),),
        [],
    ),
    (
        "wildcard source account",
        "codebuild.amazonaws.com",
        (cond("StringLike", "aws:SourceAccount", "*"),),
        [("AL107", 4)],
    ),
    (
        "weak SourceIp",
        "codebuild.amazonaws.com",
        (cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"),),
        [("AL107", 4)],
    ),
    ("ec2 exempt", "ec2.amazonaws.com", (), []),
    ("lambda exempt", "lambda.amazonaws.com", (), []),
    ("china ec2 exempt", "ec2.amazonaws.com.cn", (), []),
    ("unknown service", None, (), []),
    (
        "unknown guard value",
        "codebuild.amazonaws.com",
        (cond("StringEquals", "aws:SourceAccount", None),),
        [],
    ),
]


@pytest.mark.parametrize(("name", "service", "conds", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    name: str, service: str | None, conds: tuple[Condition, ...], expected: list[tuple[str, int]]
) -> None:
    assert run(service, *conds) == expected


def test_deny_statements_and_aws_principals_are_ignored() -> None:
    assert run("codebuild.amazonaws.com", effect="Deny") == []
    st = statement(principals=[principal("arn:aws:iam::111111111111:role/x", line=4)])
    assert list(rule.check(model([role(st)]), RuleContext())) == []


def test_deny_unless_source_account_guards() -> None:
    allow = statement(
        principals=[principal("codebuild.amazonaws.com", kind="Service", line=4)], line=2
    )
    deny = statement(
        effect="Deny",
        principals=[principal("*", kind="*", line=9)],
        conditions=[cond("StringNotEquals", "aws:SourceAccount", "111111111111")],
        line=8,
    )
    assert list(rule.check(model([role(allow, deny)]), RuleContext())) == []

"""AL107 service-confused-deputy."""

from __future__ import annotations

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition
from assume_lint.model.registry import RuleContext
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
    # ...IfExists: the service sends the key when it acts for a resource (issue 13)
    (
        "IfExists source account",
        "codepipeline.amazonaws.com",
        (cond("StringEqualsIfExists", "aws:SourceAccount", "111111111111"),),
        [],
    ),
    (
        "IfExists source arn list",
        "cloudformation.amazonaws.com",
        (cond("ArnLikeIfExists", "aws:SourceArn", "arn:aws:cloudformation:*:111111111111:*",
              None),),
        [],
    ),
    (
        "IfExists with only a wildcard still names nobody",
        "codepipeline.amazonaws.com",
        (cond("StringLikeIfExists", "aws:SourceAccount", "*"),),
        [("AL107", 4)],
    ),
    (
        "documented ExternalId guard (Cognito SMS role)",
        "cognito-idp.amazonaws.com",
        (cond("StringEquals", "sts:ExternalId", "5f0c4b8e-3c8d-4c55-9a8f-1f2e3d4c5b6a"),),
        [],
    ),
    (
        "negated source account in an Allow",
        "codebuild.amazonaws.com",
        (cond("StringNotEquals", "aws:SourceAccount", "111111111111"),),
        [("AL107", 4)],
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


def _message(*conds: Condition) -> str:
    st = statement(
        principals=[principal("events.amazonaws.com", kind="Service", line=4)],
        conditions=conds,
        line=2,
    )
    [hit] = rule.check(model([role(st)]), RuleContext())
    return hit.message


def test_never_tells_to_add_a_condition_that_is_there() -> None:
    assert "add an aws:SourceAccount or aws:SourceArn condition" in _message()
    weak = _message(cond("StringLike", "aws:SourceArn", "*", line=6))
    assert "add" not in weak
    assert "its StringLike aws:SourceArn condition does not bind: '*'" in weak


def test_adf_style_pipeline_template() -> None:
    """A pipeline framework's deployment roles: ...IfExists source guards (one a list with
    a parameter), an ArnLike codebuild guard, a Cognito SMS role with its ExternalId, and
    one events role whose condition names nobody's resource."""
    from conftest import FIXTURES, lint_fixture

    assert lint_fixture(FIXTURES / "cfn_pipeline") == [
        ("AL107", "pipeline.yml", 87, "low"),
    ]

"""AL102 cross-account-without-external-id: foreign account roots with no binding guard."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cond, model, principal, role, statement

from assume_lint.model import Condition, Model, Role
from assume_lint.model.registry import RuleContext, Trusted
from assume_lint.rules import al102_cross_account_without_external_id as rule

FOREIGN = "arn:aws:iam::999999999999:root"
OWN = "111111111111"
CTX = RuleContext(trusted=Trusted(accounts=frozenset({OWN})))


def run(m: Model, ctx: RuleContext = CTX) -> list[tuple[str, int]]:
    return [(rule.RULE.id, h.location.line) for h in rule.check(m, ctx)]


def one(
    *conds: Condition, who: str | None = FOREIGN, account: str | None = None, **extra: Any
) -> Role:
    """A role with one Allow statement at line 2 whose principal sits on line 4."""
    return role(
        statement(principals=[principal(who, line=4, col=9)], conditions=conds, line=2, **extra),
        account=account,
    )


CASES = [
    ("foreign root", one(), [("AL102", 4)]),
    ("bare foreign account id", one(who="999999999999"), [("AL102", 4)]),
    ("gov partition root", one(who="arn:aws-us-gov:iam::999999999999:root"), [("AL102", 4)]),
    ("sts:* action", one(actions=["sts:*"]), [("AL102", 4)]),
    (
        "ExternalId IfExists does not bind",
        one(cond("StringEqualsIfExists", "sts:ExternalId", "tenant-8c1f4f2a")),
        [("AL102", 4)],
    ),
    (
        "BoolIfExists MFA is not MFA",
        one(cond("BoolIfExists", "aws:MultiFactorAuthPresent", "true")),
        [("AL102", 4)],
    ),
    ("weak SourceIp", one(cond("IpAddress", "aws:SourceIp", "203.0.113.0/24")), [("AL102", 4)]),
    (
        "PrincipalAccount is no guard here",
        one(cond("StringEquals", "aws:PrincipalAccount", "999999999999")),
        [("AL102", 4)],
    ),
    (
        "wildcard PrincipalArn",
        one(cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::999999999999:*")),
        [("AL102", 4)],
    ),
    # guarded
    ("ExternalId", one(cond("StringEquals", "sts:ExternalId", "tenant-8c1f4f2a")), []),
    ("ExternalId key case", one(cond("StringEquals", "STS:EXTERNALID", "tenant-8c1f4f2a")), []),
    ("effective MFA", one(cond("Bool", "aws:MultiFactorAuthPresent", "true")), []),
    ("MFA age", one(cond("NumericLessThan", "aws:MultiFactorAuthAge", "3600")), []),
    ("org id", one(cond("StringEquals", "aws:PrincipalOrgID", "o-abc123")), []),
    (
        "specific PrincipalArn",
        one(cond("ArnEquals", "aws:PrincipalArn", "arn:aws:iam::999999999999:role/vendor")),
        [],
    ),
    # not in scope
    ("own account (trusted)", one(who=f"arn:aws:iam::{OWN}:root"), []),
    ("role's own account", one(who="arn:aws:iam::222222222222:root", account="222222222222"), []),
    ("specific role ARN", one(who="arn:aws:iam::999999999999:role/vendor"), []),
    ("IAM user in foreign account", one(who="arn:aws:iam::999999999999:user/bob"), []),
    (
        "service principal",
        role(
            statement(principals=[principal("ec2.amazonaws.com", kind="Service", line=4)], line=2)
        ),
        [],
    ),
    ("Deny", one(effect="Deny"), []),
    ("web identity action only", one(actions=["sts:AssumeRoleWithWebIdentity"]), []),
    ("unknown principal", one(who=None), []),
    ("unknown ExternalId value", one(cond("StringEquals", "sts:ExternalId", None)), []),
    ("unknown condition block", one(unknown_conditions=True), []),
    ("unknown guard value", one(cond("StringEquals", "aws:PrincipalOrgID", None)), []),
]


@pytest.mark.parametrize(("case", "r", "expected"), CASES, ids=[c[0] for c in CASES])
def test_al102(case: str, r: Role, expected: list[tuple[str, int]]) -> None:
    assert run(model(roles=[r])) == expected


def test_without_trusted_accounts_every_root_is_foreign() -> None:
    r = one(who=f"arn:aws:iam::{OWN}:root")
    assert run(model(roles=[r]), RuleContext()) == [("AL102", 4)]


def test_deny_requiring_external_id_protects() -> None:
    allow = statement(principals=[principal(FOREIGN, line=4)], line=2)
    deny = statement(
        effect="Deny",
        principals=[principal("*", line=9)],
        line=8,
        conditions=[cond("StringNotEqualsIfExists", "sts:ExternalId", "tenant-8c1f")],
    )
    assert run(model(roles=[role(allow, deny)])) == []
    assert run(model(roles=[role(allow)])) == [("AL102", 4)]


def test_deny_requiring_mfa_protects() -> None:
    allow = statement(principals=[principal(FOREIGN, line=4)], line=2)
    deny = statement(
        effect="Deny",
        principals=[principal("*", line=9)],
        line=8,
        conditions=[cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false")],
    )
    assert run(model(roles=[role(allow, deny)])) == []


def test_several_foreign_accounts_in_one_statement() -> None:
    st = statement(
        principals=[
            principal(FOREIGN, line=4),
            principal(f"arn:aws:iam::{OWN}:root", line=5),
            principal("888888888888", line=6),
        ],
        line=2,
        sid="Vendors",
    )
    hits = list(rule.check(model(roles=[role(st)]), CTX))
    assert [(h.location.line, h.key) for h in hits] == [
        (4, "aws_iam_role.deploy/Vendors/999999999999"),
        (6, "aws_iam_role.deploy/Vendors/888888888888"),
    ]
    assert hits[0].message.startswith("Role deploy trusts account 999999999999 ")
    assert "sts:ExternalId" in hits[0].message


def test_single_principal_key() -> None:
    hits = list(rule.check(model(roles=[one()]), CTX))
    assert [(h.location.line, h.location.column, h.key) for h in hits] == [
        (4, 9, "aws_iam_role.deploy/#0")
    ]


def test_message_names_a_written_external_id_that_does_not_bind() -> None:
    weak = cond("StringEqualsIfExists", "sts:ExternalId", "a1b2c3d4e5f6", line=6)
    [hit] = rule.check(model([one(weak)]), CTX)
    assert "with no binding sts:ExternalId" in hit.message
    assert "its StringEqualsIfExists sts:ExternalId condition does not bind" in hit.message
    [plain] = rule.check(model([one()]), CTX)
    assert "with no sts:ExternalId, MFA" in plain.message and "binding" not in plain.message


def test_a_partly_known_account_is_unknown() -> None:
    """arn:aws:iam::${var.vendor_account}:root: whose account it is decides, so silent."""
    from assume_lint.model import Principal
    from assume_lint.model.findings import Location

    who = Principal("AWS", None, Location("main.tf", 4, 9), partial="arn:aws:iam::\ue000:root")
    assert run(model([role(statement(principals=[who], line=2))])) == []

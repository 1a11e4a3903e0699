"""AL109 invalid-trust-policy: structure errors, ARNs, unique ids, action/principal fit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import GITHUB_OIDC, attr, cond, loc, model, principal, role, statement

from assume_lint.files.sources import SourceFile
from assume_lint.model import Model, Principal
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.parsers.trust_json import parse_file
from assume_lint.rules import al109_invalid_trust_policy as rule

SAML = "arn:aws:iam::111111111111:saml-provider/Okta"


def run(m: Model) -> list[tuple[str, int]]:
    return [(rule.RULE.id, h.location.line) for h in rule.check(m, RuleContext())]


def one(who: Principal, actions: tuple[str, ...] = ("sts:AssumeRole",), **extra: object) -> Model:
    return model([role(statement(principals=[who], actions=actions, line=2, **extra))])


PRINCIPALS = [
    ("account root", principal("arn:aws:iam::111111111111:root", line=4), []),
    ("bare account", principal("111111111111", line=4), []),
    ("role", principal("arn:aws:iam::111111111111:role/ci", line=4), []),
    ("assumed role", principal("arn:aws:sts::111111111111:assumed-role/ci/s", line=4), []),
    ("gov partition", principal("arn:aws-us-gov:iam::111111111111:role/ci", line=4), []),
    ("star", principal("*", line=4), []),
    ("unique role id", principal("AROAEXAMPLEID12345678", line=4), [("AL109", 4)]),
    ("unique user id", principal("AIDAEXAMPLEID12345678", line=4), [("AL109", 4)]),
    ("short account", principal("arn:aws:iam::12345:root", line=4), [("AL109", 4)]),
    (
        "region in iam arn",
        principal("arn:aws:iam:eu-west-1:111111111111:root", line=4),
        [("AL109", 4)],
    ),
    ("not an arn", principal("arn:nope", line=4), [("AL109", 4)]),
    ("wildcard account", principal("arn:aws:iam::*:role/ci", line=4), [("AL109", 4)]),
    ("wildcard role", principal("arn:aws:iam::111111111111:role/ci-*", line=4), [("AL109", 4)]),
    ("s3 arn", principal("arn:aws:s3:::bucket", line=4), [("AL109", 4)]),
    ("bogus resource", principal("arn:aws:iam::111111111111:policy/x", line=4), [("AL109", 4)]),
    ("name only", principal("deploy-user", line=4), [("AL109", 4)]),
    ("unknown", principal(None, line=4), []),
]


@pytest.mark.parametrize(("name", "who", "expected"), PRINCIPALS, ids=[c[0] for c in PRINCIPALS])
def test_principal_forms(name: str, who: Principal, expected: list[tuple[str, int]]) -> None:
    assert run(one(who)) == expected


MISMATCH = [
    ("oidc with AssumeRole", GITHUB_OIDC, ("sts:AssumeRole",), [("AL109", 4)]),
    ("oidc with web identity", GITHUB_OIDC, ("sts:AssumeRoleWithWebIdentity",), []),
    ("oidc with sts:*", GITHUB_OIDC, ("sts:*",), []),
    (
        "cognito with AssumeRole",
        "cognito-identity.amazonaws.com",
        ("sts:AssumeRole",),
        [("AL109", 4)],
    ),
    ("saml with web identity", SAML, ("sts:AssumeRoleWithWebIdentity",), [("AL109", 4)]),
    ("saml with saml", SAML, ("sts:AssumeRoleWithSAML", "sts:TagSession"), []),
    (
        "malformed oidc arn",
        "arn:aws:iam::1:oidc-provider/x",
        ("sts:AssumeRoleWithWebIdentity",),
        [("AL109", 4)],
    ),
]


@pytest.mark.parametrize(
    ("name", "who", "actions", "expected"), MISMATCH, ids=[c[0] for c in MISMATCH]
)
def test_action_fits_principal(
    name: str, who: str, actions: tuple[str, ...], expected: list[tuple[str, int]]
) -> None:
    assert run(one(principal(who, kind="Federated", line=4), actions)) == expected


def test_aws_principal_with_only_federation_actions() -> None:
    who = principal("arn:aws:iam::111111111111:role/ci", line=4)
    assert run(one(who, ("sts:AssumeRoleWithSAML",))) == [("AL109", 4)]
    assert run(one(who, ("sts:AssumeRole", "sts:AssumeRoleWithSAML"))) == []


def test_unknown_actions_are_silent() -> None:
    from builders import attr

    who = principal(GITHUB_OIDC, kind="Federated", line=4)
    assert run(one(who, (attr(None),))) == []  # type: ignore[arg-type]


def test_structure_errors_are_reported_each_once() -> None:
    errors = (
        (loc(1), "the trust policy has no Statement"),
        (loc(5, 9), "Resource"),
        (loc(1), "the trust policy has no Statement"),
    )
    assert run(model([role(structure_errors=errors)])) == [("AL109", 1), ("AL109", 5)]


def test_secrets_are_masked_in_messages_and_keys() -> None:
    key = "AKIA" + "Q3EGRIXN5HLMW2PV"
    hits = list(rule.check(one(principal(key, line=4)), RuleContext()))
    assert hits and all(key not in h.message and key not in h.key for h in hits)


def _parse(text: str) -> Model:
    return parse_file(SourceFile(Path("t.json"), "t.json", text))


def test_end_to_end_from_json() -> None:
    text = (
        "{\n"
        '  "Statement": [{\n'
        '    "Sid": "deleted-role",\n'
        '    "Effect": "Allow",\n'
        '    "Principal": {"AWS": "AROAEXAMPLEID12345678"},\n'
        '    "Action": "sts:AssumeRole",\n'
        '    "Resource": "*"\n'
        "  }]\n"
        "}\n"
    )
    # the Sid's hyphen, the unique ID, the Resource; the missing Version is AL110's
    assert sorted(run(_parse(text))) == [("AL109", 3), ("AL109", 5), ("AL109", 7)]


# --------------------------------------------------------------------------- Version 2008-10-17


def _with_variable(value: str, **role_fields: Any) -> Model:
    stmt = statement(
        principals=[principal("arn:aws:iam::111111111111:root", line=4)],
        conditions=[cond("StringLike", "aws:PrincipalArn", value, line=7)],
        line=2,
    )
    return model([role(stmt, **role_fields)])


def test_policy_variable_under_the_default_2008_version_cannot_work() -> None:
    variable = "arn:aws:iam::111111111111:role/${aws:PrincipalTag/team}-*"
    assert run(_with_variable(variable, has_version=False)) == [("AL109", 7)]
    [hit] = rule.check(_with_variable(variable, has_version=False), RuleContext())
    assert "${aws:PrincipalTag/team}" in hit.message
    assert "the default when Version is missing" in hit.message


def test_policy_variable_under_a_written_2008_version_cannot_work() -> None:
    old = attr("2008-10-17", line=1)
    assert run(_with_variable("${aws:username}", version=old)) == [("AL109", 7)]


def test_policy_variable_under_2012_and_plain_text_under_2008_are_fine() -> None:
    new = attr("2012-10-17", line=1)
    assert run(_with_variable("arn:aws:iam::1:role/${aws:username}", version=new)) == []
    assert run(_with_variable("arn:aws:iam::111111111111:role/ci-*", has_version=False)) == []


def test_effect_in_lower_case_is_a_low_note_and_still_an_allow() -> None:
    """AFT's backup.tpl writes "allow"; IAM creates the role, AWS documents the value as
    case sensitive: a low note, not "AWS would reject it" (lead's decision, issue 13)."""
    text = (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        "    {\n"
        '      "Effect": "allow",\n'
        '      "Principal": {"Service": "backup.amazonaws.com"},\n'
        '      "Action": "sts:AssumeRole"\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )
    parsed = _parse(text)
    assert parsed.roles[0].structure_errors == ()
    hits = list(rule.check(parsed, RuleContext()))
    # at the Effect value, not at the statement: the line to edit
    assert [(h.location.line, h.location.column, h.severity) for h in hits] == [
        (5, 17, Severity.LOW)
    ]
    assert "write 'Allow'" in hits[0].message
    from assume_lint.rules import al107_service_confused_deputy as al107

    assert [h.location.line for h in al107.check(parsed, RuleContext())] == [6]


def test_account_factory_templates_effect_case_at_the_effect_line() -> None:
    """An AFT-shaped module: the lower-case Effect of a .tpl trust template reached
    through templatefile() is one low note at the Effect value (the line to edit); the
    identity policy (sts:AssumeRole, no Principal) and the Deny-"*" bucket policy are no
    trust policies; the events role has no source guard."""
    from conftest import FIXTURES, lint_fixture

    tpl = "modules/account-request/iam/trust-policies"
    assert lint_fixture(FIXTURES / "aft_style", "--min-severity", "info") == [
        ("AL107", f"{tpl}/events.tpl", 7, "low"),
        ("AL109", f"{tpl}/backup.tpl", 5, "low"),
    ]


def test_a_placeholder_account_is_named_as_the_account_field() -> None:
    who = principal("arn:aws:iam::ARBITRARY_AWS_ID:role/ARBITRARY_ROLE_NAME", line=4)
    [hit] = rule.check(one(who), RuleContext())
    assert "has the account 'ARBITRARY_AWS_ID'; it must be a 12-digit account id" in hit.message


def test_a_template_placeholder_is_unknown_not_malformed() -> None:
    who = principal("arn:${aws_partition}:iam::${account_id}:root", line=4)
    assert run(one(who)) == []

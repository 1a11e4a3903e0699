"""AL303 caller-missing-mfa: callers of in-tree MFA-only roles that cannot present MFA."""

from __future__ import annotations

import pytest
from builders import attempt, attr, cond, model, principal, role, statement

from assume_lint.model import AssumeAttempt, Condition, Role
from assume_lint.model.findings import Location
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al303_caller_missing_mfa as rule

ARN = "arn:aws:iam::444444444444:role/break-glass"
IAM = "infra/iam.tf"
MFA = cond("Bool", "aws:MultiFactorAuthPresent", "true", line=14, path=IAM)


def trust(*conditions: Condition) -> Role:
    stmt = statement(
        principals=[principal("arn:aws:iam::444444444444:root", line=12, path=IAM)],
        conditions=conditions,
        line=10,
        path=IAM,
    )
    return role(stmt, address="aws_iam_role.break_glass", name="break-glass", path=IAM)


def caller(
    kind: str = "profile", mfa: str | None | bool = False, static_keys: bool = False
) -> AssumeAttempt:
    """A caller with role_arn at line 7 of its file (mfa False: no mfa_serial)."""
    path = ".aws/config" if kind == "profile" else "main.tf"
    serial = None if mfa is False else attr(mfa or None, 8, 1, path)
    return attempt(
        kind,
        "x",
        f"{kind}.x",
        line=6,
        path=path,
        role_arn=attr(ARN, 7, 12, path),
        mfa_serial=serial,
        static_keys=static_keys,
    )


def run(*objects: Role | AssumeAttempt) -> list[tuple[str, int, str]]:
    roles = [o for o in objects if isinstance(o, Role)]
    attempts = [o for o in objects if isinstance(o, AssumeAttempt)]
    hits = rule.check(model(roles=roles, attempts=attempts), RuleContext())
    return [(rule.RULE.id, h.location.line, h.location.path) for h in hits]


CASES = [
    ("profile without mfa_serial", [trust(MFA), caller()], [("AL303", 7, ".aws/config")]),
    ("profile with mfa_serial", [trust(MFA), caller(mfa="arn:aws:iam::1:mfa/a")], []),
    ("profile with unresolved mfa_serial", [trust(MFA), caller(mfa=None)], []),
    # the runner's own credentials may be an MFA session (aws-vault): unknown, silent
    ("provider on ambient credentials", [trust(MFA), caller("provider")], []),
    ("backend on ambient credentials", [trust(MFA), caller("backend")], []),
    ("terragrunt iam_role", [trust(MFA), caller("terragrunt")], []),
    # access keys written in the block: long-term keys carry no MFA
    (
        "provider on its own access keys",
        [trust(MFA), caller("provider", static_keys=True)],
        [("AL303", 7, "main.tf")],
    ),
    (
        "backend on its own access keys",
        [trust(MFA), caller("backend", static_keys=True)],
        [("AL303", 7, "main.tf")],
    ),
    ("workflow step", [trust(MFA), caller("workflow")], [("AL303", 7, "main.tf")]),
    (
        "MFA age",
        [trust(cond("NumericLessThan", "aws:MultiFactorAuthAge", "3600")), caller()],
        [("AL303", 7, ".aws/config")],
    ),
    (
        "BoolIfExists is not enforcement",
        [trust(cond("BoolIfExists", "aws:MultiFactorAuthPresent", "true")), caller()],
        [],
    ),
    ("no MFA condition", [trust(), caller()], []),
    (
        "unresolved MFA value",
        [trust(cond("Bool", "aws:MultiFactorAuthPresent", None)), caller()],
        [],
    ),
    ("role not in tree", [caller()], []),
]


@pytest.mark.parametrize(("case", "objects", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, objects: list[Role | AssumeAttempt], expected: list[tuple[str, int, str]]
) -> None:
    assert run(*objects) == expected


def test_one_statement_without_mfa_admits_the_caller() -> None:
    mfa_only = trust(MFA)
    open_one = statement(
        principals=[principal("arn:aws:iam::444444444444:root")], line=20, path=IAM
    )
    both = role(*mfa_only.statements, open_one, address=mfa_only.address, name="break-glass")
    assert run(both, caller()) == []


def test_deny_without_mfa_counts() -> None:
    allow = statement(principals=[principal("*", kind="*")], line=10, path=IAM)
    deny = statement(
        effect="Deny",
        principals=[principal("*", kind="*")],
        conditions=[cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false")],
        line=20,
        path=IAM,
    )
    r = role(allow, deny, address="aws_iam_role.break_glass", name="break-glass", path=IAM)
    assert run(r, caller()) == [("AL303", 7, ".aws/config")]


def test_related_and_message() -> None:
    hits = list(rule.check(model(roles=[trust(MFA)], attempts=[caller()]), RuleContext()))
    assert [h.related for h in hits] == [(Location(IAM, 10, 1),)]
    assert "no mfa_serial" in hits[0].message


# --------------------------------------------------------------------------- profile sources
# A profile without mfa_serial cannot ask for a code, but the credentials it starts from
# may already be an MFA session: then whether the call carries MFA is unknown.


def test_profiles_whose_source_may_be_an_mfa_session_are_silent() -> None:
    """aws-vault's credential_process, IAM Identity Center and a chain through a role
    assumed with mfa_serial may all carry MFA; the CI instance role never does."""
    from conftest import FIXTURES, lint_fixture

    assert lint_fixture(FIXTURES / "mfa_sessions", "--select", "AL303") == [
        ("AL303", ".aws/config", 42, "medium"),  # break-glass-ci: Ec2InstanceMetadata
    ]


def _profile_caller(source: dict[str, str]) -> list[tuple[str, int, str]]:
    from builders import profile

    from assume_lint.model import AssumeAttempt

    selected = profile(
        "break-glass",
        {"role_arn": ARN, "source_profile": "mfa"},
        line=6,
    )
    who = AssumeAttempt(
        kind="profile",
        caller="profile break-glass",
        address=".aws/profile break-glass",
        location=Location(".aws/config", 7, 12),
        role_arn=attr(ARN, 7, 12, ".aws/config"),
    )
    source_profile = profile("mfa", source, file_kind="credentials", path=".aws/credentials")
    found = model(roles=[trust(MFA)], attempts=[who], profiles=[selected, source_profile])
    return [(rule.RULE.id, h.location.line, h.location.path)
            for h in rule.check(found, RuleContext())]


def test_source_profile_with_a_session_token_may_be_an_mfa_session() -> None:
    """`aws sts get-session-token --serial-number ...` written into a profile: the
    session may have been created with MFA. Long-term keys alone never are."""
    keys = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "example-secret"}
    assert _profile_caller({**keys, "aws_session_token": "example-token"}) == []
    assert _profile_caller(keys) == [("AL303", 7, ".aws/config")]


@pytest.mark.parametrize(("source", "expected"), [
    ("Environment", []),  # `aws-vault exec` puts an MFA session in AWS_* variables
    ("environment", []),
    ("Ec2InstanceMetadata", [("AL303", 7, ".aws/config")]),  # an instance role: no MFA
    ("EcsContainer", [("AL303", 7, ".aws/config")]),
])
def test_credential_source(source: str, expected: list[tuple[str, int, str]]) -> None:
    from builders import profile

    from assume_lint.model import AssumeAttempt

    selected = profile("break-glass", {"role_arn": ARN, "credential_source": source}, line=6)
    who = AssumeAttempt(
        kind="profile",
        caller="profile break-glass",
        address=".aws/profile break-glass",
        location=Location(".aws/config", 7, 12),
        role_arn=attr(ARN, 7, 12, ".aws/config"),
    )
    found = model(roles=[trust(MFA)], attempts=[who], profiles=[selected])
    assert [(rule.RULE.id, h.location.line, h.location.path)
            for h in rule.check(found, RuleContext())] == expected

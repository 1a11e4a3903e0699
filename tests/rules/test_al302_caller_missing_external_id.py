"""AL302 caller-missing-external-id: callers of in-tree roles that require an ExternalId."""

from __future__ import annotations

import pytest
from builders import attempt, attr, cond, model, principal, role, statement

from assume_lint.model import AssumeAttempt, Role
from assume_lint.model.findings import Location
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al302_caller_missing_external_id as rule

ARN = "arn:aws:iam::444444444444:role/tf-deploy"
EXT = "5d0c8e7a-2f4b-4c1e-9a6d-3b8f1e2c7d90"
IAM = "infra/iam.tf"


def trust(
    *conditions: object, name: str | None = "tf-deploy", unknown: bool = False, **extra: object
) -> Role:
    """A Terraform role (account unknown) whose one statement sits at iam.tf:10."""
    stmt = statement(
        principals=[principal("arn:aws:iam::555555555555:root", line=12, path=IAM)],
        conditions=conditions,  # type: ignore[arg-type]
        line=10,
        path=IAM,
        unknown_conditions=unknown,
    )
    return role(stmt, address="aws_iam_role.tf_deploy", name=name, path=IAM, **extra)


def needs_ext(*values: str | None) -> Role:
    return trust(cond("StringEquals", "sts:ExternalId", *(values or (EXT,)), line=14, path=IAM))


def caller(
    arn: str | None = ARN, external_id: str | None | bool = False, kind: str = "provider"
) -> AssumeAttempt:
    """A caller in providers.tf, role_arn at line 7 (external_id False: not written)."""
    ext = None if external_id is False else attr(external_id or None, 8, 5, "providers.tf")
    return attempt(
        kind,
        "aws",
        "provider.aws",
        line=4,
        path="providers.tf",
        role_arn=attr(arn, 7, 5, "providers.tf"),
        external_id=ext,
    )


def run(*objects: Role | AssumeAttempt) -> list[tuple[str, int, str]]:
    roles = [o for o in objects if isinstance(o, Role)]
    attempts = [o for o in objects if isinstance(o, AssumeAttempt)]
    hits = rule.check(model(roles=roles, attempts=attempts), RuleContext())
    return [(rule.RULE.id, h.location.line, h.location.path) for h in hits]


CASES = [
    ("no external id passed", [needs_ext(), caller()], [("AL302", 7, "providers.tf")]),
    (
        "profile without external id",
        [needs_ext(), caller(kind="profile")],
        [("AL302", 7, "providers.tf")],
    ),
    ("right external id", [needs_ext(), caller(external_id=EXT)], []),
    ("wrong literal", [needs_ext(), caller(external_id="other")], [("AL302", 7, "providers.tf")]),
    ("one of several accepted", [needs_ext("a", EXT), caller(external_id=EXT)], []),
    ("unresolved external id passed", [needs_ext(), caller(external_id=None)], []),
    ("trust does not require one", [trust(), caller()], []),
    (
        "IfExists does not require one",
        [trust(cond("StringEqualsIfExists", "sts:ExternalId", EXT, line=14, path=IAM)), caller()],
        [],
    ),
    ("unresolved ARN", [needs_ext(), caller(arn=None)], []),
    ("other role name", [needs_ext(), caller(arn="arn:aws:iam::444444444444:role/other")], []),
    (
        "name matches case-insensitively",
        [needs_ext(), caller(arn="arn:aws:iam::444444444444:role/ci/TF-Deploy")],
        [("AL302", 7, "providers.tf")],
    ),
    (
        "role account differs",
        [trust(cond("StringEquals", "sts:ExternalId", EXT), account="111111111111"), caller()],
        [],
    ),
    (
        "role account equal",
        [trust(cond("StringEquals", "sts:ExternalId", EXT), account="444444444444"), caller()],
        [("AL302", 7, "providers.tf")],
    ),
    (
        "ambiguous: two roles of that name",
        [
            needs_ext(),
            trust(cond("StringEquals", "sts:ExternalId", EXT), name="tf-deploy"),
            caller(),
        ],
        [],
    ),
    (
        "other conditions unresolved: the ExternalId one still binds",
        [trust(cond("StringEquals", "sts:ExternalId", EXT), unknown=True), caller()],
        [("AL302", 7, "providers.tf")],
    ),
    (
        "unresolved expected value, literal passed",
        [needs_ext(None), caller(external_id="abc")],
        [],
    ),
]


@pytest.mark.parametrize(("case", "objects", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, objects: list[Role | AssumeAttempt], expected: list[tuple[str, int, str]]
) -> None:
    assert run(*objects) == expected


def test_exact_arn_match_wins_over_name() -> None:
    by_arn = trust(cond("StringEquals", "sts:ExternalId", EXT), arn=ARN)
    other = trust(name="tf-deploy")  # a same-named role of unknown account, no ExternalId
    assert run(by_arn, other, caller()) == [("AL302", 7, "providers.tf")]


def test_related_is_the_trust_statement_and_message() -> None:
    hits = list(rule.check(model(roles=[needs_ext()], attempts=[caller()]), RuleContext()))
    assert len(hits) == 1
    assert hits[0].related == (Location(IAM, 10, 1),)
    assert hits[0].key == "provider.aws~aws_iam_role.tf_deploy"
    assert "passes no ExternalId" in hits[0].message
    assert EXT not in hits[0].message


def test_deny_without_external_id_counts() -> None:
    allow = statement(principals=[principal("*", kind="*")], line=10, path=IAM)
    deny = statement(
        effect="Deny",
        principals=[principal("*", kind="*")],
        conditions=[cond("Null", "sts:ExternalId", "true")],
        line=20,
        path=IAM,
    )
    r = role(allow, deny, address="aws_iam_role.tf_deploy", name="tf-deploy", path=IAM)
    assert run(r, caller()) == [("AL302", 7, "providers.tf")]


def test_statement_for_other_principal_kind_is_ignored() -> None:
    service = statement(
        principals=[principal("ec2.amazonaws.com", kind="Service")], line=20, path=IAM
    )
    r = needs_ext()
    both = role(*r.statements, service, address=r.address, name=r.name, path=IAM)
    assert run(both, caller()) == [("AL302", 7, "providers.tf")]

"""AL305 duration-exceeds-role-max: requested session longer than the role allows."""

from __future__ import annotations

import pytest
from builders import attempt, attr, model, principal, role, statement

from assume_lint.model import AssumeAttempt, Attr, Role
from assume_lint.model.findings import Location
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al305_duration_exceeds_role_max as rule

ARN = "arn:aws:iam::444444444444:role/audit"
IAM = "infra/iam.tf"


def audit(max_duration: str | None | bool = "3600", **extra: object) -> Role:
    """The audit role at iam.tf:3; max_session_duration at line 5 (False: not set)."""
    setting: Attr | None = (
        None
        if max_duration is False
        else attr(max_duration if isinstance(max_duration, str) else None, 5, 3, IAM)
    )
    stmt = statement(principals=[principal("arn:aws:iam::555555555555:root")], line=8, path=IAM)
    return role(
        stmt,
        address="aws_iam_role.audit",
        name="audit",
        line=3,
        path=IAM,
        max_session_duration=setting,
        **extra,
    )


def caller(duration: str | None, arn: str | None = ARN, kind: str = "provider") -> AssumeAttempt:
    """A caller whose duration sits at line 9 of providers.tf."""
    return attempt(
        kind,
        "aws",
        "provider.aws.audit",
        line=4,
        path="providers.tf",
        role_arn=attr(arn, 7, 5, "providers.tf"),
        duration=attr(duration, 9, 5, "providers.tf"),
    )


def run(*objects: Role | AssumeAttempt) -> list[tuple[str, int, str]]:
    roles = [o for o in objects if isinstance(o, Role)]
    attempts = [o for o in objects if isinstance(o, AssumeAttempt)]
    hits = rule.check(model(roles=roles, attempts=attempts), RuleContext())
    return [(rule.RULE.id, h.location.line, h.location.path) for h in hits]


CASES = [
    ("go duration over max", [audit(), caller("2h")], [("AL305", 9, "providers.tf")]),
    ("seconds over max", [audit(), caller("7200", kind="profile")], [("AL305", 9, "providers.tf")]),
    ("equal to max", [audit(), caller("1h")], []),
    ("under max", [audit(), caller("900")], []),
    ("max raised", [audit("43200"), caller("2h")], []),
    ("default max when unset", [audit(False), caller("3601")], [("AL305", 9, "providers.tf")]),
    ("unresolved max", [audit(None), caller("2h")], []),
    ("unresolved duration", [audit(), caller(None)], []),
    ("unparseable duration", [audit(), caller("two hours")], []),
    ("unresolved role", [audit(), caller("2h", arn=None)], []),
    ("role not in tree", [caller("2h")], []),
    ("matched by ARN", [audit(arn=ARN), caller("2h")], [("AL305", 9, "providers.tf")]),
    ("other account", [audit(account="111111111111"), caller("2h")], []),
]


@pytest.mark.parametrize(("case", "objects", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, objects: list[Role | AssumeAttempt], expected: list[tuple[str, int, str]]
) -> None:
    assert run(*objects) == expected


def test_related_is_the_setting_or_the_role() -> None:
    set_hits = list(rule.check(model(roles=[audit()], attempts=[caller("2h")]), RuleContext()))
    assert [h.related for h in set_hits] == [(Location(IAM, 5, 3),)]
    assert "7200 s" in set_hits[0].message and "3600 s" in set_hits[0].message
    unset = list(rule.check(model(roles=[audit(False)], attempts=[caller("2h")]), RuleContext()))
    assert [h.related for h in unset] == [(Location(IAM, 3, 1),)]
    assert "default maximum" in unset[0].message

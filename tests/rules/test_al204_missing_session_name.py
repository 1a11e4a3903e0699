"""AL204 missing-session-name: role attempts without a session name."""

from __future__ import annotations

import pytest
from builders import attempt, attr, model

from assume_lint.model import AssumeAttempt
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al204_missing_session_name as rule

ARN = "arn:aws:iam::111111111111:role/deploy"


def run(*attempts: AssumeAttempt) -> list[tuple[str, int]]:
    return [
        (rule.RULE.id, h.location.line) for h in rule.check(model(attempts=attempts), RuleContext())
    ]


CASES = [
    ("provider", [attempt(line=3, role_arn=attr(ARN, 5))], [("AL204", 3)]),
    (
        "backend",
        [attempt("backend", "s3", "terraform.backend.s3", line=8, role_arn=attr(ARN, 9))],
        [("AL204", 8)],
    ),
    ("remote state", [attempt("remote-state", line=2, role_arn=attr(ARN, 4))], [("AL204", 2)]),
    ("terragrunt", [attempt("terragrunt", line=1, role_arn=attr(ARN, 1))], [("AL204", 1)]),
    (
        "profile",
        [
            attempt(
                "profile",
                "profile dev",
                "profile dev",
                line=4,
                path=".aws/config",
                role_arn=attr(ARN, 5),
            )
        ],
        [("AL204", 4)],
    ),
    ("unresolved role", [attempt(line=6, role_arn=attr(None, 7))], [("AL204", 6)]),
    ("session name set", [attempt(line=3, role_arn=attr(ARN, 4), session_name=attr("tf", 5))], []),
    (
        "session name unresolved",
        [attempt(line=3, role_arn=attr(ARN, 4), session_name=attr(None, 5))],
        [],
    ),
    ("no role", [attempt(line=3)], []),
    ("workflow sets its own", [attempt("workflow", line=3, role_arn=attr(ARN, 4))], []),
    (
        "two attempts",
        [
            attempt(line=3, role_arn=attr(ARN, 4)),
            attempt(line=10, role_arn=attr(ARN, 11), alias="west"),
        ],
        [("AL204", 3), ("AL204", 10)],
    ),
]


@pytest.mark.parametrize(("case", "attempts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(case: str, attempts: list[AssumeAttempt], expected: list[tuple[str, int]]) -> None:
    assert run(*attempts) == expected


def test_message_names_caller_role_and_field() -> None:
    profile = attempt("profile", "profile dev", "profile dev", line=4, role_arn=attr(ARN, 5))
    [hit] = rule.check(model(attempts=[profile]), RuleContext())
    assert hit.message.startswith(f"profile dev assumes {ARN} with no session name")
    assert "role_session_name" in hit.message
    assert hit.key == "profile dev"
    unresolved = attempt(line=3, role_arn=attr(None, 4, source="var.role_arn"))
    [hit] = rule.check(model(attempts=[unresolved]), RuleContext())
    assert "var.role_arn" in hit.message and "session_name" in hit.message


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.INFO

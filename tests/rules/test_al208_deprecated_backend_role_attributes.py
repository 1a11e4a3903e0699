"""AL208 deprecated-backend-role-attributes: one hit per deprecated backend attribute."""

from __future__ import annotations

import pytest
from builders import attempt, loc, model

from assume_lint.model import AssumeAttempt
from assume_lint.model.findings import Location, Severity
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al208_deprecated_backend_role_attributes as rule


def backend(*names: tuple[str, int], kind: str = "backend") -> AssumeAttempt:
    deprecated = tuple((name, loc(line, 5, "backend.tf")) for name, line in names)
    return attempt(
        kind, "s3", "terraform.backend.s3", line=2, path="backend.tf", deprecated=deprecated
    )


def run(*attempts: AssumeAttempt) -> list[tuple[str, int]]:
    return [
        (rule.RULE.id, h.location.line) for h in rule.check(model(attempts=attempts), RuleContext())
    ]


CASES = [
    ("role_arn", [backend(("role_arn", 6))], [("AL208", 6)]),
    (
        "several",
        [backend(("role_arn", 6), ("session_name", 7), ("assume_role_duration_seconds", 8))],
        [("AL208", 6), ("AL208", 7), ("AL208", 8)],
    ),
    ("none", [backend()], []),
    ("not a backend", [backend(("role_arn", 6), kind="provider")], []),
    ("no attempts", [], []),
]


@pytest.mark.parametrize(("case", "attempts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(case: str, attempts: list[AssumeAttempt], expected: list[tuple[str, int]]) -> None:
    assert run(*attempts) == expected


def test_message_location_and_key() -> None:
    names = (("assume_role_duration_seconds", 8), ("assume_role_policy_arns", 9), ("odd_thing", 10))
    hits = list(rule.check(model(attempts=[backend(*names)]), RuleContext()))
    assert hits[0].location == Location("backend.tf", 8, 5)
    assert "assume_role_duration_seconds is deprecated since Terraform 1.6" in hits[0].message
    assert "assume_role = { duration = ... }" in hits[0].message
    assert "assume_role = { policy_arns = ... }" in hits[1].message
    assert "move it into assume_role" in hits[2].message
    assert hits[0].key == "terraform.backend.s3/assume_role_duration_seconds"


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.INFO
